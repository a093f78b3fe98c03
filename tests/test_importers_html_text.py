"""Web pages whose text a reader could lose or garble: a section named like a
cookie banner, a body class that mentions cookies, a page with no charset,
pages saved from Word or written by pandoc, and pictures, lists and tables
nested in list items and table cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.importers import load_document

PARAGRAPH = "<p>This paragraph of body text is about the treatment, so that a reader keeps it as content.</p>"


def _page(tmp_path: Path, html: str | bytes, name: str = "page.html"):
    path = tmp_path / name
    path.write_bytes(html if isinstance(html, bytes) else html.encode("utf-8"))
    return load_document(path)


def _text(document) -> str:
    return " ".join(text for section in document.sections for block in section.blocks for text in block.texts)


def test_a_section_named_consent_is_content_and_a_cookie_banner_is_not(tmp_path):
    document = _page(tmp_path, f"""<html lang="en"><body><article><h1>Your operation</h1>
<div class="cookie-banner"><p>We use cookies.</p><button>Accept</button></div>
<h2>Before</h2>{PARAGRAPH}
<section id="consent"><h2>Giving consent</h2><p>You will sign a consent form before the operation.</p>
{PARAGRAPH}</section><h2>After</h2>{PARAGRAPH}</article></body></html>""")
    assert [section.title for section in document.sections] == ["Before", "Giving consent", "After"]
    assert "You will sign a consent form before the operation." in _text(document)
    assert "cookies" not in _text(document)


def test_a_body_whose_class_mentions_cookies_is_still_read(tmp_path):
    document = _page(tmp_path, f"""<html lang="en"><body class="cookies-not-set"><article>
<h1>Your operation</h1><h2>Before</h2>{PARAGRAPH}</article></body></html>""")
    assert document.title == "Your operation"
    assert [section.title for section in document.sections] == ["Before"]


def test_a_long_banner_left_out_is_told(tmp_path):
    banner = "We use cookies " + "and other tracking to learn how the site is used " * 3
    document = _page(tmp_path, f"""<html lang="en"><body><div id="cookie-notice"><p>{banner}</p></div>
<article><h1>Your operation</h1><h2>Before</h2>{PARAGRAPH}</article></body></html>""")
    assert "tracking" not in _text(document)
    assert any("cookie-notice" in warning and "left out" in warning for warning in document.warnings)


@pytest.mark.parametrize("encoding, meta", [("utf-8", ""), ("cp1252", ""),
                                            ("utf-8", '<meta charset="utf-8">'),
                                            ("iso-8859-15", '<meta http-equiv="Content-Type" '
                                                            'content="text/html; charset=iso-8859-15">')])
def test_a_page_is_decoded_by_its_charset_or_as_utf8_before_windows_1252(tmp_path, encoding, meta):
    sentence = "Take 5 µg – twice a day at 37 °C, said Zoë." if encoding != "iso-8859-15" else \
        "Take 5 µg twice a day at 37 °C, said Zoë, 5 €."
    html = (f"<html><head>{meta}</head><body><article><h1>Dose</h1><h2>How much</h2><p>{sentence}</p>"
            f"{PARAGRAPH}</article></body></html>")
    assert sentence in _text(_page(tmp_path, html.encode(encoding)))


def test_a_page_saved_from_word_is_read_to_its_headings(tmp_path):
    document = _page(tmp_path, f"""<html><head><meta charset="utf-8"><title>Leaflet</title></head>
<body lang=EN-GB><div class=WordSection1><h1>Leaflet</h1><h2>Part</h2>{PARAGRAPH}
<p class=MsoNormal>Dose: 2.5 ml.</p><h2>Other</h2>{PARAGRAPH}</div></body></html>""")
    assert document.title == "Leaflet"
    assert [section.title for section in document.sections] == ["Part", "Other"]
    assert "Dose: 2.5 ml." in _text(document)
    assert document.language == "EN-GB"


def test_a_pandoc_page_with_its_title_in_a_header_is_read_to_its_headings(tmp_path):
    document = _page(tmp_path, """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8" />
<title>Leaflet</title></head><body><header id="title-block-header"><h1 class="title">Leaflet</h1></header>
<h2 id="part">Part one</h2><p>The first paragraph is about the treatment you will have.</p><p>Dose: 2.5 ml.</p>
<h2 id="other">Part two</h2><p>The second paragraph says what happens after it.</p></body></html>""")
    assert document.title == "Leaflet"
    assert [section.title for section in document.sections] == ["Part one", "Part two"]
    assert "Dose: 2.5 ml." in _text(document)
    assert "The second paragraph says what happens after it." in _text(document)


def test_pictures_lists_and_tables_nested_in_items_and_cells_are_read(tmp_path):
    document = _page(tmp_path, f"""<html><body><article><h1>Lists</h1><h2>Steps</h2>{PARAGRAPH}
<ul><li><img src="a.png" alt="A diagram of the knee joint"> Bend the knee slowly.</li></ul>
<table><tr><th>Day</th><th>Dose</th></tr><tr><td>Monday</td><td><ul><li>Take 5 mg.</li></ul></td></tr>
<tr><td>Tuesday</td><td><table><tr><td>Take 10 mg</td><td>at night</td></tr></table></td></tr></table>
</article></body></html>""")
    text = _text(document)
    assert "Picture: A diagram of the knee joint. Bend the knee slowly." in text
    assert "Day: Monday. Dose: Take 5 mg." in text
    assert "Day: Tuesday. Dose: Take 10 mg; at night." in text


def test_a_callout_aside_in_the_article_is_read_and_related_links_are_not(tmp_path):
    document = _page(tmp_path, f"""<html><body><main><h1>Stroke</h1><h2>Signs</h2>{PARAGRAPH}
<aside class="callout"><p>Call 999 straight away if the face droops on one side.</p></aside>{PARAGRAPH}
<aside class="related"><h2>Related leaflets</h2><ul><li><a href="/t">Tension headache</a></li></ul></aside>
</main></body></html>""")
    text = _text(document)
    assert "Call 999 straight away if the face droops on one side." in text
    assert "Tension headache" not in text and "Related" not in " ".join(s.title for s in document.sections)
