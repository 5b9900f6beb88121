"""Every Redis key and channel of the platform — the only module that spells them.

| key / channel | type | written by | read by | meaning |
|---|---|---|---|---|
| `stock:realtime:{symbol}` | pub/sub | ingest | api hub | tick JSON (`ticks`) |
| `stock:orderbook:{symbol}` | pub/sub | ingest | api hub | order book JSON (`orderbooks`) |
| `orderbook:last:{symbol}` | string | ingest | api (snapshots) | the latest order book JSON |
| `tick:last:{symbol}` | string | ingest | api (snapshots, SSE resume) | the latest tick JSON |
| `bar:{interval}:{symbol}` | string | ingest | api (ohlcv, snapshots) | the open bar JSON (`bars`) |
| `market:feed` | string (expires) | ingest | api market status | the feed's 장운영 code and when it was seen |
| `ingest:status` | hash | ingest | api health | heartbeat (`status.INGEST_FIELDS`) |
| `ingest:symbols` | hash | ingest | tests, operators | symbol → stream/poll |
| `ingest:demand` | zset | api hub | ingest allocator | symbols watched in browsers, scored by time |
| `ingest:demand:orderbook` | zset | api hub | ingest allocator | symbols whose order book browsers watch |
| `ingest:demand:history` | zset | api ohlcv | ingest backfill | symbols whose intraday chart was opened, by time |
| `ingest:control` | pub/sub | api hub | ingest | "reallocate now" |
| `ingest:lock:{key id}` | string | ingest | ingest | which process owns a KIS app key |
| `jobs:collectors` | hash | jobs | api health | collector → status JSON (`status`) |
| `jobs:lock:{job}` | string | jobs worker | jobs worker | one run of a job at a time |
| `analysis:gemini:{date}` | set | jobs | jobs | subjects Gemini was asked about that day (one call each) |
| `news:buffer`, `news:processing`, `news:cursor` | list, list, string | jobs | jobs | the at-least-once news buffer |
| `auth:revoked:{jti}` | string | api | api | token deny-list until expiry |
| `auth:valid-after:{user}` | string | api | api | tokens issued before this time are void (password, deletion) |
| `ratelimit:{ip,user,auth}:{subject}:{minute}` | counter | api | api | fixed-window rate limits |
| `ratelimit:{signup-ip,signup-address}:{subject}:{hour}` | counter | api | api | signup attempts (address: a hash) |
| `stream:connections:{user}` | zset | api | api | open streams per user: leases per worker and connection |
| `stream:worker:{instance}` | string | api | api | an api worker's heartbeat (a few seconds' TTL) |
| `cache:…` | string | api | api; jobs delete | response cache (families below) |
"""

from __future__ import annotations

TICK_CHANNEL_PREFIX = "stock:realtime:"
TICK_CHANNEL_PATTERN = TICK_CHANNEL_PREFIX + "*"
BOOK_CHANNEL_PREFIX = "stock:orderbook:"
BOOK_CHANNEL_PATTERN = BOOK_CHANNEL_PREFIX + "*"
MARKET_FEED = "market:feed"
MARKET_FEED_TTL_S = 120  # a feed not heard from for this long says nothing about the market
INGEST_STATUS = "ingest:status"
INGEST_SYMBOLS = "ingest:symbols"
INGEST_DEMAND = "ingest:demand"
INGEST_BOOK_DEMAND = "ingest:demand:orderbook"
INGEST_HISTORY_DEMAND = "ingest:demand:history"
HISTORY_DEMAND_TTL_S = 600  # an intraday chart opened this long ago still wants today's bars
INGEST_CONTROL = "ingest:control"
COLLECTORS = "jobs:collectors"
NEWS_BUFFER = "news:buffer"
NEWS_PROCESSING = "news:processing"
NEWS_CURSOR = "news:cursor"
REVOKED_PREFIX = "auth:revoked:"
STREAM_WORKER_PREFIX = "stream:worker:"
CACHE_PREFIX = "cache:"


def tick_channel(symbol: str) -> str:
    return TICK_CHANNEL_PREFIX + symbol


def book_channel(symbol: str) -> str:
    return BOOK_CHANNEL_PREFIX + symbol


def last_book(symbol: str) -> str:
    return f"orderbook:last:{symbol}"


def last_tick(symbol: str) -> str:
    return f"tick:last:{symbol}"


def open_bar(interval: str, symbol: str) -> str:
    return f"bar:{interval}:{symbol}"


def ingest_lock(key_id: str) -> str:
    return f"ingest:lock:{key_id}"


def job_lock(job: str) -> str:
    return f"jobs:lock:{job}"


def gemini_attempts(day: str) -> str:
    return f"analysis:gemini:{day}"


def revoked_token(jti: str) -> str:
    return REVOKED_PREFIX + jti


def tokens_valid_after(user_id: int) -> str:
    return f"auth:valid-after:{user_id}"


def rate_limit(kind: str, subject: object, window: int) -> str:
    """`kind`: ip (every /api request), user (requests with a valid token), auth (signup/login/refresh) with
    one-minute windows; signup-ip, signup-address (a hash of the email) with one-hour windows."""
    return f"ratelimit:{kind}:{subject}:{window}"


def stream_connections(user_id: int) -> str:
    return f"stream:connections:{user_id}"


def stream_worker(instance: str) -> str:
    """An api worker's heartbeat; its stream leases count only while this key lives."""
    return STREAM_WORKER_PREFIX + instance


# -- the response cache: one family per kind of data; jobs delete families when data changes
CACHE_FAMILIES = ("company", "bars", "search", "quotes", "rankings", "industries", "indices")
PRICE_FAMILIES = ("rankings", "quotes", "industries", "indices", "company", "search", "bars")


def cache_family_pattern(family: str) -> str:
    return f"{CACHE_PREFIX}{family}:*"


def cache_company_pattern(company_id: int) -> str:
    return f"{CACHE_PREFIX}company:{int(company_id)}:*"


def cache_company_profile(company_id: int) -> str:
    return f"{CACHE_PREFIX}company:{company_id}:profile"


def cache_company_financials(company_id: int) -> str:
    return f"{CACHE_PREFIX}company:{company_id}:financials"


def cache_bars(company_id: int, interval: str, start: int | None, end: int | None) -> str:
    return f"{CACHE_PREFIX}bars:{company_id}:{interval}:{'' if start is None else start}:{'' if end is None else end}"


def cache_search(backend: str, keyword: str, page: int, size: int) -> str:
    return f"{CACHE_PREFIX}search:{backend}:{keyword}:{page}:{size}"


def cache_all_quotes() -> str:
    return f"{CACHE_PREFIX}quotes:all"


def cache_rankings(*parts: object) -> str:
    return CACHE_PREFIX + "rankings:" + ":".join(str(p) for p in parts)


def cache_industries(*parts: object) -> str:
    return CACHE_PREFIX + "industries:" + ":".join(str(p) for p in parts)


def cache_indices(*parts: object) -> str:
    return CACHE_PREFIX + "indices:" + ":".join(str(p) for p in parts)
