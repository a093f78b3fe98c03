"""Security headers on every response, pages, media and errors alike."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("security", __name__)

# Nothing inline anywhere: page data travels in data- attributes, so the
# policy needs no 'unsafe-inline' and no nonces.
DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "media-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
]
CONTENT_SECURITY_POLICY = "; ".join(DIRECTIVES)
#: The same policy in the pages themselves, for the static export, whose file
#: server sends no headers of ours (a <meta> policy cannot hold frame-ancestors).
PAGE_POLICY = "; ".join(d for d in DIRECTIVES if not d.startswith("frame-ancestors"))
REFERRER_POLICY = "no-referrer"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": REFERRER_POLICY,
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


@bp.app_context_processor
def page_policies() -> dict[str, str]:
    return {"page_policy": PAGE_POLICY, "referrer_policy": REFERRER_POLICY}
