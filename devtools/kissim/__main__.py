"""`python -m devtools.kissim --port N [--speed S] [--mode demo|market-hours] [--seed N]`.

Defaults come from the KISSIM_* and KIS_* settings (core/settings.py); kissim needs neither a
database nor Redis.
"""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from core import logs, settings
from devtools.kissim.market import History
from devtools.kissim.server import Config, KisSim


def main(argv: list[str] | None = None) -> None:
    s = settings.load_or_exit(require=())
    parser = argparse.ArgumentParser(prog="python -m devtools.kissim", description=__doc__)
    parser.add_argument("--port", type=int, default=s.kissim.port)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--speed", type=float, default=s.kissim.speed)
    parser.add_argument("--mode", choices=("demo", "market-hours"), default=s.kissim.mode)
    parser.add_argument("--seed", type=int, default=s.kissim.seed)
    parser.add_argument(
        "--trade-rate", type=float, default=s.kissim.trade_rate, help="mean trades per second per subscribed symbol"
    )
    parser.add_argument("--frame-interval-ms", type=int, default=s.kissim.frame_interval_ms)
    parser.add_argument("--pingpong-seconds", type=float, default=s.kissim.pingpong_seconds)
    parser.add_argument("--max-registrations", type=int, default=s.kis.max_registrations)
    parser.add_argument("--token-min-interval", type=float, default=s.kis.token_min_interval_seconds)
    parser.add_argument("--rest-limit", type=int, default=s.kissim.rest_limit_per_second)
    parser.add_argument("--ledger", action="store_true", help="remember every sequence sent (tests)")
    parser.add_argument(
        "--replay-on-subscribe",
        type=int,
        default=0,
        help="resend the last record of a symbol when it is subscribed again",
    )
    parser.add_argument(
        "--state-file",
        default=str(s.data_dir / "kissim" / "day-state.json"),
        help="today's per-symbol counters, so a restarted kissim continues the day ('' = off)",
    )
    parser.add_argument("--send-log", help="benchmarks: append each trade frame's send time to this file (sendlog.py)")
    parser.add_argument("--flat-rate", action="store_true", help="benchmarks: --trade-rate all day, not U-shaped")
    parser.add_argument(
        "--no-warm-up",
        action="store_true",
        help="benchmarks: no half hour of trades before a symbol's first minute bars",
    )
    args = parser.parse_args(argv)
    logs.configure("kissim", s.log_level, s.log_format)
    config = Config(
        speed=args.speed,
        mode=args.mode,
        seed=args.seed,
        trade_rate=args.trade_rate,
        frame_interval_ms=args.frame_interval_ms,
        pingpong_seconds=args.pingpong_seconds,
        max_registrations=args.max_registrations,
        token_min_interval=args.token_min_interval,
        rest_limit_per_second=args.rest_limit,
        ledger=args.ledger,
        replay_on_subscribe=args.replay_on_subscribe,
        state_file=args.state_file or None,
        send_log=args.send_log,
        flat_rate=args.flat_rate,
        warm_up=not args.no_warm_up,
    )
    history = History(s.snapshot_dir / "prices_daily.csv.gz", s.data_dir / "kissim")
    history.load()
    sim = KisSim(config, history)
    logging.getLogger("kissim").info(
        "kissim listening on %s:%d (mode %s, speed %s)", args.host, args.port, args.mode, args.speed
    )
    web.run_app(
        sim.app(), host=args.host, port=args.port, print=None, handle_signals=True, access_log=None, shutdown_timeout=3
    )


if __name__ == "__main__":
    main()
