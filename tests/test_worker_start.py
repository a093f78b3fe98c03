"""A speech worker is spawned: before it runs, it runs the parent's main script
again as ``__mp_main__``. The ``audioguide`` command's script must then load
nothing of the program, or every worker pays for importing all of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("audioguide.cli", "audioguide.build", "numpy", "click")


def test_the_command_script_run_again_in_a_worker_imports_nothing_of_the_program():
    script = Path(sys.executable).parent / "audioguide"
    assert script.is_file(), "the console script is installed with the package"
    code = ("import runpy, sys; runpy.run_path(sys.argv[1], run_name='__mp_main__'); "
            f"print(sorted(name for name in {HEAVY!r} if name in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code, str(script)], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_command_and_python_m_both_still_run():
    for command in ([str(Path(sys.executable).parent / "audioguide"), "--help"],
                    [sys.executable, "-m", "audioguide", "--help"]):
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        assert result.stdout.startswith("Usage: audioguide")


def test_the_command_starts_without_the_audio_stage():
    """Every command loads ``audioguide.cli``; only a build needs numpy and the audio stage."""
    code = ("import sys, audioguide.cli; "
            "print(sorted(n for n in ('numpy', 'audioguide.build', 'audioguide.audio', 'audioguide.library') "
            "if n in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
