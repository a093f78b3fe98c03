"""Writing and reading files safely: whole or not at all, and only our own.

Every file a build makes is written under a temporary name and renamed into
place (``atomic_path``), so a reader (or a later build) sees the old file or
the whole new one, never half of one. While a ``FileRecord`` is open on a
folder, every file written through here inside that folder is recorded in
it *before* it appears, so a build can later tell its own files (which it
may replace or delete) from a user's (which it never touches), even after it
was killed. ``read_regular`` reads a user's file with a size limit, and only
when it is a regular file (not a device, a FIFO or a folder).

This module imports no stage: every stage may use it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

#: The record of the files a build wrote, beside its manifest.
RECORD_NAME = ".audioguide-files"
#: The name ``atomic_path`` gives a file while it is written: ``.NAME.PID.tmp``.
TEMPORARY_NAME = re.compile(r"\..+\.\d+\.tmp")


def temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def clear_temporary(path: Path) -> None:
    """Remove what is at a temporary name before it is written: a file a killed run left,
    or a link planted there, which writing would follow to a file outside the folder
    (a folder at that name is left, and writing there fails)."""
    try:
        os.unlink(path)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        pass


def is_temporary(path: Path) -> bool:
    """A name ``atomic_path`` gives: what a killed build leaves behind."""
    return bool(TEMPORARY_NAME.fullmatch(path.name))


class FileRecord:
    """The files written into ``root`` (relative paths), kept in ``root/.audioguide-files``.

    Open one with ``recording(root)``: while it is open, ``atomic_path`` adds
    each file it writes under ``root`` to it, and the record is saved (itself
    atomically) before the file is renamed into place.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.path = self.root / RECORD_NAME
        self._lock = threading.Lock()
        self.names: set[str] = set(self.load(self.root))

    @staticmethod
    def load(root: Path) -> list[str]:
        """The recorded names; none when there is no record or it is unreadable."""
        try:
            data = json.loads((Path(root) / RECORD_NAME).read_bytes()[: 1 << 24])
        except (OSError, ValueError):
            return []
        files = data.get("files") if isinstance(data, dict) else None
        return [name for name in files if plain_relative(name)] if isinstance(files, list) else []

    def relative(self, path: Path) -> str | None:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root)).as_posix()
        except ValueError:
            return None

    def add(self, *paths: Path) -> None:
        names = {self.relative(path) for path in paths} - {None, RECORD_NAME}
        with self._lock:
            if names - self.names:
                self.names |= names
                self._save()

    def forget(self, names) -> None:
        with self._lock:
            if self.names & set(names):
                self.names -= set(names)
                self._save()

    def _save(self) -> None:
        data = json.dumps({"files": sorted(self.names)}, indent=0).encode()
        temporary = temporary_name(self.path)
        try:
            clear_temporary(temporary)
            temporary.write_bytes(data)
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)


def plain_relative(name: object) -> bool:
    """A path inside a folder, as the build writes them: relative, no "..", "." or empty
    part, no backslash or NUL. The record is read back to delete files, and manifests and
    assembled files' descriptions name files to serve, so a damaged or hostile one naming
    "../x" or "/home/x" must not reach a file outside the build folder."""
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and all(part not in ("", ".", "..") for part in name.split("/"))


def recorded_file(root: Path, name: str) -> Path | None:
    """``root / name`` when it is a regular file really inside ``root`` (no folder on
    the way is a link out of it), which a build may delete; else None."""
    path = Path(root) / name
    if not path.is_file() or path.is_symlink():
        return None
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(path.parent)]) != real_root:
        return None
    return path


_open_records: list[FileRecord] = []
_records_lock = threading.Lock()


@contextmanager
def recording(root: Path) -> Iterator[FileRecord]:
    """Record every file written through this module under ``root`` until the block ends."""
    record = FileRecord(root)
    with _records_lock:
        _open_records.append(record)
    try:
        yield record
    finally:
        with _records_lock:
            _open_records.remove(record)


def _record(path: Path) -> None:
    with _records_lock:
        records = list(_open_records)
    for record in records:
        if record.relative(path) is not None:
            record.add(path)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` to write to, renamed onto ``path`` when the
    block ends normally and deleted when it does not."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_name(path)
    try:
        clear_temporary(temporary)
        yield temporary
        _record(path)  # recorded before it exists: a kill now leaves no unrecorded file
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes | str) -> None:
    with atomic_path(path) as temporary:
        temporary.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def read_regular(path: Path, max_bytes: int, error: type[Exception], what: str = "file") -> bytes:
    """The bytes of ``path``, refused (with ``error``, a one-line message) unless it is a
    regular file of at most ``max_bytes``: a device, a FIFO or a folder is never read,
    and no read goes past the limit even when the file grows meanwhile."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a {what}") from None
    except OSError as problem:
        raise error(f"{path}: cannot be read ({problem.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise error(f"{path}: is a folder, not a {what}")
        if not stat.S_ISREG(mode):
            raise error(f"{path}: not a regular file (a device, pipe or socket), not a {what}")
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise error(f"{path}: file is {size:,} bytes, over the limit of {max_bytes:,} bytes")
        try:
            data = handle.read(max_bytes + 1)
        except OSError as problem:
            raise error(f"{path}: cannot be read ({problem.strerror})") from None
    if len(data) > max_bytes:
        raise error(f"{path}: file is over the limit of {max_bytes:,} bytes")
    return data
