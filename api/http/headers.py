"""Security headers on every response (the SPA, the JSON api, Swagger UI, errors).

The Content-Security-Policy allows only this origin's scripts (the SPA's Vite bundle and Swagger
UI's files are ours; neither needs an inline script or eval), this origin's fetch/WebSocket/SSE,
and inline styles (React and Swagger UI set element styles). Framing is refused
(`frame-ancestors 'none'`, and X-Frame-Options for older browsers). The browser suite
(frontend/e2e) fails on any CSP violation of the SPA or Swagger UI.
"""

from __future__ import annotations

from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


async def add_security_headers(request: Request, response: BaseHTTPResponse) -> None:
    if response is None:
        return
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)


def install(app: Sanic) -> None:
    app.register_middleware(add_security_headers, "response")
