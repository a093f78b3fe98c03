"""A saved web page made ready for reading: its bytes decoded, its language, title
and abbreviations taken, the furniture around the leaflet taken away, and (when
the main-content extractor finds no headings) the page's own body put in the
extractor's shape so that it is read the same way."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..content import SourceError, tidy

#: A page's furniture, never its content.
FURNITURE_TAGS = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript")
#: Landmark roles of a page's furniture.
LANDMARKS = ("navigation", "search", "banner", "contentinfo", "complementary", "dialog")
#: Whole class or id names of cookie banners and breadcrumbs ("cookie-banner",
#: "gdpr-notice", "breadcrumbs"); a section named "consent" is not one of them.
BANNER = re.compile(
    r"^(?:(?:cookie|cookies|gdpr|consent|cc|privacy)[-_]?(?:banner|bar|notice|notification|popup|pop-up|"
    r"modal|dialog|overlay|message|box|prompt|consent|law|settings|window|container|wrapper)"
    r"|cookieconsent|cookiebanner|cookie-?law-?info-?bar|onetrust-(?:banner|consent)-sdk"
    r"|cybotcookiebotdialog|gdpr|breadcrumbs?|breadcrumb[-_](?:nav|list|trail|wrapper|container))$", re.I)
#: Never taken away, whatever they are named.
KEPT_TAGS = ("html", "body", "main", "article")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
FEW_WORDS = 12  # a banner taken away with more words than this is told of
#: " | Site name", " - Site name" after a page's <title>.
SITE_SUFFIX = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]+$")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def decode_page(data: bytes) -> str:
    """The page as text: by its byte-order mark, else its <meta charset>, else UTF-8 if
    it is valid UTF-8, else Windows-1252 (what a page saved without a charset usually is)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    declared = META_CHARSET.search(data[:4096])
    if declared:
        try:
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            encoding = ""
        if encoding and not encoding.startswith("utf-16"):  # a page read as bytes is not UTF-16
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _is_banner(element) -> bool:
    if element.tag in KEPT_TAGS:
        return False
    names = f"{element.get('id') or ''} {element.get('class') or ''}".split()
    return any(BANNER.match(name) for name in names)


def _is_furniture(element) -> bool:
    if not isinstance(element.tag, str) or element.tag in KEPT_TAGS:
        return False
    if element.get("aria-modal") == "true" or element.get("role") in LANDMARKS:
        return True
    if element.tag == "header":  # outside an article it is the site's banner, unless it holds a heading
        return not any(parent.tag in ("article", "main") for parent in element.iterancestors())
    if element.tag == "aside" and any(parent.tag in ("article", "main") for parent in element.iterancestors()):
        return _mostly_links(element)  # a callout in the leaflet's text; "related" links are not
    return element.tag in FURNITURE_TAGS or _is_banner(element)


def _mostly_links(element) -> bool:
    words = len(element.text_content().split())
    linked = sum(len(link.text_content().split()) for link in element.iter("a"))
    return linked * 2 >= words


def _has_heading(element) -> bool:
    return element.tag in HEADINGS or any(True for _ in element.iter(*HEADINGS))


def page_facts(data: bytes, path: Path, warn):
    """The page's language, its <title>, its abbreviations (written form -> expansion) and
    the page itself without the furniture that no main content ever holds."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(XML_DECLARATION.sub("", decode_page(data)))
    except Exception:  # lxml's ParserError, or a page of nothing but white space
        raise SourceError(f"{path}: no main content found: the page cannot be read as HTML") from None
    body = root.find("body")
    language = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
                or (body.get("lang") if body is not None else "") or "")  # Word puts it on <body>
    title = tidy(" ".join(root.xpath("//title//text()")))
    abbreviations: dict[str, str] = {}
    for abbr in root.iter("abbr", "acronym"):
        written, expansion = tidy(abbr.text_content()), tidy(abbr.get("title") or "")
        if written and expansion and expansion.lower() != written.lower():
            abbreviations.setdefault(written, expansion)
    for element in [element for element in root.iter() if _is_furniture(element)]:
        if not any(ancestor is root for ancestor in element.iterancestors()):
            continue  # already taken away with an element around it
        protected = element.tag in ("header", "div", "section") or element.get("role") == "banner"
        if protected and _has_heading(element):
            continue  # a heading is content: a banner or site header never holds one
        words = len(element.text_content().split())
        if _is_banner(element) and words > FEW_WORDS:
            warn(f"<{element.tag} {'id' if element.get('id') else 'class'}="
                 f"\"{element.get('id') or element.get('class')}\">",
                 f"taken for a cookie banner or breadcrumb and left out ({words} words): check it")
        element.getparent().remove(element)
    for header in root.xpath("//header"):  # a header holding a heading: kept as content
        header.tag = "div"
    return tidy(language), SITE_SUFFIX.sub("", title), abbreviations, root


#: The page's own tags as the extractor names them.
TAGS = {"ul": "list", "ol": "list", "li": "item", "tr": "row", "td": "cell", "th": "cell",
        "img": "graphic", "section": "div", "article": "div", "main": "div", "blockquote": "quote",
        "dl": "list", "dt": "item", "dd": "item"}


def as_extracted(root):
    """The cleaned page's main content (its <main>, <article> or <body>) in the extractor's shape (head rend="h2", list rend="ul",
    item, table/row/cell role="head", graphic), for a page it finds no headings in."""
    import copy

    body = copy.deepcopy(root)
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag
        if tag in HEADINGS:
            element.tag = "head"
            element.set("rend", tag)
        elif tag in TAGS:
            element.tag = TAGS[tag]
            if tag in ("ul", "ol"):
                element.set("rend", tag)
            if tag == "th":
                element.set("role", "head")
    return body
