"""tickcore and the plain-Python reference engine (tests/support/reference_engine.py) produce the
same bytes for the same kissim frames, including duplicates, extra fields and malformed frames."""

from __future__ import annotations

import time
from pathlib import Path

import tickcore
from devtools.kissim.market import History, SymbolMarket, kst_now
from ingest.writer import merge_copy
from tests.support.reference_engine import ReferenceEngine


def kissim_frames(n_steps: int = 400) -> list[str]:
    history = History(Path("/nonexistent.csv.gz"), Path("/tmp"))  # synthetic histories
    markets = [SymbolMarket(s, history.get(s), 7, 50.0, 600.0) for s in ("005930", "000660", "Q50000")]
    frames = []
    now = time.time()
    for step in range(n_steps):
        t = now + step * 0.7  # crosses minute buckets
        for m in markets:
            trades = m.advance(t, 0.7, kst_now(t))
            if trades:
                frames.append(f"0|H0STCNT0|{len(trades):03d}|" + "^".join(tr.record for tr in trades))
    frames.insert(10, frames[9])  # a replayed frame
    frames.insert(20, "0|H0STCNT0|0x1|" + frames[19].split("|", 3)[3])  # malformed COUNT
    frames.insert(30, "0|H0STCNT0|001|" + frames[29].split("|", 3)[3].split("^", 46)[0] + "^" * 45)
    one = frames[40].split("|", 3)
    count = int(one[2])
    pieces = one[3].split("^")
    width = len(pieces) // count
    extra = "^".join("^".join(pieces[i * width : (i + 1) * width] + ["X", "9"]) for i in range(count))
    frames[40] = f"0|H0STCNT0|{one[2]}|{extra}"  # two unknown fields added to each record
    return frames


def test_reference_engine_matches_tickcore_byte_for_byte():
    frames = kissim_frames()
    py, rs = ReferenceEngine("kissim"), tickcore.Engine("kissim")
    received = 1_795_000_000_123_000
    outs = []
    for engine in (py, rs):
        batches = [engine.feed(frames[i : i + 25], received + i) for i in range(0, len(frames), 25)]
        batches.append(engine.flush(10**17))
        outs.append(batches)
    for a, b in zip(*outs, strict=False):
        assert a.messages == b.messages
        assert a.ticks_copy == b.ticks_copy and a.tick_count == b.tick_count
        assert a.bar_copies == {iv: data for iv, data in b.bar_copies.items() if data}
        for key in ("frames", "trades", "published", "duplicates", "extra_field_records", "errors", "closed_bars"):
            assert a.counters.get(key, 0) == b.counters.get(key, 0), key
    totals = {k: sum(b.counters.get(k, 0) for b in outs[0]) for k in ("duplicates", "errors", "extra_field_records")}
    assert totals["duplicates"] >= 1 and totals["errors"] >= 2 and totals["extra_field_records"] >= 1


def test_merge_copy_joins_streams():
    engine = ReferenceEngine("kissim")
    frames = kissim_frames(60)
    a = engine.feed(frames[:10], 0)
    b = engine.feed(frames[10:20], 0)
    merged = merge_copy([a.ticks_copy, b.ticks_copy])
    assert merged.startswith(b"PGCOPY\n\xff\r\n\x00") and merged.endswith(b"\xff\xff")
    assert len(merged) == len(a.ticks_copy) + len(b.ticks_copy) - 21
