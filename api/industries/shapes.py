"""Shapes of /api/industries."""

from __future__ import annotations

from typing_extensions import TypedDict

from api.rankings.shapes import RankedCompany


class Industry(TypedDict):
    industryId: int
    ksicCode: str
    name: str
    companyCount: int
    excludedCount: int
    marketCap: int
    changePercent: float | None


class IndustryDetail(Industry):
    marketCapRank: int
    topCompanies: list[RankedCompany]
    asOf: str | None
    source: str | None
    excluded: int
