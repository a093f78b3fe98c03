"""EPUB 3 with Media Overlays: the guide's text and its chapter MP3s, in sync.

One XHTML content document per chapter (every sentence an element with an
id), one SMIL overlay per chapter pairing each sentence with its clip of the
chapter's MP3 (the same files the player serves, not encoded again), the
navigation document and the package document with the overlay durations and
the accessibility metadata a talking book carries.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from ..manifest import ChapterEntry, FileRef, Manifest
from ..assembled import materialise
from .archive import plan_archive, write_archive
from .text import attr, chapter_body, clips, clock

ACTIVE_CLASS = "-epub-media-overlay-active"

STYLE = f"""body {{ font-family: sans-serif; line-height: 1.6; margin: 1em; }}
h1 {{ font-size: 1.6em; line-height: 1.3; }}
li {{ margin-bottom: 0.4em; }}
.{ACTIVE_CLASS} {{ background-color: #ffff00; color: #000000; }}
"""

SUMMARY = ("Every sentence of the text is narrated, and the narration is synchronised with the "
           "text sentence by sentence, so the book can be read, heard, or both. Chapters are "
           "navigable by heading and from the table of contents; lists are marked up as lists. "
           "The book has no images, video or flashing content.")


def book_id(manifest: Manifest) -> str:
    """A stable identifier: the same guide keeps the same id from build to build."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'audioguide:' + manifest.slug)}"


def modified(manifest: Manifest) -> str:
    """``dcterms:modified`` in the form EPUB wants, from the build's own date (never the clock)."""
    stamp = (manifest.built_at or "2020-01-01T00:00:00+00:00")[:19]
    return stamp + "Z"


def _page(manifest: Manifest, title: str, style: str, body: str) -> str:
    """An XHTML content document: ``body`` under a head with ``title`` and the stylesheet at ``style``."""
    lang = attr(manifest.language)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">
<head>
<meta charset="UTF-8"/>
<title>{attr(title)}</title>
<link rel="stylesheet" type="text/css" href="{style}"/>
</head>
<body>
{body}
</body>
</html>
"""


def content_document(manifest: Manifest, chapter: ChapterEntry) -> str:
    body = "\n".join(chapter_body(chapter, lambda index: f"s{index + 1}"))
    return _page(manifest, chapter.title, "../style.css",
                 f'<section id="chapter" epub:type="chapter" role="doc-chapter" aria-label="{attr(chapter.title)}">\n'
                 f"{body}\n</section>")


def overlay(chapter: ChapterEntry) -> str:
    """The SMIL Media Overlay of one chapter: one ``par`` per segment, in reading order."""
    text = f"../text/{chapter.file_stem}.xhtml"
    audio = f"../audio/{Path(chapter.audio.path).name}"
    pars = [
        f'<par id="p{index}"><text src="{text}#s{index}"/>'
        f'<audio src="{audio}" clipBegin="{clock(begin)}" clipEnd="{clock(end)}"/></par>'
        for index, (_, begin, end) in enumerate(clips(chapter), start=1)
    ]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">
<body>
<seq id="seq1" epub:textref="{text}#chapter" epub:type="chapter">
{chr(10).join(pars)}
</seq>
</body>
</smil>
"""


def overlay_ms(chapter: ChapterEntry) -> int:
    return sum(end - begin for _, begin, end in clips(chapter))


def navigation(manifest: Manifest) -> str:
    items = "\n".join(f'<li><a href="text/{c.file_stem}.xhtml">{attr(c.title)}</a></li>' for c in manifest.chapters)
    nav = f"""<nav epub:type="toc" role="doc-toc" id="toc" aria-labelledby="toc-title">
<h1 id="toc-title">{attr(manifest.title)}: contents</h1>
<ol>
{items}
</ol>
</nav>"""
    return _page(manifest, manifest.title, "style.css", nav)


def package(manifest: Manifest) -> str:
    chapters = manifest.chapters
    durations = [overlay_ms(c) for c in chapters]
    meta = [
        f'<dc:identifier id="pub-id">{book_id(manifest)}</dc:identifier>',
        f"<dc:title>{attr(manifest.title)}</dc:title>",
        f"<dc:language>{attr(manifest.language)}</dc:language>",
        *([f"<dc:creator>{attr(manifest.author)}</dc:creator>"] if attr(manifest.author) else []),
        f'<meta property="dcterms:modified">{modified(manifest)}</meta>',
        f'<meta property="media:duration">{clock(sum(durations))}</meta>',
        *(f'<meta property="media:duration" refines="#mo-{c.file_stem}">{clock(ms)}</meta>'
          for c, ms in zip(chapters, durations)),
        f'<meta property="media:narrator">{attr(f"Synthetic voice ({manifest.voice})")}</meta>',
        f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>',
        '<meta property="schema:accessMode">textual</meta>',
        '<meta property="schema:accessMode">auditory</meta>',
        '<meta property="schema:accessModeSufficient">textual</meta>',
        '<meta property="schema:accessModeSufficient">auditory</meta>',
        '<meta property="schema:accessModeSufficient">textual,auditory</meta>',
        *(f'<meta property="schema:accessibilityFeature">{feature}</meta>' for feature in
          ("synchronizedAudioText", "structuralNavigation", "tableOfContents", "readingOrder",
           "displayTransformability")),
        '<meta property="schema:accessibilityHazard">none</meta>',
        f'<meta property="schema:accessibilitySummary">{SUMMARY}</meta>',
    ]
    items = ['<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
             '<item id="style" href="style.css" media-type="text/css"/>']
    for c in chapters:
        stem = c.file_stem
        items += [
            f'<item id="text-{stem}" href="text/{stem}.xhtml" media-type="application/xhtml+xml" '
            f'media-overlay="mo-{stem}"/>',
            f'<item id="mo-{stem}" href="smil/{stem}.smil" media-type="application/smil+xml"/>',
            f'<item id="audio-{stem}" href="audio/{Path(c.audio.path).name}" media-type="audio/mpeg"/>',
        ]
    spine = "\n".join(f'<itemref idref="text-{c.file_stem}"/>' for c in chapters)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="pub-id" xml:lang="{attr(manifest.language)}">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
{chr(10).join(meta)}
</metadata>
<manifest>
{chr(10).join(items)}
</manifest>
<spine>
{spine}
</spine>
</package>
"""


CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""


def epub_members(manifest: Manifest) -> list[tuple[str, FileRef | str]]:
    """The book's entries in order, ``mimetype`` first; its MP3s are the chapters' own files."""
    members: list[tuple[str, FileRef | str]] = [
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", CONTAINER),
        ("EPUB/package.opf", package(manifest)),
        ("EPUB/nav.xhtml", navigation(manifest)),
        ("EPUB/style.css", STYLE),
    ]
    for chapter in manifest.chapters:
        stem = chapter.file_stem
        members += [
            (f"EPUB/text/{stem}.xhtml", content_document(manifest, chapter)),
            (f"EPUB/smil/{stem}.smil", overlay(chapter)),
            (f"EPUB/audio/{Path(chapter.audio.path).name}", chapter.audio),
        ]
    return members


def assemble_epub(manifest: Manifest, build_dir: Path, target: Path) -> FileRef:
    """The EPUB of the guide built in ``build_dir`` as an assembled file at ``target``
    (only its description is written: its MP3s go in as they are, when it is read)."""
    return write_archive(build_dir, target, epub_members(manifest))


def write_epub(manifest: Manifest, build_dir: Path, target: Path) -> None:
    """Write the EPUB of the guide built in ``build_dir`` as an ordinary file at ``target``
    (the same bytes its assembled download has)."""
    materialise(plan_archive(build_dir, epub_members(manifest)), build_dir, target)
