"""Request and response shapes of /api/companies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from api.http.dates import Instant
from api.http.operations import NotBlank, Paging, Query


class SearchQuery(Paging):
    keyword: Annotated[
        str,
        Field(min_length=1, max_length=100, description="이름, 6자리 코드, 영문명 또는 초성", examples=["삼성"]),
        NotBlank,
    ]


class OhlcvQuery(Query):
    interval: Literal["1m", "15m", "1h", "1d", "1w", "1mo"] = Field(
        "1d", description="봉 간격 (1w 주봉: 월요일 시작, 1mo 월봉: 1일 시작, 한국시간)"
    )
    start: Instant | None = None
    end: Instant | None = None


class Quote(TypedDict):
    companyId: int
    symbol: str
    name: str
    nameEn: str | None
    market: str
    industryId: int | None
    industryName: str | None
    logo: str | None
    price: int | None
    change: int | None
    changePercent: float | None
    marketCap: int | None
    asOf: str | None
    source: str | None


class CompanyProfile(TypedDict):
    companyId: int
    symbol: str
    name: str
    nameEn: str | None
    market: str
    marketSegment: str | None
    industryId: int | None
    industryName: str | None
    ksicCode: str | None
    themeSector: str | None
    themeSubsector: str | None
    description: str | None
    logo: str | None
    listingDate: str | None
    homepage: str | None
    ceo: str | None
    region: str | None
    isSpac: bool
    delistedAt: str | None
    sharesOutstanding: int | None
    price: int | None
    change: int | None
    changePercent: float | None
    open: int | None
    high: int | None
    low: int | None
    volume: int | None
    amount: int | None
    prevClose: int | None
    marketCap: int | None
    week52High: int | None
    week52Low: int | None
    per: float | None
    pbr: float | None
    eps: float | None
    perFiscalYear: int | None
    asOf: str | None
    source: str | None
    listingAsOf: str | None


class YearlyFinancials(TypedDict):
    fiscalYear: int
    period: str
    periodEnd: str | None
    basis: str | None
    revenue: int | None
    operatingProfit: int | None
    netIncome: int | None
    operatingMargin: float | None
    netMargin: float | None
    revenueGrowth: float | None
    operatingProfitGrowth: float | None


class QuarterlyFinancials(TypedDict):
    fiscalQuarter: str
    basis: str | None
    revenue: int | None
    operatingProfit: int | None
    operatingMargin: float | None


class Segment(TypedDict):
    segment: str
    revenue: int | None
    sharePct: float | None
    fiscalYear: int


class Financials(TypedDict):
    currency: str
    basis: str | None
    yearly: list[YearlyFinancials]
    quarterly: list[QuarterlyFinancials]
    segments: list[Segment]
    mainProducts: str | None


class Bar(TypedDict):
    time: Annotated[int, Field(description="봉 시작 시각 (epoch 초)", examples=[1704067200])]
    open: int
    high: int
    low: int
    close: int
    volume: int
    amount: int | None


class FeedGap(TypedDict):
    start: Annotated[int, Field(description="restart: 마지막으로 저장된 체결 시각; backfill: 장 시작 (epoch 초)")]
    end: Annotated[int, Field(description="restart: 수집 재개 후 첫 체결; backfill: 채운 마지막 분의 끝 (epoch 초)")]
    cause: Annotated[
        Literal["restart", "backfill"],
        Field(description="restart: 수집 중단 구간; backfill: 실시간 수집 전의 당일 1분봉을 REST 분봉 API로 채움"),
    ]
    status: Annotated[
        Literal["pending", "repaired", "partial", "failed"],
        Field(description="repaired: 1분봉을 REST 분봉 API로 복구; pending: 복구 전; partial/failed: 남은 공백"),
    ]
    repairSource: str | None
    repairedTimes: Annotated[list[int], Field(description="REST로 다시 채운 1분봉의 시작 시각 (epoch 초)")]


class OpenBar(Bar):
    tradeCount: int | None
    source: str | None


class Report(TypedDict):
    reportId: int
    rceptNo: str
    reportName: str
    reportType: str | None
    filedAt: str | None
    url: str
