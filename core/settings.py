"""Settings of every process, declared once and read once from the environment.

Each field below names its environment variable, parser, default and meaning in one place
(`setting(...)`); `load()` builds the frozen `Settings`, `markdown_table()` writes the README's
table from the same declarations (tests/foundation/test_settings.py keeps the README true).
Settings are sectioned by the process that uses them: `settings.api`, `settings.stream`,
`settings.kis`, `settings.ingest`, `settings.kissim`, `settings.collectors`; what every process
needs sits at the top level.

A bad value stops the process with a one-line reason (`load_or_exit`). Secrets are only read
here, from the environment — or, for `NAME_FILE=/path` (Docker/Compose secrets), from that file —
and never logged: `Settings.public()` masks them.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlparse

REPO_ROOT = Path(__file__).resolve().parents[1]
REQUIRED = ("DATABASE_URL", "REDIS_URL", "JWT_SECRET")
FILE_CAPABLE = ("DATABASE_URL", "REDIS_URL", "JWT_SECRET")  # besides every secret: NAME_FILE may name a file

T = TypeVar("T")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


# ---------------------------------------------------------------------------------------- parsers


def url(*schemes: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        parsed = urlparse(raw)
        if parsed.scheme not in schemes or not (parsed.hostname or parsed.path):
            raise ValueError(f"expected a URL with scheme {'/'.join(schemes)}")
        return raw

    return parse


def int_range(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError("expected an integer") from None
        if not low <= value <= high:
            raise ValueError(f"expected an integer between {low} and {high}")
        return value

    return parse


def float_range(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("expected a number") from None
        if not low <= value <= high:
            raise ValueError(f"expected a number between {low} and {high}")
        return value

    return parse


def boolean(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true/false")


def choice(*options: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return raw

    return parse


def text(raw: str) -> str:
    return raw


def path(raw: str) -> Path:
    return Path(raw)


def symbols(raw: str) -> tuple[str, ...]:
    codes = tuple(s.strip() for s in raw.split(",") if s.strip())
    for code in codes:
        if len(code) != 6 or not code.isalnum():
            raise ValueError(f"'{code}' is not a 6-character stock code")
    return codes


@dataclass(frozen=True)
class KisAppKey:
    app_key: str
    app_secret: str = field(repr=False)


def networks(raw: str) -> tuple[str, ...]:
    """`127.0.0.0/8,::1/128`: IP networks (CIDR), checked here and kept as text."""
    import ipaddress

    nets = tuple(n.strip() for n in raw.split(",") if n.strip())
    for net in nets:
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError:
            raise ValueError(f"'{net}' is not an IP network (e.g. 10.0.0.0/8)") from None
    return nets


def app_keys(raw: str) -> tuple[KisAppKey, ...]:
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


def setting(env: str, default: T, parse: Callable[[str], Any], doc: str, *, secret: bool = False) -> T:
    """One declared setting: its variable, default, parser and meaning (shown in the README)."""
    return field(default=default, repr=not secret, metadata={"env": env, "parse": parse, "doc": doc, "secret": secret})


# --------------------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class ApiSettings:
    host: str = setting("API_HOST", "127.0.0.1", text, "api bind address")
    port: int = setting("API_PORT", 8000, int_range(1, 65535), "api port (SPA, REST, WebSocket, SSE)")
    workers: int = setting("API_WORKERS", 1, int_range(1, 64), "api worker processes")
    jwt_secret: str = setting(
        "JWT_SECRET", "", text, "HS256 signing secret, ≥ 32 characters (`make run` generates one)", secret=True
    )
    jwt_access_ttl_seconds: int = setting("JWT_ACCESS_TTL_SECONDS", 900, int_range(1, 24 * 3600), "access token life")
    jwt_refresh_ttl_seconds: int = setting(
        "JWT_REFRESH_TTL_SECONDS", 14 * 24 * 3600, int_range(60, 90 * 24 * 3600), "refresh token life"
    )
    bcrypt_rounds: int = setting("BCRYPT_ROUNDS", 12, int_range(4, 16), "bcrypt cost (tests lower it)")
    rate_limit_enabled: bool = setting("RATE_LIMIT_ENABLED", True, boolean, "rate limits on (benchmarks compare)")
    rate_limit_per_minute: int = setting(
        "RATE_LIMIT_PER_MINUTE", 600, int_range(1, 10_000_000), "requests per minute per IP and per user"
    )
    auth_rate_limit_per_minute: int = setting(
        "AUTH_RATE_LIMIT_PER_MINUTE", 20, int_range(1, 1_000_000), "login/signup/refresh per minute per IP"
    )
    signup_rate_limit_per_hour: int = setting(
        "SIGNUP_RATE_LIMIT_PER_HOUR", 10, int_range(1, 1_000_000), "signup attempts per hour per IP"
    )
    signup_address_rate_limit_per_hour: int = setting(
        "SIGNUP_ADDRESS_RATE_LIMIT_PER_HOUR", 5, int_range(1, 1_000_000), "signup attempts per hour per email address"
    )
    metrics_networks: tuple[str, ...] = setting(
        "API_METRICS_NETWORKS",
        ("127.0.0.0/8", "::1/128"),
        networks,
        "peers (CIDR, comma-separated) that may read `/metrics`; others get 404",
    )
    trusted_proxies: tuple[str, ...] = setting(
        "API_TRUSTED_PROXIES",
        (),
        networks,
        "reverse proxies (CIDR) whose `X-Real-IP` names the client; unset: the TCP peer is the client",
    )
    cache_enabled: bool = setting("API_CACHE_ENABLED", True, boolean, "Redis response cache on")
    frontend_dist: Path = setting("FRONTEND_DIST", REPO_ROOT / "frontend" / "dist", path, "the built SPA")


@dataclass(frozen=True)
class StreamSettings:
    max_symbols: int = setting("STREAM_MAX_SYMBOLS", 50, int_range(1, 10_000), "symbols per connection and channel")
    max_connections_per_user: int = setting(
        "STREAM_MAX_CONNECTIONS_PER_USER", 10, int_range(1, 1_000_000), "open streams per user, all workers"
    )
    max_messages_per_second: int = setting(
        "STREAM_MAX_MESSAGES_PER_SECOND", 10, int_range(1, 100_000), "client messages per second"
    )
    send_queue: int = setting(
        "STREAM_SEND_QUEUE", 256, int_range(1, 1_000_000), "queued ticks per connection before the oldest drop"
    )
    slow_client_seconds: float = setting(
        "STREAM_SLOW_CLIENT_SECONDS", 10.0, float_range(0.1, 3600), "blocked this long: close 4408"
    )
    heartbeat_seconds: float = setting("STREAM_HEARTBEAT_SECONDS", 15.0, float_range(0.1, 3600), "SSE heartbeat")


@dataclass(frozen=True)
class KisSettings:
    app_keys: tuple[KisAppKey, ...] = setting(
        "KIS_APP_KEYS", (), app_keys, "broker keys `appkey:appsecret[,…]`; switches ingest to KIS", secret=True
    )
    rest_url: str = setting(
        "KIS_REST_URL", "https://openapi.koreainvestment.com:9443", url("http", "https"), "KIS REST endpoint"
    )
    ws_url: str = setting("KIS_WS_URL", "ws://ops.koreainvestment.com:21000", url("ws", "wss"), "KIS WebSocket")
    max_registrations: int = setting(
        "KIS_MAX_REGISTRATIONS", 41, int_range(1, 1000), "real-time registrations per session"
    )
    custtype: str = setting("KIS_CUSTTYPE", "P", choice("P", "B"), "customer type (P personal, B corporate)")
    rest_rate_per_second: float = setting(
        "KIS_REST_RATE_PER_SECOND", 15.0, float_range(0.1, 1000), "REST calls per second per app key"
    )
    token_min_interval_seconds: float = setting(
        "KIS_TOKEN_MIN_INTERVAL_SECONDS", 60.0, float_range(0, 3600), "KIS issues a token at most once a minute"
    )
    subscribe_pause_ms: int = setting(
        "KIS_SUBSCRIBE_PAUSE_MS", 20, int_range(0, 10_000), "pause between subscribe messages"
    )
    master_url: str = setting(
        "KIS_MASTER_URL",
        "https://new.real.download.dws.co.kr/common/master",
        url("http", "https"),
        "where the stock master files are downloaded",
    )


@dataclass(frozen=True)
class IngestSettings:
    source: str = setting(
        "INGEST_SOURCE", "", choice("kis", "kissim"), "kis (the broker) or kissim; default: kis when keys are set"
    )
    subscribe_symbols: tuple[str, ...] = setting(
        "SUBSCRIBE_SYMBOLS", (), symbols, "codes ingest always follows, e.g. `005930,000660`"
    )
    watchdog_seconds: float = setting(
        "INGEST_WATCHDOG_SECONDS", 90.0, float_range(0.5, 3600), "no message for this long: reconnect"
    )
    backoff_initial_seconds: float = setting(
        "INGEST_BACKOFF_INITIAL_SECONDS", 1.0, float_range(0.01, 600), "first reconnect delay"
    )
    backoff_max_seconds: float = setting("INGEST_BACKOFF_MAX_SECONDS", 60.0, float_range(0.1, 3600), "longest delay")
    in_use_backoff_seconds: float = setting(
        "INGEST_IN_USE_BACKOFF_SECONDS", 65.0, float_range(0.1, 3600), "wait after OPSP8996 ALREADY IN USE appkey"
    )
    batch_max_rows: int = setting(
        "INGEST_BATCH_MAX_ROWS", 5000, int_range(1, 10_000_000), "COPY when this many rows are pending …"
    )
    batch_max_ms: int = setting(
        "INGEST_BATCH_MAX_MS", 250, int_range(1, 600_000), "… or when the oldest pending row is this old"
    )
    buffer_max_rows: int = setting(
        "INGEST_BUFFER_MAX_ROWS", 200_000, int_range(1, 100_000_000), "rows in memory while PostgreSQL is away"
    )
    demand_ttl_seconds: float = setting(
        "INGEST_DEMAND_TTL_SECONDS", 90.0, float_range(1, 86400), "a browser's demand for a symbol lasts this long"
    )
    reallocate_seconds: float = setting(
        "INGEST_REALLOCATE_SECONDS", 10.0, float_range(0.1, 3600), "slot allocation interval"
    )
    poll_interval_seconds: float = setting(
        "INGEST_POLL_INTERVAL_SECONDS", 5.0, float_range(0.1, 3600), "each polled symbol at most this often"
    )
    default_symbol_count: int = setting(
        "INGEST_DEFAULT_SYMBOL_COUNT", 40, int_range(0, 10_000), "without SUBSCRIBE_SYMBOLS: most traded symbols"
    )
    status_interval_seconds: float = setting(
        "INGEST_STATUS_INTERVAL_SECONDS", 2.0, float_range(0.1, 60), "`ingest:status` heartbeat interval"
    )
    lock_ttl_seconds: float = setting(
        "INGEST_LOCK_TTL_SECONDS", 15.0, float_range(1, 3600), "Redis lock that makes one process own an app key"
    )
    metrics_port: int = setting("INGEST_METRICS_PORT", 0, int_range(0, 65535), "Prometheus exporter port (0: off)")
    state_write_ms: int = setting(
        "INGEST_STATE_WRITE_MS", 50, int_range(0, 60_000), "last tick and open bars written at most this often"
    )


@dataclass(frozen=True)
class KissimSettings:
    port: int = setting("KISSIM_PORT", 21000, int_range(0, 65535), "kissim's port when started by hand")
    speed: float = setting("KISSIM_SPEED", 60.0, float_range(0.01, 100_000), "replay speed factor")
    mode: str = setting("KISSIM_MODE", "demo", choice("demo", "market-hours"), "always open, or KRX hours")
    seed: int = setting("KISSIM_SEED", 7, int_range(0, 2**31), "random seed")
    trade_rate: float = setting(
        "KISSIM_TRADE_RATE", 2.0, float_range(0.001, 1_000_000), "mean trades per second per symbol"
    )
    frame_interval_ms: int = setting(
        "KISSIM_FRAME_INTERVAL_MS", 100, int_range(1, 60_000), "trades of this interval are sent as frames"
    )
    pingpong_seconds: float = setting("KISSIM_PINGPONG_SECONDS", 30.0, float_range(0.1, 3600), "PINGPONG interval")
    rest_limit_per_second: int = setting(
        "KISSIM_REST_LIMIT_PER_SECOND", 20, int_range(1, 1_000_000), "more REST calls per key are refused (EGW00201)"
    )


@dataclass(frozen=True)
class CollectorSettings:
    naver_client_id: str | None = setting("NAVER_CLIENT_ID", None, text, "Naver news search", secret=True)
    naver_client_secret: str | None = setting("NAVER_CLIENT_SECRET", None, text, "Naver news search", secret=True)
    naver_api_url: str = setting("NAVER_API_URL", "https://openapi.naver.com", url("http", "https"), "Naver host")
    dart_api_key: str | None = setting("DART_API_KEY", None, text, "Open DART financials and filings", secret=True)
    dart_api_url: str = setting("DART_API_URL", "https://opendart.fss.or.kr", url("http", "https"), "DART host")
    gemini_api_key: str | None = setting("GEMINI_API_KEY", None, text, "outlook analysis with Gemini", secret=True)
    gemini_base_url: str | None = setting("GEMINI_BASE_URL", None, url("http", "https"), "Gemini host (SDK default)")
    gemini_model: str = setting("GEMINI_MODEL", "gemini-2.5-flash", text, "Gemini model")
    jina_api_key: str | None = setting("JINA_API_KEY", None, text, "Jina Reader (keyless: rate-limited)", secret=True)
    jina_api_url: str = setting("JINA_API_URL", "https://r.jina.ai", url("http", "https"), "Jina Reader host")
    yfinance_enabled: bool = setting(
        "YFINANCE_ENABLED", False, boolean, "yfinance as the daily-price source without KIS keys (needs Yahoo)"
    )


@dataclass(frozen=True)
class Settings:
    database_url: str = setting(
        "DATABASE_URL", "", url("postgresql", "postgres"), "PostgreSQL/TimescaleDB (`make run`: embedded)"
    )
    database_password: str | None = setting(
        "DATABASE_PASSWORD", None, text, "password of DATABASE_URL's user when the URL carries none", secret=True
    )
    redis_url: str = setting("REDIS_URL", "", url("redis", "rediss", "unix"), "Redis 6.2+ (`make run`: embedded)")
    opensearch_url: str | None = setting(
        "OPENSEARCH_URL", None, url("http", "https"), "OpenSearch with nori; search uses PostgreSQL without it"
    )
    log_level: str = setting("LOG_LEVEL", "INFO", choice("DEBUG", "INFO", "WARNING", "ERROR"), "log level")
    log_format: str = setting("LOG_FORMAT", "json", choice("json", "text"), "json (one object per line) or text")
    data_dir: Path = setting("DATA_DIR", REPO_ROOT / ".data", path, "local state: embedded servers, spill, tokens")
    snapshot_dir: Path = setting("SNAPSHOT_DIR", REPO_ROOT / "data", path, "the bundled KRX snapshot")
    sql_dir: Path = setting("SQL_DIR", REPO_ROOT / "sql", path, "schema migrations")
    api: ApiSettings = field(default_factory=ApiSettings)
    stream: StreamSettings = field(default_factory=StreamSettings)
    kis: KisSettings = field(default_factory=KisSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    kissim: KissimSettings = field(default_factory=KissimSettings)
    collectors: CollectorSettings = field(default_factory=CollectorSettings)

    def public(self) -> dict[str, object]:
        """Settings safe to log or show: secrets are masked."""
        return _public(self)


SECTIONS: dict[str, type] = {f.name: f.default_factory for f in dataclasses.fields(Settings) if f.metadata == {}}  # type: ignore[misc]  # sections have factories


def _public(section: object) -> dict[str, object]:
    shown: dict[str, object] = {}
    for f in dataclasses.fields(section):  # type: ignore[arg-type]  # always a section dataclass
        value = getattr(section, f.name)
        if f.name in SECTIONS:
            shown[f.name] = _public(value)
        elif f.metadata.get("secret"):
            shown[f.name] = "***" if value else None
        elif f.name in ("database_url", "redis_url") and value:
            parsed = urlparse(value)
            shown[f.name] = value.replace(f":{parsed.password}@", ":***@") if parsed.password else value
        else:
            shown[f.name] = str(value) if isinstance(value, Path) else value
    return shown


def declared() -> list[tuple[str, dataclasses.Field[Any]]]:
    """Every setting as (section, field), in declaration order ('' for the top level)."""
    out: list[tuple[str, dataclasses.Field[Any]]] = []
    for f in dataclasses.fields(Settings):
        if f.name in SECTIONS:
            out += [(f.name, g) for g in dataclasses.fields(SECTIONS[f.name])]
        else:
            out.append(("", f))
    return out


def _parse(env: Mapping[str, str], fields: Iterable[dataclasses.Field[Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields:
        name = f.metadata["env"]
        raw = env.get(name)
        if raw is None or raw == "":
            continue
        try:
            values[f.name] = f.metadata["parse"](raw)
        except ValueError as exc:
            raise SettingsError(f"{name}: {exc}") from None
    return values


def _with_secret_files(env: Mapping[str, str]) -> Mapping[str, str]:
    """`NAME_FILE=/run/secrets/name` stands for `NAME` (its content, without the final newline)
    for every secret and for DATABASE_URL / REDIS_URL, which may carry a password."""
    resolved: dict[str, str] | None = None
    for _, f in declared():
        name = f.metadata["env"]
        if not (f.metadata["secret"] or name in FILE_CAPABLE):
            continue
        file_name = f"{name}_FILE"
        file_path = env.get(file_name)
        if not file_path:
            continue
        if env.get(name):
            raise SettingsError(f"{name} and {file_name} are both set; keep one")
        try:
            value = Path(file_path).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise SettingsError(f"{file_name}: cannot read {file_path} ({exc.strerror or exc})") from None
        if not value:
            raise SettingsError(f"{file_name}: {file_path} is empty")
        resolved = dict(env) if resolved is None else resolved
        resolved[name] = value
    return env if resolved is None else resolved


def _with_database_password(database_url: str, password: str | None) -> str:
    """DATABASE_URL with DATABASE_PASSWORD put in, so the URL itself can stay free of secrets."""
    if not password or not database_url:
        return database_url
    parsed = urlparse(database_url)
    if parsed.password is not None:
        raise SettingsError("DATABASE_PASSWORD: DATABASE_URL already carries a password; keep one")
    if not parsed.username:
        raise SettingsError("DATABASE_PASSWORD: DATABASE_URL names no user (postgresql://USER@host/db)")
    host = parsed.netloc.rpartition("@")[2]
    return parsed._replace(netloc=f"{parsed.username}:{quote(password, safe='')}@{host}").geturl()


def load(environ: Mapping[str, str] | None = None, *, require: Iterable[str] = REQUIRED) -> Settings:
    """Build the settings from `environ` (default: the process environment)."""
    env = _with_secret_files(os.environ if environ is None else environ)
    for name in require:
        if not env.get(name):
            raise SettingsError(f"{name} is not set" + (f" (nor {name}_FILE)" if name in FILE_CAPABLE else ""))
    top = _parse(env, (f for f in dataclasses.fields(Settings) if f.name not in SECTIONS))
    if "database_url" in top:
        top["database_url"] = _with_database_password(top["database_url"], top.get("database_password"))
    sections = {name: _parse(env, dataclasses.fields(cls)) for name, cls in SECTIONS.items()}
    if not sections["ingest"].get("source"):
        sections["ingest"]["source"] = "kis" if sections["kis"].get("app_keys") else "kissim"
    secret = sections["api"].get("jwt_secret", "")
    if "JWT_SECRET" in require and len(secret) < 32:
        raise SettingsError("JWT_SECRET: must be at least 32 characters")
    return Settings(**top, **{name: SECTIONS[name](**values) for name, values in sections.items()})


def load_or_exit(environ: Mapping[str, str] | None = None, *, require: Iterable[str] = REQUIRED) -> Settings:
    """`load`, or stop the process with the one-line reason."""
    try:
        return load(environ, require=require)
    except SettingsError as exc:
        sys.exit(f"설정 오류 (configuration error): {exc}")


def markdown_table() -> str:
    """The README's settings table, from the declarations."""
    lines = ["| variable | section | meaning | default |", "|---|---|---|---|"]
    for section, f in declared():
        default = f.default if f.default is not dataclasses.MISSING else None
        if isinstance(default, Path):
            default = str(default.relative_to(REPO_ROOT)) if default.is_relative_to(REPO_ROOT) else str(default)
        if isinstance(default, tuple) and all(isinstance(item, str) for item in default):
            default = ",".join(default)
        shown = "unset" if default in (None, "", ()) else f"`{default}`"
        lines.append(f"| `{f.metadata['env']}` | {section or '—'} | {f.metadata['doc']} | {shown} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
