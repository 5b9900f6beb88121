"""Loads the bundled KRX snapshot (data/) into PostgreSQL with COPY, idempotently.

    python -m db.snapshot load            # load what is missing (progress bar)
    python -m db.snapshot load --if-empty # do nothing when companies already exist

Each table is filled from a staging table with INSERT … ON CONFLICT, so a second load changes
nothing and an interrupted load can simply be run again. `data_sources` records the as-of date
of every data set, so the platform can say how old what it shows is. On TimescaleDB the continuous
aggregates over the loaded tables (weekly/monthly bars) are then refreshed over all of history:
their refresh policies only look back a few weeks, and the snapshot is years old.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gzip
import io
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
from tqdm import tqdm

log = logging.getLogger(__name__)

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "data"
COPY_CHUNK = 1 << 20
LOADED_SERIES = ("stock_prices_1d", "index_data")  # the time series the snapshot fills

# Hangul initial consonants (choseong) in syllable order, for ㅅㅅㅈㅈ-style search.
_CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def hangul_initials(name: str) -> str:
    """삼성전자 → ㅅㅅㅈㅈ; characters that are not Hangul syllables are kept (lower-cased)."""
    out = []
    for ch in name:
        code = ord(ch) - 0xAC00
        out.append(_CHOSEONG[code // 588] if 0 <= code < 11172 else ch.lower())
    return "".join(out)


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _open_bytes(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


async def _stream_file(path: Path, bar: tqdm) -> AsyncIterator[bytes]:
    """The file's decompressed bytes in chunks, advancing the progress bar by compressed bytes read."""
    raw = open(path, "rb")  # noqa: ASYNC230 - the loader runs alone; COPY waits on these reads anyway
    stream = gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw
    last = 0
    try:
        while chunk := stream.read(COPY_CHUNK):
            position = raw.tell()
            bar.update(position - last)
            last = position
            yield chunk
    finally:
        stream.close()
        raw.close()


async def _copy_csv(conn: asyncpg.Connection, path: Path, staging: str, columns: list[str], bar: tqdm) -> None:
    """COPY a CSV file (header skipped) into a staging table of text columns."""
    await conn.execute(f"CREATE TEMP TABLE {staging} ({', '.join(f'{c} text' for c in columns)}) ON COMMIT DROP")
    await conn.copy_to_table(staging, source=_stream_file(path, bar), format="csv", header=True, columns=columns)


async def _record_source(conn: asyncpg.Connection, name: str, as_of_sql: str, count_sql: str, detail: str) -> None:
    await conn.execute(
        f"""INSERT INTO data_sources (name, as_of, row_count, detail)
            SELECT $1, ({as_of_sql}), ({count_sql}), jsonb_build_object('description', $2::text)
            ON CONFLICT (name) DO UPDATE SET as_of = EXCLUDED.as_of, row_count = EXCLUDED.row_count,
                loaded_at = now(), detail = EXCLUDED.detail""",
        name,
        detail,
    )


async def load_industries_and_companies(conn: asyncpg.Connection, directory: Path) -> None:
    with _open_text(directory / "industries.csv") as fh:
        industries = [(r["ksic_code"], r["industry"]) for r in csv.DictReader(fh)]
    await conn.executemany(
        """INSERT INTO industries (ksic_code, name) VALUES ($1, $2)
           ON CONFLICT (ksic_code) DO UPDATE SET name = EXCLUDED.name""",
        industries,
    )
    industry_ids = {r["ksic_code"]: r["id"] for r in await conn.fetch("SELECT id, ksic_code FROM industries")}
    with _open_text(directory / "companies.csv.gz") as fh:
        rows = list(csv.DictReader(fh))
    records = [
        (
            r["code"],
            r["name"],
            r["name_en"] or None,
            hangul_initials(r["name"]),
            r["market"],
            r["market_segment"] or None,
            industry_ids.get(r["ksic_code"]),
            r["theme_sector"] or None,
            r["theme_subsector"] or None,
            r["main_products"] or None,
            _date(r["listing_date"]),
            int(r["fiscal_year_end_month"]) if r["fiscal_year_end_month"] else None,
            r["ceo"] or None,
            r["homepage"] or None,
            r["region"] or None,
            r["isin"] or None,
            int(r["shares_outstanding"]) if r["shares_outstanding"] else None,
            r["is_spac"] == "True",
            _date(r["snapshot_date"]),
        )
        for r in rows
    ]
    await conn.executemany(
        """INSERT INTO companies (symbol, name, name_en, name_initials, market, market_segment, industry_id,
               theme_sector, theme_subsector, description, listing_date, fiscal_year_end_month, ceo, homepage,
               region, isin, shares_outstanding, is_spac, listing_as_of)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)
           ON CONFLICT (symbol) DO NOTHING""",
        records,
    )
    await _record_source(
        conn,
        "krx_snapshot.companies",
        "SELECT max(listing_as_of) FROM companies",
        "SELECT count(*) FROM companies",
        "KRX KIND listed companies (KOSPI/KOSDAQ common stocks)",
    )


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text) if text else None


