"""Shapes of news, outlook analyses and keyword counts (company and industry pages use them too)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from api.http.dates import Day
from api.http.operations import IntText, NoNul, Paging, Query, QueryId


class KeywordsQuery(Query):
    companyId: QueryId | None = Field(None, description="기업 ID (industryId와 함께 쓸 수 없음)")
    industryId: QueryId | None = Field(None, description="산업 ID")
    days: Annotated[Literal[1, 7, 30], IntText, Field(description="최근 며칠")] = 7
    limit: Annotated[int, Field(ge=1, le=200, description="1–200")] = 50


class NewsItem(TypedDict):
    newsId: int
    title: str
    summary: str | None
    url: str
    source: str | None
    publishedAt: str | None


class Analysis(TypedDict):
    growthScore: int
    outlook: str
    summary: str
    drivers: list[str]
    risks: list[str]
    model: str
    mode: Literal["gemini", "rule"]
    generatedAt: str
    asOfDate: str


class Keyword(TypedDict):
    keyword: str
    count: int


class NewsSearchQuery(Paging):
    keyword: (
        Annotated[str, Field(max_length=100, description="검색어 (모든 단어가 제목·요약·본문 중에 있는 기사)"), NoNul]
        | None
    ) = None
    company: QueryId | None = Field(None, description="기업 ID: 이 기업 관련 기사만")
    industry: QueryId | None = Field(None, description="산업 ID: 이 산업 관련 기사만")
    from_: Day | None = Field(None, alias="from", description="이 날짜(KST)부터 발행된 기사, YYYY-MM-DD")
    to: Day | None = Field(None, description="이 날짜(KST)까지 발행된 기사, YYYY-MM-DD")
    sort: Literal["latest", "relevance"] = Field(
        "latest", description="latest 최신순, relevance 관련도순 (검색어가 없으면 최신순과 같음)"
    )


class NewsCompanyRef(TypedDict):
    companyId: int
    name: str
    symbol: str


class NewsHighlight(TypedDict):
    """HTML: the text escaped, every match in <em>…</em>, no other markup."""

    title: str
    summary: str | None


class NewsSearchItem(NewsItem):
    companies: list[NewsCompanyRef]
    highlight: NewsHighlight
