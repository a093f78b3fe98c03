"""ZIP downloads (the guide's ZIP, the EPUB, DAISY's ZIP), assembled when read.

A build does not copy its audio into a ZIP: it writes the ZIP's description
(``assembled.py``) beside where the ZIP would be, as ``NAME.parts``, and the
manifest lists the ZIP as an assembled file. The server reads it from the
build's own files; ``export`` writes it out as an ordinary file.

Entries keep the order given and carry one fixed date; the build's files
(audio, captions, transcripts, DAISY's documents) go in stored, as they are,
with the CRC-32 their manifest entry records; generated text is deflated,
except the EPUB's ``mimetype``, which is stored. The same members give the
same bytes.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ..assembled import MAX_DESCRIPTION_BYTES, Assembled, FilePart, Member, materialise, plan_zip
from ..files import atomic_path, read_regular, write_atomic
from ..manifest import FileRef
from ..publish import mime_type, with_crc32

#: What an assembled file's description is called: the file's own name and this.
DESCRIPTION_ENDING = ".parts"
#: Generated members stored rather than deflated.
STORED_NAMES = ("mimetype",)


def plan_archive(build_dir: Path, members: list[tuple[str, FileRef | bytes | str]]) -> Assembled:
    """The ZIP of (name inside, build file or generated content)."""
    planned = []
    for name, content in members:
        if isinstance(content, FileRef):
            ref = with_crc32(build_dir, content)
            planned.append(Member(name, FilePart(ref.path, ref.bytes, ref.sha256), int(ref.crc32)))
        else:
            data = content.encode("utf-8") if isinstance(content, str) else content
            planned.append(Member(name, data, stored=name.endswith(STORED_NAMES)))
    return plan_zip(planned)


def write_archive(build_dir: Path, target: Path, members: list[tuple[str, FileRef | bytes | str]]) -> FileRef:
    """Describe the ZIP ``target`` of ``members`` (writing ``target.parts``) and return
    its manifest entry: an assembled file."""
    return write_assembled(build_dir, target, plan_archive(build_dir, members))


def write_assembled(build_dir: Path, target: Path, assembled: Assembled) -> FileRef:
    description = assembled.description()
    path = target.with_name(target.name + DESCRIPTION_ENDING)
    write_atomic(path, description)
    digest = hashlib.sha256(description).hexdigest()
    return FileRef(path=target.relative_to(build_dir).as_posix(), bytes=assembled.size, sha256=digest,
                   mime=mime_type(target.name),
                   parts=FileRef(path.relative_to(build_dir).as_posix(), len(description), digest,
                                 "application/octet-stream"))


class ArchiveError(ValueError):
    """An assembled file whose description cannot be read."""


def load_assembled(build_dir: Path, ref: FileRef) -> Assembled:
    """The assembled file ``ref`` names, from its description in ``build_dir``."""
    if ref.parts is None:
        raise ArchiveError(f"{ref.path}: is not an assembled file")
    data = read_regular(Path(build_dir) / ref.parts.path, MAX_DESCRIPTION_BYTES, ArchiveError, "description")
    return Assembled.parse(data)


def materialise_download(build_dir: Path, ref: FileRef, target: Path) -> None:
    """Write the download ``ref`` names as an ordinary file at ``target`` (an assembled
    one put together, another copied)."""
    if ref.parts is None:
        with atomic_path(target) as temporary:
            shutil.copyfile(Path(build_dir) / ref.path, temporary)
    else:
        materialise(load_assembled(build_dir, ref), build_dir, target)
