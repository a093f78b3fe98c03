"""scripts/_setup.sh installs a Debian package that dpkg only remembers (removed,
not purged: state "rc"), or whose program is gone, instead of taking it for
installed. dpkg and apt-get are stand-ins on PATH that answer as such a
machine's would and note what they were asked; the script itself is real."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SETUP = Path(__file__).resolve().parent.parent / "scripts" / "_setup.sh"


def machine(tmp_path: Path, status: str, program_exists: bool) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = tmp_path / "usr-bin-chromium"
    if program_exists:
        program.write_text("")
    scripts = {
        # dpkg -s succeeds for a removed-but-remembered package: the old check's mistake.
        "dpkg": "#!/bin/sh\nexit 0\n",
        "dpkg-query": (f'#!/bin/sh\ncase "$2" in -f*) printf "%s" "{status}";; esac\n'
                       f'case "$1" in -L) echo /etc/chromium.d/default; echo /usr/bin/x;; esac\nexit 0\n'),
        "apt-get": f'#!/bin/sh\necho "$@" >> {tmp_path}/apt-get.log\nexit 0\n',
        "id": "#!/bin/sh\necho 0\n",
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    # /usr/bin/x in the package list is mapped onto ``program`` by the stand-in grep below.
    (bin_dir / "grep").write_text(f"#!/bin/sh\n/bin/grep \"$@\" | sed 's#/usr/bin/x#{program}#'\n")
    (bin_dir / "grep").chmod(0o755)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin"}


def apt_install(tmp_path: Path, env: dict[str, str]) -> str:
    subprocess.run(["bash", "-c", f"source {SETUP} && apt_install chromium"], env=env, check=True,
                   timeout=60)
    log = tmp_path / "apt-get.log"
    return log.read_text() if log.exists() else ""


@pytest.mark.parametrize("status, program_exists", [
    ("deinstall ok config-files", False),  # removed, not purged
    ("install ok installed", False),  # installed, but its program was deleted
])
def test_a_package_that_is_not_really_installed_is_installed(tmp_path, status, program_exists):
    log = apt_install(tmp_path, machine(tmp_path, status, program_exists))
    assert "install -y -qq --no-install-recommends chromium" in log


def test_an_installed_package_is_left_alone(tmp_path):
    assert apt_install(tmp_path, machine(tmp_path, "install ok installed", True)) == ""
