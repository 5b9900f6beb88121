"""Naver Search API — news (`GET /v1/search/news.json`), see external-apis.md §4.

Paging with `start`/`display` (start ≤ 1000, display ≤ 100); rate-limit answers (429 `012`) are
retried with back-off, the daily quota (`010`) and auth failures (401 `024`) are not; 5xx,
timeouts and malformed bodies are retried and then raised. Titles and snippets come back with
`<b>` tags and HTML entities: tags are stripped first, then entities unescaped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import html
import re
from dataclasses import dataclass
from urllib.parse import urlparse

import aiohttp

from core.services import (
    AuthError,
    MalformedResponse,
    Pacer,
    QuotaExceeded,
    RateLimited,
    ServiceError,
    Unavailable,
    with_retries,
)

MAX_START = 1000
MAX_DISPLAY = 100
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def clean_text(raw: str | None) -> str:
    """'<b>삼성전자</b>, &quot;바닥&quot;' → '삼성전자, "바닥"' (tags first, then entities)."""
    if not raw:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", raw))).strip()


@dataclass(frozen=True)
class NewsItem:
    url: str  # the publisher's URL (originallink), or Naver's link when absent
    link: str  # Naver News URL (or the same as url)
    title: str
    summary: str
    source: str  # publisher host, e.g. www.example-news.co.kr
    published_at: dt.datetime | None

    def to_json(self) -> dict:
        return {
            "url": self.url,
            "link": self.link,
            "title": self.title,
            "summary": self.summary,
            "source": self.source,
            "publishedAt": self.published_at.isoformat() if self.published_at else None,
        }


@dataclass(frozen=True)
class NewsPage:
    total: int
    start: int
    display: int
    items: list[NewsItem]


def parse_item(raw: dict) -> NewsItem | None:
    url = (raw.get("originallink") or raw.get("link") or "").strip()
    title = clean_text(raw.get("title"))
    if not url or not title:
        return None
    try:
        published = email.utils.parsedate_to_datetime(raw["pubDate"]) if raw.get("pubDate") else None
    except (TypeError, ValueError):
        published = None
    return NewsItem(
        url=url,
        link=(raw.get("link") or url).strip(),
        title=title,
        summary=clean_text(raw.get("description")),
        source=urlparse(url).hostname or "",
        published_at=published,
    )


class NaverNewsClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        timeout: float = 10.0,
        attempts: int = 4,
        retry_delay: float = 1.0,
        interval: float = 0.1,
    ) -> None:
        self.session = session
        self.url = base_url.rstrip("/") + "/v1/search/news.json"
        self.headers = {"X-Naver-Client-Id": client_id, "X-Naver-Client-Secret": client_secret}
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.attempts, self.retry_delay = attempts, retry_delay
        self.pacer = Pacer(interval)

    async def _get(self, params: dict) -> dict:
        await self.pacer.wait()
        try:
            async with self.session.get(self.url, params=params, headers=self.headers, timeout=self.timeout) as resp:
                body = await resp.read()
                status = resp.status
        except TimeoutError:
            raise Unavailable("naver", "timeout", f"no answer within {self.timeout.total}s") from None
        except aiohttp.ClientError as exc:
            raise Unavailable("naver", "connection", str(exc)) from None
        try:
            data = await asyncio.to_thread(_json, body)
        except ValueError:
            if status >= 500:
                raise Unavailable("naver", str(status), "server error") from None
            raise MalformedResponse("naver", "malformed", f"HTTP {status}: not JSON ({body[:80]!r})") from None
        if status == 200:
            if not isinstance(data, dict) or not isinstance(data.get("items"), list):
                raise MalformedResponse("naver", "malformed", "no items list in the answer")
            return data
        code = str(data.get("errorCode", status)) if isinstance(data, dict) else str(status)
        message = str(data.get("errorMessage", "")) if isinstance(data, dict) else ""
        if status == 429 and code == "010":
            raise QuotaExceeded("naver", code, message, status)
        if status == 429:
            raise RateLimited("naver", code, message, status)
        if status in (401, 403):
            raise AuthError("naver", code, message, status)
        if status >= 500:
            raise Unavailable("naver", code, message, status)
        raise ServiceError("naver", code, message, status)

    async def search(self, query: str, *, start: int = 1, display: int = MAX_DISPLAY, sort: str = "date") -> NewsPage:
        params = {"query": query, "display": str(display), "start": str(start), "sort": sort}
        data = await with_retries(
            lambda: self._get(params),
            attempts=self.attempts,
            base_delay=self.retry_delay,
            what=f"naver news {query!r} start={start}",
        )
        items = [i for i in (parse_item(r) for r in data["items"] if isinstance(r, dict)) if i is not None]
        return NewsPage(
            int(data.get("total") or 0), int(data.get("start") or start), int(data.get("display") or len(items)), items
        )

    async def search_all(
        self, query: str, *, max_items: int = 100, since: dt.datetime | None = None, display: int = MAX_DISPLAY
    ) -> list[NewsItem]:
        """Newest first, page after page, until `max_items`, the end of the results, start > 1000,
        or (with `since`) an item older than `since`. De-duplicated by URL."""
        seen: set[str] = set()
        out: list[NewsItem] = []
        start = 1
        while start <= MAX_START and len(out) < max_items:
            page = await self.search(query, start=start, display=min(display, max_items - len(out), MAX_DISPLAY))
            reached_old = False
            for item in page.items:
                if since is not None and item.published_at is not None and item.published_at < since:
                    reached_old = True
                    break
                if item.url not in seen:
                    seen.add(item.url)
                    out.append(item)
            if reached_old or not page.items or start + len(page.items) > page.total:
                break
            start += len(page.items)
        return out[:max_items]


def _json(body: bytes):
    import orjson

    return orjson.loads(body)
