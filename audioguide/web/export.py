"""Write the player as a static site that any static file server or CDN can host.

The pages are the ones ``serve`` renders (requested through the app itself,
so there is one source of truth), written as ``index.html`` files under the
same paths; media, assets, the feed and the service worker are copied next
to them; an assembled download (the guide's ZIP, the EPUB) is written out
as an ordinary file. ``base_url`` is where the site will live: the feed needs absolute
addresses, and a path in it (``https://host/health/``) prefixes every link.

The site is written into a temporary folder and renamed into place, so an
interrupted export never leaves half a site, and an earlier export is
replaced whole. A folder that is not an earlier export is never replaced.
"""

from __future__ import annotations

import html
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..assembled import AssembledError, Reader
from ..errors import UserError
from . import create_app
from .compression import precompress
from .security import PAGE_POLICY, REFERRER_POLICY
from .catalog import OPML, SEARCH_INDEX
from .site import Site

MARKER = ".audioguide-export"
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


class ExportError(UserError, ValueError):
    """The export cannot be written; the message names the folder or option."""


@dataclass(frozen=True)
class ExportResult:
    site_dir: Path
    pages: int
    files: int
    bytes: int
    base_url: str
    problems: tuple[str, ...] = ()  # a library's leaflets that could not be built (not exported)


def check_base_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    example = "give an absolute http(s) address, like https://example.org/guides/"
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ExportError(f"--base-url {base_url!r}: {example}")
    if parts.username is not None or parts.password is not None:
        raise ExportError(f"--base-url {base_url!r}: a public address has no user name or password; {example}")
    try:
        parts.port  # noqa: B018 (raises ValueError when out of range or not a number)
    except ValueError:
        raise ExportError(f"--base-url {base_url!r}: the port must be a number from 1 to 65535") from None
    if parts.port == 0 or any(c.isspace() or ord(c) < 32 for c in base_url):
        raise ExportError(f"--base-url {base_url!r}: {example}")
    return base_url if base_url.endswith("/") else base_url + "/"


#: What an export writes at its top (the marker lists every file since it was kept).
_EXPORT_TOP = {"index.html", "404.html", "sw.js", MARKER, "static", "guides", SEARCH_INDEX, OPML}


def _exported_files(site_dir: Path) -> set[str] | None:
    """The files an earlier export wrote, from its marker; None for an older marker."""
    lines = (site_dir / MARKER).read_text(encoding="utf-8", errors="replace").splitlines()
    return set(lines[1:]) | {MARKER} if len(lines) > 1 else None


def check_site_dir(site_dir: Path) -> Path:
    """An export may go into a new or empty folder, or replace an earlier export that
    holds only files it wrote: nothing else, so no user's file is ever deleted."""
    site_dir = Path(os.path.abspath(site_dir))
    if site_dir == Path(os.path.abspath(os.curdir)) or site_dir in Path(os.path.abspath(os.curdir)).parents:
        raise ExportError(f"{site_dir}: is the current folder (or holds it); export into a new folder with -o")
    if os.path.lexists(site_dir) and not site_dir.is_dir():
        raise ExportError(f"{site_dir}: is a file, not a folder; choose another -o")
    if not site_dir.exists() or not any(site_dir.iterdir()):
        return site_dir
    if not (site_dir / MARKER).is_file():
        raise ExportError(f"{site_dir}: folder is not empty and not an earlier export; choose another -o")
    exported = _exported_files(site_dir)
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir).as_posix()
        if path.is_dir() and not path.is_symlink():
            continue
        if exported is None and relative.split("/")[0] in _EXPORT_TOP or exported and relative in exported:
            continue
        raise ExportError(f"{site_dir}: holds {relative}, which the earlier export did not write; "
                          "move it out first, or choose another -o")
    return site_dir


def _redirect_page(title: str, language: str, target: str) -> str:
    title, target = html.escape(title), html.escape(target)
    return (
        f'<!doctype html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{PAGE_POLICY}">\n'
        f'<meta name="referrer" content="{REFERRER_POLICY}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="color-scheme" content="dark light">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n<title>{title} audio guide</title>\n'
        f'</head>\n<body>\n<main>\n<p><a href="{target}">Open the {title} audio guide</a></p>\n'
        f'</main>\n</body>\n</html>\n'
    )


