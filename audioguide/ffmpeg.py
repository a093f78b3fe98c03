"""Running ffmpeg: finding it, starting it, and feeding it PCM on its standard input.

Mastering (the chapter MP3s) and the M4B writer both stream samples into
one ffmpeg process; a failure becomes one line naming the file and ffmpeg's
own last message.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable

from .errors import UserError


class MasteringError(UserError, RuntimeError):
    """ffmpeg is missing or failed; the message names the chapter."""


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


def feed(command: list[str], chunks: Iterable[bytes], name: str,
         watch: Callable[[subprocess.Popen], object] | None = None) -> None:
    """Run ``command`` with ``chunks`` written to its standard input, and wait for it.
    A failure (ffmpeg's, or the chunks') stops ffmpeg; ffmpeg's own says why.
    ``watch(process)``, when given, starts a watchdog whose ``check(name)`` is called
    once ffmpeg has ended (it raises if the watchdog had to stop a hung ffmpeg)."""
    with tempfile.TemporaryFile() as errors:
        process = start(command, name, stdin=subprocess.PIPE, stderr=errors)
        watchdog = watch(process) if watch else None
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
            if watchdog is not None:
                watchdog.check(name)
        if code != 0:
            errors.seek(0)
            raise run_error(name, errors.read(), code)
