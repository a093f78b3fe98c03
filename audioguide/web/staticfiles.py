"""The player's own files as sent: every stylesheet and script in ``static/``,
minified once, each with a content-hash version for its URL.

The files in ``static/`` stay readable and need no build step. The player's
ES modules (``static/player/``) import one another by relative URL; each
import is given the modules' shared version (``./bus.js?v=...``), so every
one of them may be cached for good. The stylesheets beside them (for parts
that load on first use) share that version, so a module can name them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

#: The modules' folder under static/; the page loads its main.js.
MODULES = "player/"
_IMPORT = re.compile(r"""((?:\bimport|\bfrom)\s*\(?\s*["'])(\./[\w./-]+\.js)(["'])""")


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def asset_names(static_dir: Path) -> list[str]:
    """Every .css and .js file under ``static_dir``, as a relative path with slashes."""
    return sorted(path.relative_to(static_dir).as_posix() for path in static_dir.rglob("*")
                  if path.suffix in (".css", ".js") and path.is_file())


def minified(name: str, text: str) -> str:
    import rcssmin
    import rjsmin

    return rcssmin.cssmin(text) if name.endswith(".css") else rjsmin.jsmin(text)


def load_assets(static_dir: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """(bytes by name, version by name) of every asset, minified, imports versioned."""
    data = {name: minified(name, (static_dir / name).read_text(encoding="utf-8")).encode()
            for name in asset_names(static_dir)}
    versions = {name: version_of(content) for name, content in data.items()}
    modules = [name for name in data if name.startswith(MODULES)]
    if modules:
        shared = version_of(b"".join(data[name] for name in modules))
        for name in modules:
            text = data[name].decode()
            data[name] = _IMPORT.sub(lambda m: f"{m[1]}{m[2]}?v={shared}{m[3]}", text).encode()
            versions[name] = shared
    return data, versions


def module_names(versions: dict[str, str]) -> list[str]:
    """The modules, main.js first: the page preloads them all."""
    names = sorted(name for name in versions if name.startswith(MODULES))
    main = MODULES + "main.js"
    return [main, *(n for n in names if n != main)] if main in names else names
