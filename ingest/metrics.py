"""Counters, gauges and latency summaries of the ingest process.

Shown in `ingest:status` (field `detail`, read by the api's health) and, when
INGEST_METRICS_PORT is set, as Prometheus metrics on that port.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict


class Reservoir:
    """Recent samples (bounded) for percentiles."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.samples: list[float] = []
        self.count = 0
        self.total = 0.0

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        if len(self.samples) < self.size:
            self.samples.append(value)
        else:
            self.samples[random.randrange(self.size)] = value

    def percentile(self, p: float) -> float | None:
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def percentiles(self, ps: tuple[float, ...]) -> tuple[float | None, ...]:
        if not self.samples:
            return tuple(None for _ in ps)
        ordered = sorted(self.samples)
        return tuple(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] for p in ps)

    def reset(self) -> None:
        self.samples.clear()


class Metrics:
    def __init__(self) -> None:
        self.counters: dict[str, float] = defaultdict(float)
        self.gauges: dict[str, float] = {}
        self.summaries: dict[str, Reservoir] = defaultdict(Reservoir)
        self.last_tick_at: dict[str, float] = {}  # symbol → epoch seconds of the last published tick
        self.started = time.time()
        self._rate_marks: dict[str, tuple[float, float]] = {}

    def inc(self, name: str, value: float = 1) -> None:
        self.counters[name] += value

    def set(self, name: str, value: float) -> None:
        self.gauges[name] = value

    def observe(self, name: str, value: float) -> None:
        self.summaries[name].add(value)

    def rate(self, name: str) -> float:
        """Per-second rate of a counter since the previous call."""
        now = time.monotonic()
        value = self.counters.get(name, 0.0)
        prev = self._rate_marks.get(name)
        self._rate_marks[name] = (now, value)
        if prev is None or now - prev[0] <= 0:
            return 0.0
        return (value - prev[1]) / (now - prev[0])

    def snapshot(self) -> dict:
        summaries = {}
        for name, res in self.summaries.items():
            p50, p99 = res.percentiles((50, 99))
            summaries[name] = {
                "p50": round(p50, 3) if p50 is not None else None,
                "p99": round(p99, 3) if p99 is not None else None,
                "count": res.count,
            }
        now = time.time()
        ages = sorted(now - t for t in self.last_tick_at.values())
        return {
            "counters": {k: int(v) for k, v in sorted(self.counters.items())},
            "gauges": {k: round(v, 3) for k, v in sorted(self.gauges.items())},
            "latency": summaries,
            "lastTickAgeSeconds": {"min": round(ages[0], 1), "max": round(ages[-1], 1)} if ages else None,
        }


def start_prometheus(metrics: Metrics, port: int) -> None:
    """Serve the metrics for Prometheus on `port` (a daemon thread of prometheus_client)."""
    from prometheus_client import start_http_server
    from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily

    class Collector:
        def collect(self):
            for name, value in list(metrics.counters.items()):
                c = CounterMetricFamily(f"ingest_{name}", f"ingest counter {name}")
                c.add_metric([], value)
                yield c
            for name, value in list(metrics.gauges.items()):
                g = GaugeMetricFamily(f"ingest_{name}", f"ingest gauge {name}")
                g.add_metric([], value)
                yield g
            for name, res in list(metrics.summaries.items()):
                for p in (50, 99):
                    percentile = res.percentile(p)
                    if percentile is not None:
                        g = GaugeMetricFamily(f"ingest_{name}_p{p}", f"ingest {name} p{p}")
                        g.add_metric([], percentile)
                        yield g
            now = time.time()
            g = GaugeMetricFamily("ingest_last_tick_age_seconds", "age of the last tick per symbol", labels=["symbol"])
            for symbol, at in list(metrics.last_tick_at.items()):
                g.add_metric([symbol], now - at)
            yield g

    REGISTRY.register(Collector())
    start_http_server(port, addr="127.0.0.1")