async def load_daily_prices(conn: asyncpg.Connection, directory: Path, bar: tqdm) -> None:
    cols = ["code", "date", "open", "high", "low", "close", "volume", "amount", "source"]
    await _copy_csv(conn, directory / "prices_daily.csv.gz", "staging_prices", cols, bar)
    await conn.execute(
        """INSERT INTO stock_prices_1d (symbol, bucket, open, high, low, close, volume, amount, source)
           SELECT code, (date::date)::timestamp AT TIME ZONE 'Asia/Seoul', open::bigint, high::bigint,
                  low::bigint, close::bigint, volume::bigint, nullif(amount, '')::numeric::bigint, 'krx'
           FROM staging_prices
           ON CONFLICT (symbol, bucket) DO NOTHING"""
    )
    await _record_source(
        conn,
        "krx_snapshot.prices_daily",
        "SELECT max(bucket AT TIME ZONE 'Asia/Seoul')::date FROM stock_prices_1d WHERE source = 'krx'",
        "SELECT count(*) FROM stock_prices_1d WHERE source = 'krx'",
        "KRX daily bars 2023-12-05 … 2026-08-21; no bars 2025-06-18 … 2025-08-17",
    )


async def load_indices(conn: asyncpg.Connection, directory: Path, bar: tqdm) -> None:
    cols = [
        "idx",
        "date",
        "open",
        "high",
        "low",
        "close",
        "change",
        "change_pct",
        "volume",
        "amount_krw",
        "market_cap_krw",
    ]
    await _copy_csv(conn, directory / "indices_daily.csv.gz", "staging_indices", cols, bar)
    await conn.execute(
        """INSERT INTO index_data (index_type, time, open, high, low, close, change, change_pct, volume, amount,
                                   market_cap, source)
           SELECT idx, (date::date)::timestamp AT TIME ZONE 'Asia/Seoul', nullif(open, '')::numeric,
                  nullif(high, '')::numeric, nullif(low, '')::numeric, close::numeric, nullif(change, '')::numeric,
                  nullif(change_pct, '')::numeric, nullif(volume, '')::numeric::bigint,
                  nullif(amount_krw, '')::numeric::bigint, nullif(market_cap_krw, '')::numeric, 'krx'
           FROM staging_indices
           ON CONFLICT (index_type, time) DO NOTHING"""
    )
    await _record_source(
        conn,
        "krx_snapshot.indices",
        "SELECT max(time AT TIME ZONE 'Asia/Seoul')::date FROM index_data WHERE source = 'krx'",
        "SELECT count(*) FROM index_data WHERE source = 'krx'",
        "KOSPI, KOSDAQ, KOSPI200 daily history to 2026-03-20",
    )


