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


#: Runs the command, noting what was loaded when the build's speech workers were started.
WATCHED_BUILD = """
import sys
import audioguide.earlyspeech as early
from audioguide.speech import pool

seen = []
real = pool.SpeechPool.__init__
def noting(self, *args, **kwargs):
    seen.append("audioguide.build" in sys.modules)
    real(self, *args, **kwargs)
pool.SpeechPool.__init__ = noting
if __name__ == "__main__":
    from audioguide.cli import main
    try:
        main(sys.argv[1:], prog_name="audioguide")
    finally:
        print("loaded when workers started:", seen, file=sys.stderr)
"""


def test_a_first_build_starts_its_engines_before_the_build_code_loads(tmp_path):
    """Into an empty folder every sentence is to be said: the engines start (about half a
    second each) while numpy, the audio stage and the build load, not after."""
    leaflet = tmp_path / "leaflet.txt"
    leaflet.write_text("Title\n\nHeading\n\nOne sentence to say.\n", encoding="utf-8")
    script = tmp_path / "watched.py"
    script.write_text(WATCHED_BUILD, encoding="utf-8")
    command = [sys.executable, str(script), "build", str(leaflet), "-o", str(tmp_path / "out"),
               "--cache-dir", str(tmp_path / "cache"), "-q"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "loaded when workers started: [False]" in first.stderr
    leaflet.write_text("Title\n\nHeading\n\nAnother sentence to say.\n", encoding="utf-8")
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)  # a build is there:
    assert again.returncode == 0, again.stderr  # the build decides, after its quick check
    assert "loaded when workers started: [True]" in again.stderr
