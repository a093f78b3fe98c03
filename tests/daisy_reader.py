"""The daisy-dtb reader, for reading our DAISY books back, and what it plays for a clip.

A module of its own, light to import, so that worker processes can use it.
"""

from __future__ import annotations

import hashlib
import typing


def daisy_reader():
    """The daisy_dtb module, quiet; ImportError when it is not installed."""
    if not hasattr(typing, "override"):  # daisy-dtb imports typing.override (Python 3.12+), a no-op decorator
        typing.override = lambda function: function
    from loguru import logger
    import daisy_dtb
    logger.remove()
    return daisy_dtb


def daisy_source(packaging: str, location: str):
    """The reader's source for a book in a folder ("folder", location ends in /) or a zip ("zip")."""
    daisy_dtb = daisy_reader()
    return daisy_dtb.FolderDtbSource(location) if packaging == "folder" else daisy_dtb.ZipDtbSource(location)


def first_clip_sha256(packaging: str, location: str, chapter: int) -> str:
    """SHA-256 of what the reader plays for a chapter's first clip, through its own book and source.

    The reader guesses the text encoding of every file it fetches, audio too, in
    pure Python: seconds per chapter, so tests fetch the chapters in parallel.
    """
    toc = daisy_reader().DaisyBook(daisy_source(packaging, location)).toc_entries[chapter]
    clips = [clip for section in toc.smil.sections for clip in section.clips]
    return hashlib.sha256(clips[0].get_sound()).hexdigest()
