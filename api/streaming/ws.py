"""WebSocket `/ws/stocks/`: authenticated tick and order-book streams with subscribe/unsubscribe.

Client messages: `{"action":"subscribe"|"unsubscribe","symbols":[...],"channel":"ticks"|"orderbook"}`
(`channel` defaults to `ticks`). A subscription is acknowledged (`subscribed`, with the channel),
then a snapshot per new symbol (`snapshot`: last tick and open 1-minute bar; `bookSnapshot`:
last order book), then live `tick` / `orderbook` messages. Each channel allows
`stream_max_symbols` symbols per connection.

Auth: `token` query parameter, `Authorization: Bearer`, or `Sec-WebSocket-Protocol: bearer,
<token>` (the server then answers with the `bearer` subprotocol). A missing, invalid, expired
or revoked token closes the socket with 4401 after the upgrade (browsers cannot read the
status of a refused upgrade). While Redis is unreachable the upgrade itself is refused with
HTTP 503 and the JSON error STREAM_UNAVAILABLE (see `api.streaming.reject_when_unavailable`).

Sending: ticks for a client that keeps up are written straight to its transport, batched per
Redis read (see hub). When the transport stops accepting writes (the client is not reading)
ticks go to a bounded queue; when it is full the oldest tick is dropped and counted, and the
client gets `{"type":"dropped","symbol","count"}` once it catches up. A client whose
transport stays blocked past `stream_slow_client_seconds` is closed with 4408.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections import deque

import orjson
from sanic import Blueprint, Request
from sanic.request import Request as SanicRequest

from api.http.auth import Claims, bearer_token, verify_token
from api.http.errors import ApiError
from api.http.operations import Operation, Raw, declare
from api.streaming.frames import Message, dropped_payload, stream_key, ws_text_frame
from api.streaming.hub import BOOKS, STATUS_UNAVAILABLE, TICKS, Hub

log = logging.getLogger("api.streaming")

bp = Blueprint("stream_ws")

CLOSE_AUTH = 4401
CLOSE_SLOW = 4408
CLOSE_ABUSE = 4429
CLOSE_TRY_AGAIN = 1013
ABUSE_STRIKES = 5  # errors within ABUSE_WINDOW before a 4429 close
ABUSE_WINDOW = 60.0
MAX_BATCH_FRAMES = 128
# Per-connection kernel send buffer and transport high-water mark. Ticks are small and a client
# that keeps up drains them at once; small buffers bound memory per connection and let a
# client that stops reading be noticed (queue, drop counts, 4408) within a second instead of
# after megabytes of kernel buffering.
SEND_BUFFER_BYTES = 32 * 1024
WRITE_HIGH_WATER = 64 * 1024


class _BearerIfOffered:
    """Route subprotocols, evaluated per handshake: `bearer` only when the client offers it.

    With a fixed list the websockets handshake refuses clients that offer no subprotocol
    (the `?token=` and header styles); with none it never echoes `bearer`, which browsers
    that sent `bearer, <token>` require."""

    def __iter__(self):
        try:
            request = SanicRequest.get_current()
        except Exception:  # noqa: BLE001 - no current request (Sanic's own error): offer nothing
            return iter(())
        offered = [p.strip() for p in request.headers.get("sec-websocket-protocol", "").split(",")]
        return iter(("bearer",) if "bearer" in offered else ())


def token_from(request: Request) -> str | None:
    token = request.args.get("token")
    if token:
        return token
    token = bearer_token(request)
    if token:
        return token
    offered = [p.strip() for p in request.headers.get("sec-websocket-protocol", "").split(",")]
    if len(offered) >= 2 and offered[0] == "bearer" and offered[1]:
        return offered[1]
    return None


def _reason(text: str) -> str:
    """Close reasons are limited to 123 UTF-8 bytes."""
    raw = text.encode()
    if len(raw) <= 123:
        return text
    return raw[:123].decode(errors="ignore")


def error_message(code: str, message: str, **extra: object) -> bytes:
    return orjson.dumps({"type": "error", "code": code, "message": message, **extra})


class WsConnection:
    """Send side of one WebSocket: direct writes when the client keeps up, a bounded queue when not."""

    __slots__ = (
        "ws",
        "hub",
        "user_id",
        "claims",
        "symbols",
        "books",
        "transport",
        "can_write",
        "out",
        "pending",
        "dropped",
        "holding",
        "held",
        "queue_size",
        "deadline",
        "blocked_since",
        "waiter",
        "closed",
    )

    def __init__(self, ws, hub: Hub, claims: Claims, queue_size: int, deadline: float) -> None:
        self.ws = ws
        self.hub = hub
        self.user_id = claims.user_id
        self.claims = claims
        self.symbols: set[str] = set()  # the ticks channel
        self.books: set[str] = set()  # the orderbook channel
        proto = ws.io_proto
        self.transport = proto.transport
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
            except OSError:
                pass
        try:
            self.transport.set_write_buffer_limits(high=WRITE_HIGH_WATER)
        except (AttributeError, NotImplementedError):
            pass
        self.can_write: asyncio.Event = proto._can_write  # Sanic's flow-control flag (pause/resume_writing)
        self.out: list[bytes] = []
        self.pending: deque[tuple[str | None, bytes]] = deque()
        self.dropped: dict[str, int] = {}
        self.holding: set[str] = set()  # stream keys whose snapshot is being read: their messages wait in `held`
        self.held: list[tuple[str, bytes]] = []
        self.queue_size = queue_size
        self.deadline = deadline
        self.blocked_since: float | None = None
        self.waiter: asyncio.Task | None = None
        self.closed = False

    def watched(self, channel: str) -> set[str]:
        return self.books if channel == BOOKS else self.symbols

    # called by the hub for every message of a watched symbol
    def deliver(self, message: Message) -> None:
        if self.holding and message.key in self.holding:
            if len(self.held) >= self.queue_size:
                key = self.held.pop(0)[0]
                self.dropped[key] = self.dropped.get(key, 0) + 1
            self.held.append((message.key, message.ws_frame))
            return
        if not self.pending and self.can_write.is_set():
            if not self.out:
                self.hub.dirty.append(self)
            self.out.append(message.ws_frame)
        else:
            self._enqueue(message.key, message.ws_frame)

    # called by the hub once per batch for connections that got direct frames
    def flush(self) -> None:
        out = self.out
        if not out:
            return
        self.out = []
        self._write(out[0] if len(out) == 1 else b"".join(out))

    def _write(self, data: bytes) -> bool:
        """False when the transport takes no more data. After the close handshake Sanic shuts the
        write side (write_eof) while is_closing() is still False, and uvloop then raises: that must
        end here, not in the hub's Redis reader, which it would take down for every client."""
        if self.closed or self.transport.is_closing():
            return False
        try:
            self.transport.write(data)
        except RuntimeError:  # "Cannot call write() after write_eof()"
            return False
        return True

    def send_status(self, payload: bytes) -> None:
        self.send_control(payload)

    def send_control(self, payload: bytes) -> None:
        """Acks, snapshots, errors, status: never dropped, kept in order with queued ticks."""
        if self.closed:
            return
        self.pending.append((None, ws_text_frame(payload)))
        self.pump()

    def release(self, stream_keys: list[str]) -> None:
        """The snapshots of `stream_keys` are sent: queue the messages that arrived meanwhile."""
        self.holding.difference_update(stream_keys)
        held, self.held = self.held, []
        for key, frame in held:
            if key in self.holding:
                self.held.append((key, frame))
            else:
                self._enqueue(key, frame, pump=False)
        self.pump()

    def _enqueue(self, key: str, frame: bytes, pump: bool = True) -> None:
        pending = self.pending
        if len(pending) >= self.queue_size:
            victim = None
            for index, (sym, _) in enumerate(pending):
                if sym is not None:
                    victim = index
                    break
            if victim is not None:
                dropped_key = pending[victim][0]
                del pending[victim]
                if dropped_key is not None:
                    self.dropped[dropped_key] = self.dropped.get(dropped_key, 0) + 1
        pending.append((key, frame))
        if pump:
            self.pump()

    def _dropped_frames(self) -> list[bytes]:
        frames = [ws_text_frame(dropped_payload(key, count)) for key, count in self.dropped.items()]
        self.dropped.clear()
        return frames

    def pump(self) -> None:
        """Write queued frames while the transport accepts them; else wait (with a deadline)."""
        if self.closed or self.transport.is_closing():
            return
        pending = self.pending
        while (pending or self.dropped) and self.can_write.is_set():
            chunk = self._dropped_frames() if self.dropped else []
            for _ in range(min(MAX_BATCH_FRAMES, len(pending))):
                chunk.append(pending.popleft()[1])
            if not self._write(b"".join(chunk)):
                pending.clear()
                return
        if pending or self.dropped:
            if self.blocked_since is None:
                self.blocked_since = time.monotonic()
            if self.waiter is None:
                self.waiter = asyncio.create_task(self._wait_writable())
        else:
            self.blocked_since = None

    async def _wait_writable(self) -> None:
        blocked_since = self.blocked_since or time.monotonic()
        remaining = self.deadline - (time.monotonic() - blocked_since)
        try:
            await asyncio.wait_for(self.can_write.wait(), max(0.001, remaining))
        except TimeoutError:
            self.waiter = None
            self.close_slow()
            return
        except asyncio.CancelledError:
            self.waiter = None
            raise
        self.waiter = None
        self.pump()

    def close_slow(self) -> None:
        if self.closed:
            return
        log.info("closing slow stream client (user %s) after %.1f s blocked", self.user_id, self.deadline)
        # what the client will see when (if) it reads again: its drop counts, then the close
        if self.dropped:
            self._write(b"".join(self._dropped_frames()))
        self.closed = True
        self.hub.close_connection(self, self.symbols, self.books)
        self.pending.clear()
        self.ws.fail_connection(CLOSE_SLOW, "too slow: send queue blocked")

    def revoke(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.hub.close_connection(self, self.symbols, self.books)
        self.pending.clear()
        self.ws.fail_connection(CLOSE_AUTH, "token revoked")

    def shutdown(self) -> None:
        self.closed = True
        if self.waiter is not None:
            self.waiter.cancel()
            self.waiter = None
        self.pending.clear()
        self.held.clear()
        self.out = []


class _RateLimit:
    """Token bucket for client messages."""

    __slots__ = ("rate", "tokens", "stamp")

    def __init__(self, rate: int) -> None:
        self.rate = float(rate)
        self.tokens = float(rate)
        self.stamp = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def normalize_symbols(raw: object) -> list[str] | None:
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        return None
    seen: dict[str, None] = {}
    for s in raw:
        seen.setdefault(s.strip().upper(), None)
    return list(seen)


def valid_code(symbol: str) -> bool:
    return len(symbol) == 6 and symbol.isascii() and symbol.isalnum()


CHANNELS = (TICKS, BOOKS)
REQUEST_FORMAT = '{"action":"subscribe"|"unsubscribe","symbols":[...],"channel":"ticks"|"orderbook"} 형식이어야 합니다.'


def parse_request(raw: str | bytes) -> tuple[str, str, list[str]] | None:
    """(action, channel, symbols) of a client message, None when it is malformed."""
    try:
        msg = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(msg, dict):
        return None
    action, channel = msg.get("action"), msg.get("channel", TICKS)
    symbols = normalize_symbols(msg.get("symbols"))
    if action not in ("subscribe", "unsubscribe") or channel not in CHANNELS or symbols is None:
        return None
    return action, channel, symbols


async def stocks_ws(request: Request, ws) -> None:
    app = request.app
    settings = app.ctx.settings
    hub: Hub = app.ctx.stream_hub
    token = token_from(request)
    if not token:
        await ws.close(CLOSE_AUTH, _reason("인증이 필요합니다. (missing token)"))
        return
    try:
        claims = await verify_token(settings, app.ctx.stream_redis, token)
    except ApiError as exc:
        await ws.close(CLOSE_AUTH, _reason(exc.message))
        return
    except Exception as exc:  # noqa: BLE001 - Redis down while checking the deny-list
        log.warning("stream auth check failed: %r", exc)
        await ws.close(CLOSE_TRY_AGAIN, "stream unavailable")
        return

    conn = WsConnection(ws, hub, claims, settings.stream.send_queue, settings.stream.slow_client_seconds)
    if not await hub.open_connection(conn, settings.stream.max_connections_per_user):
        await ws.send(
            error_message(
                "TOO_MANY_CONNECTIONS",
                "동시 연결 수 한도를 초과했습니다.",
                limit=settings.stream.max_connections_per_user,
            ).decode()
        )
        await ws.close(CLOSE_ABUSE, "too many connections")
        return
    if not hub.available:
        conn.send_control(STATUS_UNAVAILABLE)
    limit = _RateLimit(settings.stream.max_messages_per_second)
    strikes: deque[float] = deque()

    def strike() -> bool:
        now = time.monotonic()
        strikes.append(now)
        while strikes and now - strikes[0] > ABUSE_WINDOW:
            strikes.popleft()
        return len(strikes) >= ABUSE_STRIKES

    try:
        while True:
            raw = await ws.recv()
            if raw is None:
                break
            if conn.closed:
                break
            if not limit.allow():
                conn.send_control(
                    error_message(
                        "TOO_MANY_REQUESTS",
                        "메시지를 너무 자주 보냈습니다.",
                        limit=settings.stream.max_messages_per_second,
                    )
                )
                if strike():
                    await ws.close(CLOSE_ABUSE, "too many messages")
                    break
                continue
            parsed = parse_request(raw)
            if parsed is None:
                conn.send_control(error_message("INVALID_REQUEST", REQUEST_FORMAT))
                if strike():
                    await ws.close(CLOSE_ABUSE, "too many invalid messages")
                    break
                continue
            action, channel, symbols = parsed
            if action == "subscribe":
                over = await _subscribe(conn, hub, symbols, settings.stream.max_symbols, channel)
                if over and strike():
                    await ws.close(CLOSE_ABUSE, "symbol limit exceeded repeatedly")
                    break
            else:
                _unsubscribe(conn, hub, symbols, channel)
    except Exception as exc:
        if not type(exc).__name__.startswith(("ConnectionClosed", "WebsocketClosed")):
            raise
    finally:
        conn.shutdown()
        hub.close_connection(conn, conn.symbols, conn.books)


# `/ws/stocks/` is the documented path; `/ws/stocks` is accepted too.
for _path, _name in (("/ws/stocks/", "stocks_ws"), ("/ws/stocks", "stocks_ws_noslash")):
    bp.add_websocket_route(stocks_ws, _path, name=_name, strict_slashes=True, subprotocols=_BearerIfOffered())
declare(
    Operation(
        "GET",
        "/ws/stocks",
        "실시간 체결·호가 WebSocket (Upgrade; 메시지는 /api/asyncapi.json)",
        "streaming",
        None,
        None,
        False,
        Raw("text/plain"),
        101,
        ("UPGRADE_REQUIRED", "STREAM_UNAVAILABLE"),
        False,
        "stocks_ws",
    )
)


async def _subscribe(conn: WsConnection, hub: Hub, symbols: list[str], max_symbols: int, channel: str) -> bool:
    """Ack, snapshots for newly added symbols, then their messages. True when the limit was hit."""
    watched = conn.watched(channel)
    accepted: list[str] = []
    rejected: list[dict[str, str]] = []
    candidates = [s for s in symbols if s not in watched and valid_code(s)]
    known = await hub.is_known(candidates) if candidates else set()
    added: list[str] = []
    over = False
    for s in symbols:
        if s in watched:
            accepted.append(s)
        elif s not in known:
            rejected.append({"symbol": s, "reason": "UNKNOWN_SYMBOL"})
        elif len(watched) + len(added) >= max_symbols:
            rejected.append({"symbol": s, "reason": "SYMBOL_LIMIT"})
            over = True
        else:
            added.append(s)
            accepted.append(s)
    ack = orjson.dumps({"type": "subscribed", "channel": channel, "accepted": accepted, "rejected": rejected})
    if not added:
        conn.send_control(ack)
    else:
        event = "tick" if channel == TICKS else BOOKS
        held = [stream_key(event, s) for s in added]
        conn.holding.update(held)  # messages of the new symbols wait behind their snapshots
        watched.update(added)
        hub.add(conn, added, channel)
        try:
            snapshots = await (hub.snapshots(added) if channel == TICKS else hub.book_snapshots(added))
            conn.send_control(ack)
            for snapshot in snapshots:
                conn.send_control(snapshot)
        finally:
            conn.release(held)
    if over:
        conn.send_control(
            error_message(
                "SYMBOL_LIMIT", f"연결당 최대 {max_symbols}개 종목까지 구독할 수 있습니다.", limit=max_symbols
            )
        )
    return over


def _unsubscribe(conn: WsConnection, hub: Hub, symbols: list[str], channel: str) -> None:
    watched = conn.watched(channel)
    accepted = [s for s in symbols if s in watched]
    rejected = [{"symbol": s, "reason": "NOT_SUBSCRIBED"} for s in symbols if s not in watched]
    watched.difference_update(accepted)
    hub.remove(conn, accepted, channel)
    ack = {"type": "unsubscribed", "channel": channel, "accepted": accepted, "rejected": rejected}
    conn.send_control(orjson.dumps(ack))
