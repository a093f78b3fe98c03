"""What several web test modules share: the axe rule sets, a page's audio clock,
and a real waitress server running in a thread."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

from audioguide.web import create_app
from audioguide.web.server import make_server

#: WCAG 2.2 AA, every level's rules.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}
#: 7:1 text contrast (WCAG AAA 1.4.6), checked in every theme.
AXE_AAA_CONTRAST = {"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}}


def dialog_opens(page, name: str) -> None:
    """Wait for the help or settings dialog to open: the player fetches them on first use."""
    page.wait_for_function(f"() => !!document.querySelector('#{name}-dialog[open]')")


def simple_mode_shows(page) -> None:
    """Wait for simple mode's big Play to have focus: simple mode loads on first use."""
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'simple-play'")


def current_time(page) -> float:
    return page.evaluate("document.getElementById('audio').currentTime")


@contextmanager
def serving(build_dir: Path) -> Iterator:
    """The player for ``build_dir`` on waitress, on a free port of 127.0.0.1, until the block ends."""
    server = make_server(create_app(build_dir), port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        try:
            server.close()
        except OSError:
            pass  # the test closed it already
        thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def plain_file_server(site: Path, port: int) -> Iterator[str]:
    """Python's own ``http.server`` serving ``site`` on ``port`` (no audioguide code
    answers), ready when the block starts; yields its base URL."""
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urlopen(base, timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "http.server did not start"
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=5)
