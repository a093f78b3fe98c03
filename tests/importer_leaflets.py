"""One patient leaflet written as a real PDF, Word file and web page, with the
clutter real ones carry (running headers and footers, page numbers, broken
words, navigation, cookie banners...), and what a reader must recover from it."""

from __future__ import annotations

from pathlib import Path

TITLE = "Living with migraine"
#: Each chapter's title and its sentences, in order, exactly as a listener must get them.
CHAPTERS = [
    ("What is a migraine", [
        "A migraine is a strong headache that often comes with feeling sick.",
        "Most attacks last between 4 and 72 hours.",
        "Keep a headache diary for eight weeks.",
        "Write down what you ate, how well you slept and any medicines you took.",
        "Bring the diary to your follow-up appointment so that the team can look for triggers.",
    ]),
    ("Treatment options", [
        "Your doctor may suggest one of these medicines.",
        "Paracetamol, 1 g up to four times a day.",
        "Ibuprofen, 400 mg with food.",
        "A triptan such as sumatriptan, at the start of the headache.",
    ]),
    ("Lifestyle changes", [
        "Regular meals and enough water help many people.",
        "Try not to skip breakfast.",
        "Gentle exercise, such as walking or swimming, can reduce how often attacks happen.",
        "Start slowly and build up the treatment over a few weeks.",
    ]),
    ("When to get help", [
        "Call 111 if your headache is sudden and severe.",
        "Call 999 if you have weakness in an arm or leg.",
    ]),
]
SENTENCES = [sentence for _, sentences in CHAPTERS for sentence in sentences]
#: Running headers, footers, navigation and banners: none of it may be heard.
BOILERPLATE = ["Example Health Trust", "Patient information", "Page", "EHT-042", "cookies",
               "Our services", "Find a clinic", "Search", "Home", "Patient leaflets", "Related",
               "Tension headache", "Privacy", "High Street", "tracking"]


