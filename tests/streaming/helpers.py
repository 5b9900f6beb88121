"""Helpers of the streaming tests: tokens, tick messages shaped like ingest's, WS/SSE clients."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import UTC, datetime

import jwt
import orjson
from websockets.asyncio.client import connect

from api.http import auth
from core import settings as settings_mod
from core.contract.orderbooks import encode_order_book
from core.time import KST
from tests.support import harness

SAMSUNG, HYNIX, KAKAO, NAVER = "005930", "000660", "035720", "035420"


def settings():
    return settings_mod.load(
        {
            "DATABASE_URL": "postgresql://x@localhost/x",
            "REDIS_URL": "redis://localhost",
            "JWT_SECRET": harness.TEST_JWT_SECRET,
        }
    )


def token(user_id: int = 1) -> str:
    return str(auth.issue_tokens(settings(), user_id)["accessToken"])


def claims_of(tok: str) -> dict:
    return jwt.decode(tok, options={"verify_signature": False})


def expired_token(user_id: int = 1) -> str:
    now = int(time.time())
    payload = {
        "sub": str(user_id),
        "jti": "expired-jti",
        "iat": now - 3600,
        "exp": now - 60,
        "iss": auth.ISSUER,
        "aud": auth.AUDIENCE,
        "typ": "access",
    }
    return jwt.encode(payload, harness.TEST_JWT_SECRET, algorithm="HS256")


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def tick(symbol: str, seq: int, price: int = 75000, at: float | None = None) -> bytes:
    """A tick in the shape of the architecture's tick contract (plus `seq` for ordering checks)."""
    at = time.time() if at is None else at
    return orjson.dumps(
        {
            "type": "tick",
            "symbol": symbol,
            "price": price + seq,
            "volume": 10 + seq,
            "change": 500,
            "changePercent": 0.67,
            "accVolume": 1_000_000 + seq,
            "open": price,
            "high": price + seq,
            "low": price - 100,
            "timestamp": iso(at - 0.008),
            "receivedAt": iso(at),
            "source": "kissim",
            "seq": seq,
            "sentAt": at,
        }
    )


def ws_url(server, path: str = "/ws/stocks/") -> str:
    return server.url.replace("http://", "ws://") + path


def open_ws(server, tok: str | None = None, **kwargs):
    url = ws_url(server) + (f"?token={tok}" if tok else "")
    return connect(url, open_timeout=5, close_timeout=2, **kwargs)


async def recv_json(ws, timeout: float = 5.0) -> dict:
    return orjson.loads(await asyncio.wait_for(ws.recv(), timeout))


async def recv_until(ws, predicate, timeout: float = 5.0) -> list[dict]:
    """Messages up to and including the first that matches."""
    got = []
    deadline = time.monotonic() + timeout
    while True:
        msg = await recv_json(ws, max(0.01, deadline - time.monotonic()))
        got.append(msg)
        if predicate(msg):
            return got


async def subscribe(ws, symbols: list[str], action: str = "subscribe") -> dict:
    await ws.send(orjson.dumps({"action": action, "symbols": symbols}).decode())
    return await recv_json(ws)


async def wait_watched(redis_client, symbols, timeout: float = 5.0) -> None:
    """Until the api announced demand for `symbols` (it is then subscribed in the hub)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        scores = await redis_client.zmscore("ingest:demand", symbols)
        if all(s is not None for s in scores):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no demand recorded for {symbols}")


class SseClient:
    """A real HTTP client reading text/event-stream events (aiohttp)."""

    def __init__(self, resp) -> None:
        self.resp = resp

    async def event(self, timeout: float = 5.0) -> dict:
        """The next event or comment block: {"event", "data", "id", "retry", "comment"}."""
        block: dict = {}
        while True:
            line = await asyncio.wait_for(self.resp.content.readline(), timeout)
            if not line:
                raise EOFError("stream ended")
            text = line.decode().rstrip("\n")
            if text == "":
                if block:
                    return block
                continue
            if text.startswith(":"):
                block["comment"] = text[1:].strip()
                continue
            field, _, value = text.partition(": ")
            if field == "data":
                block["data"] = (block["data"] + "\n" + value) if "data" in block else value
            else:
                block[field] = value

    async def next_of(self, kind: str, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            ev = await self.event(max(0.01, deadline - time.monotonic()))
            if ev.get("event") == kind:
                return ev


class AsyncApi:
    """Validates received messages against the served AsyncAPI document's message schemas."""

    def __init__(self, document: dict) -> None:
        from jsonschema import Draft7Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7

        self.document = document
        registry = Registry().with_resource(
            "urn:asyncapi", Resource.from_contents(document, default_specification=DRAFT7)
        )
        self.validators = {}
        for name, message in document["components"]["messages"].items():
            ref = message["payload"]["$ref"]
            self.validators[name] = Draft7Validator({"$ref": "urn:asyncapi" + ref}, registry=registry)
        self.seen: set[str] = set()

    def check(self, message: dict, name: str | None = None) -> None:
        name = name or message.get("type") or message.get("action")
        assert name in self.validators, f"message type {name!r} is not in the AsyncAPI document"
        errors = sorted(self.validators[name].iter_errors(message), key=str)
        assert not errors, f"{name} message {message} breaks the AsyncAPI schema: {errors[0].message}"
        self.seen.add(name)


def asyncapi(server) -> AsyncApi:
    return AsyncApi(harness.http("GET", server.url + "/api/asyncapi.json").json())


def tiny_socket(server) -> socket.socket:
    """A client socket with a tiny receive buffer, so a client that stops reading blocks the server soon."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    sock.setblocking(False)
    return sock


def order_book(symbol: str, seq: int, best_ask: int = 75100, at: float | None = None) -> bytes:
    """An order book as ingest publishes it (core.contract.orderbooks), from a tickcore-shaped record."""
    at = time.time() if at is None else at
    kst = datetime.fromtimestamp(at, KST)
    record = {
        "symbol": symbol,
        "business_time": f"{kst:%H%M%S}",
        "hour_class_code": "0",
        "ask_prices": [best_ask + 100 * i for i in range(10)],
        "bid_prices": [best_ask - 100 * (i + 1) for i in range(10)],
        "ask_sizes": [1000 + seq + i for i in range(10)],
        "bid_sizes": [2000 + seq + i for i in range(10)],
        "total_ask_size": 10_045 + 10 * seq,
        "total_bid_size": 20_045 + 10 * seq,
        "expected_price": 0,
        "expected_quantity": 0,
        "expected_change": 0,
        "expected_change_rate": 0.0,
        "acc_volume": 1_000_000 + seq,
    }
    return encode_order_book(record, "kissim", iso(at), kst.date())
