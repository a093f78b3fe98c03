"""What espeak-ng will say: phonemes for words, and the words it does not know.

A lexicon editor needs to hear a respelling before a whole build; the next
best thing is to read the phonemes espeak-ng makes of it, beside those of
the written word. And a new leaflet brings medical words nobody has
checked; espeak-ng guesses those from spelling rules, often badly, so the
build warns about them.

Phonemes are IPA (espeak-ng's ``--ipa``), with its stress marks ˈ and ˌ.
Each engine names where its phonemes come from (speech/registry.py): the
default gets them from espeak-ng; piper links its own copy (with the same
dictionaries, but it marks a few more details, such as ʲ before a glide);
hibari has its own dictionary and letter-to-sound model (misaki's phonemes).

Everything that touches espeak-ng runs in a spawned worker
(``pool.run_in_worker``): espeak can be initialised only once per process,
and the calling process must stay clean for the engines.

How "does espeak-ng know this word" is decided: with a phoneme trace on
(``espeak_SetPhonemeTrace`` with bit 3, written to a FILE*), espeak-ng logs
``Found: 'word' [phonemes]`` when a word (or its stem, after it strips a
prefix or suffix) is in its dictionary (en_list, compiled into en_dict), and
``Translate 'word'`` followed by the spelling rules it matched when it is
not. Most everyday English words come from the rules too, so "not in the
dictionary" alone is no warning; see ``looks_medical`` for the rest.
"""

from __future__ import annotations

import ctypes
import re
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ..content import SourceError, read_source
from .base import SpeechError, VoiceSettings
from .registry import engine_kind

#: The alphabet ``phonemes`` returns.
PHONEME_ALPHABET = "IPA"

_AUDIO_OUTPUT_SYNCHRONOUS = 2  # espeak_Initialize: no audio device, no thread
_CHARS_UTF8 = 1  # espeak_TextToPhonemes textmode
_PHONEMES_IPA = 0x02  # phonememode bit 1: IPA (0 gives espeak's ASCII names, as `espeak-ng -x`)
_PHONEMES_TRACE = 0x08  # espeak_SetPhonemeTrace: log dictionary look-ups and rule matches

#: A word found in the dictionary after espeak stripped affixes counts as known
#: when the part it found is at least this share of the word's letters.
KNOWN_STEM_SHARE = 0.6

#: Only words at least this long are flagged: short medical words are few and
#: espeak-ng's rules usually get them right.
MEDICAL_MIN_LETTERS = 9

#: Greek and Latin word parts common in medical terms (a simple heuristic).
MEDICAL_ENDINGS = (
    "itis", "itides", "osis", "oses", "iasis", "algia", "dynia", "ectomy", "otomy", "ostomy",
    "emia", "aemia", "pathy", "pathic", "plasm", "plasia", "plastic", "plasty", "spasm",
    "spasms", "ology", "ologist", "ologists", "oma", "omas", "omata", "trophy", "trophic",
    "genic", "scopy", "rrhea", "rrhoea", "penia", "phagia", "phasia", "plegia", "plegic",
    "paresis", "kinesia", "tonia", "tonic", "taxia", "lepsy", "megaly", "centesis", "uria",
    "ectasia", "sclerosis", "cytosis", "lysis", "ptosis", "ingeal", "inum", "collis",
    "ergic", "azine", "azepam", "idyl", "mycin", "cillin",
)
MEDICAL_BEGINNINGS = (
    "neuro", "encephal", "myo", "myel", "cardi", "oro", "hepat", "nephr", "gastr", "osteo",
    "arthr", "angio", "haem", "hema", "hemo", "crani", "cerebr", "thalam", "ophthalm",
    "psych", "pneum", "pulmon", "thromb", "leuk", "lymph", "onco", "derm", "dys", "lepto",
    "blephar", "mening", "cephal", "cervic", "laryng", "pharyng", "botul",
)
MEDICAL_PARTS = (
    "encephal", "mening", "myel", "myos", "neur", "blephar", "cephal", "dyston", "dyskin",
    "spasm", "ganglia", "ganglion", "thalam", "cortic", "mandibul", "glossal", "laryng",
    "cerebell", "cholin",
)

