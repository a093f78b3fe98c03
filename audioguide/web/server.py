"""Serve the app with waitress, never the Flask debug server."""

from __future__ import annotations

from flask import Flask
from waitress.server import create_server


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 8000, *, threads: int = 4):
    """A waitress server that sends no ``Server`` banner and no tracebacks.

    Call ``.run()`` to serve, ``.close()`` from another thread to stop;
    ``.effective_port`` tells the port when ``port=0``.
    """
    return create_server(
        app, host=host, port=port, threads=threads, ident="", expose_tracebacks=False
    )
