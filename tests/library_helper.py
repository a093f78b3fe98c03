"""A small library for the tests of serving and exporting one: a few tiny
guides built with ``build_guide`` into ``LIBRARY/<slug>/`` and the
``library.json`` that lists them (the library build's format)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from audioguide.build import build_guide
from audioguide.content import slugify
from audioguide.guides import load_guide
from audioguide.manifest import load_manifest

#: file name -> leaflet. Titles start with different letters (and one with a
#: figure); one sentence is said in only one guide, for the search tests.
LEAFLETS = {
    "warfarin.txt": (
        "Taking warfarin safely\n\n"
        "What warfarin does\n\n"
        "Warfarin makes your blood take longer to clot.\n\n"
        "Your yellow book\n\n"
        "Keep your yellow anticoagulant book with you at every appointment.\n"
    ),
    "asthma.md": (
        "---\nlanguage: en-GB\n---\n"
        "# Using an asthma inhaler\n\n"
        "## Before you start\n\nShake the inhaler well.\n\n"
        "## Breathing in\n\nBreathe in slowly and hold your breath for ten seconds.\n"
    ),
    "urine.txt": (
        "24 hour urine collection\n\n"
        "The container\n\n"
        "Use only the container the clinic gave you.\n"
    ),
    "eczema.txt": (
        "Éczema in children\n\n"
        "Moisturisers\n\n"
        "Use plenty of moisturiser, several times a day.\n"
    ),
}
PROBLEMS = [{"source": "broken.pdf", "message": "broken.pdf: damaged or truncated PDF"}]


def make_library(root: Path, sources: Path, cache) -> Path:
    """Build every leaflet of LEAFLETS into ``root/<slug>/`` and write ``root/library.json``."""
    sources.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, text in LEAFLETS.items():
        source = sources / name
        source.write_text(text, encoding="utf-8")
        guide = replace(load_guide(source), formats=("mp3",))
        result = build_guide(guide, root / guide.slug, cache=cache, workers=1)
        manifest = load_manifest(result.build_dir)
        # Named by title, unlike the guide's own slug (its file's name): the
        # library's name for a guide is the one its addresses use.
        slug = slugify(manifest.title)
        folder = result.build_dir.rename(root / slug)
        raw = (folder / "manifest.json").read_bytes()
        entries.append({
            "slug": slug, "title": manifest.title, "language": manifest.language,
            "chapters": len(manifest.chapters), "duration_ms": manifest.duration_ms,
            "updated": manifest.built_at or "2026-01-01T00:00:00+00:00",
            "manifest_sha256": hashlib.sha256(raw).hexdigest(), "source": str(source),
        })
    entries.sort(key=lambda entry: entry["slug"])
    library = {"version": 1, "guides": entries, "problems": PROBLEMS}
    (root / "library.json").write_text(json.dumps(library, indent=1), encoding="utf-8")
    return root
