"""Dead letters: a job that fails for good is visible (Dramatiq's XQ set + jobs:collectors)."""

from __future__ import annotations

import time

import orjson
import pytest
import redis

from tests.support import harness


def test_failed_job_is_dead_lettered_and_reported(snapshot_database_url, redis_url, output_dir):
    """A job that cannot succeed (expired DART key) fails without useless retries, lands in
    Dramatiq's dead-letter set and shows as an error in jobs:collectors."""
    from jobs import worker as worker_mod
    from tests.jobs.util import FakeServer, make_settings
    from tests.support.fakes import dart as fake_dart

    state = fake_dart.DartState()
    state.expired_keys.add("e" * 40)
    server = FakeServer(fake_dart.make_app(state))
    env = harness.platform_env(
        snapshot_database_url, redis_url, LOG_LEVEL="INFO", DART_API_KEY="e" * 40, DART_API_URL=server.url
    )
    proc = harness.ProcessUnderTest("jobs", env, output_dir / "worker_deadletter.log", ("worker", "--threads", "1"))
    try:
        settings = make_settings(snapshot_database_url, redis_url, DART_API_KEY="e" * 40, DART_API_URL=server.url)
        broker = worker_mod.setup_broker(settings)
        worker_mod.enqueue(broker, "dart_filings")
        client = redis.Redis.from_url(redis_url)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = orjson.loads(client.hget("jobs:collectors", "dart") or b"{}")
            if "dead-lettered" in status.get("reason", ""):
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"not dead-lettered: {status}\n{proc.output()[-2000:]}")
        assert status["state"] == "error" and "901" in status["reason"]
        assert client.zcard("dramatiq:jobs.XQ") >= 1
        assert len(state.calls) == 1  # no retries for an expired key
        client.close()
    finally:
        proc.stop()
        server.stop()
