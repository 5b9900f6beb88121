import pytest
import redis.asyncio as aioredis

from tests.support import harness


@pytest.fixture(scope="module")
def stream_server(snapshot_database_url, redis_url, output_dir, request):
    """The api with small streaming limits so that tests reach them quickly."""
    overrides = getattr(request.module, "API_OVERRIDES", {})
    env = harness.platform_env(
        snapshot_database_url,
        redis_url,
        STREAM_SLOW_CLIENT_SECONDS="3",
        STREAM_HEARTBEAT_SECONDS="1",
        STREAM_MAX_SYMBOLS="5",
        **overrides,
    )
    workers = getattr(request.module, "API_WORKERS", 1)
    server = harness.ApiServer(env, output_dir / "api.log", workers=workers)
    yield server
    server.stop()


@pytest.fixture
async def rds(redis_url):
    client = aioredis.from_url(redis_url)
    yield client
    await client.aclose()
