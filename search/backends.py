"""Company and news search behind one interface, with two backends.

    SearchBackend   the protocol every backend implements
    PostgresSearch  pg_trgm / ILIKE (search/postgres.py), the default
    OpenSearchSearch  search/opensearch.py, used when OPENSEARCH_URL is set

`create_backend(settings, db)` is THE selection point.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import asyncpg

from core.settings import Settings
from search.news import NewsHit, NewsSearch
from search.opensearch import OpenSearchSearch
from search.postgres import PostgresSearch


@runtime_checkable
class SearchBackend(Protocol):
    name: str

    async def search_companies(self, keyword: str, page: int, size: int) -> tuple[int, list[int]]:
        """(total matches, company ids of the page in rank order)."""
        ...

    async def search_news(self, search: NewsSearch) -> tuple[int, list[NewsHit]]:
        """(total matches, the page's news ids with highlights, in order); search/news.py has the contract."""
        ...

    async def ping(self) -> None:
        """Raise when the backend cannot answer."""
        ...


def create_backend(settings: Settings, db: asyncpg.Pool) -> SearchBackend:
    """The one place a search backend is chosen."""
    if settings.opensearch_url:
        return OpenSearchSearch(settings.opensearch_url, db)
    return PostgresSearch(db)
