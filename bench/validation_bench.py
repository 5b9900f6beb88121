"""Cost of declared request shapes: validating one search query (keyword, page, size) with the
api's pydantic model vs the hand-written checks it replaced (and msgspec, when it is installed).

Run: .venv/bin/python bench/validation_bench.py

The figure that matters is the share of a cached request's server time (bench/api_load.py); this
isolates the validation step so the library choice can be made by measurement.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.companies.shapes import SearchQuery

ARGS = {"keyword": "삼성", "page": "2", "size": "20"}
ROUNDS = 200_000


def hand_written() -> tuple[str, int, int]:
    """The checks api/validation.py did before the shapes were declared."""
    keyword = ARGS.get("keyword")
    if not keyword or not keyword.strip() or len(keyword) > 100 or "\x00" in keyword:
        raise ValueError("keyword")
    page, size = int(ARGS.get("page") or 1), int(ARGS.get("size") or 20)
    if not (1 <= page <= 100_000 and 1 <= size <= 100):
        raise ValueError("paging")
    return keyword, page, size


def candidates() -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = [
        ("hand-written (baseline)", hand_written),
        ("pydantic (api/companies/shapes.py)", lambda: SearchQuery.model_validate(ARGS)),
    ]
    try:
        from typing import Annotated

        import msgspec
    except ImportError:
        return out

    class MsgspecQuery(msgspec.Struct, frozen=True):
        keyword: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
        page: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1
        size: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20

    out.append(("msgspec", lambda: msgspec.convert(ARGS, MsgspecQuery, strict=False)))
    return out


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    results = {name: min(timeit.repeat(fn, number=ROUNDS, repeat=5)) / ROUNDS * 1e6 for name, fn in candidates()}
    baseline = results["hand-written (baseline)"]
    for name, micros in results.items():
        print(f"{name:36} {micros:6.2f} µs per query  (+{micros - baseline:.2f} µs vs the baseline)")


if __name__ == "__main__":
    main()
