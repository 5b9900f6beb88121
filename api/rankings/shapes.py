"""Shapes of /api/rankings and the industry lists built from the same quote table."""

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


class IndustryRank(TypedDict):
    rank: int
    industryId: int
    ksicCode: str
    name: str
    companyCount: int
    excludedCount: int
    marketCap: int
    changePercent: float | None
