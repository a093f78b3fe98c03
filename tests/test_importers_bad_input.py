"""PDF, Word and web-page leaflets that cannot be read: one exact line naming the
file and the problem, exit code 2, and nothing written."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .importer_leaflets import write_docx, write_pdf

NOTHING_BUT_FURNITURE = (b"<!DOCTYPE html><html lang='en'><head><title>Home</title></head><body>"
                         b"<nav><a href='/'>Home</a> <a href='/s'>Our services</a></nav>"
                         b"<div class='cookie-banner'><p>We use cookies.</p><button>Accept</button></div>"
                         b"<footer><p>Example Health Trust</p></footer></body></html>")


def _zip(names: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in names.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _pdf(tmp_path: Path) -> bytes:
    return write_pdf(tmp_path / "made.pdf").read_bytes()


def _docx(tmp_path: Path) -> bytes:
    return write_docx(tmp_path / "made.docx").read_bytes()


def _encrypted(tmp_path: Path) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(tmp_path / "made.pdf"), encrypt="secret")
    canvas.drawString(72, 700, "Only for those who know the password.")
    canvas.showPage()
    canvas.save()
    return (tmp_path / "made.pdf").read_bytes()


def _scanned(tmp_path: Path) -> bytes:
    """A page that is one picture of text, as a scanner makes it: no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    image = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(image).text((40, 40), "Living with migraine", fill=0)
    canvas = Canvas(str(tmp_path / "made.pdf"))
    canvas.drawImage(ImageReader(image), 40, 40, width=500, height=700)
    canvas.showPage()
    canvas.save()
    return (tmp_path / "made.pdf").read_bytes()


REFUSED = [
    ("scan.pdf", _scanned, "{p}: the PDF has no text layer (a scanned image?): "
                           "run it through text recognition (OCR) first"),
    ("locked.pdf", _encrypted, "{p}: the PDF is encrypted and needs a password: "
                               "save a copy without a password and read that"),
    ("truncated.pdf", lambda tmp: _pdf(tmp)[: len(_pdf(tmp)) // 2],
     "{p}: damaged or truncated PDF (its end is missing)"),
    ("corrupt.pdf", lambda tmp: b"%PDF-1.7\n" + b"\x00\x13 not objects " * 100 + b"\n%%EOF\n",
     "{p}: damaged PDF that cannot be read (No /Root object! - Is this really a PDF?)"),
    ("truncated.docx", lambda tmp: _docx(tmp)[: len(_docx(tmp)) // 2],
     "{p}: damaged or truncated Word document (cannot be opened)"),
    ("archive.docx", lambda tmp: _zip({"notes.txt": "hello"}),
     "{p}: not a Word document (a ZIP archive with no main document part)"),
    ("leaflet.zip", lambda tmp: _zip({"notes.txt": "hello"}),
     "{p}: a ZIP archive that is not a Word document (no main document part)"),
    ("furniture.html", lambda tmp: NOTHING_BUT_FURNITURE,
     "{p}: no main content found: the page holds only navigation, banners or scripts"),
    # A name that lies about what the file holds: refused, with the name that would be read.
    ("leaflet.docx", _pdf, "{p}: named .docx but holds a PDF (rename it leaflet.pdf to read it)"),
    ("leaflet.pdf", _docx, "{p}: named .pdf but holds a Word document (rename it leaflet.docx to read it)"),
    ("page.txt", lambda tmp: NOTHING_BUT_FURNITURE,
     "{p}: named .txt but holds a web page (HTML) (rename it page.html to read it)"),
    ("notes.pdf", lambda tmp: b"Title\n\nHeading\n\nText.\n",
     "{p}: not a PDF (it does not start with %PDF-): the file is damaged or is not what its name says"),
    # Formats known but not read: what to save the leaflet as instead.
    ("old.doc", lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
     "{p}: an old-style Word document (.doc), which is not read: save it as .docx and try again"),
    ("leaflet.odt", lambda tmp: _zip({"mimetype": "application/vnd.oasis.opendocument.text",
                                      "content.xml": "<office:document-content/>"}),
     "{p}: an OpenDocument text (.odt), which is not read: save it as .docx and try again"),
    ("leaflet.rtf", lambda tmp: b"{\\rtf1\\ansi Living with migraine}",
     "{p}: Rich Text Format (RTF), which is not read: save it as .docx and try again"),
]


@pytest.mark.parametrize("name, make, message", REFUSED, ids=[case[0] for case in REFUSED])
def test_unreadable_leaflets_are_refused_in_one_exact_line(tmp_path, name, make, message):
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(make(tmp_path))
    for command in (["build", "-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")],
                    ["script"]):
        result = subprocess.run([sys.executable, "-m", "audioguide", *command, str(path)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [f"audioguide: error: {message.format(p=path)}"]
        assert result.stdout == ""
    assert not (tmp_path / "out").exists()


def test_the_size_limit_holds_for_every_format(tmp_path):
    path = tmp_path / "leaflet.pdf"
    write_pdf(path)
    result = subprocess.run([sys.executable, "-m", "audioguide", "script", str(path),
                             "--max-source-bytes", "1000"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert f"{path}: file is {path.stat().st_size:,} bytes, over the limit of 1,000 bytes" in result.stderr


def test_a_missing_import_extra_is_named_in_one_line(tmp_path):
    """Without the 'import' extra's libraries, the user is told which extra to install."""
    path = write_pdf(tmp_path / "leaflet.pdf")
    blocked = ("import sys; sys.modules['pdfplumber'] = None; "  # as if it were not installed
               "from audioguide.cli import main; sys.argv = ['audioguide', 'script', sys.argv[1]]; main()")
    result = subprocess.run([sys.executable, "-c", blocked, str(path)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"audioguide: error: {path}: reading PDF leaflets needs the 'import' extra: "
        "pip install 'audioguide[import]'"]
