"""The player's own files: native ES modules with no build step, minified
when the app starts, versioned and cached for good, small."""

from __future__ import annotations

import gzip
import re

from audioguide.web import find_static_dir
from audioguide.web.settings import SETTINGS

STATIC = find_static_dir()


def module_urls(client, manifest) -> list[str]:
    """main.js and every module it imports, as the page and the modules name them."""
    page = client.get(f"/guides/{manifest.slug}/").get_data(as_text=True)
    queue = re.findall(r'<script type="module" src="([^"]+)"', page)
    seen = []
    while queue:
        url = queue.pop(0).replace("&amp;", "&")
        if url in seen:
            continue
        seen.append(url)
        body = client.get(url).get_data(as_text=True)
        base = url.rsplit("/", 1)[0]
        queue += [f"{base}/{spec[2:]}" for spec in re.findall(r"""(?:\bimport|\bfrom)\s*\(?\s*["'](\./[^"']+)["']""", body)]
    return seen


def test_every_module_is_versioned_and_cached_for_good(client, manifest):
    urls = module_urls(client, manifest)
    assert len(urls) >= 8, urls  # main.js and the modules it imports
    page = client.get(f"/guides/{manifest.slug}/").get_data(as_text=True)
    for url in [*urls, *re.findall(r'href="(/static/player\.css\?v=[0-9a-f]{12})"', page)]:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        assert client.get(url.split("?")[0]).headers["Cache-Control"] == "no-cache", url


def test_modules_are_sent_minified_and_each_gzip_is_its_own(client, manifest):
    for url in module_urls(client, manifest):
        name = url.split("/static/")[1].split("?")[0]
        source = (STATIC / name).read_text(encoding="utf-8")
        sent = client.get(url).data
        assert len(sent) < len(source) and b"/*" not in sent, name
        # Modules share a version, never a compressed body.
        packed = client.get(url, headers={"Accept-Encoding": "gzip"})
        if "Content-Encoding" in packed.headers:  # a module under 256 bytes goes as it is
            assert gzip.decompress(packed.data) == sent, name


def test_no_module_is_over_200_lines():
    for path in (STATIC / "player").glob("*.js"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 200, path.name


def test_settings_are_written_once_in_the_server_table(client, manifest):
    """The dialog (fetched by the player when first opened) and the script's choices
    come from settings.SETTINGS; no script lists them."""
    page = client.get(f"/guides/{manifest.slug}/dialogs.html").get_data(as_text=True)
    for setting in SETTINGS:
        kind = "radio" if setting.choices else "checkbox"
        for value, _ in setting.choices or [("", "")]:
            needle = f'type="{kind}" name="{setting.name}"' + (f' value="{value}"' if setting.choices else "")
            assert needle in page, needle
    for path in STATIC.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert "Low-glare" not in text and "1500, 2000" not in text and "[0, 250" not in text, path.name


#: What the guide page may weigh as sent, plain and gzipped (scripts/bench prints the same measure).
PAGE_LIMIT, PAGE_GZIP_LIMIT = 40_000, 15_000


def first_view(client, path: str) -> list[str]:
    """The page, what it links (stylesheets, scripts) and every module those import
    statically: what a browser loads to show it. import() on first use is not counted."""
    page = client.get(path).get_data(as_text=True)
    urls = [path, *re.findall(r'<(?:link rel="stylesheet" href|script[^>]*src)="(/static/[^"]+)"', page)]
    for url in urls:
        if url.endswith(".js") or ".js?" in url:
            base = url.rsplit("/", 1)[0]
            body = client.get(url).get_data(as_text=True)
            urls += [f"{base}/{spec[2:]}" for spec in re.findall(r"""(?:\bimport|\bfrom)\s*["'](\./[^"']+)["']""", body)]
    return list(dict.fromkeys(url.replace("&amp;", "&") for url in urls))


def weight(client, urls: list[str]) -> tuple[int, int]:
    """Bytes as sent, plain and gzipped (each response on its own, as a browser gets them)."""
    plain = sum(len(client.get(url).data) for url in urls)
    packed = sum(len(client.get(url, headers={"Accept-Encoding": "gzip"}).data) for url in urls)
    return plain, packed


def test_the_guide_page_is_within_the_weight_limits(client, manifest):
    urls = first_view(client, f"/guides/{manifest.slug}/")
    assert any("/player/main.js" in url for url in urls) and any("/player/bus.js" in url for url in urls), urls
    plain, packed = weight(client, urls)
    assert plain <= PAGE_LIMIT and packed <= PAGE_GZIP_LIMIT, (plain, packed)


def test_what_loads_on_first_use_stays_out_of_the_first_view(client, manifest):
    """The dialogs, finding words, simple mode, the motor filters, the sleep timer,
    chapter changes and saving for offline load when first used, not with the page."""
    loaded = " ".join(first_view(client, f"/guides/{manifest.slug}/"))
    for later in ("dialogs", "search", "simple", "filters", "scan", "sleep", "chapters", "saving", "sheet"):
        assert f"/player/{later}." not in loaded, later
    page = client.get(f"/guides/{manifest.slug}/").get_data(as_text=True)
    assert "settings-dialog" not in page and "help-dialog" not in page
    # A page the server answers a search with links the results' stylesheet itself.
    assert "/player/search.css" in client.get(f"/guides/{manifest.slug}/?q=muscle").get_data(as_text=True)
