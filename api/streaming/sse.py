"""SSE `GET /api/stream/stocks?symbols=005930,000660[&channel=orderbook]`: the same messages as
the WebSocket, one way.

With `channel=orderbook` the events are `subscribed`, one `bookSnapshot` per symbol (the last
order book, `book` null when none is known), then `orderbook`; the rest of this note is about
the default `ticks` channel.

Auth: `Authorization: Bearer` or the `token` query parameter (EventSource cannot set headers).
Events: `event: subscribed` (accepted/rejected symbols, like the WebSocket ack), then
`event: tick` with `id: {symbol}:{epochMs}` where epochMs is the tick's `receivedAt`
(falling back to its `timestamp`), `event: status`, `event: dropped`; a `: heartbeat` comment
every `stream_heartbeat_seconds`; a `retry: 3000` hint first.

Reconnect: on connect the latest tick of each symbol (`tick:last:{symbol}`) is sent first;
with a `Last-Event-ID` header (or `lastEventId` query parameter) of the form
`{symbol}:{epochMs}` only the latest ticks newer than epochMs are sent. Ticks between the
last event and the latest one are not replayed: pub/sub keeps no history.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Annotated, Literal, cast

import orjson
from pydantic import Field
from sanic import Blueprint, Request

from api.http.auth import REVOKED_MESSAGE, Claims, bearer_token, verify_token
from api.http.errors import ApiError
from api.http.operations import NotBlank, Query, Raw, operation
from api.streaming.frames import Message, dropped_payload, sse_event
from api.streaming.hub import BOOKS, Hub
from api.streaming.ws import error_message, normalize_symbols, valid_code
from core.contract.ticks import tick_time_ms

log = logging.getLogger("api.streaming")

bp = Blueprint("stream_sse", url_prefix="/api")

RETRY_MS = 3000


class SseConnection:
    __slots__ = ("hub", "user_id", "claims", "symbols", "books", "pending", "dropped", "queue_size", "wake", "revoked")

    def __init__(self, hub: Hub, claims: Claims, queue_size: int) -> None:
        self.hub = hub
        self.user_id = claims.user_id
        self.claims = claims
        self.revoked = False
        self.symbols: set[str] = set()
        self.books: set[str] = set()
        self.pending: deque[tuple[str | None, bytes]] = deque()
        self.dropped: dict[str, int] = {}
        self.queue_size = queue_size
        self.wake = asyncio.Event()

    def deliver(self, message: Message) -> None:
        pending = self.pending
        if len(pending) >= self.queue_size:
            for index, (key, _) in enumerate(pending):
                if key is not None:
                    del pending[index]
                    self.dropped[key] = self.dropped.get(key, 0) + 1
                    break
        pending.append((message.key, message.sse_event))
        self.wake.set()

    def flush(self) -> None:  # SSE writes from its handler task
        pass

    def send_status(self, payload: bytes) -> None:
        self.pending.append((None, sse_event("status", payload)))
        self.wake.set()

    def revoke(self) -> None:
        """The last event is an `error` (UNAUTHORIZED); the handler then ends the stream."""
        self.revoked = True
        self.pending.clear()
        self.dropped.clear()
        self.pending.append((None, sse_event("error", error_message("UNAUTHORIZED", REVOKED_MESSAGE))))
        self.wake.set()

    def take(self) -> bytes:
        chunks = [sse_event("dropped", dropped_payload(key, count)) for key, count in self.dropped.items()]
        self.dropped.clear()
        chunks.extend(frame for _, frame in self.pending)
        self.pending.clear()
        self.wake.clear()
        return b"".join(chunks)


def _last_event_ms(request: Request) -> int | None:
    raw = request.headers.get("last-event-id") or request.args.get("lastEventId")
    if not raw:
        return None
    _, _, ms = raw.rpartition(":")
    try:
        return int(ms)
    except ValueError:
        return None


class StreamQuery(Query):
    symbols: Annotated[
        str,
        Field(min_length=1, max_length=2000, description="종목 코드, 쉼표로 구분", examples=["005930,000660"]),
        NotBlank,
    ]
    token: Annotated[str, Field(max_length=4096, description="access token (EventSource는 헤더를 못 보냄)")] | None = (
        None
    )
    lastEventId: Annotated[str, Field(max_length=64, description="재연결: 마지막 이벤트 id")] | None = None  # noqa: N815 - the SSE spec's name
    channel: Annotated[Literal["ticks", "orderbook"], Field(description="ticks 체결, orderbook 호가")] = "ticks"


@operation(
    bp,
    "GET",
    "/stream/stocks",
    tag="streaming",
    summary="실시간 체결·호가 SSE (event: tick | orderbook)",
    query=StreamQuery,
    response=Raw("text/event-stream"),
    errors=("MISSING_FIELD", "INVALID_REQUEST", "UNAUTHORIZED", "TOO_MANY_REQUESTS", "STREAM_UNAVAILABLE"),
)
async def stream_stocks(request: Request, query: StreamQuery) -> None:
    app = request.app
    settings = app.ctx.settings
    hub: Hub = app.ctx.stream_hub
    if not hub.available:
        raise ApiError("STREAM_UNAVAILABLE")
    token = bearer_token(request) or query.token
    if not token:
        raise ApiError("UNAUTHORIZED")
    try:
        claims = await verify_token(settings, app.ctx.stream_redis, token)
    except ApiError:
        raise
    except Exception:  # noqa: BLE001 - Redis down while checking the deny-list
        raise ApiError("STREAM_UNAVAILABLE") from None
    symbols = normalize_symbols(query.symbols.split(",")) or []
    symbols = [s for s in symbols if s]
    if len(symbols) > settings.stream.max_symbols:
        raise ApiError("INVALID_REQUEST", f"최대 {settings.stream.max_symbols}개 종목까지 구독할 수 있습니다.")
    known = await hub.is_known([s for s in symbols if valid_code(s)])
    accepted = [s for s in symbols if s in known]
    rejected = [{"symbol": s, "reason": "UNKNOWN_SYMBOL"} for s in symbols if s not in known]
    if not accepted:
        raise ApiError("INVALID_REQUEST", "구독할 수 있는 종목이 없습니다.", rejected=rejected)

    conn = SseConnection(hub, claims, settings.stream.send_queue)
    if not await hub.open_connection(conn, settings.stream.max_connections_per_user):
        raise ApiError("TOO_MANY_REQUESTS", "동시 연결 수 한도를 초과했습니다.", headers={"Retry-After": "10"})
    try:
        response = await request.respond(
            content_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"},
        )
        (conn.books if query.channel == BOOKS else conn.symbols).update(accepted)
        hub.add(conn, accepted, query.channel)
        ack = {"type": "subscribed", "channel": query.channel, "accepted": accepted, "rejected": rejected}
        first = [b"retry: %d\n\n" % RETRY_MS, sse_event("subscribed", orjson.dumps(ack))]
        if query.channel == BOOKS:
            first.extend(sse_event("bookSnapshot", book) for book in await hub.book_snapshots(accepted))
        else:
            first.extend(await _latest(hub, accepted, _last_event_ms(request)))
        await response.send(b"".join(first))
        heartbeat = settings.stream.heartbeat_seconds
        deadline = settings.stream.slow_client_seconds
        while True:
            try:
                await asyncio.wait_for(conn.wake.wait(), heartbeat)
                chunk = conn.take()
            except TimeoutError:
                chunk = b": heartbeat %d\n\n" % int(time.time())
            try:
                await asyncio.wait_for(response.send(chunk), deadline)
            except TimeoutError:
                log.info("closing slow SSE client (user %s)", claims.user_id)
                cast(asyncio.Transport, request.transport).abort()
                break
            if conn.revoked:
                await response.eof()
                break
    finally:
        hub.close_connection(conn, conn.symbols, conn.books)


async def _latest(hub: Hub, symbols: list[str], after_ms: int | None) -> list[bytes]:
    """The latest tick per symbol, newer than `after_ms` when the client resumes."""
    try:
        ticks = await hub.last_ticks(symbols)
    except Exception as exc:  # noqa: BLE001 - best effort
        log.warning("SSE last tick read failed: %s", exc)
        return []
    out = []
    for symbol, tick in zip(symbols, ticks, strict=False):
        if not tick:
            continue
        ms = tick_time_ms(tick)
        if ms is None or (after_ms is not None and ms <= after_ms):
            continue
        out.append(sse_event("tick", bytes(tick), f"{symbol}:{ms}"))
    return out
