"""Request and response shapes of /api/comparisons."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from api.http.dates import Instant
from api.http.operations import Body, Id, NotBlank, Query

MIN_COMPANIES, MAX_COMPANIES = 2, 10
PERIOD_DAYS = {"1m": 31, "3m": 92, "6m": 183, "1y": 365, "3y": 3 * 365 + 1}


def _distinct(ids: list[int]) -> list[int]:
    if len(set(ids)) != len(ids):
        raise PydanticCustomError("duplicate", "같은 기업을 두 번 넣을 수 없습니다")
    return ids


class ComparisonRequest(Body):
    model_config = ConfigDict(json_schema_extra={"example": {"name": "반도체 기업 비교", "companies": [1, 2, 3]}})

    name: Annotated[str, Field(min_length=1, max_length=100, examples=["반도체 기업 비교"]), NotBlank]
    companies: Annotated[
        list[Id],
        Field(
            min_length=MIN_COMPANIES,
            max_length=MAX_COMPANIES,
            description="서로 다른 기업 ID 2–10개",
            examples=[[1, 2, 3]],
            json_schema_extra={"uniqueItems": True},
        ),
        AfterValidator(_distinct),
    ]


class DetailQuery(Query):
    period: Literal["1m", "3m", "6m", "1y", "3y"] = Field("1y", description="기간 (start가 없을 때)")
    start: Instant | None = Field(None, description="기준 시작일 (period 대신)")


class ComparisonCompany(TypedDict):
    companyId: int
    companyName: str
    symbol: str


class ComparisonSummary(TypedDict):
    comparisonId: int
    name: str
    companies: list[ComparisonCompany]
    createdAt: str | None


class ComparedCompany(TypedDict):
    companyId: int
    companyName: str | None
    symbol: str | None
    market: str | None
    industryName: str | None
    price: int | None
    change: int | None
    changePercent: float | None
    marketCap: int | None
    revenue: int | None
    operatingProfit: int | None
    operatingMargin: float | None
    revenueGrowth: float | None
    per: float | None
    fiscalYear: int | None
    asOf: str | None
    source: str | None


class PerformancePoint(TypedDict):
    time: int
    value: float


class Performance(TypedDict):
    companyId: int
    symbol: str | None
    baseClose: int | None
    points: list[PerformancePoint]


class ComparisonDetail(TypedDict):
    comparisonId: int
    name: str
    createdAt: str | None
    companies: list[ComparedCompany]
    period: str
    baseDate: str | None
    endDate: str | None
    asOf: str | None
    source: str | None
    excluded: int
    performance: list[Performance]


class ComparisonDeleted(TypedDict):
    comparisonId: int
