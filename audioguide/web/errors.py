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


@bp.app_errorhandler(404)
def not_found(error: HTTPException):
    return _page(404)


@bp.app_errorhandler(405)
def not_allowed(error: HTTPException):
    allow = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
    return _page(405, allow)


@bp.app_errorhandler(500)
def server_error(error: InternalServerError):
    original = getattr(error, "original_exception", None) or error
    current_app.logger.error("unhandled error", exc_info=original)
    return _page(500)


@bp.app_errorhandler(HTTPException)
def other_http_error(error: HTTPException):
    code = error.code or 500
    kept = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
    return _page(code, kept)
