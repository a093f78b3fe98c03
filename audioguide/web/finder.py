"""Search across a library: guide titles, chapter titles and every sentence said.

The index is built once, from the guides' manifests, and kept in memory: each
guide's sentences are folded (lower case, accents and spacing dropped) and
joined into one string, so a query is a few substring searches per guide in C,
not a loop over sentences in Python. The same rules run in the browser
(``static/library.js``) over :func:`index_data`, so a search gives the same
guides with JavaScript on or off.

A guide is found when every word of the query begins a word in it (title, a
chapter title or a sentence: "inhal" finds "inhaler", "use" does not find
"because"); it lists the chapters whose titles hold every word and the first
sentences that do. Punctuation separates words on both sides, so "24/7" or
"e.g." are sought as the same words the text holds.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from audioguide.manifest import Manifest

#: Longest query read; the rest is ignored (the player's transcript search agrees).
QUERY_LIMIT = 100
#: Guides listed for one query, and places shown for each.
MAX_RESULTS = 20
MAX_PLACES = 3
#: Sentences looked at, per guide, for the places to show: a word found in
#: every sentence must not turn one query into a scan of the whole guide.
MAX_LOOKS = 100


def fold(text: str) -> str:
    """What is compared: lower case, accents dropped, anything but letters and
    figures a space, runs of spaces as one, and one space before every word
    (so a word is sought as " word": at a word's start)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.category(c).startswith("M"))
    words = bare.lower().split()
    return "".join(" " + word for word in words)


def query_words(query: str) -> list[str]:
    """The words sought, each with its leading space (see ``fold``)."""
    return [" " + word for word in fold(query[:QUERY_LIMIT]).split()]


@dataclass(frozen=True)
class ChapterText:
    stem: str
    title: str
    folded_title: str


@dataclass(frozen=True)
class Sentence:
    chapter: int  # index into the guide's chapters
    start_ms: int
    written: str


@dataclass(frozen=True)
class GuideText:
    """A guide as the finder reads it."""

    slug: str
    title: str
    language: str
    chapters: tuple[ChapterText, ...]
    sentences: tuple[Sentence, ...]
    folded_title: str
    text: str  # every sentence, folded, one per line
    starts: tuple[int, ...]  # where each sentence starts in ``text``
    everything: str  # title, chapter titles and text: a guide is found if every word begins one here

    @classmethod
    def of(cls, slug: str, manifest: Manifest) -> "GuideText":
        chapters = tuple(ChapterText(c.file_stem, c.title, fold(c.title)) for c in manifest.chapters)
        sentences = tuple(Sentence(number, s.start_ms, s.written)
                          for number, chapter in enumerate(manifest.chapters)
                          for s in chapter.segments if s.kind != "title")
        folded = [fold(s.written) for s in sentences]
        starts, at = [], 0
        for line in folded:
            starts.append(at)
            at += len(line) + 1
        text = "\n".join(folded)
        title = fold(manifest.title)
        everything = "\n".join([title, *(c.folded_title for c in chapters), text])
        return cls(slug, manifest.title, manifest.language, chapters, sentences, title, text,
                   tuple(starts), everything)

    def chapters_with(self, words: list[str]) -> list[ChapterText]:
        return [c for c in self.chapters if all(word in c.folded_title for word in words)][:MAX_PLACES]

    def sentences_with(self, words: list[str]) -> list[Sentence]:
        """The first sentences holding every word, found from the longest word's places."""
        anchor = max(words, key=len)
        found: list[Sentence] = []
        position = 0
        for _ in range(MAX_LOOKS):
            at = self.text.find(anchor, position)
            if at < 0 or len(found) >= MAX_PLACES:
                break
            number = bisect_right(self.starts, at) - 1
            end = self.text.find("\n", at)
            line = self.text[self.starts[number]:end if end >= 0 else len(self.text)]
            if all(word in line for word in words):
                found.append(self.sentences[number])
            position = (end + 1) if end >= 0 else len(self.text)
        return found


@dataclass(frozen=True)
class Hit:
    """A guide found, and where."""

    guide: GuideText
    in_title: bool
    chapters: tuple[ChapterText, ...]
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Found:
    query: str
    hits: tuple[Hit, ...]  # at most MAX_RESULTS
    total: int  # every guide found


class Finder:
    """The library's search index (guides in A-to-Z order).

    Which guides hold a word is answered from the library's vocabulary: every
    word said or written in any guide, sorted, each with the set of guides
    holding it (a bit per guide). The words a query word begins are one range
    of that list, so a search costs a few bisections and the union of a range
    of sets, however much the guides say; only the guides shown are then read
    for the places to list.
    """

    def __init__(self, guides: list[GuideText]):
        self.guides = tuple(guides)
        self._everywhere = _Vocabulary(guide.everything for guide in self.guides)
        self._titles = _Vocabulary(guide.folded_title for guide in self.guides)

    def find(self, query: str) -> Found:
        words = query_words(query)
        if not words:
            return Found(query, (), 0)
        phrase = "".join(words)
        found, titled = -1, -1
        for word in words:
            found &= self._everywhere.holding(word[1:])
            titled &= self._titles.holding(word[1:])
        # Titles first (the phrase itself, then all its words), then the rest, each A to Z.
        shown: list[GuideText] = []
        phrased = 0
        for number in _numbers(titled):
            if len(shown) == MAX_RESULTS:
                break
            if phrase in self.guides[number].folded_title:
                shown.append(self.guides[number])
                phrased |= 1 << number
        for mask in (titled & ~phrased, found & ~titled):
            for number in _numbers(mask):
                if len(shown) == MAX_RESULTS:
                    break
                shown.append(self.guides[number])
        hits = tuple(Hit(guide, all(w in guide.folded_title for w in words),
                         tuple(guide.chapters_with(words)), tuple(guide.sentences_with(words)))
                     for guide in shown)
        return Found(query, hits, bin(found).count("1"))


class _Vocabulary:
    """Every word of some texts, sorted, each with the texts holding it (a bit each)."""

    def __init__(self, texts):
        holders: dict[str, int] = {}
        for number, text in enumerate(texts):
            bit = 1 << number
            for word in set(text.split()):
                holders[word] = holders.get(word, 0) | bit
        self._words = sorted(holders)
        self._holders = [holders[word] for word in self._words]

    def holding(self, start: str) -> int:
        """The texts (as bits) with a word that begins with ``start``."""
        first = bisect_left(self._words, start)
        last = bisect_left(self._words, start + "\U0010ffff", first)
        found = 0
        for holders in self._holders[first:last]:
            found |= holders
        return found


def _numbers(mask: int):
    """The numbers of the bits set in ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def index_data(finder: Finder, guide_url, chapter_url) -> dict:
    """The index for the browser: what it shows and what it searches, unfolded (it folds
    as :func:`fold` does). ``guide_url(slug)`` and ``chapter_url(slug, stem)`` give links."""
    return {
        "version": 1,
        "guides": [{
            "slug": guide.slug,
            "title": guide.title,
            "language": guide.language,
            "url": guide_url(guide.slug),
            "chapters": [{"title": c.title, "url": chapter_url(guide.slug, c.stem)} for c in guide.chapters],
            "sentences": [[s.chapter, s.start_ms, s.written] for s in guide.sentences],
        } for guide in finder.guides],
    }
