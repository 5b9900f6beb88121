"""Malformed input gives typed errors, never crashes: arbitrary text and bytes, and fixture
frames with random edits, through parse_frame and through Engine.feed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import tickcore
from tests.support.kis_records import fixture_lines

FRAMES = [line.encode() for line in fixture_lines()]
INTERESTING = b'^|-.{}"0123456789\xff\xea'


@st.composite
def mutated_fixture(draw) -> bytes:
    frame = bytearray(draw(st.sampled_from(FRAMES)))
    for _ in range(draw(st.integers(1, 5))):
        operation = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "repeat"]))
        at = draw(st.integers(0, max(len(frame) - 1, 0)))
        byte = draw(st.one_of(st.sampled_from(list(INTERESTING)), st.integers(0, 255)))
        if operation == "replace" and frame:
            frame[at] = byte
        elif operation == "insert":
            frame.insert(at, byte)
        elif operation == "delete" and frame:
            del frame[at]
        elif operation == "truncate":
            del frame[at:]
        elif operation == "repeat":
            frame += frame[at:]
    return bytes(frame)


def parse_or_error(frame: bytes | str):
    try:
        return tickcore.parse_frame(frame, max_frame_bytes=4096)
    except tickcore.FrameError as error:
        offset_limit = len(frame.encode("utf-8", "surrogatepass") if isinstance(frame, str) else frame)
        assert 0 <= error.offset <= offset_limit and error.kind and error.reason
        return error


@settings(max_examples=1500, deadline=None)
@given(frame=st.one_of(st.binary(max_size=600), st.text(max_size=300), mutated_fixture()))
def test_parse_frame_returns_a_result_or_a_frame_error(frame):
    parse_or_error(frame)


@settings(max_examples=300, deadline=None)
@given(
    frames=st.lists(st.one_of(mutated_fixture(), st.binary(max_size=200), st.text(max_size=100)), max_size=30),
    received=st.integers(-(1 << 62), 1 << 62),
)
def test_engine_feed_never_raises_on_bad_frames(frames, received):
    engine = tickcore.Engine("kis", max_frame_bytes=4096)
    batch = engine.feed(frames, received)
    counters = batch.counters
    assert counters["frames"] == len(frames)
    parsed_ok = sum(1 for frame in frames if not isinstance(parse_or_error(frame), tickcore.FrameError))
    assert counters["errors"] == len(frames) - parsed_ok == len(batch.errors)
    assert counters["trades"] == counters["published"] + counters["duplicates"]
    assert len(batch.messages) == batch.tick_count == counters["published"]
    engine.flush(received)


def test_huge_frames_are_refused_before_parsing():
    huge = "0|H0STCNT0|001|" + "1^" * 2_000_000
    batch = tickcore.Engine("kis").feed([huge], 0)
    assert batch.errors[0]["kind"] == "frame_too_large"
    assert batch.errors[0]["offset"] == tickcore.DEFAULT_MAX_FRAME_BYTES
