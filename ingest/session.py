"""The one KIS WebSocket session of one app key.

It holds a Redis lock so two ingest processes never fight over a key (and takes the lock over at
once from a dead process of this host instead of waiting out its TTL), answers PINGPONG,
resubscribes everything after a reconnect, watches for a silent connection, and reconnects
with exponential back-off, jitter and a cap — with a distinct, slower wait after `OPSP8996
ALREADY IN USE appkey`. Data frames go to the pipeline untouched; control frames are parsed by
tickcore (`tickcore.parse_frame`), which owns every KIS frame format.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import orjson
import psutil
import websockets

import tickcore
from core.contract import keys
from core.retry import Backoff
from core.settings import Settings
from ingest.metrics import Metrics
from kis.auth import KisAuth

if TYPE_CHECKING:
    from tickcore._tickcore import ControlDict

log = logging.getLogger("ingest.kis")

TRADE_TR = "H0STCNT0"
BOOK_TR = "H0STASP0"
Registration = tuple[str, str]  # (tr_id, symbol): what KIS counts against the session's budget
HEALTHY_AFTER_S = 30.0  # a session that lasted this long resets the back-off


def subscribe_message(approval_key: str, custtype: str, tr_type: str, tr_id: str, tr_key: str) -> str:
    return orjson.dumps(
        {
            "header": {"approval_key": approval_key, "custtype": custtype, "tr_type": tr_type, "content-type": "utf-8"},
            "body": {"input": {"tr_id": tr_id, "tr_key": tr_key}},
        }
    ).decode()


def new_instance_id() -> str:
    return f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dead_local_instance(instance_id: str) -> bool:
    """Provably dead: an instance id (`host:pid:uuid`) of this host whose process no longer runs
    (or is a zombie waiting to be reaped). Another host's instance is never presumed dead."""
    host, _, rest = instance_id.partition(":")
    pid_text = rest.partition(":")[0]
    if host != os.uname().nodename or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        return bool(psutil.Process(int(pid_text)).status() == psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:  # e.g. access denied: it exists
        return False


# Take the lock from `ARGV[1]` (dead) only if it still holds it.
_TAKE_OVER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""


class KeySession:
    """The one WebSocket session of one app key."""

    def __init__(
        self,
        auth: KisAuth,
        settings: Settings,
        metrics: Metrics,
        on_frame: Callable[[str, int], None],
        redis: Any,
        instance_id: str,
        watchdog_active: Callable[[], bool],
        on_change: Callable[[], None],
        on_cipher: Callable[[str, str, str], None],
    ) -> None:
        self.auth = auth
        self.settings = settings
        self.metrics = metrics
        self.on_frame = on_frame
        self.redis = redis
        self.instance_id = instance_id
        self.watchdog_active = watchdog_active
        self.on_change = on_change
        self.on_cipher = on_cipher
        self.id = auth.id
        self.lock_key = keys.ingest_lock(self.id)
        self.desired: list[str] = []  # symbols whose trades this session streams
        self.desired_books: list[str] = []  # symbols whose order books it streams
        self.registered: set[Registration] = set()
        self.pending: set[Registration] = set()
        self.refused: set[Registration] = set()  # OPSP0008: no budget left on the server
        self.state = "idle"  # idle | standby | connecting | connected | backoff
        self.detail = ""
        self.holds_lock = False
        self.connected_since = 0.0
        self.reconnects: dict[str, int] = {}
        self._ws: Any = None
        self._approval = ""
        self._updated = asyncio.Event()
        self._stop = False

    # -- desired subscriptions -------------------------------------------------------------
    def set_desired(self, symbols: list[str], books: list[str] | None = None) -> None:
        books = [] if books is None else books
        if symbols != self.desired or books != self.desired_books:
            self.desired, self.desired_books = list(symbols), list(books)
            self.refused &= set(self.wanted())
            self._updated.set()

    def wanted(self) -> list[Registration]:
        """Trades first: they keep their registrations when the budget is short."""
        return [(TRADE_TR, s) for s in self.desired] + [(BOOK_TR, s) for s in self.desired_books]

    def streaming(self) -> set[str]:
        """Symbols whose trades stream now."""
        return {s for tr, s in self.registered if tr == TRADE_TR} if self.state == "connected" else set()

    def refused_symbols(self) -> set[str]:
        """Symbols whose trade registration the server refused (no budget)."""
        return {s for tr, s in self.refused if tr == TRADE_TR}

    # -- lock --------------------------------------------------------------------------------
    async def _acquire_lock(self) -> bool:
        ttl_ms = int(self.settings.ingest.lock_ttl_seconds * 1000)
        try:
            if await self.redis.set(self.lock_key, self.instance_id, nx=True, px=ttl_ms):
                return True
            owner = await self.redis.get(self.lock_key)
            if owner is not None and owner.decode() == self.instance_id:
                await self.redis.pexpire(self.lock_key, ttl_ms)
                return True
            if owner is not None and dead_local_instance(owner.decode()):
                if await self.redis.eval(_TAKE_OVER, 1, self.lock_key, owner, self.instance_id, ttl_ms):
                    log.warning(
                        "key %s: took the lock over from %s, a dead process of this host", self.id, owner.decode()
                    )
                    self.metrics.inc("lock_takeovers")
                    return True
            return False
        except Exception as exc:  # noqa: BLE001 - Redis away: keep what we have, take nothing new
            self.metrics.inc("lock_errors")
            log.debug("lock check failed: %s", exc)
            return self.holds_lock

    async def _renew_lock_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.ingest.lock_ttl_seconds / 3)
            ok = await self._acquire_lock()
            if not ok and self.holds_lock:
                log.warning("key %s: lock taken by another process; closing our session", self.id)
                self.holds_lock = False
                if self._ws is not None:
                    await self._ws.close()

    async def release_lock(self) -> None:
        if not self.holds_lock:
            return
        try:
            owner = await self.redis.get(self.lock_key)
            if owner is not None and owner.decode() == self.instance_id:
                await self.redis.delete(self.lock_key)
        except Exception:  # noqa: BLE001 - the lock lapses by itself
            pass
        self.holds_lock = False

    # -- the session loop ------------------------------------------------------------------
    async def run(self) -> None:
        ingest = self.settings.ingest
        backoff = Backoff(ingest.backoff_initial_seconds, ingest.backoff_max_seconds)
        renew: asyncio.Task[None] | None = None
        while not self._stop:
            if not self.holds_lock:
                self.state, self.detail = "standby", "another ingest process holds this key"
                self.on_change()
                if not await self._acquire_lock():
                    await asyncio.sleep(max(1.0, ingest.lock_ttl_seconds / 3))
                    continue
                self.holds_lock = True
                if renew is None or renew.done():
                    renew = asyncio.create_task(self._renew_lock_loop())
            self.state, self.detail = "connecting", ""
            self.on_change()
            cause = await self._session_once()
            self.registered.clear()
            self.pending.clear()
            self._ws = None
            if self._stop:
                break
            self.reconnects[cause] = self.reconnects.get(cause, 0) + 1
            self.metrics.inc(f"reconnects_{cause}")
            if cause == "in_use":
                delay = ingest.in_use_backoff_seconds * random.uniform(1.0, 1.3)
            else:
                if self.connected_since and time.monotonic() - self.connected_since > HEALTHY_AFTER_S:
                    backoff.reset()
                delay = backoff.next()
            self.connected_since = 0.0
            self.state, self.detail = "backoff", f"{cause}; retry in {delay:.1f} s"
            self.on_change()
            log.warning("key %s: session ended (%s); reconnecting in %.1f s", self.id, cause, delay)
            await asyncio.sleep(delay)
        if renew is not None:
            renew.cancel()

    async def stop(self) -> None:
        self._stop = True
        if self._ws is not None:
            try:
                await asyncio.wait_for(self._ws.close(), 2)
            except Exception:  # noqa: BLE001 - closing a dead socket
                pass
        await self.release_lock()

    async def _session_once(self) -> str:
        try:
            self._approval = await self.auth.approval_key()
        except Exception as exc:  # noqa: BLE001 - any failure: back off and try again
            self.detail = f"approval key: {exc}"
            return "auth"
        try:
            ws = await websockets.connect(
                self.settings.kis.ws_url,
                ping_interval=None,
                max_size=1 << 24,
                open_timeout=10,
                close_timeout=2,
                max_queue=None,
                compression=None,
            )
        except Exception as exc:  # noqa: BLE001 - as above
            self.detail = f"connect: {type(exc).__name__}"
            return "connect"
        self._ws = ws
        self.refused.clear()  # a new session has its whole budget again
        self.state = "connected"
        self.connected_since = time.monotonic()
        self.on_change()
        sync_task = asyncio.create_task(self._sync_loop(ws))
        try:
            return await self._read_loop(ws)
        finally:
            sync_task.cancel()
            try:
                await asyncio.wait_for(ws.close(), 2)
            except Exception:  # noqa: BLE001 - closing a dead socket
                pass

    async def _sync_loop(self, ws: Any) -> None:
        """Send subscribe/unsubscribe messages so the server's registrations follow `wanted()`."""
        pause = self.settings.kis.subscribe_pause_ms / 1000
        custtype = self.settings.kis.custtype
        while True:
            self._updated.clear()
            wanted = self.wanted()
            for pair in [p for p in list(self.registered) if p not in wanted]:
                await ws.send(subscribe_message(self._approval, custtype, "2", *pair))
                self.registered.discard(pair)
                if pause:
                    await asyncio.sleep(pause)
            for pair in wanted:
                if pair in self.refused or pair in self.registered or pair in self.pending:
                    continue
                self.pending.add(pair)
                await ws.send(subscribe_message(self._approval, custtype, "1", *pair))
                if pause:
                    await asyncio.sleep(pause)
            self.on_change()
            await self._updated.wait()

    async def _read_loop(self, ws: Any) -> str:
        watchdog = self.settings.ingest.watchdog_seconds
        on_frame = self.on_frame
        while True:
            try:
                if self.watchdog_active():
                    message = await asyncio.wait_for(ws.recv(), watchdog)
                else:
                    message = await ws.recv()
            except TimeoutError:
                self.detail = f"no message for {watchdog:.0f} s"
                return "silent"
            except websockets.ConnectionClosed:
                return "closed"
            except Exception as exc:  # noqa: BLE001 - any read failure ends the session
                self.detail = f"read: {type(exc).__name__}"
                return "error"
            received = time.time_ns() // 1000
            if isinstance(message, bytes):
                message = message.decode("utf-8", "replace")
            if message[:1] != "{":
                on_frame(message, received)
                continue
            outcome = await self._on_control(ws, message)
            if outcome:
                return outcome

    def _learn_cipher(self, tr_id: str, key: str, iv: str) -> None:
        """A TR whose frames come encrypted (KIS's notices): its AES key goes to the engine."""
        try:
            self.on_cipher(tr_id, key, iv)
        except ValueError as exc:
            self.metrics.inc("bad_ciphers")
            log.warning(
                "key %s: %s sent an unusable cipher (%s); its encrypted frames stay unread", self.id, tr_id, exc
            )

    async def _on_control(self, ws: Any, text: str) -> str | None:
        self.metrics.inc("control_messages")
        try:
            msg = cast("ControlDict", tickcore.parse_frame(text))  # text starting with "{" is a control message
        except tickcore.FrameError:
            self.metrics.inc("malformed_controls")
            return None
        kind = msg.get("kind")
        if kind == "pingpong":
            await ws.send(msg.get("raw", text))  # echo the exact text
            self.metrics.inc("pingpongs")
            return None
        if kind not in ("ack", "error"):
            return None
        code, symbol, tr_id = msg.get("msg_cd", ""), msg.get("tr_key", ""), msg.get("tr_id", "")
        pair = (tr_id, symbol)
        if code == "OPSP8996":
            self.detail = "ALREADY IN USE appkey"
            self.metrics.inc("in_use")
            return "in_use"
        if code == "OPSP0011":
            # approval key unknown/expired: take a new one and resubscribe
            try:
                self._approval = await self.auth.approval_key(refresh=True)
            except Exception:  # noqa: BLE001 - reconnect with back-off
                return "auth"
            self.pending.discard(pair)
            self._updated.set()
            return None
        if kind == "ack" and msg.get("encrypted") and msg.get("key") and msg.get("iv"):
            self._learn_cipher(tr_id, str(msg["key"]), str(msg["iv"]))
        if code in ("OPSP0000", "OPSP0002"):  # registered (0002: already, e.g. after a reconnect)
            if pair in self.wanted():
                self.registered.add(pair)
            self.pending.discard(pair)
        elif code == "OPSP0001":
            self.registered.discard(pair)
        elif code == "OPSP0008":
            self.pending.discard(pair)
            self.refused.add(pair)
            self.metrics.inc("subscribe_refused_max")
            log.warning("key %s: %s %s refused (MAX SUBSCRIBE OVER)", self.id, tr_id, symbol)
        elif kind == "error" and tr_id in (TRADE_TR, BOOK_TR):
            # other refusals (e.g. OPSP0007): retry this registration later, without a tight loop
            self.pending.discard(pair)
            self.metrics.inc("subscribe_errors")
            asyncio.get_running_loop().call_later(5.0, self._updated.set)
        self.on_change()
        return None
