"""Throughput of tickcore against a plain-Python reference doing the same work.

Run: .venv/bin/python bench/tickcore_bench.py [--trades N] [--batch-frames N] [--repeat N]

Both sides get the same realistic H0STCNT0 frames (~200 symbols, 1-8 trades per frame, a
trading day's worth of advancing times so bars close) in batches, and both do: parse every
field, drop replays, update 1m/15m/1h/1d bars, encode the tick JSON per trade and the binary
COPY buffers for stock_ticks and the closed bars. The baseline is the plain-Python reference
engine of the tests (tests/support/reference_engine.py). The figures are frames/s and trades/s on one
core (the engine is single-threaded; the GIL is released during feed but nothing else runs).
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from pathlib import Path

import tickcore

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from devtools.kissim import records
from tests.support.reference_engine import ReferenceEngine

KST_OFFSET_US = 9 * 3600 * 1_000_000
PG_EPOCH_US = 946_684_800 * 1_000_000
INTERVAL_US = {"1m": 60_000_000, "15m": 900_000_000, "1h": 3_600_000_000, "1d": 86_400_000_000}
BUSINESS_DATE = "20250312"


# --------------------------------------------------------------------------- frames


def generate_frames(total_trades: int, symbols: int, seed: int) -> list[str]:
    """KIS-shaped H0STCNT0 frames, several records of one symbol per frame, times advancing
    from 09:00:00 to 15:20:00 KST so every interval closes bars."""
    rng = random.Random(seed)
    codes = [f"{rng.randrange(1, 999_999):06d}" for _ in range(symbols)]
    state = {code: {"price": rng.randrange(1_000, 500_000), "acc": 0, "sells": 0, "buys": 0} for code in codes}
    session_seconds = 6 * 3600 + 20 * 60
    frames: list[str] = []
    made = 0
    while made < total_trades:
        code = rng.choice(codes)
        count = min(rng.randint(1, 8), total_trades - made)
        second = 9 * 3600 + made * session_seconds // total_trades
        hhmmss = f"{second // 3600:02d}{second // 60 % 60:02d}{second % 60:02d}"
        records = [trade_record(code, hhmmss, state[code], rng) for _ in range(count)]
        frames.append(f"0|H0STCNT0|{count:03d}|" + "^".join(records))
        made += count
    return frames


def trade_record(code: str, hhmmss: str, s: dict, rng: random.Random) -> str:
    s["price"] = max(100, s["price"] + rng.choice((-100, -50, 0, 0, 50, 100)))
    volume = rng.randint(1, 2_000)
    s["acc"] += volume
    side = rng.choice((1, 5))
    s["buys" if side == 1 else "sells"] += 1
    price = s["price"]
    change = rng.randint(-5_000, 5_000)
    return records.trade_record(
        mksc_shrn_iscd=code,
        stck_cntg_hour=hhmmss,
        stck_prpr=price,
        prdy_vrss_sign=2 if change > 0 else 5 if change < 0 else 3,
        prdy_vrss=change,
        prdy_ctrt=change / 1000,
        wghn_avrg_stck_prc=price + 0.37,
        stck_oprc=price - 300,
        stck_hgpr=price + 500,
        stck_lwpr=price - 700,
        askp1=price + 50,
        bidp1=price,
        cntg_vol=volume,
        acml_vol=s["acc"],
        acml_tr_pbmn=s["acc"] * price,
        seln_cntg_csnu=s["sells"],
        shnu_cntg_csnu=s["buys"],
        ntby_cntg_csnu=s["buys"] - s["sells"],
        cttr=115.87,
        seln_cntg_smtn=1034567,
        shnu_cntg_smtn=1198765,
        ccld_dvsn=side,
        shnu_rate=0.52,
        prdy_vol_vrss_acml_vol_rate=18.42,
        oprc_hour="090001",
        oprc_vrss_prpr_sign=2,
        oprc_vrss_prpr=300,
        hgpr_hour="092714",
        hgpr_vrss_prpr_sign=5,
        hgpr_vrss_prpr=-200,
        lwpr_hour="090153",
        lwpr_vrss_prpr_sign=2,
        lwpr_vrss_prpr=400,
        bsop_date=BUSINESS_DATE,
        new_mkop_cls_code="20",
        trht_yn=False,
        askp_rsqn1=15234,
        bidp_rsqn1=48120,
        total_askp_rsqn=612345,
        total_bidp_rsqn=834567,
        vol_tnrt=0.04,
        prdy_smns_hour_acml_vol=2011234,
        prdy_smns_hour_acml_vol_rate=116.63,
        hour_cls_code="0",
        mrkt_trtm_cls_code=None,
        vi_stnd_prc=price - 300,
    )


def batches(frames: list[str], size: int) -> list[list[str]]:
    return [frames[i : i + size] for i in range(0, len(frames), size)]


def run_tickcore(chunks: list[list[str]]) -> tuple[float, int, int]:
    """CPU seconds, messages and bars closed by trades (the final flush is timed, not counted)."""
    engine = tickcore.Engine("kissim")
    received = 1_741_737_600_000_000
    messages = 0
    start = time.process_time()
    for chunk in chunks:
        batch = engine.feed(chunk, received)
        messages += len(batch.messages)
        _ = batch.ticks_copy  # the property builds the bytes object
        for interval in tickcore.INTERVALS:
            batch.bar_copy(interval)
        received += 10_000
    closed_by_trades = engine.totals["closed_bars"]
    engine.flush(1 << 62)
    elapsed = time.process_time() - start
    assert not engine.totals["errors"], engine.totals
    return elapsed, messages, closed_by_trades


def run_reference(chunks: list[list[str]]) -> tuple[float, int, int]:
    """CPU seconds, messages and bars closed by trades, with the plain-Python reference engine."""
    reference = ReferenceEngine("kissim")
    received = 1_741_737_600_000_000
    messages = 0
    start = time.process_time()
    for chunk in chunks:
        batch = reference.feed(chunk, received)
        messages += len(batch.messages)
        received += 10_000
    closed_by_trades = reference.totals["closed_bars"]
    reference.flush(1 << 62)
    elapsed = time.process_time() - start
    assert not reference.totals["errors"], reference.totals
    return elapsed, messages, closed_by_trades


def machine() -> str:
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    import os

    return (
        f"{model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trades", type=int, default=400_000, help="trades in the generated stream")
    parser.add_argument("--symbols", type=int, default=200)
    parser.add_argument("--batch-frames", type=int, default=500, help="frames per feed() call")
    parser.add_argument("--repeat", type=int, default=5, help="tickcore runs (best is reported)")
    parser.add_argument("--reference-trades", type=int, default=100_000, help="trades for the slower Python runs")
    parser.add_argument("--reference-repeat", type=int, default=3, help="runs per Python reference (best is reported)")
    args = parser.parse_args()

    frames = generate_frames(args.trades, args.symbols, seed=7)
    trades = sum(int(frame.split("|", 3)[2]) for frame in frames)
    chunks = batches(frames, args.batch_frames)
    reference_frames = generate_frames(args.reference_trades, args.symbols, seed=7)
    reference_trades = sum(int(frame.split("|", 3)[2]) for frame in reference_frames)

    rust_times = []
    for _ in range(args.repeat):
        elapsed, messages, _ = run_tickcore(chunks)
        assert messages == trades, (messages, trades)
        rust_times.append(elapsed)
    rust = min(rust_times)

    reference_chunks = batches(reference_frames, args.batch_frames)
    # Both sides must do the same work: same messages and same bars on the same stream.
    _, check_messages, check_closed = run_tickcore(reference_chunks)
    runs = [run_reference(reference_chunks) for _ in range(args.reference_repeat)]
    assert all((published, closed) == (check_messages, check_closed) for _, published, closed in runs), (
        runs[0],
        check_messages,
        check_closed,
    )
    elapsed = min(elapsed for elapsed, _, _ in runs)
    reference_tps = {
        "plain Python (tests/support/reference_engine.py)": (
            len(reference_frames) / elapsed,
            reference_trades / elapsed,
            elapsed,
        )
    }
    rust_tps = trades / rust

    print(f"machine: {machine()}")
    print(
        f"stream: {len(frames)} frames, {trades} trades, {args.symbols} symbols, "
        f"{trades / len(frames):.2f} trades/frame, {args.batch_frames} frames per feed(); times are process CPU time"
    )
    print(
        f"tickcore:              {len(frames) / rust:>12,.0f} frames/s {rust_tps:>12,.0f} trades/s  "
        f"(best of {args.repeat}: {rust * 1000:.1f} ms; all: {', '.join(f'{t * 1000:.0f}' for t in rust_times)} ms)"
    )
    for name, (fps, tps, elapsed) in reference_tps.items():
        print(
            f"{name + ':':<22} {fps:>12,.0f} frames/s {tps:>12,.0f} trades/s  "
            f"(best of {args.reference_repeat}: {reference_trades} trades in {elapsed:.2f} s)"
        )
    for name, (_, tps, _) in reference_tps.items():
        print(f"ratio vs {name}: {rust_tps / tps:.1f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
