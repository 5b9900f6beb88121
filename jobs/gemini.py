"""Gemini outlook analysis through the google-genai SDK (external-apis.md §6).

The SDK is pinned (google-genai 3.3.x, see pyproject/constraints) and the REST API version is
set explicitly (`API_VERSION`, the 3.x default `v1`), so requests always go to
`POST {base}/v1/models/{model}:generateContent` with the key in `x-goog-api-key`.
Structured output: `response_mime_type="application/json"` + a pydantic `response_schema`;
the answer is validated (score 0–100, a known outlook label, 3–5 drivers and risks) and any
failure — invalid JSON, truncation, quota, timeout — falls back to the rule-based result, so a
subject always gets an analysis. Token use and an estimated cost are logged and stored in `usage`.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from pydantic import BaseModel, Field

from jobs.analysis import OUTLOOKS, Outlook, RuleAnalyzer, Subject, outlook_label

log = logging.getLogger(__name__)
API_VERSION = "v1"
# USD per million tokens (gemini-2.5-flash list price), for the logged estimate only.
PRICE_IN, PRICE_OUT = 0.30, 2.50

SYSTEM = (
    "당신은 한국 주식시장 애널리스트입니다. 주어진 재무 수치, 업종 비교 기준, 주가 흐름, 뉴스 키워드와 "
    "헤드라인만을 근거로 성장 전망을 평가하세요. 모든 근거 문장에는 주어진 수치를 인용하고, 주어지지 않은 "
    "사실은 지어내지 마세요. growth_score는 0~100 정수, outlook은 다음 중 하나: "
    + ", ".join(OUTLOOKS)
    + ". drivers와 risks는 각각 3~5개의 한국어 문장, summary는 2~3문장."
)


class OutlookModel(BaseModel):
    growth_score: int = Field(description="0-100")
    outlook: str
    summary: str
    drivers: list[str]
    risks: list[str]


class GeminiOutputError(ValueError):
    """The model's answer was not a valid outlook."""


def validate(parsed: OutlookModel | None, text: str | None) -> OutlookModel:
    if parsed is None:
        try:
            parsed = OutlookModel.model_validate(orjson.loads(text or ""))
        except Exception as exc:
            raise GeminiOutputError(f"invalid JSON from the model: {str(text)[:80]!r}") from exc
    if not 0 <= parsed.growth_score <= 100:
        raise GeminiOutputError(f"growth_score out of range: {parsed.growth_score}")
    drivers = [d.strip() for d in parsed.drivers if d and d.strip()][:5]
    risks = [r.strip() for r in parsed.risks if r and r.strip()][:5]
    if len(drivers) < 3 or len(risks) < 3 or not parsed.summary.strip():
        raise GeminiOutputError("fewer than 3 drivers or risks, or no summary")
    outlook = parsed.outlook.strip() if parsed.outlook.strip() in OUTLOOKS else outlook_label(parsed.growth_score)
    return OutlookModel(
        growth_score=parsed.growth_score, outlook=outlook, summary=parsed.summary.strip(), drivers=drivers, risks=risks
    )


def prompt(subject: Subject) -> str:
    kind = "기업" if subject.subject_type == "company" else "업종"
    payload = {
        "figures": subject.figures,
        "benchmark": subject.benchmark,
        "headlines": subject.figures.get("headlines", []),
    }
    return (
        f"{kind} '{subject.name}'의 성장 전망을 평가하세요. 금액 단위는 원, 비율은 %.\n"
        + orjson.dumps(payload, default=str).decode()
    )


class GeminiAnalyzer:
    mode = "gemini"

    def __init__(
        self,
        settings,
        *,
        fallback: RuleAnalyzer | None = None,
        timeout_s: float = 60.0,
        attempts: int = 3,
        initial_delay_s: float = 2.0,
    ) -> None:
        from google import genai
        from google.genai import types

        self.types = types
        self.model = settings.collectors.gemini_model
        options: dict[str, Any] = {
            "api_version": API_VERSION,
            "timeout": int(timeout_s * 1000),
            "retry_options": types.HttpRetryOptions(
                attempts=attempts, initial_delay=initial_delay_s, http_status_codes=[429, 500, 503]
            ),
        }
        if settings.collectors.gemini_base_url:
            options["base_url"] = settings.collectors.gemini_base_url
        self.client = genai.Client(
            api_key=settings.collectors.gemini_api_key, http_options=types.HttpOptions(**options)
        )
        self.fallback = fallback or RuleAnalyzer()

    async def generate(self, subject: Subject) -> Outlook:
        """One generateContent call; raises on any failure."""
        resp = await self.client.aio.models.generate_content(
            model=self.model,
            contents=prompt(subject),
            config=self.types.GenerateContentConfig(
                system_instruction=SYSTEM,
                temperature=0.2,
                response_mime_type="application/json",
                response_schema=OutlookModel,
            ),
        )
        finish = None
        if resp.candidates:
            finish = getattr(resp.candidates[0].finish_reason, "value", resp.candidates[0].finish_reason)
        if finish not in (None, "STOP"):
            raise GeminiOutputError(f"finishReason {finish}")
        out = validate(resp.parsed if isinstance(resp.parsed, OutlookModel) else None, resp.text)
        um = resp.usage_metadata
        usage = {
            "promptTokens": getattr(um, "prompt_token_count", None),
            "outputTokens": getattr(um, "candidates_token_count", None),
            "totalTokens": getattr(um, "total_token_count", None),
        }
        usage["costUsd"] = round(
            ((usage["promptTokens"] or 0) * PRICE_IN + (usage["outputTokens"] or 0) * PRICE_OUT) / 1e6, 6
        )
        log.info(
            "gemini %s %s: %s tokens, ~$%s",
            subject.subject_type,
            subject.name,
            usage["totalTokens"],
            usage["costUsd"],
            extra={"usage": usage, "model": self.model},
        )
        return Outlook(
            out.growth_score,
            out.outlook,
            out.summary,
            out.drivers,
            out.risks,
            "gemini",
            resp.model_version or self.model,
            {"figures": subject.figures, "benchmark": subject.benchmark},
            usage,
        )

    async def analyse(self, subject: Subject) -> Outlook:
        try:
            return await self.generate(subject)
        except Exception as exc:  # noqa: BLE001 - any failure: the transparent rule result instead
            log.warning(
                "gemini analysis of %s failed (%s: %s); rule-based result used", subject.name, type(exc).__name__, exc
            )
            result = self.fallback.analyse_sync(subject)
            result.inputs["geminiError"] = f"{type(exc).__name__}: {exc}"[:300]
            return result
