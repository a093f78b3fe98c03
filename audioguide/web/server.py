"""Serve the app with waitress, never the Flask debug server."""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask

from .security import HEADERS

#: Open connections at once. Waitress's default (100) lets about a hundred idle
#: or slow clients (slowloris) lock every one else out; a connection costs a
#: few kB, and the worker threads are only taken by whole requests.
CONNECTION_LIMIT = 1000
#: A connection that sends nothing for this long is closed: a listener's player
#: sends its next request within seconds, an idle socket is only holding a place.
CHANNEL_TIMEOUT_S = 20
#: How often waitress looks for such connections.
CLEANUP_INTERVAL_S = 5
#: The player is read-only: no request has a body worth more than this.
MAX_REQUEST_BODY_BYTES = 64 * 1024
MAX_REQUEST_HEADER_BYTES = 64 * 1024


#: Waitress warns "Task queue depth is N" for every request that has to wait for
#: a thread: under a steady load, for nearly every request, each warning a log
#: record made (a few percent of the server's time) and a console line. Once
#: a minute tells the same.
QUEUE_WARNING_EVERY_S = 60.0


class _Sometimes:
    """A logger's ``warning`` passed on at most once every ``seconds``."""

    def __init__(self, logger: logging.Logger, seconds: float):
        self._logger, self._seconds, self._next = logger, seconds, 0.0

    def warning(self, message: str, *args) -> None:
        now = time.monotonic()
        if now >= self._next:
            self._next = now + self._seconds
            self._logger.warning(message + " (said at most once a minute)", *args)


def _compile_templates(app: Flask) -> None:
    """Compile every page template now, in the background: otherwise each worker
    thread that first renders a page compiles it again, while the first listeners wait."""
    try:
        for name in app.jinja_env.list_templates(extensions=("html",)):
            app.jinja_env.get_template(name)
    except Exception as error:  # a page then says it in its own way; never a traceback here
        app.logger.warning("a page template could not be compiled: %s", error)


class _SecureErrorTask(ErrorTask):
    """Waitress's own error answers (400, 413, 431...) with the app's security headers."""

    def execute(self):
        self.response_headers.extend([*HEADERS.items(), ("Cache-Control", "no-cache")])
        super().execute()


class _Channel(HTTPChannel):
    error_task_class = _SecureErrorTask


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 8000, *, threads: int = 4):
    """A waitress server that sends no ``Server`` banner and no tracebacks, and that
    idle or slow clients cannot fill.

    Call ``.run()`` to serve, ``.close()`` from another thread to stop;
    ``.effective_port`` tells the port when ``port=0``.
    """
    server = create_server(
        app, host=host, port=port, threads=threads, ident="", expose_tracebacks=False,
        connection_limit=CONNECTION_LIMIT, channel_timeout=CHANNEL_TIMEOUT_S,
        cleanup_interval=CLEANUP_INTERVAL_S, max_request_body_size=MAX_REQUEST_BODY_BYTES,
        max_request_header_size=MAX_REQUEST_HEADER_BYTES, asyncore_use_poll=True,
    )
    # One server, or one per address ("localhost" may be two): each makes the channels.
    listeners = [server, *getattr(server, "map", {}).values()]
    for listener in listeners:
        if hasattr(listener, "channel_class"):
            listener.channel_class = _Channel
    dispatcher = getattr(server, "task_dispatcher", None)
    if dispatcher is not None and hasattr(dispatcher, "queue_logger"):
        dispatcher.queue_logger = _Sometimes(dispatcher.queue_logger, QUEUE_WARNING_EVERY_S)
    threading.Thread(target=_compile_templates, args=(app,), name="audioguide-templates", daemon=True).start()
    return server
