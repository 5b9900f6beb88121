"""The migration runner and the schema it builds, on TimescaleDB and on plain PostgreSQL."""

import asyncio
import shutil

import asyncpg
import pytest

from db import migrate

pytestmark = pytest.mark.storage


def _run(coro):
    return asyncio.run(coro)


async def _tables(url, schema="public"):
    """Every table, view and materialized view of a schema (TimescaleDB's aggregates are views)."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm')""",
            schema,
        )
        return {r["relname"] for r in rows}
    finally:
        await conn.close()


def test_schema_has_every_table_and_is_recorded(database_url):
    tables = _run(_tables(database_url))
    for table in (
        "users",
        "industries",
        "companies",
        "financials",
        "financial_segments",
        "filings",
        "favorites",
        "comparisons",
        "comparison_companies",
        "news",
        "analyses",
        "stock_ticks",
        "stock_prices_1m",
        "stock_prices_15m",
        "stock_prices_1h",
        "stock_prices_1d",
        "stock_prices_1w",
        "stock_prices_1mo",
        "index_data",
        "index_data_1w",
        "index_data_1mo",
        "schema_migrations",
    ):
        assert table in tables
    simulated = _run(_tables(database_url, "sim"))
    assert simulated >= {"stock_ticks", "stock_prices_1m", "stock_prices_15m", "stock_prices_1h", "stock_prices_1d"}
    assert _run(migrate.apply_url(database_url)) == []  # second run: nothing pending


def test_failed_migration_stops_the_run_and_rolls_back(services, tmp_path):
    from tests.support import harness

    url = harness.clone_database(services, "tpl_empty", "t_migrate_failure")
    sql_dir = tmp_path / "sql"
    shutil.copytree(migrate.SQL_DIR, sql_dir)
    (sql_dir / "0900_broken.sql").write_text("CREATE TABLE half_done (id int); SELECT no_such_function();")
    (sql_dir / "0901_after.sql").write_text("CREATE TABLE after_broken (id int);")
    with pytest.raises(migrate.MigrationError, match="0900_broken.sql failed"):
        _run(migrate.apply_url(url, sql_dir))
    tables = _run(_tables(url))
    assert "half_done" not in tables and "after_broken" not in tables


def test_changed_applied_migration_is_refused(services, tmp_path):
    from tests.support import harness

    url = harness.clone_database(services, "tpl_empty", "t_migrate_changed")
    sql_dir = tmp_path / "sql"
    shutil.copytree(migrate.SQL_DIR, sql_dir)
    first = sorted(sql_dir.glob("0001_*.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited\n")
    with pytest.raises(migrate.MigrationError, match="changed after it was applied"):
        _run(migrate.apply_url(url, sql_dir))


@pytest.mark.plain_postgres
def test_plain_postgres_retention_job_deletes_only_old_rows(database_url):
    async def scenario():
        conn = await asyncpg.connect(database_url)
        try:
            for age in ("8 days", "1 hour"):
                await conn.execute(
                    f"""INSERT INTO stock_ticks VALUES (now() - interval '{age}', '005930', 100, 1,
                        {1 if age == "8 days" else 2}, 0, 0, 1, now(), 'kis')"""
                )
                await conn.execute(
                    f"""INSERT INTO sim.stock_prices_1d (symbol, bucket, open, high, low, close, volume, source)
                        VALUES ('005930', now() - interval '{"31 days" if age == "8 days" else "1 day"}',
                                1, 1, 1, 1, 1, 'kissim')"""
                )
            result = {r["table_name"]: r["deleted"] for r in await conn.fetch("SELECT * FROM enforce_retention()")}
            left = await conn.fetchval("SELECT count(*) FROM stock_ticks")
            return result, left
        finally:
            await conn.close()

    result, left = _run(scenario())
    assert result["stock_ticks"] == 1 and result["sim.stock_prices_1d"] == 1
    assert left == 1


def test_wait_gives_up_after_its_time_with_the_reason():
    import time

    from devtools.embedded import free_port

    started = time.monotonic()
    with pytest.raises(migrate.MigrationError, match="did not accept connections within 2 s"):
        asyncio.run(migrate.apply_url(f"postgresql://nobody@127.0.0.1:{free_port()}/none", wait_s=2.0))
    assert 1.9 <= time.monotonic() - started < 6  # it retried for the whole wait, then stopped


def test_wait_does_not_retry_what_waiting_cannot_fix(services):
    import time

    url = services.admin_url.rsplit("/", 1)[0].replace("://postgres@", "://no_such_role@") + "/postgres"
    started = time.monotonic()
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError):
        asyncio.run(migrate.apply_url(url, wait_s=30.0))
    assert time.monotonic() - started < 5
