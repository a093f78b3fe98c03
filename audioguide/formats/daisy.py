"""DAISY 2.02, full text and full audio, for hardware talking-book players.

The book is one flat folder: ``ncc.html`` (the navigation centre: one
heading per chapter), ``content.html`` (the whole text, every sentence with
an id), one SMIL 1.0 file per chapter pairing each sentence with its clip of
the chapter's MP3, and the MP3s themselves (the same files, hard-linked when
the file system allows, never encoded again).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..manifest import ChapterEntry, Manifest
from ..files import atomic_path, write_atomic
from .epub import book_id
from .text import attr, chapter_body, clips

DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
           '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
SMIL_DOCTYPE = '<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">'
CONTENT = "content.html"


def hms(ms: int) -> str:
    """``hh:mm:ss`` as ncc:totalTime and the SMIL times want it (rounded to the second)."""
    minutes, seconds = divmod(round(ms / 1000), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def npt(ms: int) -> str:
    return f"npt={ms / 1000:.3f}s"


def smil_name(chapter: ChapterEntry) -> str:
    return f"{chapter.file_stem}.smil"


def text_id(chapter: ChapterEntry, index: int) -> str:
    return f"c{chapter.number}s{index + 1}"


def _html(manifest: Manifest, title: str, head: list[str], body: list[str]) -> str:
    lang = attr(manifest.language)
    return "\n".join([
        '<?xml version="1.0" encoding="utf-8"?>', DOCTYPE,
        f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{lang}" xml:lang="{lang}">',
        "<head>", '<meta http-equiv="Content-type" content="text/html; charset=utf-8"/>',
        f"<title>{attr(title)}</title>", *head, "</head>", "<body>", *body, "</body>", "</html>", "",
    ])


def ncc(manifest: Manifest, files: int) -> str:
    meta = {
        "dc:title": manifest.title,
        "dc:creator": manifest.author,
        "dc:date": (manifest.built_at or "2020-01-01")[:10],
        "dc:format": "Daisy 2.02",
        "dc:identifier": book_id(manifest),
        "dc:language": manifest.language,
        "dc:publisher": manifest.author,
        "ncc:charset": "utf-8",
        "ncc:generator": "audioguide",
        "ncc:narrator": f"Synthetic voice ({manifest.voice})",
        "ncc:multimediaType": "audioFullText",
        "ncc:totalTime": hms(manifest.duration_ms),
        "ncc:tocItems": str(len(manifest.chapters)),
        "ncc:depth": "1",
        "ncc:files": str(files),
        "ncc:setInfo": "1 of 1",
        "ncc:pageFront": "0",
        "ncc:pageNormal": "0",
        "ncc:pageSpecial": "0",
        "ncc:maxPageNormal": "0",
    }
    head = [f'<meta name="{name}" content="{attr(value)}"/>' for name, value in meta.items()
            if attr(value)]  # no author: no dc:creator nor dc:publisher
    body = []
    for number, chapter in enumerate(manifest.chapters):
        title_class = ' class="title"' if number == 0 else ""
        body.append(f'<h1{title_class} id="h{chapter.number}">'
                    f'<a href="{smil_name(chapter)}#{text_id(chapter, 0)}">{attr(chapter.title)}</a></h1>')
    return _html(manifest, manifest.title, head, body)


def content(manifest: Manifest) -> str:
    body: list[str] = []
    for chapter in manifest.chapters:
        body += chapter_body(chapter, lambda index, c=chapter: text_id(c, index))
    head = [f'<meta name="dc:title" content="{attr(manifest.title)}"/>',
            '<meta name="dc:format" content="Daisy 2.02"/>']
    return _html(manifest, manifest.title, head, body)


def smil(manifest: Manifest, chapter: ChapterEntry, elapsed_ms: int) -> str:
    audio = Path(chapter.audio.path).name
    timed = clips(chapter)
    here = sum(end - begin for _, begin, end in timed)
    pars = []
    for index, (_, begin, end) in enumerate(timed):
        ident = text_id(chapter, index)
        pars.append(f'<par endsync="last" id="p{index + 1}">'
                    f'<text src="{CONTENT}#{ident}" id="{ident}"/>'
                    f'<seq><audio src="{audio}" clip-begin="{npt(begin)}" clip-end="{npt(end)}" '
                    f'id="a{index + 1}"/></seq></par>')
    meta = {
        "dc:format": "Daisy 2.02",
        "dc:title": manifest.title,
        "dc:identifier": book_id(manifest),
        "ncc:generator": "audioguide",
        "ncc:totalElapsedTime": hms(elapsed_ms),
        "ncc:timeInThisSmil": hms(here),
        "title": chapter.title,
    }
    return "\n".join([
        '<?xml version="1.0" encoding="utf-8"?>', SMIL_DOCTYPE, "<smil>", "<head>",
        *(f'<meta name="{name}" content="{attr(value)}"/>' for name, value in meta.items()),
        '<layout><region id="txtView"/></layout>', "</head>", "<body>",
        f'<seq dur="{here / 1000:.3f}s">', *pars, "</seq>", "</body>", "</smil>", "",
    ])


def _link_or_copy(source: Path, target: Path) -> None:
    with atomic_path(target) as temporary:
        try:
            os.link(source, temporary)
        except OSError:
            shutil.copyfile(source, temporary)


def write_daisy(manifest: Manifest, build_dir: Path, folder: Path) -> list[Path]:
    """Write the DAISY 2.02 book into ``folder`` and return its files, ``ncc.html`` first."""
    folder.mkdir(parents=True, exist_ok=True)
    chapters = manifest.chapters
    files = 2 + 2 * len(chapters)
    written = [folder / "ncc.html", folder / CONTENT]
    write_atomic(written[0], ncc(manifest, files))
    write_atomic(written[1], content(manifest))
    elapsed = 0
    for chapter in chapters:
        path = folder / smil_name(chapter)
        write_atomic(path, smil(manifest, chapter, elapsed))
        elapsed += sum(end - begin for _, begin, end in clips(chapter))
        audio = folder / Path(chapter.audio.path).name
        _link_or_copy(build_dir / chapter.audio.path, audio)
        written += [path, audio]
    return written
