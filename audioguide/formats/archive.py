"""ZIP files that are the same bytes whenever what they hold is the same.

Entries keep the order given, carry one fixed date and no extra fields;
audio (already compressed) and the EPUB's ``mimetype`` are stored, text is
deflated.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from ..files import atomic_path
from ..publish import ZIP_DATE

STORED_ENDINGS = (".mp3", ".m4a", ".m4b", "mimetype")


def write_archive(target: Path, members: list[tuple[str, Path | bytes | str]]) -> None:
    """Write ``target`` (via a temporary name) from (name inside, file or content)."""
    with atomic_path(target) as temporary, zipfile.ZipFile(temporary, "w") as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the machine
            info.compress_type = (zipfile.ZIP_STORED if name.endswith(STORED_ENDINGS)
                                  else zipfile.ZIP_DEFLATED)
            if isinstance(content, Path):
                with open(content, "rb") as source, archive.open(info, "w") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
            else:
                archive.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)
