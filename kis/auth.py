"""KIS credentials: the WebSocket approval key and the REST access token of one app key.

The access token is kept on disk under DATA_DIR/kis (one file per key, mode 600), refreshed an hour
before it expires, and never requested more often than KIS_TOKEN_MIN_INTERVAL_SECONDS: KIS
issues one a minute and notifies the account holder of each. Ingest and the jobs share the file.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from pathlib import Path

import aiohttp
import orjson

from core.services import AuthError, ServiceError
from core.settings import KisAppKey, Settings

log = logging.getLogger(__name__)

APPROVAL_LIFETIME_S = 23 * 3600  # KIS approval keys live 24 h
TOKEN_REFRESH_BEFORE_S = 3600


def key_id(app_key: str) -> str:
    """A short non-secret id of an app key for logs, locks and status."""
    return hashlib.sha256(app_key.encode()).hexdigest()[:12]


class KisAuth:
    def __init__(
        self,
        app_key: str,
        app_secret: str,
        rest_url: str,
        state_dir: Path,
        http: aiohttp.ClientSession,
        token_min_interval: float,
    ) -> None:
        self.app_key, self.app_secret = app_key, app_secret
        self.rest_url = rest_url.rstrip("/")
        self.http = http
        self.token_min_interval = token_min_interval
        self.id = key_id(app_key)
        self._token_file = state_dir / f"kis-token-{self.id}.json"
        self._approval: tuple[str, float] | None = None
        self._token: tuple[str, float] | None = None  # (token, expires epoch s)
        self._last_token_request = 0.0
        self._lock = asyncio.Lock()
        self._load_token()

    @classmethod
    def from_settings(cls, key: KisAppKey, settings: Settings, http: aiohttp.ClientSession) -> KisAuth:
        """The credentials of one configured key; the token file is shared by every process."""
        return cls(
            key.app_key,
            key.app_secret,
            settings.kis.rest_url,
            settings.data_dir / "kis",
            http,
            settings.kis.token_min_interval_seconds,
        )

    def _load_token(self) -> None:
        try:
            data = orjson.loads(self._token_file.read_bytes())
            self._last_token_request = float(data.get("requestedAt", 0))
            if data.get("token") and float(data["expiresAt"]) > time.time() + 300:
                self._token = (data["token"], float(data["expiresAt"]))
        except (OSError, ValueError, KeyError):
            pass

    def _save_token(self) -> None:
        try:
            self._token_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._token_file.with_suffix(".tmp")
            tmp.write_bytes(
                orjson.dumps(
                    {
                        "token": self._token[0] if self._token else None,
                        "expiresAt": self._token[1] if self._token else 0,
                        "requestedAt": self._last_token_request,
                    }
                )
            )
            tmp.chmod(0o600)
            os.replace(tmp, self._token_file)
        except OSError as exc:
            # Not fatal, but every restart will then ask KIS for a new token (one a minute at most).
            log.warning("KIS token cache %s not writable (%s): check DATA_DIR", self._token_file, exc)

    async def _post(self, path: str, body: dict[str, str]) -> tuple[int, dict[str, object]]:
        async with self.http.post(
            f"{self.rest_url}{path}", json=body, headers={"content-type": "application/json; charset=utf-8"}
        ) as resp:
            raw = await resp.read()
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            data = {}
        return resp.status, data if isinstance(data, dict) else {}

    async def approval_key(self, refresh: bool = False) -> str:
        async with self._lock:
            if self._approval and not refresh and self._approval[1] > time.time():
                return self._approval[0]
            status, data = await self._post(
                "/oauth2/Approval",
                {"grant_type": "client_credentials", "appkey": self.app_key, "secretkey": self.app_secret},
            )
            if status != 200 or "approval_key" not in data:
                raise AuthError(
                    "kis", str(data.get("error_code", status)), str(data.get("error_description", "")), status
                )
            self._approval = (str(data["approval_key"]), time.time() + APPROVAL_LIFETIME_S)
            return self._approval[0]

    async def access_token(self, force: bool = False) -> str:
        async with self._lock:
            now = time.time()
            if self._token and not force and self._token[1] - now > TOKEN_REFRESH_BEFORE_S:
                return self._token[0]
            wait = self._last_token_request + self.token_min_interval - now
            if wait > 0:
                if self._token and self._token[1] > now + 60:
                    return self._token[0]  # still valid: use it rather than wait
                raise ServiceError(
                    "kis",
                    "EGW00133",
                    f"token requested {self.token_min_interval - wait:.0f} s ago; next allowed in {wait:.0f} s",
                )
            self._last_token_request = now
            status, data = await self._post(
                "/oauth2/tokenP",
                {"grant_type": "client_credentials", "appkey": self.app_key, "appsecret": self.app_secret},
            )
            if status != 200 or "access_token" not in data:
                self._save_token()
                raise AuthError(
                    "kis", str(data.get("error_code", status)), str(data.get("error_description", "")), status
                )
            self._token = (str(data["access_token"]), now + float(str(data.get("expires_in", 86400))))
            self._save_token()
            return self._token[0]

    def drop_token(self) -> None:
        self._token = None