#: Everyday words those parts would catch; a leaflet uses them, nobody respells them.
EVERYDAY_WORDS = frozenset("""
    technology methodology terminology chronology anthology mythology sociology archaeology
    archeology criminology meteorology astrology musicology geologist sociologist
    archaeologist criminologist meteorologist sympathy antipathy photogenic telegenic
    catastrophic gastronomy gastronomic cardinals cardinality dysfunction dysfunctional
""".split())

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def words_of(texts: Iterable[str]) -> list[str]:
    """Every word of ``texts`` once, in order of first appearance (case-insensitive).

    Hyphens and slashes split words; an apostrophe inside a word does not.
    """
    seen: dict[str, str] = {}
    for text in texts:
        for match in _WORD.finditer(text):
            seen.setdefault(match.group(0).lower(), match.group(0))
    return list(seen.values())


def looks_medical(word: str) -> bool:
    """True for a long word (≥ 9 letters) with a typical Greek or Latin medical part:
    an ending such as -itis, -osis, -algia, -ectomy, -emia, -pathy, -plasm, -ology
    (or a drug name's, such as -azine, -mycin); a beginning such as neuro-,
    encephal-, myo-, cardi-, oro-; or a root anywhere, such as mening, blephar, myel."""
    letters = re.sub(r"['’]s$", "", word.lower())
    if sum(ch.isalpha() for ch in letters) < MEDICAL_MIN_LETTERS or letters in EVERYDAY_WORDS:
        return False
    return (
        letters.endswith(MEDICAL_ENDINGS)
        or letters.startswith(MEDICAL_BEGINNINGS)
        or any(part in letters for part in MEDICAL_PARTS)
    )


# --- inside the worker ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _initialised():
    """espeakng-loader's espeak-ng, initialised once in this (worker) process."""
    from .espeak import load_espeak_library

    library = load_espeak_library()
    if library.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0) <= 0:
        raise SpeechError("espeak-ng could not be initialised (is its data missing?)")
    library.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    library.espeak_TextToPhonemes.restype = ctypes.c_char_p
    library.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
    library.espeak_SetPhonemeTrace.argtypes = [ctypes.c_int, ctypes.c_void_p]
    library.espeak_Info.restype = ctypes.c_char_p
    return library


def _espeak(voice: str):
    library = _initialised()
    if library.espeak_SetVoiceByName(voice.encode()) != 0:
        raise SpeechError(f"espeak-ng has no voice {voice!r} (see 'audioguide voices')")
    return library


def _phonemes_here(library, text: str) -> str:
    """espeak_TextToPhonemes returns one clause per call and moves the text pointer on."""
    buffer = ctypes.create_string_buffer(text.encode("utf-8"))
    pointer = ctypes.c_void_p(ctypes.addressof(buffer))
    clauses = []
    while pointer.value:
        result = library.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, _PHONEMES_IPA)
        if result:
            clauses.append(result.decode("utf-8", errors="replace").strip())
    return " ".join(clause for clause in clauses if clause)


class _Trace:
    """espeak-ng's phoneme trace, written to a temporary file through a C ``FILE*``."""

    def __init__(self, library, folder: Path):
        self._library = library
        self._libc = ctypes.CDLL(None)
        self._libc.fopen.restype = ctypes.c_void_p
        self._libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self._libc.fflush.argtypes = [ctypes.c_void_p]
        self._libc.fclose.argtypes = [ctypes.c_void_p]
        self._path = folder / "trace.txt"
        self._stream = self._libc.fopen(str(self._path).encode(), b"w")
        if not self._stream:
            raise SpeechError(f"{self._path}: cannot write espeak-ng's trace")
        self._read = 0
        library.espeak_SetPhonemeTrace(_PHONEMES_TRACE, self._stream)

    def of(self, word: str) -> str:
        """The trace lines espeak-ng writes while translating ``word``."""
        _phonemes_here(self._library, word)
        self._libc.fflush(self._stream)
        with open(self._path, "rb") as trace:
            trace.seek(self._read)
            text = trace.read()
        self._read += len(text)
        return text.decode("utf-8", errors="replace")

    def close(self) -> None:
        self._library.espeak_SetPhonemeTrace(0, None)
        self._libc.fclose(self._stream)


