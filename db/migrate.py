"""Schema migrations: numbered plain-SQL files in sql/, applied in order, each in a transaction.

Applied files are recorded in `schema_migrations` with a checksum; a changed applied file or a
failed file stops the run (nothing after it is applied). Files in sql/timescale/ are applied
only where TimescaleDB is preloaded and `CREATE EXTENSION timescaledb` succeeds.

    python -m db.migrate            # apply what is pending to $DATABASE_URL
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sys
from pathlib import Path

import asyncpg

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


async def apply_url(database_url: str, sql_dir: Path = SQL_DIR) -> list[str]:
    conn = await asyncpg.connect(database_url)
    try:
        return await apply(conn, sql_dir)
    finally:
        await conn.close()


def main() -> None:
    from core import logs, settings

    config = settings.load_or_exit()
    logs.configure("migrate", config.log_level, "text")
    try:
        done = asyncio.run(apply_url(config.database_url, config.sql_dir))
    except MigrationError as exc:
        sys.exit(f"migration error: {exc}")
    print(f"{len(done)} migration(s) applied" + (f": {', '.join(done)}" if done else ""))


if __name__ == "__main__":
    main()
