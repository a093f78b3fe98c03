"""A small library for the tests of serving and exporting one: a few tiny
leaflets and a broken one, built by the library build itself
(``audioguide build SOURCE... -o LIBRARY``'s function)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from audioguide.library import build_library

#: file name (the guide's slug) -> leaflet. Titles start with different letters (and one with a
#: figure); one sentence is said in only one guide, for the search tests.
LEAFLETS = {
    "taking-warfarin-safely.txt": (
        "Taking warfarin safely\n\n"
        "What warfarin does\n\n"
        "Warfarin makes your blood take longer to clot.\n\n"
        "Your yellow book\n\n"
        "Keep your yellow anticoagulant book with you at every appointment.\n"
    ),
    "using-an-asthma-inhaler.md": (
        "---\nlanguage: en-GB\n---\n"
        "# Using an asthma inhaler\n\n"
        "## Before you start\n\nShake the inhaler well.\n\n"
        "## Breathing in\n\nBreathe in slowly and hold your breath for ten seconds.\n"
    ),
    "24-hour-urine-collection.txt": (
        "24 hour urine collection\n\n"
        "The container\n\n"
        "Use only the container the clinic gave you.\n"
    ),
    "eczema-in-children.txt": (
        "Éczema in children\n\n"
        "Moisturisers\n\n"
        "Use plenty of moisturiser, several times a day.\n"
    ),
}
#: Not a PDF inside: the build reports it and goes on with the others.
BROKEN = ("broken.pdf", b"%PDF-1.7\n this is not a PDF after all")


def make_library(root: Path, sources: Path, cache) -> Path:
    """Build every leaflet of LEAFLETS, and BROKEN, into the library ``root``."""
    sources.mkdir(parents=True, exist_ok=True)
    for name, text in LEAFLETS.items():
        (sources / name).write_text(text, encoding="utf-8")
    (sources / BROKEN[0]).write_bytes(BROKEN[1])
    result = build_library([sources], root, configure=lambda guide: replace(guide, formats=("mp3",)),
                           cache=cache, workers=1)
    assert sorted(result.built) == sorted(Path(name).stem for name in LEAFLETS), result
    assert [problem.source for problem in result.problems] == [str(sources / BROKEN[0])], result.problems
    return root