def _is_found(word: str, trace: str) -> bool:
    """Whether the trace shows ``word``, or most of it, found in espeak-ng's dictionary."""
    letters = word.lower().replace("’", "'")
    for found in re.findall(r"^Found: '([^'\n]+(?:'[^'\n]+)*)'", trace, re.M):
        stem = found.lstrip("_").strip()
        if stem and stem in letters and len(stem) >= KNOWN_STEM_SHARE * len(letters):
            return True
    return False


def _not_in_dictionary_here(library, words: list[str]) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="audioguide-trace-") as folder:
        trace = _Trace(library, Path(folder))
        try:
            return [word for word in words if not _is_found(word, trace.of(word))]
        finally:
            trace.close()


def _phonemes_job(texts: list[str], voice: str) -> list[str]:
    library = _espeak(voice)
    return [_phonemes_here(library, text) for text in texts]


def _unknown_job(words: list[str], voice: str) -> list[str]:
    return _not_in_dictionary_here(_espeak(voice), words)


def _review_job(texts: list[str], words: list[str], voice: str) -> tuple[list[str], list[str], list[str], str]:
    library = _espeak(voice)
    spoken = [_phonemes_here(library, text) for text in texts]
    unknown = _not_in_dictionary_here(library, words)
    return spoken, unknown, [_phonemes_here(library, word) for word in unknown], library.espeak_Info(None).decode()


# --- the public functions (each starts one worker) -------------------------------------


def espeak_voice_for(settings: VoiceSettings) -> str:
    """The espeak-ng voice whose dictionary and phonemes stand for the engine of ``settings``."""
    return engine_kind(settings.engine).espeak_voice(settings.voice)


def phonemes(words: list[str], voice: str = "gmw/en-us", engine: str = "pyttsx3") -> list[str]:
    """IPA phonemes for each word or phrase, in a spawned worker.

    They come from where ``engine`` gets its own: espeakng-loader's espeak-ng
    for pyttsx3, piper's own copy of espeak-ng for piper, hibari's G2P for hibari.
    """
    from .pool import run_in_worker

    words = list(words)
    if not words:
        return []
    return run_in_worker(engine_kind(engine).phonemes_job or _phonemes_job, words, voice)


#: What espeak-ng's dictionary said of each word, by voice, in this process: the
#: leaflets of a library share most of their words, and each question would
#: otherwise start a worker (espeak-ng starts only once per process), once per guide.
_VERDICTS: dict[tuple[str, str], bool] = {}
_VERDICTS_LOCK = threading.Lock()


def not_in_dictionary(words: list[str], voice: str = "gmw/en-us") -> list[str]:
    """The words espeak-ng says from its spelling rules, not from its dictionary.
    Only words not asked about before in this process start a worker."""
    from .pool import run_in_worker

    words = list(words)
    with _VERDICTS_LOCK:
        asked = [word for word in dict.fromkeys(words) if (voice, word) not in _VERDICTS]
    if asked:
        unknown = set(run_in_worker(_unknown_job, asked, voice))
        with _VERDICTS_LOCK:
            _VERDICTS.update(((voice, word), word in unknown) for word in asked)
    with _VERDICTS_LOCK:
        return [word for word in words if _VERDICTS[(voice, word)]]


def _candidates(words: Iterable[str], lexicon) -> list[str]:
    return [w for w in words_of(words) if not lexicon.covers(w) and looks_medical(w)]


