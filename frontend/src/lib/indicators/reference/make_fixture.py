"""Reference values for the chart indicators (frontend/src/lib/indicators/), computed independently
of the TypeScript code from real bundled KRX daily bars, and written as the fixture that
reference.test.ts compares against.

Two independent computations, which must agree before anything is written:
  * pandas primitives (rolling mean / rolling std with ddof=0 / ewm with adjust=False), and
  * plain Python loops that recompute every window from scratch.

Definitions (the same as the TypeScript modules document):
  * SMA(n): mean of the last n values.
  * Bollinger(20, 2): SMA20 ± 2 · population standard deviation of the same 20 closes.
  * EMA(n): α = 2/(n+1), seeded with the SMA of the first n inputs.
  * MACD(12, 26, 9): EMA12 − EMA26; signal = EMA9 of the MACD line; histogram = MACD − signal.
  * RSI(14), Wilder: first averages = mean gain / loss of changes 1…14, then
    avg = (prev · 13 + current) / 14; RSI = 100 · gain / (gain + loss), 50 when both are 0.

Run from the repository root (needs pandas, which the project's .venv has through yfinance):

    .venv/bin/python frontend/src/lib/indicators/reference/make_fixture.py [--symbol 005930]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]  # no stubs in the project's .venv

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[4]
PRICES = REPO / "data" / "prices_daily.csv.gz"

MA_PERIODS = (5, 20, 60, 120)
BB_PERIOD, BB_K = 20, 2.0
VOLUME_MA = 20
RSI_PERIOD = 14
FAST, SLOW, SIGNAL = 12, 26, 9
AGREE = 1e-9  # relative; the two computations differ only by float rounding


def load(symbol: str) -> tuple[list[str], list[float], list[float]]:
    dates, closes, volumes = [], [], []
    with gzip.open(PRICES, "rt", newline="") as f:
        for row in csv.DictReader(f):
            if row["code"] == symbol:
                dates.append(row["date"])
                closes.append(float(row["close"]))
                volumes.append(float(row["volume"] or 0))
    order = sorted(range(len(dates)), key=dates.__getitem__)
    return [dates[i] for i in order], [closes[i] for i in order], [volumes[i] for i in order]


# ------------------------------------------------------------------------------------------ pandas


def pd_list(s: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in s]


def pd_ema(values: pd.Series, period: int) -> pd.Series:
    """EMA seeded with the SMA of the first `period` non-missing values."""
    valid = values.dropna()
    out = pd.Series(float("nan"), index=values.index)
    if len(valid) < period:
        return out
    seeded = pd.concat([pd.Series([valid.iloc[:period].mean()], index=[valid.index[period - 1]]), valid.iloc[period:]])
    out.loc[seeded.index] = seeded.ewm(span=period, adjust=False).mean()
    return out


def pd_rsi(close: pd.Series, period: int) -> pd.Series:
    delta = close.diff()
    gain, loss = delta.clip(lower=0), (-delta).clip(lower=0)
    out = pd.Series(float("nan"), index=close.index)
    if len(close) <= period:
        return out

    def wilder(x: pd.Series) -> pd.Series:
        seeded = pd.concat([pd.Series([x.iloc[1 : period + 1].mean()], index=[x.index[period]]), x.iloc[period + 1 :]])
        return seeded.ewm(alpha=1 / period, adjust=False).mean()

    g, lo = wilder(gain), wilder(loss)
    total = g + lo
    out.loc[g.index] = (100 * g / total).where(total != 0, 50.0)
    return out


def with_pandas(closes: list[float], volumes: list[float]) -> dict:
    c, v = pd.Series(closes), pd.Series(volumes)
    mid = c.rolling(BB_PERIOD).mean()
    sd = c.rolling(BB_PERIOD).std(ddof=0)
    line = pd_ema(c, FAST) - pd_ema(c, SLOW)
    signal = pd_ema(line, SIGNAL)
    return {
        "sma": {str(n): pd_list(c.rolling(n).mean()) for n in MA_PERIODS},
        "volumeSma": pd_list(v.rolling(VOLUME_MA).mean()),
        "bollinger": {
            "middle": pd_list(mid),
            "upper": pd_list(mid + BB_K * sd),
            "lower": pd_list(mid - BB_K * sd),
        },
        "rsi": pd_list(pd_rsi(c, RSI_PERIOD)),
        "macd": {"macd": pd_list(line), "signal": pd_list(signal), "histogram": pd_list(line - signal)},
    }


# ------------------------------------------------------------------------------------ plain loops


def loop_sma(xs: list[float], n: int) -> list[float | None]:
    return [sum(xs[i - n + 1 : i + 1]) / n if i >= n - 1 else None for i in range(len(xs))]


def loop_pstdev(xs: list[float], n: int) -> list[float | None]:
    out: list[float | None] = []
    for i in range(len(xs)):
        if i < n - 1:
            out.append(None)
            continue
        w = xs[i - n + 1 : i + 1]
        m = sum(w) / n
        out.append(math.sqrt(sum((x - m) ** 2 for x in w) / n))
    return out


def loop_ema(xs: Sequence[float | None], n: int) -> list[float | None]:
    """Starts at the first defined input (the MACD line is undefined before the slow EMA)."""
    out: list[float | None] = [None] * len(xs)
    first = next((i for i, x in enumerate(xs) if x is not None), len(xs))
    values = [x for x in xs[first:] if x is not None]
    if len(values) < n:
        return out
    prev = sum(values[:n]) / n
    out[first + n - 1] = prev
    for k in range(n, len(values)):
        prev = prev + 2 / (n + 1) * (values[k] - prev)
        out[first + k] = prev
    return out


def loop_rsi(xs: list[float], n: int) -> list[float | None]:
    out: list[float | None] = [None] * len(xs)
    if len(xs) <= n:
        return out
    changes = [xs[i] - xs[i - 1] for i in range(1, len(xs))]
    gain = sum(max(d, 0) for d in changes[:n]) / n
    loss = sum(max(-d, 0) for d in changes[:n]) / n
    for i in range(n, len(xs)):
        if i > n:
            d = changes[i - 1]
            gain = (gain * (n - 1) + max(d, 0)) / n
            loss = (loss * (n - 1) + max(-d, 0)) / n
        out[i] = 50.0 if gain + loss == 0 else 100 * gain / (gain + loss)
    return out


def with_loops(closes: list[float], volumes: list[float]) -> dict:
    mid, sd = loop_sma(closes, BB_PERIOD), loop_pstdev(closes, BB_PERIOD)
    fast, slow = loop_ema(closes, FAST), loop_ema(closes, SLOW)
    line = [f - s if f is not None and s is not None else None for f, s in zip(fast, slow, strict=True)]
    signal = loop_ema(line, SIGNAL)
    return {
        "sma": {str(n): loop_sma(closes, n) for n in MA_PERIODS},
        "volumeSma": loop_sma(volumes, VOLUME_MA),
        "bollinger": {
            "middle": mid,
            "upper": [m + BB_K * s if m is not None and s is not None else None for m, s in zip(mid, sd, strict=True)],
            "lower": [m - BB_K * s if m is not None and s is not None else None for m, s in zip(mid, sd, strict=True)],
        },
        "rsi": loop_rsi(closes, RSI_PERIOD),
        "macd": {
            "macd": line,
            "signal": signal,
            "histogram": [
                m - s if m is not None and s is not None else None for m, s in zip(line, signal, strict=True)
            ],
        },
    }


def assert_agree(a: object, b: object, path: str = "") -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_agree(a[k], b[k], f"{path}.{k}")
        return
    assert isinstance(a, list) and isinstance(b, list) and len(a) == len(b), path
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        assert (x is None) == (y is None), f"{path}[{i}]: {x} vs {y}"
        if x is not None:
            assert abs(x - y) <= AGREE * max(1.0, abs(x), abs(y)), f"{path}[{i}]: {x} vs {y}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--symbol", default="005930")
    parser.add_argument("--out", type=Path, default=None, help="default: fixture-<symbol>.json next to this script")
    args = parser.parse_args()
    dates, closes, volumes = load(args.symbol)
    if len(dates) < 200:
        raise SystemExit(f"{args.symbol}: only {len(dates)} daily bars in {PRICES}")
    reference = with_pandas(closes, volumes)
    assert_agree(reference, with_loops(closes, volumes))
    fixture = {
        "about": "make_fixture.py: pandas and plain-loop reference values, which agree to 1e-9 relative",
        "source": "data/prices_daily.csv.gz (KRX daily bars)",
        "symbol": args.symbol,
        "dates": dates,
        "close": closes,
        "volume": volumes,
        **reference,
    }
    out = args.out or HERE / f"fixture-{args.symbol}.json"
    out.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"{out}: {len(dates)} bars {dates[0]} … {dates[-1]}, {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
