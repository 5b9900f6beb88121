"""The relevance cases every search backend must pass (PostgreSQL, OpenSearch).

A backend is exercised through `search(keyword, page, size) -> (total, [company names])`; see
tests/api/test_search.py for how the PostgreSQL backend and (when OPENSEARCH_URL is set) the
OpenSearch backend are run through the same cases over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Search = Callable[[str, int, int], tuple[int, list[str]]]


@dataclass(frozen=True)
class Case:
    keyword: str
    first: str | None = None  # the first result's name
    contains: tuple[str, ...] = ()  # names that must be on the first page
    before: tuple[tuple[str, str], ...] = ()  # (a, b): a ranks above b on the first page
    min_total: int = 1
    max_total: int | None = None
    size: int = 20

    @property
    def id(self) -> str:
        return self.keyword


CASES = [
    # Korean fragment: every 삼성… company; the exact-prefix ones by market cap, 삼성전자 largest
    Case("삼성", first="삼성전자", contains=("삼성SDI", "삼성바이오로직스", "삼성물산", "삼성생명"), min_total=15),
    # 6-digit code: exact
    Case("005930", first="삼성전자", max_total=1),
    Case("000660", first="SK하이닉스"),
    # initial consonants
    Case("ㅅㅅㅈㅈ", first="삼성전자"),
    Case("ㅎㄷㅊ", first="현대차"),
    # English names, any case
    Case("samsung electronics", first="삼성전자"),
    Case("Samsung Electronics", first="삼성전자"),
    Case("SK hynix", first="SK하이닉스"),
    # exact name beats a longer name that starts with it
    Case("현대차", first="현대차", contains=("현대차증권",), before=(("현대차", "현대차증권"),)),
    Case("SK", first="SK", before=(("SK", "SK하이닉스"),), min_total=10),
    # prefix beats contains (삼성전자 starts with 삼성, 라이온… only contains it) — contains still found
    Case("전자", contains=("삼성전자", "LG전자"), min_total=10),
    # spaces and case do not matter
    Case("삼성 전자", first="삼성전자"),
    Case("sdi", first="삼성SDI"),
    # nothing
    Case("존재하지않는회사이름xyz", min_total=0, max_total=0),
]


def check(case: Case, search: Search) -> None:
    total, names = search(case.keyword, 1, case.size)
    assert total >= case.min_total, (case.keyword, total, names)
    if case.max_total is not None:
        assert total <= case.max_total, (case.keyword, total, names)
    if case.first is not None:
        assert names and names[0] == case.first, (case.keyword, names[:5])
    for name in case.contains:
        assert name in names, (case.keyword, name, names)
    for a, b in case.before:
        assert a in names and b in names and names.index(a) < names.index(b), (case.keyword, names)


def check_paging(search: Search) -> None:
    """Pages are disjoint, ordered consistently and together give `total` results."""
    total, first = search("삼성", 1, 5)
    _, second = search("삼성", 2, 5)
    assert total > 10 and len(first) == 5 and len(second) == 5
    assert not set(first) & set(second)
    _, everything = search("삼성", 1, 100)
    assert everything[:10] == first + second and len(everything) == total
    last_page = (total + 4) // 5
    total_again, beyond = search("삼성", last_page + 1, 5)
    assert beyond == [] and total_again == total
