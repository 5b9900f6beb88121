"""Serves the built SPA (frontend/dist) at `/`, with index.html for client-side routes."""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, file, html

from api.http.errors import ApiError

bp = Blueprint("spa")

NOT_BUILT = """<!doctype html><html lang="ko"><meta charset="utf-8"><title>KRX</title>
<p>프론트엔드가 아직 빌드되지 않았습니다. <code>make run</code>이 빌드합니다.</p></html>"""


def _resolve(dist: Path, path: str) -> Path | None:
    """The file under dist for this URL path, refusing anything that escapes dist."""
    candidate = (dist / path).resolve()
    if dist.resolve() in candidate.parents and candidate.is_file():
        return candidate
    return None


ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@bp.route("/api/<path:path>", methods=ANY_METHOD, name="api_unknown")
@bp.route("/ws/<path:path>", methods=ANY_METHOD, name="ws_unknown")
async def unknown(request: Request, path: str) -> HTTPResponse:
    """A path under /api or /ws that no route declares is 404 whatever the method (without this,
    the SPA's GET-only catch-all would make it 405, e.g. DELETE /api/users/favorites/abc)."""
    raise ApiError("NOT_FOUND")


@bp.route("/", methods=["GET", "HEAD"], name="spa_root")
@bp.route("/<path:path>", methods=["GET", "HEAD"], name="spa_path")
async def serve(request: Request, path: str = "") -> HTTPResponse:
    if path.startswith(("api/", "ws/")) or path in ("api", "ws"):
        raise ApiError("NOT_FOUND")
    dist: Path = request.app.ctx.settings.api.frontend_dist
    index = dist / "index.html"
    if not index.is_file():
        return html(NOT_BUILT, status=503)
    asset = _resolve(dist, path) if path else None
    if asset is not None:
        return _cached(await file(asset), hashed=path.startswith("assets/"))
    if "." in path.rsplit("/", 1)[-1]:
        raise ApiError("NOT_FOUND")
    return _cached(await file(index), hashed=False)


def _cached(response: HTTPResponse, hashed: bool) -> HTTPResponse:
    """Vite's hashed assets never change; index.html must always be revalidated."""
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if hashed else "no-cache"
    return response
