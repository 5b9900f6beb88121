"""Per-worker runtime tuning: the garbage collector.

Measured under load (bench/api_load.py, /metrics `api_gc_*`): with CPython's defaults a worker ran
~10 young collections per second of up to 18 ms each and full collections of ~100 ms, which stall
every request in flight on that worker and make up most of the p99. After start-up the modules,
routes and pools never die, so they are moved out of the collector's sight (`gc.freeze()`), and
young collections run less often (they are then larger, but the number of tracked objects per
request is small and most die young, so the total time drops).
"""

from __future__ import annotations

import gc

from sanic import Blueprint, Sanic

bp = Blueprint("runtime")

GC_THRESHOLDS = (50_000, 20, 100)


@bp.after_server_start
async def tune_gc(app: Sanic) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