def _first_line(text: str, word: str) -> int:
    match = re.search(rf"(?<![\w'’]){re.escape(word)}(?![\w'’])", text, re.IGNORECASE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def pronunciation_warnings(texts: Iterable[str], lexicon, settings: VoiceSettings,
                           source: Path | None = None, lookup=None) -> tuple[str, ...]:
    """One warning per word of ``texts`` that espeak-ng will guess from its spelling:
    it looks medical and is neither in espeak-ng's dictionary nor in ``lexicon``.

    Meant for the start of a build; with ``source`` (the leaflet) each warning
    names the file and the line where the word first appears. For a guide
    with no such candidate this costs no worker and returns (). ``lookup``:
    in place of ``not_in_dictionary`` (one that remembers earlier answers).
    """
    candidates = _candidates(texts, lexicon)
    if not candidates:
        return ()
    unknown = (lookup or not_in_dictionary)(candidates, espeak_voice_for(settings))
    try:  # decoded as the build decoded it (a UTF-16 leaflet with a BOM too)
        text = read_source(Path(source), max_bytes=sys.maxsize) if source else ""
    except SourceError:
        text = ""
    warnings = []
    for word in unknown:
        line = _first_line(text, word)
        where = f"{source}:{line}: " if source and line else f"{source}: " if source else ""
        warnings.append(
            f"{where}'{word}' looks like a medical word that espeak-ng does not know "
            "(not in its dictionary, not in the lexicon), so it may be mispronounced: "
            "review it with 'audioguide lexicon check' and add it to the lexicon"
        )
    return tuple(warnings)


@dataclass(frozen=True)
class EntryCheck:
    """One lexicon entry and what espeak-ng makes of its written and spoken forms."""

    written: str
    spoken: str
    written_phonemes: str
    spoken_phonemes: str

    @property
    def changes_sound(self) -> bool:
        """False when the respelling gives the same phonemes as the written word."""
        return self.written_phonemes != self.spoken_phonemes


@dataclass(frozen=True)
class LexiconReview:
    """What ``audioguide lexicon check`` shows."""

    voice: str  # the espeak-ng voice
    espeak_version: str  # which espeak-ng made the phonemes
    entries: tuple[EntryCheck, ...]
    unknown: tuple[tuple[str, str], ...]  # (word, phonemes) of unknown medical words
    phonemizer: str = ""  # where the phonemes come from, e.g. "espeak-ng 1.52.0 ..."


def review_lexicon(lexicon, engine: str = "pyttsx3", voice: str = "gmw/en-us",
                   words: Iterable[str] = ()) -> LexiconReview:
    """Phonemes of each entry's written and spoken forms (the spoken form ``engine``
    uses), and the unknown medical words among ``words``.

    For pyttsx3 one worker does it all. An engine with its own phonemizer
    (piper's espeak-ng, hibari's G2P) gets its phonemes in a second worker
    (piper's copy and espeakng-loader's cannot share a process); espeak-ng's
    dictionary is still looked up in espeakng-loader's copy, which is the
    only one that can trace its look-ups.
    """
    from .pool import run_in_worker

    kind = engine_kind(engine)
    entries = list(lexicon.entries)
    spoken_forms = [entry.spoken_for(engine) for entry in entries]
    candidates = _candidates(words, lexicon)
    texts = [entry.written for entry in entries] + spoken_forms
    if kind.phonemes_job:
        unknown = not_in_dictionary(candidates, voice)
        found = phonemes(texts + unknown, voice, engine=engine)
        found, unknown_phonemes = found[:len(texts)], found[len(texts):]
        phonemizer = kind.phonemizer()
        espeak_version = phonemizer.removeprefix("espeak-ng ")
    else:
        found, unknown, unknown_phonemes, espeak_version = run_in_worker(
            _review_job, texts, candidates, voice)
        phonemizer = f"espeak-ng {espeak_version}"
    count = len(entries)
    checks = tuple(
        EntryCheck(entry.written, spoken, written, said)
        for entry, spoken, written, said in zip(entries, spoken_forms, found[:count], found[count:])
    )
    return LexiconReview(voice, espeak_version, checks, tuple(zip(unknown, unknown_phonemes)), phonemizer)
