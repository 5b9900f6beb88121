"""Container health probes (deploy/Dockerfile HEALTHCHECK, deploy/docker-compose.yml healthcheck).

    python -m core.probe http URL     the server answers HTTP at all (any status: a 503 from
                                      /api/health is a degraded platform, not a dead process)
    python -m core.probe ingest       an ingest process wrote its `ingest:status` heartbeat lately

Exit 0 when healthy; otherwise exit 1 with the reason on one line (Docker keeps it in
`docker inspect`'s health log).
"""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request

from core.contract import keys

TIMEOUT_S = 4.0
INGEST_STALE_AFTER_S = 30.0  # as /api/health judges it


def probe_http(url: str) -> str | None:
    """None when `url` answers with any HTTP status, else why not."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S):
            return None
    except urllib.error.HTTPError:
        return None
    except OSError as exc:
        return f"{url}: {exc}"


def probe_ingest(redis_url: str) -> str | None:
    """None when the ingest heartbeat in Redis is younger than INGEST_STALE_AFTER_S, else why not."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S)
    try:
        updated = client.hget(keys.INGEST_STATUS, "updatedAt")
    except redis.RedisError as exc:
        return f"Redis: {exc}"
    finally:
        client.close()
    if not isinstance(updated, bytes):
        return "ingest has not reported yet"
    age = time.time() - int(updated) / 1000
    return None if age < INGEST_STALE_AFTER_S else f"ingest heartbeat {age:.0f} s old"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "http":
        problem = probe_http(argv[1])
    elif argv == ["ingest"]:
        from core import settings

        problem = probe_ingest(settings.load_or_exit().redis_url)
    else:
        print("usage: python -m core.probe http URL | ingest", file=sys.stderr)
        return 2
    if problem:
        print(f"unhealthy: {problem}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
