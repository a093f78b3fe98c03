"""Plain, friendly error pages: never a traceback, never a server banner."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

bp = Blueprint("errors", __name__)

MESSAGES = {
    404: ("Page not found", "There is no page at this address."),
    405: ("Not allowed", "This address cannot be used that way."),
    500: ("Something went wrong", "The player had a problem. Please try again in a moment."),
}


def _page(code: int, headers=None):
    title, message = MESSAGES.get(code, ("Request not handled", "This request could not be handled."))
    body = render_template("error.html", code=code, title=title, message=message)
    return body, code, headers or {}


@bp.app_errorhandler(500)
def server_error(error: InternalServerError):
    original = getattr(error, "original_exception", None) or error
    current_app.logger.error("unhandled error", exc_info=original)
    return _page(500)


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    """404, 405 (its Allow header kept), 414, 416...: the same plain page."""
    code = error.code or 500
    kept = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
    return _page(code, kept)
