"""Abbreviations, acronyms, and names made of letters and figures.

Abbreviations are read as their words ("e.g." -> "for example", "incl." ->
"including", "No. 5" -> "number 5", "Dr Patel" -> "Doctor Patel"); their own
full stop is dropped unless it ends the sentence, so the voice does not
pause mid-sentence. Acronyms said letter by letter ("GP", "NHS", "MRI",
"A&E") are written with spaces, which every engine spells (a lone "A" is
joined to its neighbour, "A-and-E", or it would be read as the article); acronyms said
as words ("NICE", "AIDS", "COVID") are written as words. Names mixing
capitals and figures ("B12", "D3", "DYT1", "H1N1", "COVID-19") keep each
letter and say each figure as a number: "B twelve", "D Y T one".
"""

from __future__ import annotations

import re

from .locale import Locale
from .numbers import cardinal
from .units import PER_WORDS, UNIT

#: (pattern, words). A pattern's own full stop is part of the match.
ABBREVIATIONS = [
    (r"\b[Ee]\.\s?[Gg]\.", "for example"),
    (r"\b[Ii]\.\s?[Ee]\.", "that is"),
    (r"\b[Ee]tc\.", "et cetera"),
    (r"\b[Ii]ncl\.", "including"),
    (r"\b[Aa]pprox\.?(?=\s)", "approximately"),
    (r"\b[Mm]ax\.(?=\s)", "maximum"),
    (r"(?<!\d)(?<!\d\s)\b[Mm]in\.(?=\s)", "minimum"),
    (r"\b[Nn]o\.(?=\s?\d)", "number"),
    (r"\b[Nn]os\.(?=\s?\d)", "numbers"),
    (r"\b[Tt]el\.?(?=:?\s)", "telephone"),
    (r"\b[Ee]xt\.(?=\s?\d)", "extension"),
    (r"\bpp\.(?=\s?\d)", "pages"),
    (r"\bp\.(?=\s?\d)", "page"),
    (r"\bvs\.?(?=\s)", "versus"),
    (r"\bDr\.?(?=\s+[A-Z])", "Doctor"),
    (r"\bProf\.?(?=\s+[A-Z])", "Professor"),
    (r"\bMrs\.?(?=\s+[A-Z])", "Missus"),
    (r"\bMr\.?(?=\s+[A-Z])", "Mister"),
    (r"\bMs\.?(?=\s+[A-Z])", "Miz"),
    (r"(?<![\w.])[ap]\.m\.", None),  # "a.m." with no figure before it
]

#: Said letter by letter.
SPELLED = {
    "GP", "NHS", "MRI", "EEG", "DBS", "CT", "ECG", "EKG", "EMG", "BMI", "BP", "HIV", "ICU", "IV",
    "UK", "US", "USA", "ADHD", "OCD", "COPD", "IBS", "UTI", "DNA", "RNA", "CPR", "ENT", "MS", "ALS",
    "MND", "IVF", "HRT", "TB", "STI", "PTSD", "CBT", "CFS", "ME", "GTN", "PPI", "SSRI", "SSRIs", "INR",
    "TIA", "CSF", "DVT", "OTC", "BNF", "WHO", "CDC", "NIH", "FDA", "MHRA", "LDL", "HDL", "RSV", "HPV",
    "MMR", "BCG", "ACE", "A&E", "ER", "ED", "OT", "PT", "SLT", "TV", "PDF", "NI", "UV", "IQ", "ID",
    "GPs", "EU", "NMS", "PD", "RLS", "IM", "SC", "PRN", "OD", "BD", "TDS", "QDS", "TTY",
}
#: Said as words (the spoken form is what the engine is given).
WORDS = {
    "NICE": "Nice", "AIDS": "Aids", "COVID": "Covid", "NSAID": "en-sayd", "NSAIDs": "en-sayds",
    "SIDS": "Sids", "SARS": "Sars", "MERS": "Murs", "PET": "Pet", "SPECT": "Spect", "LASIK": "Lasik",
    "UNICEF": "Unicef", "CAMHS": "Cams", "PALS": "Pals", "GERD": "Gerd", "SUDEP": "Soodep",
    "MIND": "Mind", "COVID-19": "Covid nineteen", "CoV": "cov", "AM": "AM", "PM": "PM",
}


#: How often, as prescriptions write it, said only after a dose ("1 tablet bd", "500 mg TDS", "10 mg nocte").
#: "od" and "qd" are not among them: "OD" is also the right eye, and "q.d." is easily misread.
FREQUENCIES = {
    "bd": "twice a day", "b.d.": "twice a day", "bid": "twice a day", "b.i.d.": "twice a day",
    "tds": "three times a day", "t.d.s.": "three times a day", "tid": "three times a day",
    "t.i.d.": "three times a day", "qds": "four times a day", "q.d.s.": "four times a day",
    "qid": "four times a day", "q.i.d.": "four times a day", "prn": "when needed", "p.r.n.": "when needed",
    "nocte": "at night", "mane": "in the morning",
}
_FREQUENCY = "|".join(re.escape(key) for key in sorted(FREQUENCIES, key=len, reverse=True))
_AFTER_DOSE = re.compile(rf"(?:\d\s?(?:{UNIT})|\d\s?(?:{PER_WORDS})|\d\s?(?:tabs?|caps?)|hours|daily|"
                         rf"(?i:\b(?:{_FREQUENCY}))|PO|po|orally|by mouth)(?:,?\s|\s?\()$")


