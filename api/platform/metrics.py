"""GET /metrics: Prometheus text — request counts and latency histograms per route and status.

    api_http_requests_total{worker, method, route, status}
    api_http_request_duration_seconds_bucket/_sum/_count{worker, method, route, status, le}
    api_http_requests_in_flight{worker}

Counters live in the worker process that served the request (label `worker` = pid), so with
API_WORKERS > 1 each scrape sees the worker it reached; sum over `worker` in PromQL, or scrape
each worker. Routes are labelled by their pattern (`/api/companies/<company_id:int>`), never by
the raw path, and unmatched paths share one label, so cardinality stays bounded.

Who may read it: only clients in API_METRICS_NETWORKS (default loopback); anyone else gets 404, as
if there were no such path. The client is the TCP peer, or — on a connection from a trusted proxy
(API_TRUSTED_PROXIES) — the address that proxy forwarded (api/http/peers.py), so a request relayed
from the internet is refused even when the proxy itself sits on loopback; deploy/nginx.conf does
not route `/metrics` at all.

The counters are plain dicts and lists (a profile showed prometheus_client's locked metric
objects costing ~9 % of a cached request); the exposition format is written here.
"""

from __future__ import annotations

import bisect
import gc
import os
import time

from sanic import Blueprint, Request, Sanic
from sanic.response import BaseHTTPResponse, HTTPResponse, raw

from api.http.errors import ApiError
from api.http.operations import Raw, operation
from api.http.peers import client_address, peer_allowed

bp = Blueprint("metrics")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

# (method, route, status) → [count, sum of seconds, per-bucket counts (non-cumulative) + overflow]
_series: dict[tuple[str, str, int], list] = {}
_in_flight = 0
# garbage collector pauses per generation: [collections, seconds, longest]
_gc = {0: [0, 0.0, 0.0], 1: [0, 0.0, 0.0], 2: [0, 0.0, 0.0]}
_gc_started = 0.0


def _on_gc(phase: str, info: dict) -> None:
    global _gc_started
    if phase == "start":
        _gc_started = time.perf_counter()
        return
    elapsed = time.perf_counter() - _gc_started
    stats = _gc[info["generation"]]
    stats[0] += 1
    stats[1] += elapsed
    stats[2] = max(stats[2], elapsed)


def _route(request: Request) -> str:
    route = request.route
    if route is None:
        return "unmatched"
    return "/" + route.path.lstrip("/")


async def _start(request: Request) -> None:
    global _in_flight
    request.ctx.metrics_started = time.perf_counter()
    _in_flight += 1


async def _finish(request: Request, response: BaseHTTPResponse) -> None:
    global _in_flight
    started = getattr(request.ctx, "metrics_started", None)
    if started is None or response is None:
        return
    request.ctx.metrics_started = None
    _in_flight -= 1
    elapsed = time.perf_counter() - started
    key = (request.method, _route(request), response.status)
    series = _series.get(key)
    if series is None:
        series = _series[key] = [0, 0.0, [0] * (len(BUCKETS) + 1)]
    series[0] += 1
    series[1] += elapsed
    series[2][bisect.bisect_left(BUCKETS, elapsed)] += 1


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render() -> str:
    worker = str(os.getpid())
    lines = ["# HELP api_http_requests_total HTTP requests served", "# TYPE api_http_requests_total counter"]
    items = sorted(_series.items())
    for (method, route, status), (count, _, _) in items:
        lines.append(
            f'api_http_requests_total{{method="{method}",route="{_escape(route)}",status="{status}",'
            f'worker="{worker}"}} {count}'
        )
    lines += [
        "# HELP api_http_request_duration_seconds Time from request to response",
        "# TYPE api_http_request_duration_seconds histogram",
    ]
    for (method, route, status), (count, total, buckets) in items:
        labels = f'method="{method}",route="{_escape(route)}",status="{status}",worker="{worker}"'
        cumulative = 0
        for bound, n in zip(BUCKETS, buckets, strict=False):
            cumulative += n
            lines.append(f'api_http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {cumulative}')
        lines.append(f'api_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {count}')
        lines.append(f"api_http_request_duration_seconds_sum{{{labels}}} {total:.6f}")
        lines.append(f"api_http_request_duration_seconds_count{{{labels}}} {count}")
    lines += [
        "# HELP api_gc_pause_seconds_total Time spent in garbage collection, by generation",
        "# TYPE api_gc_pause_seconds_total counter",
    ]
    lines += [f'api_gc_pause_seconds_total{{generation="{g}",worker="{worker}"}} {v[1]:.6f}' for g, v in _gc.items()]
    lines += [
        "# HELP api_gc_collections_total Garbage collections, by generation",
        "# TYPE api_gc_collections_total counter",
    ]
    lines += [f'api_gc_collections_total{{generation="{g}",worker="{worker}"}} {v[0]}' for g, v in _gc.items()]
    lines += [
        "# HELP api_gc_longest_pause_seconds Longest garbage collection pause, by generation",
        "# TYPE api_gc_longest_pause_seconds gauge",
    ]
    lines += [f'api_gc_longest_pause_seconds{{generation="{g}",worker="{worker}"}} {v[2]:.6f}' for g, v in _gc.items()]
    lines += [
        "# HELP api_http_requests_in_flight Requests being handled",
        "# TYPE api_http_requests_in_flight gauge",
        f'api_http_requests_in_flight{{worker="{worker}"}} {_in_flight}',
    ]
    return "\n".join(lines) + "\n"


@operation(
    bp,
    "GET",
    "/metrics",
    tag="platform",
    summary="Prometheus 지표 (요청 수, 지연 히스토그램)",
    response=Raw(CONTENT_TYPE),
    errors=("NOT_FOUND",),
)
async def metrics(request: Request) -> HTTPResponse:
    if not peer_allowed(client_address(request), request.app.ctx.settings.api.metrics_networks):
        raise ApiError("NOT_FOUND")
    return raw(render().encode(), content_type=CONTENT_TYPE)


def install(app: Sanic) -> None:
    if _on_gc not in gc.callbacks:
        gc.callbacks.append(_on_gc)
    app.register_middleware(_start, "request", priority=90)
    app.register_middleware(_finish, "response")
