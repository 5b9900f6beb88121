"""Fake Naver Search API: `GET /v1/search/news.json` (external-apis.md §4)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from email.utils import format_datetime

import orjson
from aiohttp import web

KST = dt.timezone(dt.timedelta(hours=9))
CLIENT_ID = "fake-naver-client-id"
CLIENT_SECRET = "fake-naver-secret"

ERRORS = {
    "SE01": (400, "Incorrect query request (잘못된 쿼리요청입니다.)"),
    "SE02": (400, "Invalid display value (부적절한 display 값입니다.)"),
    "SE03": (400, "Invalid start value (부적절한 start 값입니다.)"),
    "SE04": (400, "Invalid sort value (부적절한 sort 값입니다.)"),
    "SE05": (404, "Invalid search api (존재하지 않는 검색 api 입니다.)"),
    "SE99": (500, "System Error (시스템 에러)"),
    "024": (401, "Not Exist Client ID : Authentication failed. (인증에 실패했습니다.)"),
    "012": (429, "Rate limit exceeded. (속도 제한을 초과했습니다.)"),
    "010": (429, "Query limit exceeded."),
}


@dataclass
class NaverState:
    articles: dict[str, list[dict]] = field(default_factory=dict)  # query → raw items, newest first
    rate_limit_next: int = 0  # answer the next N calls with 429/012
    server_error_next: int = 0  # answer the next N calls with 500/SE99
    malformed_next: int = 0  # answer the next N calls with a truncated body
    slow_next: int = 0  # the next N calls sleep `slow_seconds` first
    slow_seconds: float = 5.0
    daily_limit: int | None = None
    calls: list[dict] = field(default_factory=list)


def article(n: int, query: str, when: dt.datetime, *, naver_hosted: bool = True) -> dict:
    """A raw item as Naver sends it: <b> around the query, entities, RFC 1123 pubDate in +0900."""
    original = f"https://www.example-news.co.kr/article/{when:%Y%m%d}{n:06d}"
    link = f"https://n.news.naver.com/mnews/article/015/{5098765 + n:010d}?sid=101" if naver_hosted else original
    return {
        "title": f"<b>{query}</b>, {n}분기 실적 &quot;호조&quot; 전망 &amp; 수주 확대",
        "originallink": original,
        "link": link,
        "description": f"증권가에서는 <b>{query}</b>의 반도체 가격이 상승할 것이라는 분석이 나온다. "
        "외국인 순매수도 이어지며... ",
        "pubDate": format_datetime(when.astimezone(KST)),
    }


def _error(code: str) -> web.Response:
    status, message = ERRORS[code]
    return web.Response(
        status=status,
        body=orjson.dumps({"errorMessage": message, "errorCode": code}),
        content_type="application/json",
        charset="UTF-8",
    )


def make_app(state: NaverState | None = None) -> web.Application:
    state = state or NaverState()
    app = web.Application()

    async def news(request: web.Request) -> web.Response:
        q = request.query
        state.calls.append(dict(q))
        if state.slow_next > 0:
            state.slow_next -= 1
            await asyncio.sleep(state.slow_seconds)
        if (
            request.headers.get("X-Naver-Client-Id") != CLIENT_ID
            or request.headers.get("X-Naver-Client-Secret") != CLIENT_SECRET
        ):
            return _error("024")
        if state.daily_limit is not None:
            if state.daily_limit <= 0:
                return _error("010")
            state.daily_limit -= 1
        if state.rate_limit_next > 0:
            state.rate_limit_next -= 1
            return _error("012")
        if state.server_error_next > 0:
            state.server_error_next -= 1
            return _error("SE99")
        query = q.get("query", "")
        if not query:
            return _error("SE01")
        try:
            display, start = int(q.get("display", "10")), int(q.get("start", "1"))
        except ValueError:
            return _error("SE02")
        if not 1 <= display <= 100:
            return _error("SE02")
        if not 1 <= start <= 1000:
            return _error("SE03")
        if q.get("sort", "sim") not in ("sim", "date"):
            return _error("SE04")
        if state.malformed_next > 0:
            state.malformed_next -= 1
            return web.Response(
                body=b'{"lastBuildDate":"Wed, 12 Mar 2025 09:41:27 +0900","total":3,"ite',
                content_type="application/json",
                charset="UTF-8",
            )
        items = state.articles.get(query, [])
        page = items[start - 1 : start - 1 + display]
        body = {
            "lastBuildDate": format_datetime(dt.datetime.now(KST).replace(microsecond=0)),
            "total": len(items),
            "start": start,
            "display": len(page),
            "items": page,
        }
        return web.Response(body=orjson.dumps(body), content_type="application/json", charset="UTF-8")

    async def wrong_path(request: web.Request) -> web.Response:
        return _error("SE05")

    app.router.add_get("/v1/search/news.json", news)
    app.router.add_route("*", "/{tail:.*}", wrong_path)
    return app