async def load_financials(conn: asyncpg.Connection, directory: Path, bar: tqdm) -> None:
    cols = [
        "code",
        "fiscal_year",
        "period",
        "period_end",
        "fs_basis",
        "currency",
        "revenue",
        "operating_profit",
        "net_income",
        "net_income_owners",
        "source",
        "source_report_year",
    ]
    await _copy_csv(conn, directory / "financials.csv.gz", "staging_financials", cols, bar)
    await conn.execute(
        """INSERT INTO financials (company_id, fiscal_year, period, period_end, fs_basis, currency, revenue,
                                   operating_profit, net_income, net_income_owners, source)
           SELECT c.id, s.fiscal_year::smallint, s.period, nullif(s.period_end, '')::date, s.fs_basis, s.currency,
                  nullif(s.revenue, '')::numeric::bigint, nullif(s.operating_profit, '')::numeric::bigint,
                  nullif(s.net_income, '')::numeric::bigint, nullif(s.net_income_owners, '')::numeric::bigint,
                  'dart_bulk.' || s.source
           FROM staging_financials s JOIN companies c ON c.symbol = s.code
           ON CONFLICT (company_id, fiscal_year, period) DO NOTHING"""
    )
    qcols = ["code", "fiscal_quarter", "basis", "revenue_krw_100m", "operating_profit_krw_100m"]
    await _copy_csv(conn, directory / "financials_quarterly.csv.gz", "staging_quarterly", qcols, bar)
    await conn.execute(
        """INSERT INTO financials (company_id, fiscal_year, period, fs_basis, currency, revenue, operating_profit,
                                   source)
           SELECT c.id, left(s.fiscal_quarter, 4)::smallint, right(s.fiscal_quarter, 2), s.basis, 'KRW',
                  nullif(s.revenue_krw_100m, '')::numeric * 100000000,
                  nullif(s.operating_profit_krw_100m, '')::numeric * 100000000, 'third_party_quarterly_100m'
           FROM staging_quarterly s JOIN companies c ON c.symbol = s.code
           ON CONFLICT (company_id, fiscal_year, period) DO NOTHING"""
    )
    await _record_source(
        conn,
        "krx_snapshot.financials",
        "SELECT max(period_end) FROM financials WHERE source LIKE 'dart_bulk.%'",
        "SELECT count(*) FROM financials",
        "Open DART bulk annual figures FY2014–FY2024 and 2025 9M; quarterly to 2026Q2",
    )


async def refresh_aggregates(conn: asyncpg.Connection, tables: tuple[str, ...] = LOADED_SERIES) -> list[str]:
    """TimescaleDB: refresh every continuous aggregate over `tables` for all time (plain PostgreSQL:
    none exist, nothing to do). Runs outside a transaction, as TimescaleDB requires."""
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')"):
        return []
    views = [
        f"{r['view_schema']}.{r['view_name']}"
        for r in await conn.fetch(
            """SELECT view_schema, view_name FROM timescaledb_information.continuous_aggregates
               WHERE hypertable_schema = 'public' AND hypertable_name = ANY($1::text[]) ORDER BY view_name""",
            list(tables),
        )
    ]
    for view in views:
        await conn.execute("CALL refresh_continuous_aggregate($1::regclass, NULL, NULL)", view)
    return views


async def load(
    database_url: str, directory: Path = SNAPSHOT_DIR, *, if_empty: bool = False, progress: bool = True
) -> bool:
    """Load the snapshot; return False when skipped because the database already holds companies."""
    conn = await asyncpg.connect(database_url)
    try:
        if if_empty and await conn.fetchval("SELECT EXISTS (SELECT 1 FROM companies)"):
            return False
        files = [
            directory / n
            for n in ("prices_daily.csv.gz", "indices_daily.csv.gz", "financials.csv.gz", "financials_quarterly.csv.gz")
        ]
        total = sum(f.stat().st_size for f in files)
        with tqdm(
            total=total, unit="B", unit_scale=True, desc="KRX snapshot", disable=not progress, file=sys.stderr
        ) as bar:
            async with conn.transaction():
                await load_industries_and_companies(conn, directory)
                await load_daily_prices(conn, directory, bar)
                await load_indices(conn, directory, bar)
                await load_financials(conn, directory, bar)
            await refresh_aggregates(conn)
            await conn.execute("ANALYZE")
        return True
    finally:
        await conn.close()


def main() -> None:
    from core import logs, settings

    parser = argparse.ArgumentParser(prog="python -m db.snapshot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    load_cmd = sub.add_parser("load", help="load the bundled KRX snapshot")
    load_cmd.add_argument("--if-empty", action="store_true", help="skip when companies already exist")
    args = parser.parse_args()
    config = settings.load_or_exit()
    logs.configure("snapshot", config.log_level, "text")
    loaded = asyncio.run(load(config.database_url, config.snapshot_dir, if_empty=args.if_empty, progress=True))
    print("KRX snapshot loaded" if loaded else "database already holds companies: snapshot load skipped")


if __name__ == "__main__":
    main()
