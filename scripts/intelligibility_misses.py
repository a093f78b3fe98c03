"""Which written words the default voice misses that bare espeak-ng hears, word by word.

    .venv/bin/python scripts/intelligibility_misses.py [LEAFLET ...] [--tries 3] [-- BUILD OPTIONS]

For each leaflet of the intelligibility corpus (built-in, asthma, warfarin),
bare espeak-ng reads the raw text once and the guide is built --tries times
with the default engine (a fresh cache each time), every reading transcribed
and scored exactly as scripts/intelligibility.py does. It prints each try's
missed share, then the written words the builds missed in at least a third
of the tries while bare espeak-ng heard them, with their neighbours and what
the recogniser wrote instead, and the words bare espeak-ng missed. Build
options after "--" (for example `-- --rate 175`) try another setting.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import intelligibility as bench  # noqa: E402


def misses(reference: list[str], hypothesis: list[str]) -> dict[int, str]:
    """Index of each reference word missed -> what the recogniser wrote there."""
    import jiwer

    result = jiwer.process_words(" ".join(reference), " ".join(hypothesis) or "<nothing>")
    heard = result.hypotheses[0]
    found = {}
    for chunk in result.alignments[0]:
        if chunk.type in ("substitute", "delete"):
            instead = " ".join(heard[chunk.hyp_start_idx:chunk.hyp_end_idx]) or "(nothing)"
            for index in range(chunk.ref_start_idx, chunk.ref_end_idx):
                found[index] = instead
    return found


def around(reference: list[str], index: int) -> str:
    return f"{' '.join(reference[max(0, index - 3):index])} [{reference[index]}] {' '.join(reference[index + 1:index + 3])}"


def compare(recogniser, leaflet: str, source: Path, tries: int, options: list[str], work: Path) -> None:
    from audioguide.manifest import load_manifest

    text = bench.leaflet_words(source)
    reference = bench.normalise(text)
    wavs, _, _ = bench.bare_espeak(source, text, work)
    bare = misses(reference, bench.normalise(" ".join(recogniser.transcribe(wav) for wav in wavs)))
    counts: Counter = Counter()
    heard_as: dict[int, str] = {}
    shares = []
    for attempt in range(tries):
        out = work / f"{leaflet}-{attempt}"
        bench.build(source, options, out, work / f"cache-{leaflet}-{attempt}")
        heard = " ".join(recogniser.transcribe(out / chapter.audio.path) for chapter in load_manifest(out).chapters)
        missed = misses(reference, bench.normalise(heard))
        shares.append(len(missed) / len(reference))
        counts.update(missed.keys())
        for index, instead in missed.items():
            heard_as.setdefault(index, instead)
        shutil.rmtree(out)
    median = sorted(shares)[(len(shares) - 1) // 2]
    bare_share = len(bare) / len(reference)
    print(f"== {leaflet}: {len(reference)} words; bare espeak-ng {bare_share:.1%}; default "
          f"{', '.join(f'{share:.1%}' for share in shares)} (median {median:.1%}, {median / bare_share:.2f}x)")
    only_default = sum(n for index, n in counts.items() if index not in bare) / tries
    only_bare = sum(tries - counts[index] for index in bare) / tries
    print(f"   per try: {only_default:.1f} words missed by the default voice alone, "
          f"{only_bare:.1f} missed by bare espeak-ng alone")
    for index in sorted(counts):
        if index not in bare and counts[index] * 3 >= tries:
            print(f"   default {counts[index]}/{tries}  {around(reference, index):55s} heard: {heard_as[index]}")
    for index in sorted(bare):
        print(f"   bare  {counts[index]}/{tries} also  {around(reference, index):55s} heard: {bare[index]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("leaflets", nargs="*", help="built-in, asthma, warfarin (default: all)")
    parser.add_argument("--tries", type=int, default=3)
    # Everything after "--" is for the build; argparse would take it as leaflet names.
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    arguments, options = parser.parse_args(argv[:cut]), argv[cut + 1:]
    recogniser = bench.Recogniser()
    with tempfile.TemporaryDirectory(prefix="audioguide-misses-") as work:
        for leaflet, source in bench.corpus():
            if not arguments.leaflets or leaflet in arguments.leaflets:
                compare(recogniser, leaflet, source, arguments.tries, options, Path(work))


if __name__ == "__main__":
    main()