def export_site(build_dir: Path, site_dir: Path, base_url: str = DEFAULT_BASE_URL) -> ExportResult:
    """Export the guide built in ``build_dir`` (or every guide of the library
    there, with its home page, search index and OPML list of feeds) as a
    static site in ``site_dir``."""
    base_url = check_base_url(base_url)
    site_dir = check_site_dir(site_dir)
    prefix = urlsplit(base_url).path.rstrip("/")
    root = base_url[: len(base_url) - len(urlsplit(base_url).path)] + prefix
    app = create_app(build_dir)
    app.config["AUDIOGUIDE_BASE_URL"] = root  # the feed's links: where the site will live
    app.config["AUDIOGUIDE_STATIC_EXPORT"] = True  # no server to answer a search: the page's script does
    live = app.extensions["audioguide"]
    shelf = live.shelf() if hasattr(live, "shelf") else None  # a library
    # Every page and file below comes from these snapshots, one per guide.
    if shelf is None:
        only = live.current()
        sites = {only.manifest.slug: only}
    else:
        sites = {entry.slug: live.guide(entry.slug) for entry in shelf.guides}
        broken = [slug for slug, site in sites.items() if site is None]
        if broken:
            raise ExportError(f"{Path(build_dir) / broken[0]}: this guide of the library cannot be read; "
                              "build the library again")
    for site in sites.values():
        missing = sorted(relative for relative in site.files if relative not in site.opened)
        if missing:
            raise ExportError(f"{site.build_dir}: {missing[0]} is missing or does not match the "
                              "manifest; build the guide again")
    client = app.test_client()

    def page(path: str) -> bytes:
        response = client.get(path, base_url=root)
        if response.status_code != 200:
            raise ExportError(f"{path}: the player answered {response.status_code}")
        return response.get_data()

    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = site_dir.with_name(f".{site_dir.name}.export-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    if os.path.islink(staging):  # planted at the name: writing through it would leave the folder
        os.unlink(staging)
    written: list[Path] = []

    def write(relative: str, data: bytes) -> None:
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)

    def copy(site: Site, relative: str, into: str) -> None:
        """The snapshot's file at ``relative`` in the build, as ``into`` in the site:
        linked when the build's path still names that file, else copied from it; an
        assembled file (a ZIP, the EPUB) written out from the snapshot's files."""
        handle = site.opened[relative]
        target = staging / into
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(handle, Reader):
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                handle.write_to(fd)
            except AssembledError as error:
                raise ExportError(f"{site.build_dir}: {error}; build the guide again") from None
            finally:
                os.close(fd)
            written.append(target)
            return
        try:
            os.link(site.build_dir / relative, target)  # builds rename new files in, so a link stays whole
            if os.stat(target).st_ino != os.fstat(handle.fd).st_ino:
                target.unlink()
                raise FileNotFoundError(relative)  # a newer build's file: copy the snapshot's
        except OSError:
            with open(target, "wb") as out:
                out.writelines(handle.chunks())
        written.append(target)

    def unchanged() -> bool:
        if shelf is None:
            return all(live.current() is site for site in sites.values())
        return live.shelf() is shelf and all(live.guide(slug) is site for slug, site in sites.items())

    pages = 1
    try:
        if shelf is None:
            manifest = next(iter(sites.values())).manifest
            write("index.html", _redirect_page(manifest.title, manifest.language,
                                               f"{prefix}/guides/{manifest.slug}/").encode())
        else:
            write("index.html", page("/"))
            write(SEARCH_INDEX, page("/" + SEARCH_INDEX))
            write(OPML, page("/" + OPML))
        for slug, site in sites.items():
            guide = f"guides/{slug}"
            write(f"{guide}/index.html", page(f"/{guide}/"))
            for chapter in site.manifest.chapters:
                write(f"{guide}/{chapter.file_stem}/index.html", page(f"/{guide}/{chapter.file_stem}/"))
            write(f"{guide}/dialogs.html", page(f"/{guide}/dialogs.html"))
            write(f"{guide}/feed.xml", page(f"/{guide}/feed.xml"))
            write(f"{guide}/manifest.webmanifest", page(f"/{guide}/manifest.webmanifest"))
            for relative in site.opened:
                copy(site, relative, f"{guide}/media/{relative}")
            pages += 1 + len(site.manifest.chapters)
        write("404.html", client.get("/no-such-page", base_url=root).get_data())
        write("sw.js", page("/sw.js"))
        for name, data in live.static.data.items():
            if name != "sw.js":  # served from the root, above
                write(f"static/{name}", data)
        if not unchanged():
            where = Path(build_dir) if shelf is not None else next(iter(sites.values())).build_dir
            raise ExportError(f"{where}: the guide was rebuilt during the export; export it again")
        written += precompress(written)  # gzip copies of the text files, for servers that send them ready
        listed = sorted(path.relative_to(staging).as_posix() for path in written)
        first = next(iter(sites)) if shelf is None else "library"
        write(MARKER, "\n".join([first, *listed]).encode() + b"\n")
        if site_dir.exists():
            retired = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
            os.replace(site_dir, retired)
            os.replace(staging, site_dir)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, site_dir)
    except OSError as error:
        raise ExportError(f"{site_dir}: cannot write the site here ({error.strerror or error})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    total = sum(path.stat().st_size for path in site_dir.rglob("*") if path.is_file())
    return ExportResult(site_dir, pages, len(written), total, base_url,
                        tuple(shelf.problem_lines()) if shelf is not None else ())
