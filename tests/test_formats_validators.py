"""The EPUBs pass the real validators: EPUBCheck (0 errors, 0 warnings) and DAISY Ace (0 violations).

Both are checked on the built-in guide and on a small Markdown guide built
here. ``scripts/test`` installs the validators (Debian's epubcheck with a
Java runtime; ``@daisy/ace-cli`` from npm into ``.tools/``); where one cannot
be installed its tests are skipped, saying which and why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from click.testing import CliRunner

from audioguide.cli import main
from audioguide.formats.epub import write_epub
from audioguide.manifest import load_manifest

from .archives import materialised, served

ROOT = Path(__file__).resolve().parent.parent
EPUBCHECK_JARS = [Path(os.environ.get("EPUBCHECK_JAR", "/nonexistent")),
                  Path("/usr/share/java/epubcheck.jar")]
ACE_COMMANDS = [ROOT / ".tools" / "node_modules" / ".bin" / "ace-cli",
                Path(shutil.which("ace") or "/nonexistent")]
CHROMIUM = Path(os.environ.get("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium"))

LEAFLET = """# Looking after your hands

Writer's cramp is a dystonia of the hand. It is not caused by overuse.
Q&A: is a dose < 5 units "low"? It's 'low' for some ]]> not for others.￾

## Treatment

Treatments that can help:

- Botulinum toxin injections, every 3 months.
- Exercises with a hand therapist. Ask your GP to refer you.
- A thicker pen, which needs a lighter grip.

## Getting help

Call the helpline on 0345 458 3000. It is open from 9am to 5pm.
"""


def _epubcheck() -> list[str] | str:
    """The command that runs EPUBCheck (its class path; the class to run follows), or why there is none."""
    java = shutil.which("java")
    jar = next((path for path in EPUBCHECK_JARS if path.is_file()), None)
    if not java or not jar:
        return ("EPUBCheck is not installed (scripts/test installs Debian's epubcheck and "
                "default-jre-headless where apt-get is available)")
    # A run of a few seconds: HotSpot's quick compiler alone and the serial collector
    # halve the CPU it takes (the checks are the same); other JVMs ignore the options.
    return [java, "-XX:+IgnoreUnrecognizedVMOptions", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-cp", str(jar)]


# EPUBCheck's own command-line checker on each EPUB in turn, in one Java process: most of
# a run is the JVM starting and EPUBCheck loading its schemas, which the later books reuse.
# Each book's output is framed by a line naming it and a line with the exit code
# EPUBCheck's command line would have ended with.
EPUBCHECK_EACH = """
public class EpubCheckEach {
    public static void main(String[] paths) {
        System.setErr(System.out);
        for (String path : paths) {
            System.out.println("@@@ check " + path);
            int code = new com.adobe.epubcheck.tool.EpubChecker().run(new String[] {path});
            System.out.println("@@@ exit " + code);
        }
    }
}
"""
EPUBCHECK_RUN = re.compile(r"^@@@ check ([^\n]*)\n(.*?)^@@@ exit (-?\d+)$", re.M | re.S)


def _epubcheck_each(run: subprocess.CompletedProcess, paths: dict[str, Path]) -> dict[str, subprocess.CompletedProcess]:
    """One result per book from the run of EPUBCHECK_EACH; the whole output where a book's is missing."""
    found = {match.group(1): (match.group(2), int(match.group(3))) for match in EPUBCHECK_RUN.finditer(run.stdout)}
    results = {}
    for name, path in paths.items():
        output, code = found.get(str(path), (run.stdout, run.returncode or 1))
        results[name] = subprocess.CompletedProcess(run.args, code if run.returncode == 0 else run.returncode, output)
    return results


def _ace() -> list[str] | str:
    """The command that runs DAISY Ace, or why there is none."""
    ace = next((path for path in ACE_COMMANDS if path.is_file()), None)
    if ace is None or not shutil.which("node"):
        return ("DAISY Ace is not installed (scripts/test installs @daisy/ace-cli into .tools/ "
                "where npm is available)")
    if not CHROMIUM.is_file():
        return f"DAISY Ace needs Chromium at {CHROMIUM} (scripts/test installs Debian's chromium)"
    return [str(ace)]


@pytest.fixture(scope="module")
def markdown_epub(tmp_path_factory, segment_cache) -> Path:
    """A Markdown leaflet built as a user builds it, asking for the EPUB and the DAISY book."""
    folder = tmp_path_factory.mktemp("markdown-guide")
    source = folder / "hands.md"
    source.write_text(LEAFLET, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(folder / "build"), "--cache-dir",
                                       str(segment_cache.directory), "--formats", "epub,daisy", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[-1])["formats"] == ["mp3", "epub", "daisy"]
    manifest = load_manifest(folder / "build")
    assert manifest.language == "en-GB" and [c.title for c in manifest.chapters] == [
        "Introduction", "Treatment", "Getting help"]
    # The book as the server sends it: assembled from the build's files when read.
    book = folder / "served.epub"
    book.write_bytes(served(folder / "build", manifest.formats["epub"].download, manifest.slug))
    with zipfile.ZipFile(book) as archive:
        text = archive.read("EPUB/text/01-introduction.xhtml").decode("utf-8")
    for escaped in ("Q&amp;A: is a dose &lt; 5 units &quot;low&quot;?", "It&#x27;s &#x27;low&#x27;", "]]&gt;"):
        assert escaped in text
    assert "\ufffe" not in text
    return book


