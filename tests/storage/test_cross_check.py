"""Two independent bar builders agree: for a replayed kissim day, the 15-minute and 1-hour bars
tickcore closes (in memory, from the trades) equal the rows TimescaleDB's continuous aggregates
compute from the 1-minute bars ingest stored — at query time (real-time aggregation) and once
materialized by a refresh. Checked in the simulated schema and in the real one."""

from __future__ import annotations

import pytest

from core import series
from tests.storage.helpers import SYMBOLS, bar_rows, pause_refresh_policies, refresh, replay_date, sql
from tests.support.replayed_day import store_replayed_day

pytestmark = [pytest.mark.storage, pytest.mark.timescale]


@pytest.mark.parametrize("source", ["kissim", "kis"])
def test_tickcore_bars_equal_the_continuous_aggregates(database_url, tmp_path, source):
    simulated = series.is_simulated(source)
    pause_refresh_policies(database_url)
    day = store_replayed_day(database_url, SYMBOLS, replay_date(), tmp_path / "spool", source=source)
    assert day.ticks > 50_000

    # the 1m bars are tickcore's, stored as they closed
    assert bar_rows(database_url, series.bar_table("1m", simulated=simulated)) == day.closed_rows("1m")
    # 15m and 1h are not stored by ingest: the database derives them
    derived = len(day.closed["15m"]) + len(day.closed["1h"])
    assert day.metrics.counters["derived_bars_not_stored"] == derived
    assert len(day.closed["15m"]) == 26 * len(SYMBOLS) and len(day.closed["1h"]) == 7 * len(SYMBOLS)

    for interval in ("15m", "1h"):
        relation = series.bar_table(interval, simulated=simulated)
        # nothing materialized yet: the rows are aggregated at query time
        assert bar_rows(database_url, relation) == day.closed_rows(interval), interval
        refresh(database_url, relation)
        sql(database_url, f"ALTER MATERIALIZED VIEW {relation} SET (timescaledb.materialized_only = true)")
        assert bar_rows(database_url, relation) == day.closed_rows(interval), f"{interval} materialized"
    assert sql(database_url, f"SELECT DISTINCT source FROM {series.bar_table('15m', simulated=simulated)}") == [
        (source,)
    ]
