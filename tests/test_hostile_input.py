"""Hostile input files: a guide.toml naming a device, a pipe or a file outside its
folder, a lexicon that never ends, a list nested deep, a 400-digit number.
Each is refused in one line (exit 2) or read correctly; nothing hangs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audioguide.content import parse_markdown
from audioguide.lexicon import Lexicon
from audioguide.narration import narrate

LEAFLET = "Title\n\nHeading\n\nSome text to say.\n"


def script(*args, timeout=60) -> subprocess.CompletedProcess:
    """``audioguide script`` reads the guide and its lexicon, and says nothing aloud."""
    return subprocess.run([sys.executable, "-m", "audioguide", "script", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def one_line_error(result) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    (line,) = result.stderr.splitlines()
    assert line.startswith("audioguide: error: ")
    return line


def guide_folder(tmp_path: Path, **keys: str) -> Path:
    folder = tmp_path / "guide"
    folder.mkdir(exist_ok=True)
    (folder / "leaflet.txt").write_text(LEAFLET, encoding="utf-8")
    keys.setdefault("source", "leaflet.txt")
    lines = ["[guide]"] + [f"{key} = {value!r}".replace("'", '"') for key, value in keys.items()]
    (folder / "guide.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("key", ["source", "lexicon"])
@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom"])
def test_a_device_named_in_guide_toml_is_refused(tmp_path, key, target):
    line = one_line_error(script(guide_folder(tmp_path, **{key: target})))
    assert "guide.toml" in line and target in line


@pytest.mark.parametrize("key", ["source", "lexicon"])
def test_a_pipe_named_in_guide_toml_is_refused_not_waited_on(tmp_path, key):
    folder = guide_folder(tmp_path)
    os.mkfifo(folder / "pipe")
    guide_folder(tmp_path, **{key: "pipe"})
    line = one_line_error(script(folder))
    assert "pipe" in line


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_lexicon_option_naming_a_device_or_pipe_is_refused(tmp_path, target):
    if target == "fifo":
        target = tmp_path / "fifo"
        os.mkfifo(target)
    (tmp_path / "leaflet.txt").write_text(LEAFLET, encoding="utf-8")
    line = one_line_error(script(tmp_path / "leaflet.txt", "--lexicon", target))
    assert str(target) in line


@pytest.mark.parametrize("key", ["source", "lexicon"])
def test_files_outside_the_guide_folder_are_not_read(tmp_path, key):
    private = tmp_path / "private"
    private.mkdir()
    (private / "notes.txt").write_text("Secret\n\nPrivate\n\nMy private notes.\n", encoding="utf-8")
    for name in ("../private/notes.txt", str(private / "notes.txt")):
        result = script(guide_folder(tmp_path, **{key: name}))
        line = one_line_error(result)
        assert "outside the guide folder" in line
        assert "private notes" not in result.stdout


def test_a_symlink_out_of_the_guide_folder_is_not_read(tmp_path):
    (tmp_path / "secret.txt").write_text("Secret\n\nPrivate\n\nMy private notes.\n", encoding="utf-8")
    folder = guide_folder(tmp_path, source="link.txt")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    result = script(folder)
    assert "outside the guide folder" in one_line_error(result)


def test_a_huge_lexicon_is_refused_before_it_is_read_whole(tmp_path):
    lexicon = tmp_path / "big.toml"
    with open(lexicon, "wb") as handle:
        handle.truncate(200 << 20)  # 200 MB of NUL bytes, sparse
    (tmp_path / "leaflet.txt").write_text(LEAFLET, encoding="utf-8")
    line = one_line_error(script(tmp_path / "leaflet.txt", "--lexicon", lexicon))
    assert "over the limit" in line


def test_a_list_nested_twelve_deep_keeps_every_item():
    text = "# T\n\n## H\n\n" + "".join("  " * level + f"- level {level}\n" for level in range(12))
    (block,) = [block for section in parse_markdown(text).sections for block in section.blocks]
    assert block.texts == tuple(f"level {level}" for level in range(12))


def test_a_400_digit_number_is_said_digit_by_digit():
    number = "7" * 400
    script_ = narrate(parse_markdown(f"# T\n\n## H\n\nThe code is {number}.\n"), Lexicon())
    spoken = " ".join(segment.spoken for segment in script_.segments)
    assert spoken.count("seven") == 400
