"""The KIS client: approval key and token, one WebSocket session per app key, REST current price.

* `KisAuth` obtains and caches the WebSocket approval key (new one after `OPSP0011`) and the
  REST access token (kept on disk under the data folder, refreshed before expiry, never asked
  for more often than `kis_token_min_interval_seconds`, as KIS allows one issuance a minute).
* `KeySession` owns the single WebSocket session of one app key: it holds a Redis lock so two
  ingest processes never fight over a key, answers PINGPONG, resubscribes everything after a
  reconnect, watches for a silent connection, and reconnects with exponential back-off, jitter
  and a cap — with a distinct, slower wait after `OPSP8996 ALREADY IN USE appkey`.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import random
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
import orjson
import websockets

from ingest.metrics import Metrics

log = logging.getLogger("ingest.kis")

TRADE_TR = "H0STCNT0"
KST = timezone(timedelta(hours=9))


class KisError(Exception):
    def __init__(self, code: str, message: str, status: int = 0) -> None:
        super().__init__(f"{code} {message}")
        self.code, self.message, self.status = code, message, status


def key_id(app_key: str) -> str:
    """A short non-secret id of an app key for logs, locks and status."""
    return hashlib.sha256(app_key.encode()).hexdigest()[:12]


class KisAuth:
    def __init__(self, app_key: str, app_secret: str, rest_url: str, state_dir: Path, http: aiohttp.ClientSession,
                 token_min_interval: float) -> None:
        self.app_key, self.app_secret = app_key, app_secret
        self.rest_url = rest_url.rstrip("/")
        self.http = http
        self.token_min_interval = token_min_interval
        self.id = key_id(app_key)
        self._token_file = state_dir / f"kis-token-{self.id}.json"
        self._approval: tuple[str, float] | None = None
        self._token: tuple[str, float] | None = None  # (token, expires epoch s)
        self._last_token_request = 0.0
        self._lock = asyncio.Lock()
        self._load_token()

    def _load_token(self) -> None:
        try:
            data = orjson.loads(self._token_file.read_bytes())
            self._last_token_request = float(data.get("requestedAt", 0))
            if data.get("token") and float(data["expiresAt"]) > time.time() + 300:
                self._token = (data["token"], float(data["expiresAt"]))
        except (OSError, ValueError, KeyError):
            pass

    def _save_token(self) -> None:
        try:
            self._token_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._token_file.with_suffix(".tmp")
            tmp.write_bytes(orjson.dumps({"token": self._token[0] if self._token else None,
                                          "expiresAt": self._token[1] if self._token else 0,
                                          "requestedAt": self._last_token_request}))
            tmp.chmod(0o600)
            os.replace(tmp, self._token_file)
        except OSError:
            pass

    async def approval_key(self, refresh: bool = False) -> str:
        async with self._lock:
            if self._approval and not refresh and self._approval[1] > time.time():
                return self._approval[0]
            async with self.http.post(f"{self.rest_url}/oauth2/Approval", json={
                    "grant_type": "client_credentials", "appkey": self.app_key, "secretkey": self.app_secret},
                    headers={"content-type": "application/json; charset=utf-8"}) as resp:
                data = orjson.loads(await resp.read())
            if resp.status != 200 or "approval_key" not in data:
                raise KisError(str(data.get("error_code", resp.status)), str(data.get("error_description", "")), resp.status)
            # valid 24 h; renewed after 23 h
            self._approval = (data["approval_key"], time.time() + 23 * 3600)
            return self._approval[0]

    async def access_token(self, force: bool = False) -> str:
        async with self._lock:
            now = time.time()
            if self._token and not force and self._token[1] - now > 3600:
                return self._token[0]
            wait = self._last_token_request + self.token_min_interval - now
            if wait > 0:
                if self._token and self._token[1] > now + 60:
                    return self._token[0]  # still valid: use it rather than wait
                raise KisError("EGW00133", f"token requested {self.token_min_interval - wait:.0f} s ago; "
                                           f"next allowed in {wait:.0f} s")
            self._last_token_request = now
            async with self.http.post(f"{self.rest_url}/oauth2/tokenP", json={
                    "grant_type": "client_credentials", "appkey": self.app_key, "appsecret": self.app_secret},
                    headers={"content-type": "application/json; charset=utf-8"}) as resp:
                data = orjson.loads(await resp.read())
            if resp.status != 200 or "access_token" not in data:
                self._save_token()
                raise KisError(str(data.get("error_code", resp.status)), str(data.get("error_description", "")), resp.status)
            self._token = (data["access_token"], now + float(data.get("expires_in", 86400)))
            self._save_token()
            return self._token[0]

    def drop_token(self) -> None:
        self._token = None

    async def current_price(self, symbol: str) -> dict:
        """KIS REST 주식현재가 시세 (FHKST01010100): the `output` object."""
        token = await self.access_token()
        async with self.http.get(
                f"{self.rest_url}/uapi/domestic-stock/v1/quotations/inquire-price",
                params={"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": symbol},
                headers={"content-type": "application/json; charset=utf-8", "authorization": f"Bearer {token}",
                         "appkey": self.app_key, "appsecret": self.app_secret, "tr_id": "FHKST01010100",
                         "custtype": "P"}) as resp:
            data = orjson.loads(await resp.read())
        if data.get("rt_cd") != "0":
            code = str(data.get("msg_cd", resp.status))
            if code == "EGW00123":
                self.drop_token()
            raise KisError(code, str(data.get("msg1", "")), resp.status)
        return data["output"]


class Backoff:
    def __init__(self, initial: float, cap: float) -> None:
        self.initial, self.cap, self.attempt = initial, cap, 0

    def next(self) -> float:
        base = min(self.cap, self.initial * (2 ** self.attempt))
        self.attempt += 1
        return base * random.uniform(0.5, 1.0)  # "equal jitter"-style, never zero

    def reset(self) -> None:
        self.attempt = 0


def subscribe_message(approval_key: str, custtype: str, tr_type: str, tr_id: str, tr_key: str) -> str:
    return orjson.dumps({"header": {"approval_key": approval_key, "custtype": custtype, "tr_type": tr_type,
                                    "content-type": "utf-8"},
                         "body": {"input": {"tr_id": tr_id, "tr_key": tr_key}}}).decode()


class KeySession:
    """The one WebSocket session of one app key."""

    def __init__(self, auth: KisAuth, settings, metrics: Metrics, on_frame: Callable[[str, int], None],
                 redis_provider, instance_id: str, watchdog_active: Callable[[], bool],
                 on_change: Callable[[], None]) -> None:
        self.auth = auth
        self.settings = settings
        self.metrics = metrics
        self.on_frame = on_frame
        self.redis_provider = redis_provider
        self.instance_id = instance_id
        self.watchdog_active = watchdog_active
        self.on_change = on_change
        self.id = auth.id
        self.lock_key = f"ingest:lock:{self.id}"
        self.desired: list[str] = []
        self.registered: set[str] = set()
        self.pending: set[str] = set()
        self.refused: set[str] = set()  # OPSP0008: no budget left on the server
        self.state = "idle"  # idle | standby | connecting | connected | backoff
        self.detail = ""
        self.holds_lock = False
        self.connected_since = 0.0
        self.reconnects: dict[str, int] = {}
        self._ws = None
        self._approval = ""
        self._updated = asyncio.Event()
        self._stop = False

    # -- desired subscriptions -------------------------------------------------------------
    def set_desired(self, symbols: list[str]) -> None:
        if symbols != self.desired:
            self.desired = list(symbols)
            self.refused &= set(symbols)
            self._updated.set()

    def streaming(self) -> set[str]:
        return set(self.registered) if self.state == "connected" else set()

    # -- lock --------------------------------------------------------------------------------
    async def _acquire_lock(self) -> bool:
        ttl_ms = int(self.settings.ingest_lock_ttl_seconds * 1000)
        redis = self.redis_provider()
        try:
            if await redis.set(self.lock_key, self.instance_id, nx=True, px=ttl_ms):
                return True
            owner = await redis.get(self.lock_key)
            if owner is not None and owner.decode() == self.instance_id:
                await redis.pexpire(self.lock_key, ttl_ms)
                return True
            return False
        except Exception as exc:  # noqa: BLE001 - Redis away: keep what we have, take nothing new
            self.metrics.inc("lock_errors")
            log.debug("lock check failed: %s", exc)
            return self.holds_lock

    async def _renew_lock_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.ingest_lock_ttl_seconds / 3)
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
            redis = self.redis_provider()
            owner = await redis.get(self.lock_key)
            if owner is not None and owner.decode() == self.instance_id:
                await redis.delete(self.lock_key)
        except Exception:  # noqa: BLE001
            pass
        self.holds_lock = False

    # -- the session loop ------------------------------------------------------------------
    async def run(self) -> None:
        backoff = Backoff(self.settings.ingest_backoff_initial_seconds, self.settings.ingest_backoff_max_seconds)
        renew = None
        while not self._stop:
            if not self.holds_lock:
                self.state, self.detail = "standby", "another ingest process holds this key"
                self.on_change()
                if not await self._acquire_lock():
                    await asyncio.sleep(max(1.0, self.settings.ingest_lock_ttl_seconds / 3))
                    continue
                self.holds_lock = True
                if renew is None or renew.done():
                    renew = asyncio.create_task(self._renew_lock_loop())
            self.state, self.detail = "connecting", ""
            self.on_change()
            cause = await self._session_once(backoff)
            self.registered.clear()
            self.pending.clear()
            self._ws = None
            if self._stop:
                break
            self.reconnects[cause] = self.reconnects.get(cause, 0) + 1
            self.metrics.inc(f"reconnects_{cause}")
            if cause == "in_use":
                delay = self.settings.ingest_in_use_backoff_seconds * random.uniform(1.0, 1.3)
            else:
                if self.connected_since and time.monotonic() - self.connected_since > 30:
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
            except Exception:  # noqa: BLE001
                pass
        await self.release_lock()

    async def _session_once(self, backoff: Backoff) -> str:
        try:
            self._approval = await self.auth.approval_key()
        except Exception as exc:  # noqa: BLE001
            self.detail = f"approval key: {exc}"
            return "auth"
        url = self.settings.kis_ws_url
        try:
            ws = await websockets.connect(url, ping_interval=None, max_size=1 << 24, open_timeout=10,
                                          close_timeout=2, max_queue=None, compression=None)
        except Exception as exc:  # noqa: BLE001
            self.detail = f"connect: {type(exc).__name__}"
            return "connect"
        self._ws = ws
        self.refused.clear()  # a new session has its whole budget again
        self.state = "connected"
        self.connected_since = time.monotonic()
        self.on_change()
        sync_task = asyncio.create_task(self._sync_loop(ws))
        try:
            return await self._read_loop(ws, backoff)
        finally:
            sync_task.cancel()
            try:
                await asyncio.wait_for(ws.close(), 2)
            except Exception:  # noqa: BLE001
                pass

    async def _sync_loop(self, ws) -> None:
        """Send subscribe/unsubscribe messages so the server's registrations follow `desired`."""
        pause = self.settings.kis_subscribe_pause_ms / 1000
        custtype = self.settings.kis_custtype
        while True:
            self._updated.clear()
            desired = [s for s in self.desired if s not in self.refused]
            for symbol in [s for s in list(self.registered) if s not in self.desired]:
                await ws.send(subscribe_message(self._approval, custtype, "2", TRADE_TR, symbol))
                self.registered.discard(symbol)
                if pause:
                    await asyncio.sleep(pause)
            for symbol in desired:
                if symbol in self.registered or symbol in self.pending:
                    continue
                self.pending.add(symbol)
                await ws.send(subscribe_message(self._approval, custtype, "1", TRADE_TR, symbol))
                if pause:
                    await asyncio.sleep(pause)
            self.on_change()
            await self._updated.wait()

    async def _read_loop(self, ws, backoff: Backoff) -> str:
        watchdog = self.settings.ingest_watchdog_seconds
        on_frame = self.on_frame
        while True:
            try:
                if self.watchdog_active():
                    message = await asyncio.wait_for(ws.recv(), watchdog)
                else:
                    message = await ws.recv()
            except asyncio.TimeoutError:
                self.detail = f"no message for {watchdog:.0f} s"
                return "silent"
            except websockets.ConnectionClosed:
                return "closed"
            except Exception as exc:  # noqa: BLE001
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

    async def _on_control(self, ws, text: str) -> str | None:
        self.metrics.inc("control_messages")
        try:
            msg = orjson.loads(text)
            header = msg.get("header", {})
        except ValueError:
            self.metrics.inc("malformed_controls")
            return None
        tr_id = header.get("tr_id")
        if tr_id == "PINGPONG":
            await ws.send(text)  # echo the exact text
            self.metrics.inc("pingpongs")
            return None
        body = msg.get("body") or {}
        code = body.get("msg_cd", "")
        symbol = header.get("tr_key", "")
        if code == "OPSP8996":
            self.detail = "ALREADY IN USE appkey"
            self.metrics.inc("in_use")
            return "in_use"
        if code == "OPSP0011":
            # approval key unknown/expired: take a new one and resubscribe
            try:
                self._approval = await self.auth.approval_key(refresh=True)
            except Exception:  # noqa: BLE001
                return "auth"
            self.pending.discard(symbol)
            self._updated.set()
            return None
        if code in ("OPSP0000", "OPSP0002"):  # registered (0002: already, e.g. after a reconnect)
            if symbol in self.desired:
                self.registered.add(symbol)
            self.pending.discard(symbol)
        elif code == "OPSP0001":
            self.registered.discard(symbol)
        elif code == "OPSP0008":
            self.pending.discard(symbol)
            self.refused.add(symbol)
            self.metrics.inc("subscribe_refused_max")
            log.warning("key %s: %s refused (MAX SUBSCRIBE OVER)", self.id, symbol)
        elif body.get("rt_cd") not in (None, "0") and tr_id == TRADE_TR:
            # other refusals (e.g. OPSP0007): retry this symbol later, without a tight loop
            self.pending.discard(symbol)
            self.metrics.inc("subscribe_errors")
            asyncio.get_running_loop().call_later(5.0, self._updated.set)
        self.on_change()
        return None


def new_instance_id() -> str:
    return f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def in_krx_hours(now: float | None = None) -> bool:
    """Weekdays 08:30–16:00 KST (pre-market through after-hours closing auction)."""
    kst = datetime.fromtimestamp(time.time() if now is None else now, KST)
    minutes = kst.hour * 60 + kst.minute
    return kst.weekday() < 5 and 8 * 60 + 30 <= minutes < 16 * 60