def write_pdf(path: Path) -> Path:
    """Three A4 pages drawn line by line, so each break, hyphen and column is where the test wants it.

    Page 1: title, a heading, a paragraph with "feel-/ing" and "head-/ache" broken
    at line ends, and a paragraph that runs on to page 2. Page 2: its end (with
    "follow-/up", a real hyphen), a bulleted list with a wrapped item, and a
    two-column stretch. Page 3: the last section. Every page has a running
    header, a reference in the footer and "Page N of 3".
    """
    import reportlab
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    fonts = Path(reportlab.__file__).parent / "fonts"  # Bitstream Vera, embedded as real leaflets' fonts are
    body, bold = "Vera", "Vera-Bold"
    pdfmetrics.registerFont(TTFont(body, str(fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(bold, str(fonts / "VeraBd.ttf")))
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle(TITLE)
    width, height = A4

    def text(x, y, words, font=body, size=11):
        canvas.setFont(font, size)
        canvas.drawString(x, y, words)

    def page_furniture(number):
        text(72, height - 40, "Example Health Trust", body, 9)
        text(width - 170, height - 40, "Patient information", body, 9)
        text(72, 36, "Leaflet EHT-042, March 2026", body, 8)
        text(width - 130, 36, f"Page {number} of 3", body, 8)

    page_furniture(1)
    text(72, 720, TITLE, bold, 22)
    text(72, 680, "What is a migraine", bold, 15)
    y = 655
    for line in ["A migraine is a strong headache that often comes with feel-",
                 "ing sick. Most attacks last between 4 and 72 hours."]:
        text(72, y, line)
        y -= 15
    y = 160
    for line in ["Keep a head-", "ache diary for eight weeks. Write down what you ate, how well you",
                 "slept and any medicines you"]:
        text(72, y, line)
        y -= 15
    canvas.showPage()

    page_furniture(2)
    y = 770
    for line in ["took. Bring the diary to your follow-",
                 "up appointment so that the team can look for triggers."]:
        text(72, y, line)
        y -= 15
    text(72, 715, "Treatment options", bold, 15)
    text(72, 690, "Your doctor may suggest one of these medicines.")
    y = 666
    for bullet, lines in [("•", ["Paracetamol, 1 g up to four times a day."]),
                          ("–", ["Ibuprofen, 400 mg with food."]),
                          ("·", ["A triptan such as sumatriptan, at the start of the", "headache."])]:
        text(80, y, bullet)
        for line in lines:
            text(94, y, line)
            y -= 15
    text(72, 590, "Lifestyle changes", bold, 15)
    left = ["Regular meals and enough water", "help many people. Try not to skip", "breakfast."]
    right = ["Gentle exercise, such as walking or", "swimming, can reduce how often",
             "attacks happen. Start slowly and", "build up the treat-", "ment over a few weeks."]
    for column, x in ((left, 72), (right, 315)):
        y = 565
        for line in column:
            text(x, y, line)
            y -= 15
    canvas.showPage()

    page_furniture(3)
    text(72, 760, "When to get help", bold, 15)
    text(72, 735, "Call 111 if your headache is sudden and severe. Call 999 if you have")
    text(72, 720, "weakness in an arm or leg.")
    canvas.showPage()
    canvas.save()
    return path


#: What the Word file adds: a table, read row by row as "Heading: cell." sentences.
DOCX_TABLE = (["Number", "When to call"], [["111", "Day or night."], ["999", "In an emergency."]])
DOCX_SENTENCES = SENTENCES + ["Number: 111.", "When to call: Day or night.",
                              "Number: 999.", "When to call: In an emergency."]


def write_docx(path: Path) -> Path:
    """A Word file made as an editor would: Title and Heading styles, List Bullet
    paragraphs, a running header and footer, and a table in the last section."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Example Health Trust - Patient information"
    section.footer.paragraphs[0].text = "Leaflet EHT-042, March 2026. Page 1"
    document.add_heading(TITLE, 0)
    for title, sentences in CHAPTERS:
        document.add_heading(title, 1)
        if title == "Treatment options":
            document.add_paragraph(sentences[0])
            for item in sentences[1:]:
                document.add_paragraph(item, style="List Bullet")
        else:
            document.add_paragraph(" ".join(sentences[:2]))
            if sentences[2:]:
                document.add_paragraph(" ".join(sentences[2:]))
    header, rows = DOCX_TABLE
    table = document.add_table(rows=1 + len(rows), cols=2)
    for row, cells in zip(table.rows, [header] + rows):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.save(str(path))
    return path


#: What the web page adds: an abbreviation spelled out on first use, and a picture's alt text.
HTML_SENTENCES = (SENTENCES[:2] + ["An MRI (magnetic resonance imaging) scan is rarely needed.",
                                   "Picture: A woman resting in a dark room."] + SENTENCES[2:])


def write_html(path: Path) -> Path:
    """A saved web page with everything around the leaflet a real page has."""
    (what, what_text), (treat, treat_text), (life, life_text), (help_, help_text) = CHAPTERS
    items = "".join(f"<li>{item}</li>" for item in treat_text[1:])
    path.write_text(f"""<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{TITLE} | Example Health Trust</title>
<script>var tracking = "tracking script";</script><style>body {{ color: black; }}</style></head>
<body>
<div id="cookie-banner" class="cookie-banner"><p>We use cookies to improve your experience.</p>
<button>Accept all cookies</button></div>
<header><a href="/">Example Health Trust</a>
<nav aria-label="Main"><ul><li><a href="/s">Our services</a></li><li><a href="/f">Find a clinic</a></li>
<li><a href="/c">Contact Example Health Trust</a></li></ul></nav>
<form role="search" action="/search"><label for="q">Search</label><input id="q" name="q">
<button>Search</button></form></header>
<nav class="breadcrumb" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>
<li><a href="/leaflets">Patient leaflets</a></li><li>{TITLE}</li></ol></nav>
<main><article>
<h1>{TITLE}</h1>
<h2>{what}</h2>
<p>{" ".join(what_text[:2])} An <abbr title="magnetic resonance imaging">MRI</abbr> scan is rarely needed.</p>
<p><img src="rest.png" alt="A woman resting in a dark room"></p>
<p>{" ".join(what_text[2:])}</p>
<img src="logo-strip.png">
<h2>{treat}</h2>
<p>{treat_text[0]}</p>
<ul>{items}</ul>
<h2>{life}</h2>
<p>{" ".join(life_text[:2])}</p><p>{" ".join(life_text[2:])}</p>
<h2>{help_}</h2>
<p>{" ".join(help_text)}</p>
</article>
<aside class="related"><h2>Related leaflets</h2><ul><li><a href="/t">Tension headache</a></li>
<li><a href="/c">Cluster headache</a></li></ul></aside>
</main>
<footer><p>Example Health Trust, 1 High Street. Copyright 2026.</p><a href="/privacy">Privacy</a></footer>
</body></html>
""", encoding="utf-8")
    return path
