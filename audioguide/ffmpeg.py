"""Running ffmpeg: finding it, starting it, and feeding it PCM on its standard input.

Mastering (the chapter MP3s) and the M4B writer both stream samples into
one ffmpeg process; a failure becomes one line naming the file and ffmpeg's
own last message.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable

from .errors import UserError


class MasteringError(UserError, RuntimeError):
    """ffmpeg is missing or failed; the message names the chapter."""


#: A healthy ffmpeg takes well under a second per minute of speech to encode or
#: decode it; one that runs past this (plus its allowance per second of audio)
#: is hung, and is stopped.
FFMPEG_TIMEOUT_S = 120.0
FFMPEG_SECONDS_PER_AUDIO_SECOND = 0.5


class Watchdog:
    """Kills ``process`` if it runs longer than any healthy ffmpeg would on this much
    audio: a hung ffmpeg ends the build with one line instead of stalling it for ever."""

    def __init__(self, process: subprocess.Popen, audio_seconds: float):
        self.limit = FFMPEG_TIMEOUT_S + audio_seconds * FFMPEG_SECONDS_PER_AUDIO_SECOND
        self.fired = False
        self._process = process
        self._timer = threading.Timer(self.limit, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        self._process.kill()

    def check(self, name: str) -> None:
        """Stop watching; raise if the process had to be stopped."""
        self._timer.cancel()
        if self.fired:
            raise MasteringError(f"{name}: ffmpeg did not finish within {self.limit:g} s and was stopped")


def ffmpeg_executable() -> str:
    """The system ffmpeg when there is one, else the binary imageio-ffmpeg ships."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        raise MasteringError(
            "ffmpeg was not found: install it (apt-get install ffmpeg) "
            "or 'pip install imageio-ffmpeg'"
        ) from None


def run_error(name: str, stderr: bytes, code: int) -> MasteringError:
    lines = stderr.decode(errors="replace").strip().splitlines()
    return MasteringError(f"{name}: ffmpeg failed: {lines[-1] if lines else code}")


def start(command: list[str], name: str, **streams) -> subprocess.Popen:
    try:
        return subprocess.Popen(command, **streams)
    except OSError as error:
        raise MasteringError(f"{name}: ffmpeg could not start ({error})") from None


def feed(command: list[str], chunks: Iterable[bytes], name: str, audio_seconds: float) -> None:
    """Run ``command`` with ``chunks`` (``audio_seconds`` of audio) written to its
    standard input, and wait for it. A failure (ffmpeg's, or the chunks') stops
    ffmpeg; ffmpeg's own message says why; a hung ffmpeg is stopped by a Watchdog."""
    with tempfile.TemporaryFile() as errors:
        process = start(command, name, stdin=subprocess.PIPE, stderr=errors)
        watchdog = Watchdog(process, audio_seconds)
        finished = False
        try:
            for chunk in chunks:
                process.stdin.write(chunk)
            finished = True
        except BrokenPipeError:
            finished = True  # ffmpeg stopped early; its exit code and message say why
        finally:
            if not finished:
                process.kill()
            try:
                process.stdin.close()
            except BrokenPipeError:
                pass
            code = process.wait()
            watchdog.check(name)
        if code != 0:
            errors.seek(0)
            raise run_error(name, errors.read(), code)
