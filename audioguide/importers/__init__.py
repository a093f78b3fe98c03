"""Leaflets in any format the tool reads, as one Document.

Plain text and Markdown are parsed by ``content``; PDF, web pages (HTML) and
Word files (.docx) each by their own module here. The format is chosen by
what the file holds (its first bytes), not only by its name:

- a file named for a format (.pdf, .docx, .html/.htm, .txt/.md) that holds
  another one is refused in one line saying what it really holds, since a
  wrong name usually means the wrong file was picked;
- a file with any other name (or none) is read as whatever it holds.
- old-style Word (.doc), OpenDocument (.odt) and RTF files are recognised
  and refused, saying to save them as .docx.

Every file read, whatever its format, is first held to the size limit.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..content import DEFAULT_MAX_BYTES, Document, SourceError, decode_text, parse_text_source, read_bytes
from .common import missing_extra

#: The kinds of leaflet, by what a file holds.
PDF, DOCX, HTML, TEXT = "pdf", "docx", "html", "text"
DESCRIPTIONS = {PDF: "a PDF", DOCX: "a Word document", HTML: "a web page (HTML)",
                TEXT: "plain text", "zip": "a ZIP archive"}
READS = {PDF: "PDF leaflets", DOCX: "Word documents", HTML: "web pages"}  # as common.require names them
SUFFIXES = {".pdf": PDF, ".docx": DOCX, ".html": HTML, ".htm": HTML, ".xhtml": HTML,
            ".txt": TEXT, ".text": TEXT, ".md": TEXT, ".markdown": TEXT}
RENAME = {PDF: ".pdf", DOCX: ".docx", HTML: ".html"}
#: Formats that are recognised but not read, and what to do instead.
NOT_READ = {
    "doc": "an old-style Word document (.doc), which is not read: save it as .docx and try again",
    "odt": "an OpenDocument text (.odt), which is not read: save it as .docx and try again",
    "rtf": "Rich Text Format (RTF), which is not read: save it as .docx and try again",
}
HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]",
                        re.IGNORECASE | re.DOTALL)


def sniff(data: bytes) -> str:
    """What ``data`` holds: PDF, DOCX, HTML, text, "zip" (another archive) or one of NOT_READ."""
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # the compound file of Office 97-2003
        return "doc"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                if _is_word(archive, names):
                    return DOCX
                if "mimetype" in names and archive.read("mimetype").startswith(
                        b"application/vnd.oasis.opendocument.text"):
                    return "odt"
                return "zip"
        except (zipfile.BadZipFile, ValueError):
            return "zip"
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if HTML_START.match(head):
        return HTML
    return TEXT


def _is_word(archive: zipfile.ZipFile, names: list[str]) -> bool:
    """A Word document's package. The parts are read with lxml, from the 'import'
    extra, imported only here: a build of a text leaflet never pays for it. Without
    the extra, a package with a Word part counts as one, so that reading it names
    the extra to install."""
    try:
        from .docx_parts import word_part
    except ImportError:
        return "[Content_Types].xml" in names and any(name.startswith("word/") for name in names)
    return word_part(archive) is not None


def _kind(path: Path, data: bytes) -> str:
    named = SUFFIXES.get(path.suffix.lower())
    held = sniff(data)
    if held in NOT_READ:
        raise SourceError(f"{path}: {NOT_READ[held]}")
    if named == DOCX and held == "zip":
        return DOCX  # a damaged Word file: its importer says what is wrong with it
    if named == HTML and held == TEXT:
        return HTML  # a page without <html>, or a fragment: the importer finds its content or not
    if named in (PDF, DOCX) and held == TEXT:
        what = "a PDF (it does not start with %PDF-)" if named == PDF else "a Word document"
        raise SourceError(f"{path}: not {what}: the file is damaged or is not what its name says")
    if named and named != held:
        hint = f" (rename it {path.stem}{RENAME[held]} to read it)" if held in RENAME else ""
        raise SourceError(f"{path}: named {path.suffix} but holds {DESCRIPTIONS[held]}{hint}")
    if held == "zip":
        raise SourceError(f"{path}: a ZIP archive that is not a Word document (no main document part)")
    return held


def _reader(kind: str, path: Path):
    """The reader of ``kind``; its libraries (lxml and the others of the 'import'
    extra) are imported only when such a file is read."""
    try:
        if kind == PDF:
            from .pdf import read_pdf as read
        elif kind == DOCX:
            from .docx import read_docx as read
        else:
            from .html import read_html as read
    except ImportError:
        raise missing_extra(path, READS[kind]) from None
    return read


def load_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a leaflet of any supported format into a Document (title, sections, warnings)."""
    path = Path(path)
    data = read_bytes(path, max_bytes)
    kind = _kind(path, data)
    if kind == TEXT:
        return parse_text_source(path, decode_text(data, path))
    read = _reader(kind, path)
    try:
        return read(data, path)
    except SourceError:
        raise
    except Exception as error:
        # A file no rule foresaw (a library failing deep inside it): one line naming it,
        # never a traceback. Only here, at the boundary, so the readers' own code stays loud.
        reason = str(error).strip().splitlines()[0][:100] if str(error).strip() else ""
        raise SourceError(f"{path}: {DESCRIPTIONS[kind]} that cannot be read "
                          f"({type(error).__name__}{': ' + reason if reason else ''})") from error


__all__ = ["load_document", "sniff"]