@pytest.fixture(scope="module")
def epubs(built_guide, markdown_epub) -> dict[str, Path]:
    """The built-in guide's EPUB, the Markdown guide's, and the Markdown guide's written with no author."""
    build = markdown_epub.parent / "build"
    anonymous = build.parent / "anonymous.epub"
    write_epub(replace(load_manifest(build), author=""), build, anonymous)
    built_in = materialised(built_guide, load_manifest(built_guide).formats["epub"].download)
    return {"built-in": built_in, "markdown": markdown_epub,
            "no author": anonymous}


def _run_all(commands: dict[str, list[str]], env: dict[str, str] | None = None,
             timeout: float = 600) -> dict[str, subprocess.CompletedProcess]:
    """Run the commands at once (each validator starts slowly) and wait for all of them."""
    started = {name: subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                      env={**os.environ, **(env or {})})
               for name, command in commands.items()}
    results = {}
    for name, process in started.items():
        output, _ = process.communicate(timeout=timeout)
        results[name] = subprocess.CompletedProcess(process.args, process.returncode, output)
    return results


@pytest.fixture(scope="module")
def validations(epubs, tmp_path_factory):
    """Both validators on every EPUB, at once (each spends most of its time starting up):
    (command or reason it is missing, by validator), results by (validator, guide), Ace's reports."""
    reports = tmp_path_factory.mktemp("ace-reports")
    tools = {"epubcheck": _epubcheck(), "ace": _ace()}
    commands = {}
    if isinstance(tools["epubcheck"], list):
        each = tmp_path_factory.mktemp("epubcheck") / "EpubCheckEach.java"
        each.write_text(EPUBCHECK_EACH, encoding="utf-8")
        commands["epubcheck"] = [*tools["epubcheck"], str(each), *map(str, epubs.values())]
    for name, path in epubs.items():
        if isinstance(tools["ace"], list):
            commands[("ace", name)] = [*tools["ace"], "--force", "--outdir", str(reports / name), str(path)]
    environment = {"PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM), "PUPPETEER_SKIP_DOWNLOAD": "1"}
    results = _run_all(commands, environment)
    if "epubcheck" in results:
        for name, result in _epubcheck_each(results.pop("epubcheck"), epubs).items():
            results[("epubcheck", name)] = result
    return tools, results, reports


def _results(validations, tool: str) -> dict[str, subprocess.CompletedProcess]:
    tools, results, _ = validations
    if isinstance(tools[tool], str):
        pytest.skip(tools[tool])
    return {name: result for (which, name), result in results.items() if which == tool}


def test_epubcheck_finds_no_error_and_no_warning(validations):
    for name, result in _results(validations, "epubcheck").items():
        print(f"--- EPUBCheck, {name} guide ---\n{result.stdout}")
        counts = re.search(r"Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?", result.stdout)
        clean = "No errors or warnings detected" in result.stdout
        assert result.returncode == 0 and (clean or counts and counts.groups()[:3] == ("0", "0", "0")), (
            f"{name} guide's EPUB:\n{result.stdout}")


def _outcomes(node) -> list[tuple[str, str]]:
    """(rule, outcome) of every rule's assertion in an Ace report, however deep."""
    found = []
    if isinstance(node, dict):
        if "earl:test" in node and "earl:result" in node:
            found.append((node["earl:test"].get("dct:title", "?"), node["earl:result"].get("earl:outcome")))
        for value in node.values():
            found += _outcomes(value)
    elif isinstance(node, list):
        for value in node:
            found += _outcomes(value)
    return found


def test_ace_reports_no_violation(validations, epubs):
    reports = validations[2]
    for name, result in _results(validations, "ace").items():
        print(f"--- Ace, {name} guide ---\n{result.stdout}")
        assert result.returncode == 0, result.stdout
        report = json.loads((reports / name / "report.json").read_text(encoding="utf-8"))
        violations = _outcomes(report["assertions"])  # Ace lists only what failed, under each document
        assert report["earl:result"]["earl:outcome"] == "pass" and not violations, (name, violations)
        checked = {document["earl:testSubject"]["url"] for document in report["assertions"]}
        with zipfile.ZipFile(epubs[name]) as book:
            documents = {n.removeprefix("EPUB/") for n in book.namelist() if n.endswith(".xhtml")}
        assert documents <= checked, f"Ace did not check {sorted(documents - checked)}"
        assert all(d["earl:result"]["earl:outcome"] == "pass" for d in report["assertions"])
