"""Fixtures for the web tests: the app over the real dystonia build (``built_guide``
from tests/conftest.py), a real waitress server, one Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audioguide.web import create_app

from .support import serving


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]




@pytest.fixture(scope="session")
def app(built_guide):
    return create_app(built_guide, config={"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def manifest(app):
    return app.extensions["audioguide"].current().manifest


@pytest.fixture(scope="session")
def server_url(built_guide):
    """The player on a real waitress server in a thread, on a free port."""
    with serving(built_guide) as server:
        yield f"http://127.0.0.1:{server.effective_port}"


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    # The system's Chromium where there is one (scripts/test installs Debian's);
    # else the one 'playwright install chromium' put in Playwright's own folder.
    executable = CHROMIUM if Path(CHROMIUM).exists() else None
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="session")
def chapter_two(manifest):
    return f"/guides/{manifest.slug}/{manifest.chapters[1].file_stem}/"


# Records CSP violations and live-region messages so tests can assert on them.
RECORDER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
window.__said = [];
document.addEventListener('DOMContentLoaded', () => {
  const region = document.getElementById('announcer');
  if (!region) return;
  new MutationObserver(() => { if (region.textContent) window.__said.push(region.textContent); })
    .observe(region, {subtree: true, childList: true, characterData: true});
});
"""


@pytest.fixture()
def new_page(browser, server_url):
    """Open a page in a fresh context (fresh localStorage); options per call."""
    contexts = []

    def open_page(path="/guides/dystonia/", *, width=1280, height=800, scheme="dark",
                  prefs=None, javascript=True):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            java_script_enabled=javascript,
            base_url=server_url,
        )
        contexts.append(context)
        if prefs is not None:
            context.add_init_script(
                f"localStorage.setItem('audioguide:prefs', {json.dumps(json.dumps(prefs))});"
            )
        context.add_init_script(RECORDER)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(path)
        if javascript:
            page.wait_for_function("() => document.getElementById('controls') && !document.getElementById('controls').hidden")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def library_dir(tmp_path_factory, segment_cache) -> Path:
    """A library of a few tiny guides (tests/library_helper.py); do not modify it."""
    from tests.library_helper import make_library

    base = tmp_path_factory.mktemp("library")
    return make_library(base / "library", base / "sources", segment_cache)
