"""The ``audioguide`` command. Each command is thin: it calls library functions.

Known problems (bad input, a missing engine or encoder) end with one line on
stderr naming the file and the problem, and exit code 2; never a traceback.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from pathlib import Path

import click

from .build_cli import built_or_builtin, run_guide
from .content import DEFAULT_MAX_BYTES
from .errors import UserError
from .guides import load_guide, with_overrides
from .speech import SegmentCache
from .speech.base import RATE_RANGE, VOLUME_RANGE
from .speech.registry import engine_names


class ServeError(UserError, RuntimeError):
    """The server cannot start (the port is taken, the address is not ours)."""


def friendly_errors(command):
    """Turn the errors we expect into one clear line and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except UserError as error:
            click.echo(f"audioguide: error: {error}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("audioguide: interrupted; finished files are kept", err=True)
            sys.exit(130)

    return wrapper


SOURCE = click.argument("source", required=False, type=click.Path(path_type=Path))
SOURCES = click.argument("sources", nargs=-1, type=click.Path(path_type=Path))


#: The options every command that reads a guide takes, by parameter name.
GUIDE_OPTIONS = ("engine", "voice", "rate", "volume", "lexicon_path", "language", "max_source_bytes")


def guide_options(command, source=SOURCE):
    """Options shared by every command that reads a guide, so each reads it the same way."""
    options = [
        source,
        click.option("--engine", type=click.Choice(engine_names()),
                     help="Speech engine (piper and hibari need the 'neural' extra); "
                          "default from guide.toml."),
        click.option("--voice", help="Voice id (see 'audioguide voices'); default from guide.toml, "
                                     "or the engine's own default when --engine changes it."),
        click.option("--rate", type=click.IntRange(*RATE_RANGE), help="Speaking rate in words per minute."),
        click.option("--volume", type=click.FloatRange(*VOLUME_RANGE),
                     help=f"Engine volume, {VOLUME_RANGE[0]:g} to {VOLUME_RANGE[1]:g}."),
        click.option("--lexicon", "lexicon_path", type=click.Path(path_type=Path),
                     help="An extra pronunciation lexicon (TOML) that overrides the guide's."),
        click.option("--language", type=click.Choice(["en", "en-GB", "en-US"], case_sensitive=False),
                     help="How figures are read: en-GB or en-US date order, currency and spelling; "
                          "'en' lets the leaflet decide (£, 999, 0800 mean en-GB). Default from guide.toml."),
        click.option("--max-source-bytes", type=click.IntRange(1), metavar="BYTES",
                     help=f"Refuse leaflets larger than this (default {DEFAULT_MAX_BYTES:,}; "
                          "or max_source_bytes in guide.toml)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def with_guide(command):
    """Read the guide options and hand ``command`` a ready ``guide`` (the SOURCE's, with
    the options applied) instead of them; with ``sources`` (several SOURCES), a tuple
    ``guides``. Problems reading it end as any other: one line, exit code 2."""

    @functools.wraps(command)
    @friendly_errors
    def wrapper(**kwargs):
        options = {name: kwargs.pop(name) for name in GUIDE_OPTIONS}
        if "sources" in kwargs:
            kwargs["guides"] = tuple(_guide(source, **options) for source in kwargs.pop("sources") or (None,))
        else:
            kwargs["guide"] = _guide(kwargs.pop("source"), **options)
        return command(**kwargs)

    many = "guides" in inspect.signature(command).parameters
    return guide_options(wrapper, source=SOURCES if many else SOURCE)


def _guide(source, engine, voice, rate, volume, lexicon_path, max_source_bytes=None, language=None):
    return with_overrides(load_guide(source), lexicon_path=lexicon_path, max_source_bytes=max_source_bytes,
                          language=language, engine=engine, voice=voice, rate=rate, volume=volume,
                          warn=lambda line: click.echo(f"audioguide: warning: {line}", err=True))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="audioguide")
def main():
    """Turn a health leaflet into an accessible, narrated audio guide.

    SOURCE is a leaflet (.txt, .md, .pdf, .html or .docx) or a guide folder with guide.toml;
    with no SOURCE, the built-in dystonia guide is used.
    """


@main.command()
@functools.partial(guide_options, source=click.argument("sources", nargs=-1, type=click.Path(path_type=Path)))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Build directory (default: build/<guide>); for many sources, the library's "
                   "(default: build/library).")
@click.option("--cache-dir", type=click.Path(path_type=Path),
              help="Where synthesized sentences are kept (default: ~/.cache/audioguide).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("--formats", metavar="LIST", help="Comma-separated, from mp3,epub,daisy,m4b "
              "(default from guide.toml, else mp3,epub; MP3 is always made).")
@click.option("--cluster", metavar="ADDRESS", help="Build each guide as one task on this running Dask "
              "scheduler, e.g. tcp://10.0.0.5:8786 (needs the 'cluster' extra and shared folders).")
@friendly_errors
def build(sources, engine, voice, rate, volume, lexicon_path, language, max_source_bytes, output, cache_dir,
          jobs, quiet, as_json, formats, cluster):
    """Build the audio chapters, captions and manifest of a guide.

    Several SOURCES (leaflets, guide folders, folders of them) build a library:
    one guide folder each and a library.json, with one pool of speech workers.
    """
    from .library_cli import is_library, run_library

    if is_library(sources, output, cluster):
        options = dict(engine=engine, voice=voice, rate=rate, volume=volume, lexicon_path=lexicon_path,
                       max_source_bytes=max_source_bytes, language=language, formats=formats)
        sys.exit(run_library(sources, output, options, cache_dir, jobs, quiet, as_json, cluster))
    source = sources[0] if sources else None
    guide = _guide(source, engine, voice, rate, volume, lexicon_path, max_source_bytes, language)
    run_guide(with_overrides(guide, formats=formats), output, cache_dir, jobs, quiet, as_json)


ALL_INTERFACES = ("0.0.0.0", "::", "")


@main.command()
@click.argument("build_dir", required=False, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 lets other machines connect.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Requests served at once.")
@click.option("--base-url", help="The public address (e.g. behind a proxy), for the podcast feed's "
                                 "links; default: the address it listens on (with 0.0.0.0, "
                                 "the feed then answers only this machine).")
@friendly_errors
def serve(build_dir, host, port, threads, base_url):
    """Serve a built guide's player, or a library of guides, with waitress.

    BUILD_DIR is a guide's build folder, or a library's (with library.json):
    every guide under /guides/<slug>/ and a home page that lists and searches
    them. With no BUILD_DIR, the built-in guide (built first if needed).
    """
    from .web import create_app
    from .web.export import check_base_url
    from .web.server import make_server

    if base_url:
        base_url = check_base_url(base_url)
    app = create_app(built_or_builtin(build_dir), config={"AUDIOGUIDE_BASE_URL": base_url})
    try:
        server = make_server(app, host, port, threads=threads)
    except OSError as error:
        raise ServeError(f"{host}:{port}: cannot listen here ({error.strerror or error}); "
                         "choose another with --port") from None
    if host in ALL_INTERFACES:
        click.echo(f"audioguide: warning: listening on all interfaces ({host or '*'}): "
                   "anyone on your network can open the player", err=True)
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(
        host, f"[{host}]" if ":" in host else host)  # an address a browser here can open
    if not base_url and host not in ALL_INTERFACES:  # the feed's links: the address we listen on
        app.config["AUDIOGUIDE_BASE_URL"] = f"http://{shown}:{server.effective_port}/"
    elif not base_url:
        click.echo("audioguide: warning: the podcast feed answers other machines only with "
                   "--base-url (their Host header is not trusted)", err=True)
    live = app.extensions["audioguide"]
    if hasattr(live, "warm"):  # a library: open and check every guide's files while serving
        click.echo("".join(f"audioguide: warning: {line}\n" for line in live.shelf().problem_lines()), err=True, nl=False)
        import threading

        from .web.library import allow_open_files

        allow_open_files()
        threading.Thread(target=live.warm, name="audioguide-warm", daemon=True).start()
    what = (f"{len(live.shelf().guides)} audio guides" if hasattr(live, "shelf")
            else f"the {live.current().manifest.title} audio guide")
    click.echo(f"Serving {what} at http://{shown}:{server.effective_port}/ (press Ctrl+C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@main.command()
@click.argument("build_dir", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("site"), show_default=True,
              help="Folder to write the static site into (replaced whole if it is an earlier export).")
@click.option("--base-url", default="http://127.0.0.1:8000/", show_default=True,
              help="The address the site will be served from; the podcast feed needs it.")
@friendly_errors
def export(build_dir, output, base_url):
    """Write the player as a static site for any static file server or CDN.

    BUILD_DIR is a guide's build folder, or a library's (with library.json):
    then one site with the home page, every guide, a search index and an OPML
    list of the feeds. With no BUILD_DIR, the built-in guide (built first if needed).
    """
    from .web.export import check_base_url, check_site_dir, export_site

    check_base_url(base_url)  # both checked before a build that may take minutes
    check_site_dir(output)
    result = export_site(built_or_builtin(build_dir), output, base_url)
    click.echo("".join(f"audioguide: warning: {line}\n" for line in result.problems), err=True, nl=False)
    click.echo(f"Exported {result.pages} pages and {result.files} files "
               f"({result.bytes / 1_000_000:.1f} MB) to {result.site_dir} for {result.base_url}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print title, chapters, segments and warnings as JSON.")
@with_guide
def script(guide, as_json):
    """Print what the leaflet was read as: title, chapters, sentences (written and spoken
    forms, pauses), and warnings for the editor; check a PDF here before building."""
    from .review import review_data, review_guide, review_lines

    review = review_guide(guide)
    for warning in review.warnings:
        click.echo(f"audioguide: warning: {warning}", err=True)
    click.echo(json.dumps(review_data(review)) if as_json else "\n".join(review_lines(review)))


@main.group("lexicon")
def lexicon_group():
    """Review a guide's pronunciation lexicon."""


@lexicon_group.command("check")
@with_guide
def lexicon_check(guide):
    """Show the phonemes espeak-ng makes of each lexicon entry, spoken and written.

    Also lists the guide's words that look medical, are not in the lexicon
    and are not in espeak-ng's dictionary: candidates for new entries.
    """
    from .build import script_for
    from .speech.phonemes import PHONEME_ALPHABET, espeak_voice_for, review_lexicon

    settings = guide.voice
    words = [segment.written for segment in script_for(guide).segments]
    review = review_lexicon(guide.lexicon, settings.engine, espeak_voice_for(settings), words)
    where = f"the shipped medical lexicon and {guide.lexicon_path or 'no lexicon file of the guide'}"
    click.echo(f"# Lexicon check: {len(review.entries)} entries ({where})")
    click.echo(f"# engine {settings.engine}; phonemes in {PHONEME_ALPHABET} from {review.phonemizer}, "
               f"voice {review.voice}")
    width = max((len(check.written) for check in review.entries), default=0)
    for check in review.entries:
        click.echo(f"\n{check.written:<{width}}  spoken as  {check.spoken}")
        click.echo(f"    spoken:  {check.spoken_phonemes}")
        if check.spoken == check.written:
            note = "   (kept as written: espeak-ng's own pronunciation, reviewed)"
        else:
            note = "" if check.changes_sound else "   (same: the respelling changes nothing)"
        click.echo(f"    written: {check.written_phonemes}{note}")
    click.echo(f"\n# Words that look medical and espeak-ng does not know (not in the lexicon): "
               f"{len(review.unknown) or 'none'}")
    width = max((len(word) for word, _ in review.unknown), default=0)
    for word, phonemes in review.unknown:
        click.echo(f"{word:<{width}}  {phonemes}")


@main.command()
@click.option("--engine", type=click.Choice(engine_names()), default=engine_names()[0], show_default=True,
              help="Whose voices to list.")
@click.option("--language", help="Only voices whose language starts with this, e.g. 'en'.")
@friendly_errors
def voices(engine, language):
    """List the voices the engine offers."""
    from .speech import list_voices

    for voice_id, name, voice_language in list_voices(engine):
        if language and not voice_language.startswith(language):
            continue
        click.echo(f"{voice_id:<24} {voice_language:<10} {name}")


@main.group()
def cache():
    """Inspect or prune the cache of synthesized sentences."""


def _cache_option(command):
    return click.option("--cache-dir", type=click.Path(path_type=Path),
                        help="The cache to use (default: ~/.cache/audioguide).")(command)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


@cache.command("info")
@_cache_option
@friendly_errors
def cache_info(cache_dir):
    """Show where the cache is and how big it is."""
    store = SegmentCache(cache_dir)
    sentences, size = store.usage()
    click.echo(f"{store.directory}: {sentences} sentences, {_size(size)}")


@cache.command("prune")
@_cache_option
@with_guide
def cache_prune(guides, cache_dir):
    """Delete cached sentences that none of SOURCES (default: the built-in guide) needs now.

    Give the same voice options as the builds whose sentences should be kept.
    """
    from .build import needed_cache_keys

    store = SegmentCache(cache_dir)
    keep: set[str] = set()
    for guide in guides:
        keep |= needed_cache_keys(guide, store)
    files, freed, kept = store.prune(keep)
    click.echo(f"Removed {files} sentences ({_size(freed)}); the cache now holds "
               f"{_size(kept)} in {store.directory}")


if __name__ == "__main__":
    main()