def frequencies(text: str, locale: Locale | None = None) -> str:
    def say(match: re.Match) -> str:
        if not _AFTER_DOSE.search(text[:match.start()]):
            return match.group(0)
        return FREQUENCIES[match.group(1).lower()]

    return re.sub(rf"(?<![\w.])({_FREQUENCY})(?![\w]|\.\w)", say, text, flags=re.I)


def abbreviations(text: str, locale: Locale) -> str:
    for pattern, words in ABBREVIATIONS:
        if words is None:  # "a.m." -> "AM"
            text = re.sub(pattern + r"(\s*)$", lambda m: f"{m.group(0)[0].upper()}M.", text)
            text = re.sub(pattern, lambda m: f"{m.group(0)[0].upper()}M", text)
            continue
        said = _keep_capital(words)
        text = re.sub(pattern + r"(?=\s*$)", lambda m: said(m) + ".", text) if pattern.endswith(r"\.") else text
        text = re.sub(pattern, said, text)
    # "A&E", "R&D": said before "&" could become a plain "and".
    text = re.sub(r"(?<![\w&])([A-Z]&[A-Z])(?![\w&])", lambda m: spell(m.group(1)), text)
    # Initialisms with stops: "U.S." -> "U S", "U.K." -> "U K".
    return re.sub(r"\b((?:[A-Z]\.){2,})(\s*$)?",
                  lambda m: " ".join(m.group(1).replace(".", "")) + ("." if m.group(2) is not None else ""),
                  text)


def _keep_capital(words: str):
    """The abbreviation's words, with a capital where it opens a sentence ("Tel." -> "Telephone")."""
    def said(match: re.Match) -> str:
        opens = not match.string[:match.start()].strip() or re.search(r"[.!?:]\s*$", match.string[:match.start()])
        return words[0].upper() + words[1:] if match.group(0)[0].isupper() and opens else words
    return said


def spaced(pieces: list[str]) -> str:
    """Letters and words said one by one: "M R I". A lone "A" is read as the article
    ("uh"), so it is joined to its neighbour: "A-D H D", "U S-A", "A-one"."""
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if out and out[-1] == "A" and index > 0:
            out[-1] = f"A-{piece}"
        elif piece == "A" and index == len(pieces) - 1 and out:
            out[-1] = f"{out[-1]}-A"
        else:
            out.append(piece)
    return " ".join(out)


def spell(letters: str) -> str:
    """ "MRI" -> "M R I"; "GPs" -> "G P's"; "A&E" -> "A-and-E"."""
    if letters.endswith("s") and letters[:-1].isupper():
        return spaced(list(letters[:-1])) + "'s"
    if "&" in letters:
        return "-and-".join(spaced(list(part)) for part in letters.split("&"))
    return spaced(list(letters))


def acronyms(text: str, locale: Locale) -> str:
    def say(match: re.Match) -> str:
        word = match.group(0)
        if word in WORDS:
            return WORDS[word]
        if word in SPELLED or (word.endswith("s") and word[:-1] in SPELLED):
            return spell(word)
        if "&" in word or (len(word) <= 5 and word.isupper() and not re.search(r"[AEIOUY]", word)):
            return spell(word)  # no vowel: no way to say it as a word
        return word

    return re.sub(r"(?<![\w&])(?:[A-Z]&[A-Z]|[A-Z]{2,}s?|CoV|NSAIDs)(?![\w&])", say, text)


def names(text: str, locale: Locale) -> str:
    """Names mixing capitals and figures: "B12", "DYT1", "H1N1", "COVID-19", "SARS-CoV-2"."""

    def part(piece: str) -> str:
        if piece.isdigit():
            return cardinal(int(piece), locale) if not piece.startswith("0") or piece == "0" \
                else " ".join(cardinal(int(d), locale) for d in piece)
        if piece in WORDS:
            return WORDS[piece]
        return spaced(list(piece))

    def say(match: re.Match) -> str:
        token = match.group(0)
        if token in WORDS:
            return WORDS[token]
        pieces = re.findall(r"\d+|[A-Z][a-z]?(?=[A-Z\d]|$)|[A-Za-z]+", token)
        return spaced([part(piece) for piece in pieces if piece])

    text = re.sub(r"\b(COVID|SARS|MERS|Covid)-(\d+)\b",
                  lambda m: f"{WORDS.get(m.group(1).upper(), m.group(1))} {cardinal(int(m.group(2)), locale)}", text)
    # The letter A naming a thing ("vitamin A", "hepatitis A") is not the article "a".
    text = re.sub(r"\b((?:[Vv]itamins?|[Hh]epatitis|[Tt]ype|[Gg]roup|[Gg]rade|[Cc]lass|[Pp]lan|[Oo]ption"
                  r"|[Ss]tage|[Pp]art|[Ss]chedule|[Aa]ppendix|[Ff]lu|[Ii]nfluenza))\s+A\b(?![-'’&]|\.\w)",
                  r"\1 A-", text)
    text = re.sub(r"\bSARS-CoV-(\d)\b", lambda m: f"Sars cov {cardinal(int(m.group(1)), locale)}", text)
    # A capital, then letters and figures mixed, with at least one figure: "B12", "HbA1c", "CYP2D6".
    return re.sub(r"(?<![\w.,-])(?=[A-Za-z]*\d)[A-Z][A-Za-z]{0,4}\d[A-Za-z\d]*\b(?![.,]\d)", say, text)
