"""Shapes of news, outlook analyses and keyword counts (company and industry pages use them too)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from api.http.operations import IntText, Query, QueryId


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
