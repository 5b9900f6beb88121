"""Schema migrations: numbered plain-SQL files in sql/, applied in order, each in a transaction.

Applied files are recorded in `schema_migrations` with a checksum; a changed applied file or a
failed file stops the run (nothing after it is applied). Files in sql/timescale/ are applied
only where TimescaleDB is preloaded and `CREATE EXTENSION timescaledb` succeeds.

    python -m db.migrate              # apply what is pending to $DATABASE_URL
    python -m db.migrate --wait 180   # first wait up to 180 s for the database to accept connections

`--wait` is for a fresh deployment (deploy/docker-compose.yml), where the database may still be
initialising its volume when migrate starts: a refused or "starting up" connection is retried with
the platform's one back-off (core/retry.Backoff); anything else (a wrong password) fails at once.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import logging
import sys
import time
from pathlib import Path

import asyncpg

from core.retry import Backoff

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"


class MigrationError(RuntimeError):
    pass


def migration_files(sql_dir: Path) -> list[tuple[str, Path]]:
    return [(path.name, path) for path in sorted(sql_dir.glob("[0-9]*.sql"))]


async def _timescale_available(conn: asyncpg.Connection) -> bool:
    """TimescaleDB can be used: installed and preloaded. (Creating it where it is installed but not
    in shared_preload_libraries would end the session, so that is asked first.)"""
    libraries = await conn.fetchval("SELECT current_setting('shared_preload_libraries')")
    preloaded = "timescaledb" in [name.strip() for name in libraries.split(",")]
    if not preloaded:
        if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')"):
            log.warning("TimescaleDB is installed but not in shared_preload_libraries: using plain PostgreSQL")
        return False
    try:
        async with conn.transaction():
            await conn.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
        return True
    except asyncpg.PostgresError:
        return False


async def apply(conn: asyncpg.Connection, sql_dir: Path = SQL_DIR) -> list[str]:
    """Apply pending migrations; return the names applied now."""
    await conn.execute(
        """CREATE TABLE IF NOT EXISTS schema_migrations (
               name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"""
    )
    applied = {r["name"]: r["checksum"] for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")}
    pending = migration_files(sql_dir)
    if await _timescale_available(conn):
        pending += [(f"timescale/{name}", path) for name, path in migration_files(sql_dir / "timescale")]
    done = []
    for name, path in pending:
        text = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(text.encode()).hexdigest()
        if name in applied:
            if applied[name] != checksum:
                raise MigrationError(f"{name} changed after it was applied; add a new migration instead")
            continue
        try:
            async with conn.transaction():
                await conn.execute(text)
                await conn.execute("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", name, checksum)
        except asyncpg.PostgresError as exc:
            raise MigrationError(f"{name} failed: {exc}; later migrations were not applied") from exc
        log.info("applied migration %s", name)
        done.append(name)
    return done


# Not ready yet, worth another try: refused or reset (server not listening yet), "the database
# system is starting up", and a database the server's first start has not created yet.
NOT_READY = (OSError, asyncio.TimeoutError, asyncpg.CannotConnectNowError, asyncpg.InvalidCatalogNameError)


async def connect_when_ready(database_url: str, wait_s: float) -> asyncpg.Connection:
    """Connect, retrying a database that is not ready yet for up to `wait_s` seconds."""
    deadline = time.monotonic() + wait_s
    backoff = Backoff(0.25, 5.0)
    while True:
        try:
            return await asyncpg.connect(database_url, timeout=10)
        except NOT_READY as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                raise MigrationError(f"the database did not accept connections within {wait_s:.0f} s: {exc}") from exc
            delay = min(backoff.next(), left)
            log.info("database not ready (%s); trying again in %.1f s", exc, delay)
            await asyncio.sleep(delay)


async def apply_url(database_url: str, sql_dir: Path = SQL_DIR, *, wait_s: float = 0.0) -> list[str]:
    conn = await connect_when_ready(database_url, wait_s)
    try:
        return await apply(conn, sql_dir)
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> None:
    from core import logs, settings

    parser = argparse.ArgumentParser(prog="python -m db.migrate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--wait", type=float, default=0.0, metavar="SECONDS", help="wait up to this long for the database"
    )
    args = parser.parse_args(argv)
    config = settings.load_or_exit()
    logs.configure("migrate", config.log_level, "text")
    try:
        done = asyncio.run(apply_url(config.database_url, config.sql_dir, wait_s=args.wait))
    except MigrationError as exc:
        sys.exit(f"migration error: {exc}")
    print(f"{len(done)} migration(s) applied" + (f": {', '.join(done)}" if done else ""))


if __name__ == "__main__":
    main()
