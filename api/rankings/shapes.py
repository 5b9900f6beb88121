"""Shapes of /api/rankings (market cap, the daily rankings) and the industry lists built from the same quote table."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from typing_extensions import TypedDict

from api.companies.shapes import Quote
from api.http.operations import Paging


class CompanyRankingQuery(Paging):
    market: Literal["KOSPI", "KOSDAQ"] | None = Field(None, description="시장 (없으면 전체)")


class RankedCompany(Quote):
    rank: int


DailyRankingKind = Literal["volume", "amount", "gainers", "losers", "high52w", "low52w"]


class DailyRankingQuery(CompanyRankingQuery):
    kind: DailyRankingKind = Field(
        description=(
            "volume 거래량, amount 거래대금, gainers 상승률, losers 하락률, high52w 52주 신고가, low52w 52주 신저가"
        )
    )


class DailyRankedCompany(TypedDict):
    rank: int
    companyId: int
    symbol: str
    name: str
    market: str
    industryId: int | None
    industryName: str | None
    logo: str | None
    price: int
    change: int | None
    changePercent: float | None
    open: int
    high: int
    low: int
    volume: int
    amount: int
    amountEstimated: bool  # the source has no traded value: close × volume
    marketCap: int | None
    priorWeek52High: int | None  # highest high of the 52 weeks before asOf (None: no earlier bar)
    priorWeek52Low: int | None
    asOf: str
    source: str


class IndustryRank(TypedDict):
    rank: int
    industryId: int
    ksicCode: str
    name: str
    companyCount: int
    excludedCount: int
    marketCap: int
    changePercent: float | None
