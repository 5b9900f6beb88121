"""kissim's HTTP + WebSocket server: the KIS protocol (docs: external-apis.md §1–2) on one port.

REST:  POST /oauth2/Approval, POST /oauth2/tokenP,
       GET  /uapi/domestic-stock/v1/quotations/inquire-price (tr_id FHKST01010100)
       GET  /uapi/domestic-stock/v1/quotations/inquire-time-itemchartprice (FHKST03010200): today's
            minute bars, built from every trade the market made (sent to a session or not)
WS:    any path; subscribe/unsubscribe JSON, acks and error codes, PINGPONG, H0STCNT0 frames
Test hooks (not KIS): POST /_kissim/fault, GET /_kissim/stats, GET /_kissim/sent?symbol=,
            GET /_kissim/minutes?symbol= (today's minute bars, every trade made)
Benchmarks: `send_log` writes each trade frame's send time (sendlog.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import orjson
from aiohttp import WSMsgType, web

from devtools.kissim.market import History, SymbolMarket, Trade, in_pre_open, kst_now, market_hours_fraction
from devtools.kissim.records import BOOK_TR_ID, TR_ID, book_frame, trade_frame
from devtools.kissim.sendlog import SendLog, Stamp

log = logging.getLogger("kissim")

TRADE_TR = TR_ID
BOOK_TR = BOOK_TR_ID
BOOK_REFRESH_S = 1.0
WARM_UP_SECONDS = 30 * 60  # demo: the history a symbol nobody followed yet gets when its minute bars are asked for
MARKET_STATUS_TR = "H0STMKO0"
KNOWN_TRS = {TRADE_TR, BOOK_TR, MARKET_STATUS_TR, "H0UNCNT0", "H0NXCNT0"}
MINUTE_ROWS_PER_CALL = 30
# KIS's frames carry a few records; after a stall (a slow reader holding the send loop) a symbol's
# backlog goes out in frames of at most this many (tickcore refuses more than 1,000 in one frame)
MAX_RECORDS_PER_FRAME = 100


@dataclass
class Config:
    speed: float = 60.0
    mode: str = "demo"  # demo | market-hours
    seed: int = 7
    trade_rate: float = 2.0
    frame_interval_ms: int = 100
    pingpong_seconds: float = 30.0
    max_registrations: int = 41
    token_min_interval: float = 60.0
    rest_limit_per_second: int = 20
    ledger: bool = False  # remember every sequence sent (tests)
    state_file: str | None = None  # today's per-symbol counters, kept across restarts
    replay_on_subscribe: int = 0  # resend this many last records on a (re)subscribe (dedup tests)
    # A symbol keeps trading this long after its last listener or poll: the market does not stop
    # when a client drops (trades made meanwhile are never sent, as with KIS, but are in the minute bars).
    market_linger_seconds: float = 600.0
    send_log: str | None = None  # benchmarks: each trade frame's send time (sendlog.py)
    flat_rate: bool = False  # benchmarks: trade_rate all day, not U-shaped
    # demo: minute bars asked for before a symbol traded make its last half hour first; off in benchmarks,
    # where 30 minutes at a high trade rate would stall the server for seconds
    warm_up: bool = True


def control(
    tr_id: str, tr_key: str, rt_cd: str, msg_cd: str, msg1: str, output: dict | None = None, encrypt: str = "N"
) -> str:
    body: dict = {"rt_cd": rt_cd, "msg_cd": msg_cd, "msg1": msg1}
    if output is not None:
        body["output"] = output
    return orjson.dumps({"header": {"tr_id": tr_id, "tr_key": tr_key, "encrypt": encrypt}, "body": body}).decode()


@dataclass
class Session:
    id: int
    ws: web.WebSocketResponse
    request: web.Request
    appkey: str | None = None
    refused: bool = False
    registrations: set[tuple[str, str]] = field(default_factory=set)
    silent_until: float = 0.0
    closing: bool = False
    unanswered_pings: int = 0
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def silent(self) -> bool:
        return self.silent_until > time.monotonic()


class Faults:
    def __init__(self) -> None:
        self.malformed = 0
        self.extra_fields = 0
        self.refuse_subscribe_until = 0.0
        self.refuse_session_until = 0.0

    def as_dict(self) -> dict:
        now = time.monotonic()
        return {
            "malformed": self.malformed,
            "extraFields": self.extra_fields,
            "refuseSubscribe": max(0.0, self.refuse_subscribe_until - now),
            "refuseSession": max(0.0, self.refuse_session_until - now),
        }


class KisSim:
    def __init__(self, config: Config, history: History) -> None:
        self.config = config
        self.history = history
        self.markets: dict[str, SymbolMarket] = {}
        self.sessions: dict[int, Session] = {}
        self.owner: dict[str, int] = {}  # appkey → session id holding it
        self.linger: dict[str, float] = {}  # appkey → monotonic time its dropped session is released
        self.approval_keys: dict[str, str] = {}  # approval_key → appkey
        self.secrets: dict[str, str] = {}
        self.tokens: dict[str, tuple[str, float, float]] = {}  # appkey → (token, issued wall, expires wall)
        self.token_owner: dict[str, str] = {}
        self.rest_calls: dict[str, deque] = defaultdict(deque)
        self.active: dict[str, float] = {}  # symbol → last time it had a listener or a poll (monotonic)
        self.last_sent: dict[str, Trade] = {}  # symbol → the last trade a session was sent
        self.faults = Faults()
        self.ledger: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.stats = defaultdict(int)
        self.connects: dict[str, int] = defaultdict(int)  # appkey → subscribe sessions opened
        self.token_issued: dict[str, int] = defaultdict(int)
        self._next_id = 0
        self._market_status: str | None = None
        self._book_sent: dict[str, float] = {}  # symbol → wall time its last order book went out
        self._saved: dict[str, dict] = {}
        self.send_log = SendLog(Path(config.send_log)) if config.send_log else None
        self.load_state()

    # -- markets ---------------------------------------------------------------------------
    def market(self, symbol: str) -> SymbolMarket:
        found = self.markets.get(symbol)
        if found is None:
            found = SymbolMarket(
                symbol,
                self.history.get(symbol),
                self.config.seed,
                self.config.trade_rate,
                self.config.speed,
                flat=self.config.flat_rate,
            )
            saved = self._saved.pop(symbol, None)
            if saved is not None:
                found.restore_state(saved)
            self.markets[symbol] = found
        return found

    # -- the day's state across restarts ------------------------------------------------------
    def load_state(self) -> None:
        self._saved = {}
        if not self.config.state_file:
            return
        try:
            data = orjson.loads(Path(self.config.state_file).read_bytes())
        except (OSError, ValueError):
            return
        today = kst_now().strftime("%Y%m%d")
        self._saved = {sym: st for sym, st in data.get("markets", {}).items() if st.get("business_date") == today}
        if self._saved:
            log.info("continuing today's trading of %d symbol(s) from %s", len(self._saved), self.config.state_file)

    def save_state(self) -> None:
        if not self.config.state_file:
            return
        markets = {**self._saved, **{sym: m.export_state() for sym, m in self.markets.items() if m.business_date}}
        path = Path(self.config.state_file)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(orjson.dumps({"markets": markets}))
            os.replace(tmp, path)
        except OSError:
            log.warning("could not save kissim state to %s", path)

    async def run_state_saver(self) -> None:
        while True:
            await asyncio.sleep(2.0)
            self.save_state()

    def _active_symbols(self) -> dict[str, list[Session]]:
        listeners: dict[str, list[Session]] = defaultdict(list)
        for session in self.sessions.values():
            if session.closing or session.refused:
                continue
            for tr_id, tr_key in session.registrations:
                if tr_id == TRADE_TR:
                    listeners[tr_key].append(session)
        now = time.monotonic()
        for symbol in listeners:
            self.active[symbol] = now
        for symbol, at in list(self.active.items()):
            if now - at > self.config.market_linger_seconds:
                del self.active[symbol]
            else:
                listeners.setdefault(symbol, [])
        return listeners

    def _book_listeners(self) -> dict[str, list[Session]]:
        listeners: dict[str, list[Session]] = defaultdict(list)
        for session in self.sessions.values():
            if session.closing or session.refused or session.silent:
                continue
            for tr_id, tr_key in session.registrations:
                if tr_id == BOOK_TR:
                    listeners[tr_key].append(session)
        return listeners

    def _books(self, now: float, kst: datetime, traded: set[str], pre_open: bool, sends: dict[int, list[str]]) -> None:
        """An order book after every interval with trades of the symbol, else once a second."""
        hhmmss = kst.strftime("%H%M%S")
        for symbol, listeners in self._book_listeners().items():
            if symbol not in traded and now - self._book_sent.get(symbol, 0.0) < BOOK_REFRESH_S:
                continue
            self._book_sent[symbol] = now
            frame = book_frame([self.market(symbol).order_book(hhmmss, pre_open)])
            for session in listeners:
                sends[session.id].append(frame)
            self.stats["books_sent"] += 1

    async def run_market(self) -> None:
        interval = self.config.frame_interval_ms / 1000
        last = time.time()
        while True:
            await asyncio.sleep(interval)
            now = time.time()
            dt, last = now - last, now
            try:
                await self._tick(now, dt)
            except Exception:
                log.exception("market tick failed")

    async def _tick(self, now: float, dt: float) -> None:
        kst = kst_now(now)
        fraction = None
        if self.config.mode == "market-hours":
            fraction = market_hours_fraction(kst)
            status = "open" if fraction is not None else "closed"
            if status != self._market_status:
                self._market_status = status
                await self._send_market_status(kst, status)
            if fraction is None:
                if in_pre_open(kst):  # the opening auction: books with the expected price, no trades
                    sends: dict[int, list[str]] = defaultdict(list)
                    self._books(now, kst, set(), True, sends)
                    await asyncio.gather(*(self._send_many(self.sessions.get(sid), f) for sid, f in sends.items()))
                return
        sends = defaultdict(list)
        stamps: dict[int, dict[int, Stamp]] = defaultdict(dict)
        traded: set[str] = set()
        for symbol, listeners in self._active_symbols().items():
            trades = self.market(symbol).advance(now, dt, kst, fraction)
            if trades:
                traded.add(symbol)
            if not trades or not listeners:
                continue
            extra = self.faults.extra_fields > 0
            if extra:
                self.faults.extra_fields -= 1
            records = [t.record + ("^X1^77" if extra else "") for t in trades]
            delivered = False
            for first in range(0, len(trades), MAX_RECORDS_PER_FRAME):
                chunk = trades[first : first + MAX_RECORDS_PER_FRAME]
                frame = trade_frame(records[first : first + MAX_RECORDS_PER_FRAME])
                stamp = (symbol, chunk[0].seq, chunk[-1].seq, chunk[0].acc_volume, chunk[-1].acc_volume)
                for session in listeners:
                    if session.silent or session.closing:
                        continue
                    if self.send_log is not None:
                        stamps[session.id][len(sends[session.id])] = stamp
                    sends[session.id].append(frame)
                    delivered = True
                if delivered:
                    self.stats["frames_sent"] += 1
            if delivered:
                self.last_sent[symbol] = trades[-1]
                self.stats["trades_sent"] += len(trades)
                if self.config.ledger:
                    self.ledger[symbol].extend((t.seq, t.acc_volume) for t in trades)
        self._books(now, kst, traded, False, sends)
        if self.faults.malformed > 0 and sends:
            self.faults.malformed -= 1
            bad = [
                "0|H0STCNT0|002|005930^0930^70500",
                "0|H0STCNT0|0x1|garbage",
                "1|H0STCNT0|001|@@@",
                "0|H0STCNT0",
                "0|H0STCNT0|001|" + "^".join(["x"] * 46),
            ]
            for session_frames in sends.values():
                session_frames.extend(bad)
            self.stats["malformed_sent"] += len(bad)
        await asyncio.gather(
            *(self._send_many(self.sessions.get(sid), frames, stamps.get(sid)) for sid, frames in sends.items())
        )

    async def _send_market_status(self, kst: datetime, status: str) -> None:
        # H0STMKO0 (장운영정보): code, 거래정지, 사유, 장운영구분, 예상장운영, 임의연장, 배분, 종목상태,
        # VI, 시간외VI, 거래소
        code = "20" if status == "open" else "30"
        for session in list(self.sessions.values()):
            for tr_id, tr_key in session.registrations:
                if tr_id == MARKET_STATUS_TR:
                    rec = "^".join([tr_key, "N", "", code, "", "", "", "55", "N", "N", "1"])
                    await self._send_many(session, [f"0|{MARKET_STATUS_TR}|001|{rec}"])

    async def _send_many(
        self, session: Session | None, frames: list[str], stamps: dict[int, Stamp] | None = None
    ) -> None:
        if session is None or session.closing:
            return
        send_log = self.send_log
        try:
            async with session.send_lock:
                for index, frame in enumerate(frames):
                    sent_ns = time.time_ns()  # aiohttp writes to the transport before awaiting the drain
                    await session.ws.send_str(frame)
                    stamp = stamps.get(index) if stamps else None
                    if stamp is not None and send_log is not None:
                        send_log.record(stamp, sent_ns)
        except Exception:  # noqa: BLE001 - a broken connection ends in its handler
            session.closing = True

    async def run_pingpong(self) -> None:
        while True:
            await asyncio.sleep(self.config.pingpong_seconds)
            text = orjson.dumps(
                {"header": {"tr_id": "PINGPONG", "datetime": kst_now().strftime("%Y%m%d%H%M%S")}}
            ).decode()
            for session in list(self.sessions.values()):
                if not session.silent and not session.closing:
                    session.unanswered_pings += 1
                    await self._send_many(session, [text])

    # -- WebSocket -------------------------------------------------------------------------
    async def websocket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=1 << 20)
        await ws.prepare(request)
        self._next_id += 1
        session = Session(self._next_id, ws, request)
        self.sessions[session.id] = session
        self.stats["ws_connections"] += 1
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_text(session, msg.data)
                elif msg.type == WSMsgType.ERROR:
                    break
        finally:
            self._end(session)
        return ws

    def _end(self, session: Session, linger: float = 0.0) -> None:
        session.closing = True
        self.sessions.pop(session.id, None)
        if session.appkey and self.owner.get(session.appkey) == session.id:
            del self.owner[session.appkey]
            if linger > 0:
                self.linger[session.appkey] = time.monotonic() + linger
        session.registrations.clear()

    async def _on_text(self, session: Session, text: str) -> None:
        if session.silent:
            return
        try:
            msg = orjson.loads(text)
            header = msg["header"]
        except Exception:  # noqa: BLE001 - anything unparsable gets KIS's OPSP9999
            await self._send_many(session, [control("", "", "9", "OPSP9999", "JSON PARSING ERROR")])
            return
        if header.get("tr_id") == "PINGPONG":
            session.unanswered_pings = 0
            self.stats["pingpong_echoes"] += 1
            return
        try:
            approval_key = header["approval_key"]
            tr_type = str(header.get("tr_type", ""))
            tr_id = msg["body"]["input"]["tr_id"]
            tr_key = msg["body"]["input"]["tr_key"]
        except (KeyError, TypeError):
            await self._send_many(session, [control("", "", "9", "OPSP9999", "JSON PARSING ERROR")])
            return
        appkey = self.approval_keys.get(approval_key)
        if appkey is None:
            await self._send_many(session, [control(tr_id, tr_key, "1", "OPSP0011", "invalid approval : NOT FOUND")])
            return
        if not self._claim(session, appkey):
            self.stats["in_use_refusals"] += 1
            await self._send_many(session, [control("(null)", "", "9", "OPSP8996", "ALREADY IN USE appkey")])
            return
        pair = (tr_id, tr_key)
        if tr_type == "1":
            if tr_id not in KNOWN_TRS:
                reply = control(tr_id, tr_key, "1", "OPSP0007", "SUBSCRIBE ERROR : invalid tr_id")
            elif self.faults.refuse_subscribe_until > time.monotonic():
                reply = control(tr_id, tr_key, "1", "OPSP0007", "SUBSCRIBE INTERNAL ERROR")
            elif pair in session.registrations:
                reply = control(tr_id, tr_key, "1", "OPSP0002", "ALREADY IN SUBSCRIBE")
            elif len(session.registrations) >= self.config.max_registrations:
                reply = control(tr_id, tr_key, "1", "OPSP0008", "MAX SUBSCRIBE OVER")
            else:
                session.registrations.add(pair)
                self.stats["subscribes"] += 1
                reply = control(
                    tr_id,
                    tr_key,
                    "0",
                    "OPSP0000",
                    "SUBSCRIBE SUCCESS",
                    {"iv": secrets.token_hex(8), "key": secrets.token_hex(16)},
                )
                await self._send_many(session, [reply])
                if tr_id == TRADE_TR and self.config.replay_on_subscribe:
                    last = self.last_sent.get(tr_key)  # what a client that dropped may have seen last
                    if last is not None:
                        await self._send_many(session, [f"0|{TRADE_TR}|001|{last.record}"])
                        if self.config.ledger:  # the same trade again
                            self.ledger[tr_key].append((last.seq, last.acc_volume))
                        self.stats["replayed_on_subscribe"] += 1
                return
        elif tr_type == "2":
            if pair in session.registrations:
                session.registrations.discard(pair)
                reply = control(tr_id, tr_key, "0", "OPSP0001", "UNSUBSCRIBE SUCCESS")
            else:
                reply = control(tr_id, tr_key, "1", "OPSP0003", "UNSUBSCRIBE ERROR(not found!)")
        else:
            reply = control(tr_id, tr_key, "1", "OPSP0007", "SUBSCRIBE ERROR : invalid tr_type")
        await self._send_many(session, [reply])

    def _claim(self, session: Session, appkey: str) -> bool:
        """One session per appkey: the first session that subscribes with a key holds it."""
        if session.refused:
            return False
        if session.appkey == appkey and self.owner.get(appkey) == session.id:
            return True
        holder = self.owner.get(appkey)
        lingering = self.linger.get(appkey, 0.0) > time.monotonic()
        if (
            (holder is not None and holder != session.id)
            or lingering
            or self.faults.refuse_session_until > time.monotonic()
        ):
            session.refused = True
            return False
        session.appkey = appkey
        self.owner[appkey] = session.id
        self.connects[appkey] += 1
        return True

    # -- REST ------------------------------------------------------------------------------
    async def approval(self, request: web.Request) -> web.Response:
        body = await _json(request)
        appkey, secret = body.get("appkey"), body.get("secretkey")
        if body.get("grant_type") != "client_credentials" or not appkey or not secret:
            return _kis_json({"error_code": "EGW00002", "error_description": "잘못된 요청입니다."}, 403)
        if self.secrets.setdefault(appkey, secret) != secret:
            return _kis_json({"error_code": "EGW00105", "error_description": "유효하지 않은 AppSecret입니다."}, 403)
        key = str(uuid.uuid4())
        self.approval_keys[key] = appkey
        self.stats["approval_keys"] += 1
        return _kis_json({"approval_key": key})

    async def token(self, request: web.Request) -> web.Response:
        body = await _json(request)
        appkey, secret = body.get("appkey"), body.get("appsecret")
        if body.get("grant_type") != "client_credentials" or not appkey or not secret:
            return _kis_json({"error_code": "EGW00002", "error_description": "잘못된 요청입니다."}, 403)
        if self.secrets.setdefault(appkey, secret) != secret:
            return _kis_json({"error_code": "EGW00105", "error_description": "유효하지 않은 AppSecret입니다."}, 403)
        now = time.time()
        current = self.tokens.get(appkey)
        if current and now - current[1] < self.config.token_min_interval:
            self.stats["token_refusals"] += 1
            return _kis_json(
                {"error_description": "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)", "error_code": "EGW00133"}, 403
            )
        if current and now - current[1] < 6 * 3600 and current[2] > now:
            token = current[0]
            expires = current[2]
        else:
            token = (
                "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9." + secrets.token_urlsafe(48) + "." + secrets.token_urlsafe(32)
            )
            expires = now + 86400
        self.tokens[appkey] = (token, now, expires)
        self.token_owner[token] = appkey
        self.token_issued[appkey] += 1
        expired_text = (datetime.fromtimestamp(expires, kst_now().tzinfo)).strftime("%Y-%m-%d %H:%M:%S")
        return _kis_json(
            {
                "access_token": token,
                "access_token_token_expired": expired_text,
                "token_type": "Bearer",
                "expires_in": int(expires - now),
            }
        )

    def _check_rest(self, request: web.Request, tr_id: str) -> web.Response | None:
        appkey = request.headers.get("appkey", "")
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        if not appkey or not request.headers.get("appsecret"):
            return _kis_json({"rt_cd": "1", "msg_cd": "EGW00103", "msg1": "유효하지 않은 AppKey입니다."}, 403)
        owner = self.token_owner.get(token)
        issued = self.tokens.get(appkey)
        if owner != appkey or issued is None or issued[2] < time.time():
            return _kis_json({"rt_cd": "1", "msg_cd": "EGW00123", "msg1": "기간이 만료된 token 입니다."}, 500)
        if request.headers.get("tr_id") != tr_id:
            return _kis_json({"rt_cd": "1", "msg_cd": "EGW00205", "msg1": "tr_id가 올바르지 않습니다."}, 500)
        calls = self.rest_calls[appkey]
        now = time.monotonic()
        while calls and now - calls[0] > 1.0:
            calls.popleft()
        if len(calls) >= self.config.rest_limit_per_second:
            self.stats["rest_rate_refusals"] += 1
            return _kis_json({"rt_cd": "1", "msg_cd": "EGW00201", "msg1": "초당 거래건수를 초과하였습니다."}, 500)
        calls.append(now)
        return None

    async def inquire_price(self, request: web.Request) -> web.Response:
        refused = self._check_rest(request, "FHKST01010100")
        if refused is not None:
            return refused
        symbol = request.query.get("FID_INPUT_ISCD", "")
        if request.query.get("FID_COND_MRKT_DIV_CODE") not in ("J", "NX", "UN") or len(symbol) != 6:
            return _kis_json({"rt_cd": "1", "msg_cd": "OPCODE-1", "msg1": "입력값을 확인해 주세요."})
        self.stats["rest_price_calls"] += 1
        self.active[symbol] = time.monotonic()
        market = self.market(symbol)
        if not market.business_date:
            market.advance(time.time(), 0.0, kst_now())
        return _kis_json(
            {"output": market.snapshot(), "rt_cd": "0", "msg_cd": "MCA00000", "msg1": "정상처리 되었습니다."}
        )

    async def minute_chart(self, request: web.Request) -> web.Response:
        """주식당일분봉조회: up to 30 of today's minute bars ending at FID_INPUT_HOUR_1, newest first."""
        refused = self._check_rest(request, "FHKST03010200")
        if refused is not None:
            return refused
        symbol = request.query.get("FID_INPUT_ISCD", "")
        hour = request.query.get("FID_INPUT_HOUR_1", "")
        if (
            request.query.get("FID_COND_MRKT_DIV_CODE") != "J"
            or len(symbol) != 6
            or len(hour) != 6
            or not hour.isdigit()
        ):
            return _kis_json({"rt_cd": "1", "msg_cd": "OPCODE-1", "msg1": "입력값을 확인해 주세요."})
        self.stats["rest_minute_calls"] += 1
        market = self.market(symbol)
        if self.config.mode == "demo" and self.config.warm_up and not market.minutes:
            # the demo's market is always open: a symbol nobody followed yet gets the last half hour
            self.stats["warmed_up_trades"] += market.warm_up(time.time(), WARM_UP_SECONDS)
        rows = market.minute_rows(hour[:4], MINUTE_ROWS_PER_CALL)
        price = market.price or market.prev_close
        output1 = {
            "prdy_vrss": str(price - market.prev_close),
            "stck_prdy_clpr": str(market.prev_close),
            "acml_vol": str(market.acc_volume),
            "acml_tr_pbmn": str(market.acc_amount),
            "hts_kor_isnm": symbol,
            "stck_prpr": str(price),
        }
        return _kis_json(
            {"output1": output1, "output2": rows, "rt_cd": "0", "msg_cd": "MCA00000", "msg1": "정상처리 되었습니다."}
        )

    # -- test hooks ------------------------------------------------------------------------
    async def fault(self, request: web.Request) -> web.Response:
        body = await _json(request)
        kind = body.get("kind")
        count = int(body.get("count", 1))
        seconds = float(body.get("seconds", 3600))
        appkey = body.get("appkey")
        targets = [s for s in self.sessions.values() if appkey in (None, s.appkey) and not s.refused]
        if kind == "drop":
            linger = float(body.get("linger", 0))
            for session in targets:
                session.closing = True  # no more frames: everything sent so far reaches the client
            await asyncio.sleep(0.3)
            for session in targets:
                self._end(session, linger)
                transport = session.request.transport
                if transport is not None:
                    transport.abort()  # no close frame, like a dead TCP connection
        elif kind == "silent":
            for session in targets:
                session.silent_until = time.monotonic() + seconds
        elif kind == "malformed":
            self.faults.malformed += count
        elif kind == "extra_fields":
            self.faults.extra_fields += count
        elif kind == "refuse_subscribe":
            self.faults.refuse_subscribe_until = time.monotonic() + seconds
        elif kind == "refuse_session":
            self.faults.refuse_session_until = time.monotonic() + seconds
        elif kind == "clear":
            self.faults = Faults()
            self.linger.clear()
            for session in self.sessions.values():
                session.silent_until = 0.0
        else:
            return web.json_response({"error": f"unknown fault kind {kind!r}"}, status=400)
        self.stats[f"fault_{kind}"] += 1
        return web.json_response({"ok": True, "kind": kind, "sessions": len(targets)})

    async def stats_view(self, request: web.Request) -> web.Response:
        sessions = [
            {
                "id": s.id,
                "appkey": s.appkey,
                "refused": s.refused,
                "silent": s.silent,
                "registrations": sorted(k for t, k in s.registrations if t != BOOK_TR),
                "books": sorted(k for t, k in s.registrations if t == BOOK_TR),
            }
            for s in self.sessions.values()
        ]
        return web.json_response(
            {
                "stats": dict(self.stats),
                "cpuSeconds": time.process_time(),
                "sendLog": self.send_log.as_dict() if self.send_log else None,
                "sessions": sessions,
                "faults": self.faults.as_dict(),
                "connects": dict(self.connects),
                "tokensIssued": dict(self.token_issued),
                "symbols": {
                    s: {"seq": m.buy_count + m.sell_count, "price": m.price, "accVolume": m.acc_volume}
                    for s, m in self.markets.items()
                },
            }
        )

    async def sent(self, request: web.Request) -> web.Response:
        symbol = request.query.get("symbol")
        if symbol:
            return web.json_response({"symbol": symbol, "seqs": self.ledger.get(symbol, [])})
        return web.json_response({s: len(v) for s, v in self.ledger.items()})

    async def minutes_view(self, request: web.Request) -> web.Response:
        market = self.markets.get(request.query.get("symbol", ""))
        if market is None:
            return web.json_response({"date": None, "minutes": {}})
        return web.json_response({"date": market.business_date, "minutes": market.minutes})

    def app(self) -> web.Application:
        app = web.Application(client_max_size=1 << 20)
        app.router.add_post("/oauth2/Approval", self.approval)
        app.router.add_post("/oauth2/tokenP", self.token)
        app.router.add_get("/uapi/domestic-stock/v1/quotations/inquire-price", self.inquire_price)
        app.router.add_get("/uapi/domestic-stock/v1/quotations/inquire-time-itemchartprice", self.minute_chart)
        app.router.add_post("/_kissim/fault", self.fault)
        app.router.add_get("/_kissim/stats", self.stats_view)
        app.router.add_get("/_kissim/sent", self.sent)
        app.router.add_get("/_kissim/minutes", self.minutes_view)
        app.router.add_get("/{tail:.*}", self.websocket)  # any path is a WebSocket (KIS ignores it)

        async def background(app: web.Application):
            tasks = [
                asyncio.create_task(self.run_market()),
                asyncio.create_task(self.run_pingpong()),
                asyncio.create_task(self.run_state_saver()),
                *([asyncio.create_task(self.send_log.run())] if self.send_log else []),
            ]
            yield
            for task in tasks:
                task.cancel()
            self.save_state()
            if self.send_log is not None:
                self.send_log.close()

        async def close_sessions(app: web.Application) -> None:
            for session in list(self.sessions.values()):
                session.closing = True
                try:
                    await asyncio.wait_for(session.ws.close(code=1001, message=b"server shutdown"), 1.0)
                except Exception:  # noqa: BLE001 - a session already gone at shutdown
                    pass

        app.on_shutdown.append(close_sessions)
        app.cleanup_ctx.append(background)
        return app


async def _json(request: web.Request) -> dict:
    try:
        data = orjson.loads(await request.read())
        return data if isinstance(data, dict) else {}
    except Exception:  # noqa: BLE001 - an unreadable body counts as empty
        return {}


def _kis_json(data: dict, status: int = 200) -> web.Response:
    return web.Response(
        body=orjson.dumps(data),
        status=status,
        content_type="application/json",
        charset="UTF-8",
        headers={"tr_cont": "D", "gt_uid": uuid.uuid4().hex},
    )
