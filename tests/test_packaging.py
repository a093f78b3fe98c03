"""The package as a user installs it from a wheel, not from this folder.

The test suite itself runs on an editable install, which serves every file
straight from the source tree, so a module or a stylesheet left out of the
packaging would pass every other test and still be missing for a user who
runs ``pip install audioguide``. This builds the real wheel and compares.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What the package carries: its code, and the data it reads at run time.
SHIPPED = {".py", ".css", ".js", ".html", ".toml", ".txt", ".md"}


def source_files() -> set[str]:
    """Every file the editable install serves, under the name it has in the wheel."""
    found = set()
    for folder, prefix in ((ROOT / "audioguide", "audioguide"), (ROOT / "static", "audioguide/static")):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in SHIPPED and "__pycache__" not in path.parts:
                found.add(f"{prefix}/{path.relative_to(folder).as_posix()}")
    return found


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory) -> set[str]:
    # Built from a copy: pip builds in the source folder, and a test leaves this one as it was.
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("audioguide", "static"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    (wheel,) = out.glob("audioguide-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return {name for name in archive.namelist() if not name.split("/")[0].endswith(".dist-info")}


def test_the_wheel_carries_every_module_and_every_file_the_player_reads(wheel_files):
    missing = sorted(source_files() - wheel_files)
    assert not missing, f"left out of the wheel: {missing}"


def test_the_wheel_carries_nothing_but_the_package(wheel_files):
    assert wheel_files and all(name.startswith("audioguide/") for name in wheel_files)
    assert not [name for name in wheel_files if "__pycache__" in name or name.startswith("audioguide/tests")]
