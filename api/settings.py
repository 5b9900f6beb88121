"""Settings of every process (api, ingest, jobs), read once from the environment.

A bad value stops the process with a one-line reason (see `load_or_exit`). Secrets are only
ever read here, from the environment, and never logged: `Settings.public()` masks them.
"""
from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, TypeVar
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parents[1]

T = TypeVar("T")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _url(schemes: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        parsed = urlparse(raw)
        if parsed.scheme not in schemes or not (parsed.hostname or parsed.path):
            raise ValueError(f"expected a URL with scheme {'/'.join(schemes)}")
        return raw

    return parse


def _int_range(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError("expected an integer") from None
        if not low <= value <= high:
            raise ValueError(f"expected an integer between {low} and {high}")
        return value

    return parse


def _float_range(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("expected a number") from None
        if not low <= value <= high:
            raise ValueError(f"expected a number between {low} and {high}")
        return value

    return parse


def _bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true/false")


def _choice(*options: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return raw

    return parse


def _symbols(raw: str) -> tuple[str, ...]:
    symbols = tuple(s.strip() for s in raw.split(",") if s.strip())
    for symbol in symbols:
        if len(symbol) != 6 or not symbol.isalnum():
            raise ValueError(f"'{symbol}' is not a 6-character stock code")
    return symbols


@dataclass(frozen=True)
class KisAppKey:
    app_key: str
    app_secret: str = field(repr=False)


def _app_keys(raw: str) -> tuple[KisAppKey, ...]:
    """`KIS_APP_KEYS=key1:secret1,key2:secret2`."""
    keys = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        app_key, sep, secret = item.partition(":")
        if not sep or not app_key or not secret:
            raise ValueError("expected key:secret pairs separated by commas")
        keys.append(KisAppKey(app_key, secret))
    return tuple(keys)


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    jwt_secret: str = field(repr=False)
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_workers: int = 1
    log_level: str = "INFO"
    log_format: str = "json"
    data_dir: Path = REPO_ROOT / ".data"
    frontend_dist: Path = REPO_ROOT / "frontend" / "dist"
    snapshot_dir: Path = REPO_ROOT / "data"
    sql_dir: Path = REPO_ROOT / "sql"
    jwt_access_ttl_seconds: int = 900
    jwt_refresh_ttl_seconds: int = 14 * 24 * 3600
    rate_limit_per_minute: int = 600
    auth_rate_limit_per_minute: int = 20
    opensearch_url: str | None = None
    # KIS: real keys switch ingest from the replay simulator to the broker.
    kis_app_keys: tuple[KisAppKey, ...] = ()
    ingest_source: str = "kissim"  # kis (the broker) | kissim (the replay simulator); default from the keys
    kis_rest_url: str = "https://openapi.koreainvestment.com:9443"
    kis_ws_url: str = "ws://ops.koreainvestment.com:21000"
    kis_max_registrations: int = 41
    kis_custtype: str = "P"
    subscribe_symbols: tuple[str, ...] = ()
    kissim_speed: float = 60.0
    kissim_mode: str = "demo"
    kissim_seed: int = 7
    # External collectors: each stays idle without its key.
    naver_client_id: str | None = field(default=None, repr=False)
    naver_client_secret: str | None = field(default=None, repr=False)
    naver_api_url: str = "https://openapi.naver.com"
    dart_api_key: str | None = field(default=None, repr=False)
    dart_api_url: str = "https://opendart.fss.or.kr"
    gemini_api_key: str | None = field(default=None, repr=False)
    gemini_base_url: str | None = None
    gemini_model: str = "gemini-2.5-flash"
    jina_api_key: str | None = field(default=None, repr=False)
    jina_api_url: str = "https://r.jina.ai"
    # ingest and kissim (issue 4): broker limits, timings and sizes.
    kis_rest_rate_per_second: float = 15.0     # client pacing of KIS REST calls per app key
    kis_token_min_interval_seconds: float = 60.0  # KIS issues a token at most once a minute
    kis_subscribe_pause_ms: int = 20           # pause between subscribe messages
    ingest_watchdog_seconds: float = 90.0      # no message of any kind for this long: reconnect
    ingest_backoff_initial_seconds: float = 1.0
    ingest_backoff_max_seconds: float = 60.0
    ingest_in_use_backoff_seconds: float = 65.0  # after OPSP8996 ALREADY IN USE appkey
    ingest_batch_max_rows: int = 5000          # COPY when this many rows are pending …
    ingest_batch_max_ms: int = 250             # … or when the oldest pending row is this old
    ingest_buffer_max_rows: int = 200_000      # in memory while PostgreSQL is away; then spill to disk
    ingest_demand_ttl_seconds: float = 90.0    # a browser demand (ingest:demand) counts this long
    ingest_reallocate_seconds: float = 10.0
    ingest_poll_interval_seconds: float = 5.0  # each polled symbol at most this often
    ingest_default_symbol_count: int = 40      # without SUBSCRIBE_SYMBOLS: most traded symbols
    ingest_status_interval_seconds: float = 2.0
    ingest_lock_ttl_seconds: float = 15.0      # Redis lock that makes one process own an app key
    ingest_metrics_port: int = 0               # Prometheus exporter port (0: off)
    ingest_state_write_ms: int = 50            # tick:last and open bars written at most this often
    kissim_trade_rate: float = 2.0             # mean trades per second per symbol (wall clock)
    kissim_frame_interval_ms: int = 100        # kissim sends the trades of this interval as frames
    kissim_pingpong_seconds: float = 30.0
    kissim_rest_limit_per_second: int = 20     # kissim refuses more REST calls per key with EGW00201
    # api: bcrypt cost (tests lower it), response cache and rate limiting switches (benchmarks compare).
    bcrypt_rounds: int = 12
    api_cache_enabled: bool = True
    rate_limit_enabled: bool = True
    # api streaming (WebSocket/SSE): limits per connection; connection counts are per api worker.
    stream_max_symbols: int = 50
    stream_max_connections_per_user: int = 10
    stream_max_messages_per_second: int = 10
    stream_send_queue: int = 256               # queued ticks per connection before the oldest are dropped
    stream_slow_client_seconds: float = 10.0   # blocked this long → close 4408
    stream_heartbeat_seconds: float = 15.0     # SSE heartbeat comment interval
    # jobs: where the KIS stock master files are downloaded from; yfinance as the daily-price source
    # without KIS keys (off by default: it needs Yahoo, which these machines cannot reach).
    kis_master_url: str = "https://new.real.download.dws.co.kr/common/master"
    yfinance_enabled: bool = False

    def public(self) -> dict[str, object]:
        """Settings safe to log or show: secrets are masked."""
        shown: dict[str, object] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not f.repr:
                value = "***" if value else None
            elif f.name == "kis_app_keys":
                value = [k.app_key[:4] + "…" for k in value]
            elif f.name in ("database_url", "redis_url") and value:
                parsed = urlparse(value)
                value = value.replace(f":{parsed.password}@", ":***@") if parsed.password else value
            shown[f.name] = str(value) if isinstance(value, Path) else value
        return shown


# (environment variable, field, parser); a variable that is unset keeps the field's default.
_FIELDS: list[tuple[str, str, Callable[[str], object]]] = [
    ("DATABASE_URL", "database_url", _url(("postgresql", "postgres"))),
    ("REDIS_URL", "redis_url", _url(("redis", "rediss", "unix"))),
    ("JWT_SECRET", "jwt_secret", str),
    ("API_HOST", "api_host", str),
    ("API_PORT", "api_port", _int_range(1, 65535)),
    ("API_WORKERS", "api_workers", _int_range(1, 64)),
    ("LOG_LEVEL", "log_level", _choice("DEBUG", "INFO", "WARNING", "ERROR")),
    ("LOG_FORMAT", "log_format", _choice("json", "text")),
    ("DATA_DIR", "data_dir", Path),
    ("FRONTEND_DIST", "frontend_dist", Path),
    ("SNAPSHOT_DIR", "snapshot_dir", Path),
    ("SQL_DIR", "sql_dir", Path),
    ("JWT_ACCESS_TTL_SECONDS", "jwt_access_ttl_seconds", _int_range(1, 24 * 3600)),
    ("JWT_REFRESH_TTL_SECONDS", "jwt_refresh_ttl_seconds", _int_range(60, 90 * 24 * 3600)),
    ("RATE_LIMIT_PER_MINUTE", "rate_limit_per_minute", _int_range(1, 10_000_000)),
    ("AUTH_RATE_LIMIT_PER_MINUTE", "auth_rate_limit_per_minute", _int_range(1, 1_000_000)),
    ("OPENSEARCH_URL", "opensearch_url", _url(("http", "https"))),
    ("KIS_APP_KEYS", "kis_app_keys", _app_keys),
    ("INGEST_SOURCE", "ingest_source", _choice("kis", "kissim")),
    ("KIS_REST_URL", "kis_rest_url", _url(("http", "https"))),
    ("KIS_WS_URL", "kis_ws_url", _url(("ws", "wss"))),
    ("KIS_MAX_REGISTRATIONS", "kis_max_registrations", _int_range(1, 1000)),
    ("KIS_CUSTTYPE", "kis_custtype", _choice("P", "B")),
    ("SUBSCRIBE_SYMBOLS", "subscribe_symbols", _symbols),
    ("KISSIM_SPEED", "kissim_speed", _float_range(0.01, 100_000)),
    ("KISSIM_MODE", "kissim_mode", _choice("demo", "market-hours")),
    ("KISSIM_SEED", "kissim_seed", _int_range(0, 2**31)),
    ("NAVER_CLIENT_ID", "naver_client_id", str),
    ("NAVER_CLIENT_SECRET", "naver_client_secret", str),
    ("NAVER_API_URL", "naver_api_url", _url(("http", "https"))),
    ("DART_API_KEY", "dart_api_key", str),
    ("DART_API_URL", "dart_api_url", _url(("http", "https"))),
    ("GEMINI_API_KEY", "gemini_api_key", str),
    ("GEMINI_BASE_URL", "gemini_base_url", _url(("http", "https"))),
    ("GEMINI_MODEL", "gemini_model", str),
    ("JINA_API_KEY", "jina_api_key", str),
    ("JINA_API_URL", "jina_api_url", _url(("http", "https"))),
    ("KIS_REST_RATE_PER_SECOND", "kis_rest_rate_per_second", _float_range(0.1, 1000)),
    ("KIS_TOKEN_MIN_INTERVAL_SECONDS", "kis_token_min_interval_seconds", _float_range(0, 3600)),
    ("KIS_SUBSCRIBE_PAUSE_MS", "kis_subscribe_pause_ms", _int_range(0, 10_000)),
    ("INGEST_WATCHDOG_SECONDS", "ingest_watchdog_seconds", _float_range(0.5, 3600)),
    ("INGEST_BACKOFF_INITIAL_SECONDS", "ingest_backoff_initial_seconds", _float_range(0.01, 600)),
    ("INGEST_BACKOFF_MAX_SECONDS", "ingest_backoff_max_seconds", _float_range(0.1, 3600)),
    ("INGEST_IN_USE_BACKOFF_SECONDS", "ingest_in_use_backoff_seconds", _float_range(0.1, 3600)),
    ("INGEST_BATCH_MAX_ROWS", "ingest_batch_max_rows", _int_range(1, 10_000_000)),
    ("INGEST_BATCH_MAX_MS", "ingest_batch_max_ms", _int_range(1, 600_000)),
    ("INGEST_BUFFER_MAX_ROWS", "ingest_buffer_max_rows", _int_range(1, 100_000_000)),
    ("INGEST_DEMAND_TTL_SECONDS", "ingest_demand_ttl_seconds", _float_range(1, 86400)),
    ("INGEST_REALLOCATE_SECONDS", "ingest_reallocate_seconds", _float_range(0.1, 3600)),
    ("INGEST_POLL_INTERVAL_SECONDS", "ingest_poll_interval_seconds", _float_range(0.1, 3600)),
    ("INGEST_DEFAULT_SYMBOL_COUNT", "ingest_default_symbol_count", _int_range(0, 10_000)),
    ("INGEST_STATUS_INTERVAL_SECONDS", "ingest_status_interval_seconds", _float_range(0.1, 60)),
    ("INGEST_LOCK_TTL_SECONDS", "ingest_lock_ttl_seconds", _float_range(1, 3600)),
    ("INGEST_METRICS_PORT", "ingest_metrics_port", _int_range(0, 65535)),
    ("INGEST_STATE_WRITE_MS", "ingest_state_write_ms", _int_range(0, 60_000)),
    ("KISSIM_TRADE_RATE", "kissim_trade_rate", _float_range(0.001, 1_000_000)),
    ("KISSIM_FRAME_INTERVAL_MS", "kissim_frame_interval_ms", _int_range(1, 60_000)),
    ("KISSIM_PINGPONG_SECONDS", "kissim_pingpong_seconds", _float_range(0.1, 3600)),
    ("KISSIM_REST_LIMIT_PER_SECOND", "kissim_rest_limit_per_second", _int_range(1, 1_000_000)),
    ("BCRYPT_ROUNDS", "bcrypt_rounds", _int_range(4, 16)),
    ("API_CACHE_ENABLED", "api_cache_enabled", _bool),
    ("RATE_LIMIT_ENABLED", "rate_limit_enabled", _bool),
    ("STREAM_MAX_SYMBOLS", "stream_max_symbols", _int_range(1, 10_000)),
    ("STREAM_MAX_CONNECTIONS_PER_USER", "stream_max_connections_per_user", _int_range(1, 1_000_000)),
    ("STREAM_MAX_MESSAGES_PER_SECOND", "stream_max_messages_per_second", _int_range(1, 100_000)),
    ("STREAM_SEND_QUEUE", "stream_send_queue", _int_range(1, 1_000_000)),
    ("STREAM_SLOW_CLIENT_SECONDS", "stream_slow_client_seconds", _float_range(0.1, 3600)),
    ("STREAM_HEARTBEAT_SECONDS", "stream_heartbeat_seconds", _float_range(0.1, 3600)),
    ("KIS_MASTER_URL", "kis_master_url", _url(("http", "https"))),
    ("YFINANCE_ENABLED", "yfinance_enabled", _bool),
]
_REQUIRED = ("DATABASE_URL", "REDIS_URL", "JWT_SECRET")


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, attr, parse in _FIELDS:
        raw = env.get(name)
        if raw is None or raw == "":
            if name in _REQUIRED:
                raise SettingsError(f"{name} is not set")
            continue
        try:
            values[attr] = parse(raw)
        except ValueError as exc:
            raise SettingsError(f"{name}: {exc}") from None
    values.setdefault("ingest_source", "kis" if values.get("kis_app_keys") else "kissim")
    if len(str(values["jwt_secret"])) < 32:
        raise SettingsError("JWT_SECRET: must be at least 32 characters")
    return Settings(**values)  # type: ignore[arg-type]


def load_or_exit(environ: Mapping[str, str] | None = None) -> Settings:
    """`load`, or stop the process with the one-line reason."""
    try:
        return load(environ)
    except SettingsError as exc:
        sys.exit(f"설정 오류 (configuration error): {exc}")
