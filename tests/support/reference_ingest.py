"""`python -m tests.support.reference_ingest`: the ingest process with the plain-Python reference
engine (tests/support/reference_engine.py) in place of tickcore — the baseline of
bench/ingest_bench.py. Everything else (sessions, publisher, writer) is production code."""

from __future__ import annotations

import ingest.pipeline
from ingest.__main__ import main
from tests.support.reference_engine import ReferenceEngine


class _Tickcore:
    """What ingest.pipeline uses of the tickcore module, with the reference engine."""

    Engine = ReferenceEngine


if __name__ == "__main__":
    ingest.pipeline.tickcore = _Tickcore  # type: ignore[assignment]  # the reference engine instead
    main()
