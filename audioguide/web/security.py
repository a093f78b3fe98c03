"""Security headers on every response, pages, media and errors alike."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("security", __name__)

# Nothing inline anywhere: page data travels in data- attributes, so the
# policy needs no 'unsafe-inline' and no nonces.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "media-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@bp.after_app_request
def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers[name] = value
    # Pages change when the guide is rebuilt, so caches must revalidate them;
    # media and assets set their own policy.
    response.headers.setdefault("Cache-Control", "no-cache")
    response.headers.pop("Server", None)
    return response
