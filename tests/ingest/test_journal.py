"""The writer's journal on its own (ingest/journal.py): what a process that stopped without closing it
left is recovered record by record, a record cut short is ignored, and segments go once released."""

from __future__ import annotations

from ingest import journal
from ingest.journal import Journal


def test_records_left_behind_are_recovered_in_order(tmp_path):
    first = Journal(tmp_path)
    batches = [("sim.stock_ticks", b"ticks-%d" % i * 10, i + 1) for i in range(3)]
    segments = [first.append(*batch) for batch in batches]
    first.release(segments[0])  # the first batch was written before the process died (no close)

    second = Journal(tmp_path)
    recovered = list(second.recover())
    # the released batch is still in its segment: written twice, which the writer's upserts allow
    assert [(t, d, r) for _, t, d, r in recovered] == batches
    for segment, *_ in recovered:
        second.release(segment)
    assert second.segments() == []


def test_a_record_cut_short_is_ignored(tmp_path):
    first = Journal(tmp_path)
    first.append("public.stock_ticks", b"x" * 100, 1)
    segment = first.append("public.stock_ticks", b"y" * 100, 2)
    path = first.path(segment)
    path.write_bytes(path.read_bytes()[:-30])  # killed in the middle of the second write

    recovered = list(Journal(tmp_path).recover())
    assert [(d, r) for _, _, d, r in recovered] == [(b"x" * 100, 1)]


def test_segments_rotate_and_finished_ones_go(tmp_path, monkeypatch):
    monkeypatch.setattr(journal, "ROTATE_AFTER_BYTES", 200)
    live = Journal(tmp_path)
    first = live.append("public.stock_ticks", b"a" * 300, 1)  # fills the segment
    second = live.append("public.stock_ticks", b"b" * 10, 1)  # so this one opens the next
    assert second == first + 1 and len(live.segments()) == 2
    live.release(first)
    assert [p.name for p in live.segments()] == [live.path(second).name]
    live.release(second)  # the current segment stays open until the next rotation or close
    assert len(live.segments()) == 1
    live.close()
    assert live.segments() == []


def test_a_clean_close_with_batches_waiting_keeps_them(tmp_path):
    live = Journal(tmp_path)
    live.append("sim.stock_prices_1m", b"bar", 1)
    live.close()
    assert [(t, d, r) for _, t, d, r in Journal(tmp_path).recover()] == [("sim.stock_prices_1m", b"bar", 1)]
