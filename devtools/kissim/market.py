"""The simulated market of kissim: realistic intraday trades replayed from the bundled daily history.

For each symbol a trading day is drawn from `data/prices_daily.csv.gz` (seeded), and turned
into an intraday price path: a Brownian bridge from that day's open through its high and low
to its close, expressed relative to the previous close and scaled to the symbol's latest close.
Prices sit on the KRX tick-size grid inside the ±30 % daily limit; volume follows a U-shaped
intraday profile and adds up to the replayed day's volume. Every record carries consistent day
open/high/low, cumulative volume and amount, and sell/buy trade counts whose sum is the day's
trade sequence (1, 2, 3, …), so a client can prove it lost or doubled nothing.

Time: trades carry real KST wall-clock time (one-second resolution, like KIS). `speed` only sets
how fast the replayed day's path is walked: at speed 60 a 6 h 30 min session takes 6.5 minutes,
then the next replayed day continues from the current price (demo mode: the same business day
continues, cumulative figures keep growing, so times and volumes never go backwards). In
market-hours mode trades happen only in the KRX regular session (09:00–15:30 KST, weekdays) and
the path position follows the real clock.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import math
import os
import pickle
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from devtools.kissim.records import book_record, trade_record

KST = timezone(timedelta(hours=9))
SESSION_SECONDS = 6 * 3600 + 30 * 60  # 09:00–15:30
SESSION_OPEN_S = 9 * 3600
PATH_POINTS = 2341  # one point per 10 simulated seconds
HISTORY_DAYS_KEPT = 260

# KRX tick sizes (unified KOSPI/KOSDAQ grid since 2023): (price below, tick)
TICK_TABLE = ((2_000, 1), (5_000, 5), (20_000, 10), (50_000, 50), (200_000, 100), (500_000, 500))


def tick_size(price: float) -> int:
    for bound, tick in TICK_TABLE:
        if price < bound:
            return tick
    return 1_000


def round_tick(price: float) -> int:
    tick = tick_size(price)
    return max(tick, int(round(price / tick)) * tick)


def floor_tick(price: float) -> int:
    tick = tick_size(price)
    return max(tick, int(math.floor(price / tick)) * tick)


def ceil_tick(price: float) -> int:
    tick = tick_size(price)
    return max(tick, int(math.ceil(price / tick)) * tick)


def step_tick(price: int, steps: int) -> int:
    """Move `steps` grid ticks up (positive) or down from an on-grid price."""
    for _ in range(abs(steps)):
        if steps > 0:
            price += tick_size(price)
        else:
            price -= tick_size(price - 1)
    return max(1, price)


def limits(prev_close: int) -> tuple[int, int]:
    """(lower, upper) daily price limits, ±30 % of the previous close, on the grid."""
    return ceil_tick(prev_close * 0.7), floor_tick(prev_close * 1.3)


# ---------------------------------------------------------------------------------------------
# Daily history: indexed once into a compact per-symbol cache under the data folder.


@dataclass(frozen=True)
class DayShape:
    """A replayed day relative to its previous close: open/high/low/close ratios and volume."""

    open: float
    high: float
    low: float
    close: float
    volume: int


@dataclass
class SymbolHistory:
    last_close: int
    last_volume: int
    days: list[DayShape]


class History:
    def __init__(self, csv_path: Path, cache_dir: Path) -> None:
        self.csv_path = csv_path
        self.cache_dir = cache_dir
        self._data: dict[str, SymbolHistory] | None = None

    def _cache_path(self) -> Path:
        try:
            stat = self.csv_path.stat()
            tag = f"{stat.st_size}-{int(stat.st_mtime)}"
        except FileNotFoundError:
            tag = "missing"
        return self.cache_dir / f"kissim-daily-{hashlib.sha1(tag.encode()).hexdigest()[:12]}.pickle"

    def load(self) -> dict[str, SymbolHistory]:
        if self._data is not None:
            return self._data
        cache = self._cache_path()
        if cache.exists():
            try:
                with open(cache, "rb") as fh:
                    self._data = pickle.load(fh)
                return self._data
            except Exception:  # noqa: BLE001 - a broken cache is rebuilt
                pass
        self._data = self._index()
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".tmp{os.getpid()}")
            with open(tmp, "wb") as fh:
                pickle.dump(self._data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cache)
        except OSError:
            pass
        return self._data

    def _index(self) -> dict[str, SymbolHistory]:
        rows: dict[str, list[tuple[int, int, int, int, int]]] = {}
        if not self.csv_path.exists():
            return {}
        with gzip.open(self.csv_path, "rt", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            for rec in reader:
                try:
                    o, h, lo, c, v = int(rec[2]), int(rec[3]), int(rec[4]), int(rec[5]), int(rec[6])
                except (ValueError, IndexError):
                    continue
                if min(o, h, lo, c) <= 0:
                    continue
                rows.setdefault(rec[0], []).append((o, h, lo, c, v))  # file is sorted by code, date
        out: dict[str, SymbolHistory] = {}
        for code, bars in rows.items():
            bars = bars[-(HISTORY_DAYS_KEPT + 1) :]
            days = []
            for prev, cur in zip(bars, bars[1:], strict=False):
                pc = prev[3]
                shape = DayShape(cur[0] / pc, cur[1] / pc, cur[2] / pc, cur[3] / pc, cur[4])
                # skip days outside the ±30 % band (corporate actions) or with no trading
                if cur[4] > 0 and 0.7 <= shape.low <= shape.high <= 1.3:
                    days.append(shape)
            if days:
                out[code] = SymbolHistory(bars[-1][3], bars[-1][4], days)
        return out

    def get(self, symbol: str) -> SymbolHistory:
        data = self.load()
        found = data.get(symbol)
        if found is not None:
            return found
        # unknown code: a plausible synthetic history, stable per symbol
        rnd = random.Random(symbol)
        days = []
        for _ in range(60):
            c = 1 + rnd.gauss(0, 0.02)
            o = 1 + rnd.gauss(0, 0.01)
            h = max(o, c) * (1 + abs(rnd.gauss(0, 0.01)))
            lo = min(o, c) * (1 - abs(rnd.gauss(0, 0.01)))
            days.append(DayShape(o, min(h, 1.29), max(lo, 0.71), c, rnd.randint(50_000, 500_000)))
        return SymbolHistory(round_tick(rnd.uniform(3_000, 80_000)), 200_000, days)


# ---------------------------------------------------------------------------------------------
# Intraday path


def bridge(rnd: random.Random, start: float, end: float, n: int, sigma: float) -> list[float]:
    """Brownian bridge of n+1 points from start to end (log prices)."""
    if n <= 0:
        return [end]
    walk = [0.0]
    for _ in range(n):
        walk.append(walk[-1] + rnd.gauss(0, sigma))
    last = walk[-1]
    return [start + (end - start) * i / n + walk[i] - last * i / n for i in range(n + 1)]


def intraday_path(
    rnd: random.Random, start: int, high: int, low: int, close: int, points: int = PATH_POINTS
) -> list[int]:
    """Price points from `start` to `close` touching `high` and `low`, inside [low, high]."""
    high = max(high, start, close)
    low = min(low, start, close)
    ls, lh, ll, lc = (math.log(p) for p in (start, high, low, close))
    a, b = sorted(rnd.sample(range(1, points - 1), 2))
    first_high = rnd.random() < 0.5
    anchors = [(0, ls), (a, lh if first_high else ll), (b, ll if first_high else lh), (points - 1, lc)]
    spread = max(lh - ll, 1e-4)
    sigma = spread / math.sqrt(points) * 0.9
    logs: list[float] = []
    for (t0, v0), (t1, v1) in zip(anchors, anchors[1:], strict=False):
        seg = bridge(rnd, v0, v1, t1 - t0, sigma)
        logs.extend(seg if not logs else seg[1:])
    path = []
    for value in logs:
        price = round_tick(math.exp(min(lh, max(ll, value))))
        path.append(min(high, max(low, price)))
    path[0], path[a], path[b], path[-1] = start, (high if first_high else low), (low if first_high else high), close
    return path


def u_shape(x: float) -> float:
    """Relative trade intensity at session fraction x (mean ≈ 1): busy open and close."""
    return 0.45 + 3.3 * (x - 0.5) ** 2 * 2.2 + (0.9 if x < 0.02 else 0.0) + (0.7 if x > 0.985 else 0.0)


_U_MEAN = sum(u_shape(i / 1000) for i in range(1001)) / 1001


# ---------------------------------------------------------------------------------------------
# A symbol's market


@dataclass
class Trade:
    symbol: str
    seq: int
    acc_volume: int
    record: str  # the 46 H0STCNT0 fields joined with ^


@dataclass
class SymbolMarket:
    symbol: str
    history: SymbolHistory
    seed: int
    trades_per_second: float
    speed: float
    flat: bool = False  # benchmarks: the same trade rate all day (no busy open and close)
    rnd: random.Random = field(init=False)
    prev_close: int = field(init=False)
    prev_volume: int = field(init=False)
    business_date: str = ""
    loop: int = -1
    path: list[int] = field(default_factory=list)
    loop_started: float = 0.0
    mean_volume: float = 1.0
    price: int = 0
    day_open: int = 0
    day_high: int = 0
    day_low: int = 0
    open_hour: str = "090000"
    high_hour: str = "090000"
    low_hour: str = "090000"
    acc_volume: int = 0
    acc_amount: int = 0
    sell_count: int = 0
    buy_count: int = 0
    sell_qty: int = 0
    buy_qty: int = 0
    last_record: str = ""
    carry: float = 0.0
    # today's 1-minute bars of every trade made: "HHMM" → [open, high, low, close, volume, day amount after it]
    minutes: dict[str, list[int]] = field(default_factory=dict)
    best_ask: int = 0
    best_bid: int = 0
    depth: dict[int, int] = field(default_factory=dict)  # resting size per price level

    def __post_init__(self) -> None:
        self.rnd = random.Random(f"{self.seed}:{self.symbol}")
        self.book_rnd = random.Random(f"{self.seed}:{self.symbol}:book")  # books do not change the trades
        self.prev_close = self.history.last_close
        self.prev_volume = max(1, self.history.last_volume)

    # -- day and loop bookkeeping ----------------------------------------------------------
    def _new_day(self, date: str) -> None:
        if self.business_date and self.price:
            self.prev_close = self.price
            self.prev_volume = max(1, self.acc_volume)
        self.business_date = date
        self.loop = -1
        self.price = 0
        self.acc_volume = self.acc_amount = 0
        self.sell_count = self.buy_count = self.sell_qty = self.buy_qty = 0
        self.day_open = self.day_high = self.day_low = 0
        self.minutes = {}

    def _new_loop(self, now: float) -> None:
        """Replay the next historical day: path from the current price (or the day's open)."""
        self.loop += 1
        self.loop_started = now
        shape = self.rnd.choice(self.history.days)
        pc = self.prev_close
        lower, upper = limits(pc)

        def clamp(p: float) -> int:
            return min(upper, max(lower, round_tick(p)))

        start = self.price or clamp(pc * shape.open)
        high, low, close = clamp(pc * shape.high), clamp(pc * shape.low), clamp(pc * shape.close)
        self.path = intraday_path(self.rnd, start, high, low, close)
        expected_trades = max(1.0, self.trades_per_second * SESSION_SECONDS / self.speed)
        volume = (
            shape.volume * self.prev_volume / max(1, self.history.last_volume)
            if self.history.last_volume
            else shape.volume
        )
        self.mean_volume = max(1.0, volume / expected_trades)

    def session_fraction(self, now: float) -> float:
        return min(1.0, (now - self.loop_started) * self.speed / SESSION_SECONDS)

    # -- trade generation ------------------------------------------------------------------
    def advance(self, now: float, dt: float, kst_now: datetime, fraction: float | None = None) -> list[Trade]:
        """Trades in the last `dt` wall seconds. `fraction` (market-hours mode) pins the path position."""
        date = kst_now.strftime("%Y%m%d")
        if date != self.business_date:
            self._new_day(date)
        if self.loop < 0 or (fraction is None and self.session_fraction(now) >= 1.0):
            self._new_loop(now)
        x = self.session_fraction(now) if fraction is None else fraction
        intensity = self.trades_per_second * (1.0 if self.flat else u_shape(x) / _U_MEAN)
        self.carry += intensity * dt
        n = int(self.carry)
        self.carry -= n
        if n <= 0:
            return []
        hhmmss = kst_now.strftime("%H%M%S")
        target = self.path[min(len(self.path) - 1, int(x * (len(self.path) - 1)))]
        lower, upper = limits(self.prev_close)
        out = []
        for _ in range(n):
            out.append(self._trade(target, hhmmss, date, lower, upper))
        return out

    def warm_up(self, now: float, seconds: int) -> int:
        """Make the trades of the last `seconds` (demo mode: a symbol nobody followed yet has a morning
        too), one second at a time; none is sent, all are in the minute bars. The number made."""
        made = 0
        for t in range(int(now) - seconds, int(now)):
            made += len(self.advance(float(t), 1.0, kst_now(float(t))))
        return made

    def _trade(self, target: int, hhmmss: str, date: str, lower: int, upper: int) -> Trade:
        rnd = self.rnd
        if not self.price:
            price = target
        else:
            # drift toward the path, with a one-tick bounce
            if target > self.price:
                price = step_tick(self.price, 1 if rnd.random() < 0.7 else 0)
            elif target < self.price:
                price = step_tick(self.price, -1 if rnd.random() < 0.7 else 0)
            else:
                price = step_tick(self.price, rnd.choice((-1, 0, 0, 1)))
        price = min(upper, max(lower, price))
        buy = price > self.price if self.price and price != self.price else rnd.random() < 0.5
        volume = max(1, int(rnd.lognormvariate(math.log(self.mean_volume) - 0.5, 1.0)))
        self.price = price
        if not self.day_open:
            self.day_open = self.day_high = self.day_low = price
            self.open_hour = self.high_hour = self.low_hour = hhmmss
        if price > self.day_high:
            self.day_high, self.high_hour = price, hhmmss
        if price < self.day_low:
            self.day_low, self.low_hour = price, hhmmss
        self.acc_volume += volume
        self.acc_amount += price * volume
        self._add_to_minute(hhmmss[:4], price, volume)
        self._hit(price, volume, buy)
        if buy:
            self.buy_count += 1
            self.buy_qty += volume
        else:
            self.sell_count += 1
            self.sell_qty += volume
        self.last_record = self._record(price, volume, buy, hhmmss, date, lower, upper)
        return Trade(self.symbol, self.buy_count + self.sell_count, self.acc_volume, self.last_record)

    def _add_to_minute(self, hhmm: str, price: int, volume: int) -> None:
        bar = self.minutes.get(hhmm)
        if bar is None:
            self.minutes[hhmm] = [price, price, price, price, volume, self.acc_amount]
            return
        bar[1], bar[2], bar[3] = max(bar[1], price), min(bar[2], price), price
        bar[4] += volume
        bar[5] = self.acc_amount

    def minute_rows(self, until_hhmm: str, limit: int) -> list[dict[str, str]]:
        """KIS output2 rows of the minutes up to `until_hhmm` (inclusive), newest first."""
        chosen = sorted((m for m in self.minutes if m <= until_hhmm), reverse=True)[:limit]
        return [
            {
                "stck_bsop_date": self.business_date,
                "stck_cntg_hour": m + "00",
                "stck_prpr": str(self.minutes[m][3]),
                "stck_oprc": str(self.minutes[m][0]),
                "stck_hgpr": str(self.minutes[m][1]),
                "stck_lwpr": str(self.minutes[m][2]),
                "cntg_vol": str(self.minutes[m][4]),
                "acml_tr_pbmn": str(self.minutes[m][5]),
            }
            for m in chosen
        ]

    # -- the order book ---------------------------------------------------------------------
    def _resting_size(self, price: int) -> int:
        size = self.depth.get(price)
        if size is None:
            size = self.depth[price] = max(1, int(self.book_rnd.lognormvariate(math.log(self.mean_volume * 6), 0.8)))
        return size

    def _hit(self, price: int, volume: int, buy: bool) -> None:
        """A buyer lifts the best ask, a seller hits the best bid: the touch moves to the trade and the
        traded size leaves that level (an emptied level refills with new orders later)."""
        if buy:
            self.best_ask, self.best_bid = price, step_tick(price, -1)
        else:
            self.best_ask, self.best_bid = step_tick(price, 1), price
        left = self._resting_size(price) - volume
        if left > 0:
            self.depth[price] = left
        else:
            del self.depth[price]
        if len(self.depth) > 200:  # levels far from the price are forgotten
            for level in sorted(self.depth, key=lambda p: abs(p - price))[100:]:
                del self.depth[level]

    def order_book(self, hhmmss: str, pre_open: bool = False) -> str:
        """H0STASP0 of this moment: 10 levels each side of the touch on the tick grid (best bid ≤ last
        trade ≤ best ask), zero beyond the daily limits; before the open, the auction's expected price."""
        lower, upper = limits(self.prev_close)
        expected = 0
        if pre_open or not self.best_ask:
            reference = self.price or self.prev_close
            expected = min(upper, max(lower, step_tick(reference, self.book_rnd.choice((-2, -1, 0, 1, 2)))))
            ask, bid = expected, step_tick(expected, -1)
        else:
            ask, bid = self.best_ask, self.best_bid
        asks, bids = [], []
        for _ in range(10):
            asks.append((ask, self._resting_size(ask)) if ask <= upper else (0, 0))
            bids.append((bid, self._resting_size(bid)) if bid >= lower else (0, 0))
            ask, bid = step_tick(ask, 1), step_tick(bid, -1)
        pc = self.prev_close
        if pre_open:
            change = expected - pc
            quantity = max(1, int(self.mean_volume * 20))
            auction = {
                "antc_cnpr": expected,
                "antc_cnqn": quantity,
                "antc_vol": quantity,
                "antc_cntg_vrss": change,
                "antc_cntg_vrss_sign": 2 if change > 0 else 5 if change < 0 else 3,
                "antc_cntg_prdy_ctrt": change / pc * 100,
            }
        else:  # KIS's continuous-session quirk (external-apis.md §1.9): no price, "minus the previous close"
            auction = {
                "antc_cnpr": 0,
                "antc_cnqn": 0,
                "antc_vol": 0,
                "antc_cntg_vrss": -pc,
                "antc_cntg_vrss_sign": 5,
                "antc_cntg_prdy_ctrt": -100.0,
            }
        return book_record(
            symbol=self.symbol,
            hhmmss=hhmmss,
            hour_cls_code="B" if pre_open else "0",
            asks=asks,
            bids=bids,
            acml_vol=self.acc_volume,
            stck_deal_cls_code=0,
            **auction,
        )

    def _record(self, price: int, volume: int, buy: bool, hhmmss: str, date: str, lower: int, upper: int) -> str:
        pc = self.prev_close
        change = price - pc
        if price >= upper:
            sign = "1"
        elif price <= lower:
            sign = "4"
        else:
            sign = "2" if change > 0 else "5" if change < 0 else "3"
        rate = change / pc * 100
        tick = tick_size(price)
        ask = price if buy else price + tick
        bid = price - tick_size(price - 1) if buy else price
        wavg = self.acc_amount / self.acc_volume
        cttr = self.buy_qty / self.sell_qty * 100 if self.sell_qty else 0.0
        rnd = self.rnd
        ask_q, bid_q = rnd.randint(100, 50_000), rnd.randint(100, 50_000)

        def s(v: int) -> str:
            return "2" if v > 0 else "5" if v < 0 else "3"

        prev_same_time = max(1, int(self.prev_volume * min(1.0, 0.05 + self.session_share())))
        total_ask, total_bid = ask_q * 12 + rnd.randint(0, 999), bid_q * 12 + rnd.randint(0, 999)
        return trade_record(
            mksc_shrn_iscd=self.symbol,
            stck_cntg_hour=hhmmss,
            stck_prpr=price,
            prdy_vrss_sign=sign,
            prdy_vrss=change,
            prdy_ctrt=rate,
            wghn_avrg_stck_prc=wavg,
            stck_oprc=self.day_open,
            stck_hgpr=self.day_high,
            stck_lwpr=self.day_low,
            askp1=ask,
            bidp1=bid,
            cntg_vol=volume,
            acml_vol=self.acc_volume,
            acml_tr_pbmn=self.acc_amount,
            seln_cntg_csnu=self.sell_count,
            shnu_cntg_csnu=self.buy_count,
            ntby_cntg_csnu=self.buy_count - self.sell_count,
            cttr=cttr,
            seln_cntg_smtn=self.sell_qty,
            shnu_cntg_smtn=self.buy_qty,
            ccld_dvsn="1" if buy else "5",
            shnu_rate=self.buy_qty / max(1, self.buy_qty + self.sell_qty),
            prdy_vol_vrss_acml_vol_rate=self.acc_volume / self.prev_volume * 100,
            oprc_hour=self.open_hour,
            oprc_vrss_prpr_sign=s(price - self.day_open),
            oprc_vrss_prpr=price - self.day_open,
            hgpr_hour=self.high_hour,
            hgpr_vrss_prpr_sign=s(price - self.day_high),
            hgpr_vrss_prpr=price - self.day_high,
            lwpr_hour=self.low_hour,
            lwpr_vrss_prpr_sign=s(price - self.day_low),
            lwpr_vrss_prpr=price - self.day_low,
            bsop_date=date,
            new_mkop_cls_code="20",
            trht_yn=False,
            askp_rsqn1=ask_q,
            bidp_rsqn1=bid_q,
            total_askp_rsqn=total_ask,
            total_bidp_rsqn=total_bid,
            vol_tnrt=self.acc_volume / 5e7,
            prdy_smns_hour_acml_vol=prev_same_time,
            prdy_smns_hour_acml_vol_rate=self.acc_volume / prev_same_time * 100,
            hour_cls_code="0",
            mrkt_trtm_cls_code=None,
            vi_stnd_prc=self.day_open,
        )

    def session_share(self) -> float:
        return 0.5

    STATE_FIELDS = (
        "business_date",
        "prev_close",
        "prev_volume",
        "price",
        "day_open",
        "day_high",
        "day_low",
        "open_hour",
        "high_hour",
        "low_hour",
        "acc_volume",
        "acc_amount",
        "sell_count",
        "buy_count",
        "sell_qty",
        "buy_qty",
        "minutes",
    )

    def export_state(self) -> dict:
        """The day so far, so a restarted kissim continues it (KIS never restarts a day's counts)."""
        return {name: getattr(self, name) for name in self.STATE_FIELDS}

    def restore_state(self, state: dict) -> None:
        for name in self.STATE_FIELDS:
            if name in state:
                setattr(self, name, state[name])
        self.minutes = {m: list(bar) for m, bar in self.minutes.items()}
        self.loop = -1  # the next replayed path starts from the restored price

    def snapshot(self) -> dict[str, str]:
        """KIS REST inquire-price `output` (lower-case keys, string values)."""
        pc = self.prev_close
        price = self.price or pc
        change = price - pc
        lower, upper = limits(pc)
        sign = "1" if price >= upper else "4" if price <= lower else "2" if change > 0 else "5" if change < 0 else "3"
        return {
            "iscd_stat_cls_code": "55",
            "marg_rate": "20.00",
            "rprs_mrkt_kor_name": "KOSPI",
            "stck_prpr": str(price),
            "prdy_vrss": str(change),
            "prdy_vrss_sign": sign,
            "prdy_ctrt": f"{change / pc * 100:.2f}",
            "acml_tr_pbmn": str(self.acc_amount),
            "acml_vol": str(self.acc_volume),
            "prdy_vrss_vol_rate": f"{self.acc_volume / self.prev_volume * 100:.2f}",
            "stck_oprc": str(self.day_open or price),
            "stck_hgpr": str(self.day_high or price),
            "stck_lwpr": str(self.day_low or price),
            "stck_mxpr": str(upper),
            "stck_llam": str(lower),
            "stck_sdpr": str(pc),
            "wghn_avrg_stck_prc": f"{(self.acc_amount / self.acc_volume) if self.acc_volume else price:.2f}",
            "stck_shrn_iscd": self.symbol,
            "aspr_unit": str(tick_size(price)),
            "stck_bsop_date": self.business_date,
        }


def kst_now(now: float | None = None) -> datetime:
    return datetime.fromtimestamp(time.time() if now is None else now, KST)


def in_pre_open(kst: datetime) -> bool:
    """The opening auction's order-taking, weekdays 08:30–09:00 KST."""
    minutes = kst.hour * 60 + kst.minute
    return kst.weekday() < 5 and 8 * 60 + 30 <= minutes < 9 * 60


def market_hours_fraction(kst: datetime) -> float | None:
    """Session fraction in KRX regular hours (weekdays 09:00–15:30 KST), else None."""
    if kst.weekday() >= 5:
        return None
    seconds = kst.hour * 3600 + kst.minute * 60 + kst.second + kst.microsecond / 1e6 - SESSION_OPEN_S
    if 0 <= seconds < SESSION_SECONDS:
        return seconds / SESSION_SECONDS
    return None
