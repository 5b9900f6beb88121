"""The jobs runtime as `make run` starts it: scheduler + worker processes on real Redis/PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time

import orjson
import pytest
import redis

from tests.support import harness


def _collectors(redis_url: str) -> dict[str, dict]:
    client = redis.Redis.from_url(redis_url)
    try:
        return {k.decode(): orjson.loads(v) for k, v in client.hgetall("jobs:collectors").items()}
    finally:
        client.close()


@pytest.fixture(scope="module")
def platform(snapshot_database_url, redis_url, output_dir):
    env = harness.platform_env(snapshot_database_url, redis_url, LOG_LEVEL="INFO")
    worker = harness.ProcessUnderTest("jobs", env, output_dir / "worker.log", ("worker",))
    scheduler = harness.ProcessUnderTest("jobs", env, output_dir / "scheduler.log", ("scheduler",))
    yield env, worker, scheduler
    assert scheduler.stop() == 0, scheduler.output()
    assert worker.stop() == 0, worker.output()


def test_collectors_idle_with_reason_and_analysis_runs(platform, redis_url):
    env, worker, scheduler = platform
    deadline = time.monotonic() + 90
    states: dict[str, dict] = {}
    while time.monotonic() < deadline:
        states = _collectors(redis_url)
        if states.get("analysis", {}).get("state") == "ok" and states.get("retention", {}).get("state") == "ok":
            break
        assert worker.process.poll() is None, worker.output()
        assert scheduler.process.poll() is None, scheduler.output()
        time.sleep(0.5)
    else:
        pytest.fail(f"analysis did not finish: {states}\n{worker.output()[-3000:]}")
    for name, key in (
        ("news", "NAVER_CLIENT_ID"),
        ("dart", "DART_API_KEY"),
        ("jina", "JINA_API_KEY"),
        ("kis_master", "KIS_APP_KEYS"),
        ("search_index", "OPENSEARCH_URL"),
    ):
        assert states[name]["state"] == "idle", states[name]
        assert key in states[name]["reason"]
        assert isinstance(states[name]["at"], int)
    assert states["keywords"]["state"] == "ok"
    assert "analysis" in states["analysis"]["reason"]
    assert "scheduled news" in scheduler.output()
    assert "Traceback" not in worker.output() + scheduler.output()


def test_health_shows_the_collectors(platform, api_server):
    resp = harness.http("GET", api_server.url + "/api/health")
    collectors = resp.json()["data"]["collectors"]
    assert collectors["news"]["state"] == "idle" and "NAVER" in collectors["news"]["reason"]


def test_run_command_in_foreground(platform, storage):
    env, _, _ = platform
    done = subprocess.run(
        [sys.executable, "-m", "jobs", "run", "retention"],
        env=env,
        cwd=harness.REPO_ROOT,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    result = orjson.loads(done.stdout)
    # plain PostgreSQL: the job deletes by `retention_policies`; TimescaleDB: its policies do, the job reports them
    covered = result["detail"] if storage == "postgres" else result["timescalePolicies"]
    assert set(covered) >= {"stock_ticks", "stock_prices_1m", "stock_prices_15m", "stock_prices_1h"}
    if storage == "timescaledb":
        assert result["detail"] == {} and result["timescalePolicies"]["stock_prices_1h"] == "1 year"
    idle = subprocess.run(
        [sys.executable, "-m", "jobs", "run", "news"], env=env, cwd=harness.REPO_ROOT, capture_output=True, timeout=60
    )
    assert idle.returncode == 3 and b"NAVER_CLIENT_ID" in idle.stdout
    bar = subprocess.run(
        [sys.executable, "-m", "jobs", "run", "analysis", "--limit", "30"],
        env=env,
        cwd=harness.REPO_ROOT,
        capture_output=True,
        timeout=120,
    )
    assert bar.returncode == 0, bar.stderr.decode()
    assert b"analysis: 100%" in bar.stderr  # the tqdm progress bar


def test_schedules_are_in_seoul_time():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from jobs import registry
    from jobs.scheduler import SCHEDULE

    seoul = ZoneInfo("Asia/Seoul")
    assert set(SCHEDULE) == set(registry.JOBS)
    # Friday 20:55 KST → the next news run is Monday 07:00 KST (trading days, 10-minute steps).
    friday = dt.datetime(2026, 11, 27, 20, 55, tzinfo=seoul)
    nxt = SCHEDULE["news"].get_next_fire_time(None, friday)
    assert nxt == dt.datetime(2026, 11, 30, 7, 0, tzinfo=seoul)
    assert SCHEDULE["news"].get_next_fire_time(None, dt.datetime(2026, 11, 30, 9, 1, tzinfo=seoul)).minute == 10
    # Financials nightly at 02:00 Seoul, which is 17:00 UTC the day before.
    fire = SCHEDULE["dart_financials"].get_next_fire_time(None, dt.datetime(2026, 11, 26, 12, 0, tzinfo=seoul))
    assert fire.astimezone(dt.UTC) == dt.datetime(2026, 11, 26, 17, 0, tzinfo=dt.UTC)


def test_trading_day_jobs_skip_krx_holidays_and_say_when_they_run_next():
    import datetime as dt

    from jobs.scheduler import closed_market_reason

    new_years_eve = dt.date(2025, 12, 31)  # 연말 휴장, a Wednesday
    reason = closed_market_reason("prices", new_years_eve)
    assert reason is not None and "휴장일" in reason and "2026-01-02" in reason
    assert closed_market_reason("kis_master", dt.date(2025, 10, 6)) is not None  # 추석
    assert closed_market_reason("prices", dt.date(2025, 12, 30)) is None
    assert closed_market_reason("news", new_years_eve) is None  # news is not a trading-day job
