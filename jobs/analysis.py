"""Outlook analysis of every company and industry → table `analyses` (one per subject per day).

One interface, two analysers, one output schema (`Outlook`):

* `RuleAnalyzer` (mode 'rule', model 'rule-based-v1') — deterministic and transparent: the score
  is 50 plus the points of each factor below, each capped; every factor's figure and points are
  stored in `inputs`, and every driver/risk sentence quotes the figure it comes from.

  | factor | points | cap |
  |---|---|---|
  | revenue growth, last FY vs the one before | 0.4 × growth % | ±10 |
  | operating profit trend | 흑자전환 +6, 적자전환 −8, both losses −6, else 0.05 × growth % | ±6/−8 |
  | operating margin vs industry median | 0.5 × (margin − median) %p | ±8 |
  | valuation: PER vs industry median PER | 8 × (1 − PER / median); loss-making −5 | ±8 |
  | recent growth: 9M revenue vs the same quarters a year before | 0.2 × growth % | ±6 |
  | price momentum, 3 months / 12 months | 0.25 × return % / 0.08 × return % | ±7 / ±6 |
  | news tone, 30 days: positive − negative keyword mentions | 0.5 × difference | ±5 |

  Industries use the same factors on aggregated figures (sum of revenue/operating profit of the
  industry's companies, median momentum and PER), benchmarked against the whole market.

* `GeminiAnalyzer` (mode 'gemini', jobs/gemini.py) when GEMINI_API_KEY is set: the same figures go
  into the prompt; at most one call per subject per day; any failure falls back to the rule result.

The job that runs them over every subject and stores the results is jobs/outlooks.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)
SEOUL = ZoneInfo("Asia/Seoul")
RULE_MODEL = "rule-based-v1"
OUTLOOKS = ("긍정적", "다소 긍정적", "중립", "다소 부정적", "부정적")

POSITIVE_WORDS = frozenset(
    "상승 급등 호조 성장 최대 수주 흑자 개선 증가 신고가 반등 호실적 돌파 확대 기대 수혜 강세".split()
)
NEGATIVE_WORDS = frozenset(
    "하락 급락 부진 감소 적자 손실 우려 리스크 소송 악화 둔화 제재 리콜 하향 쇼크 약세 위기".split()
)


@dataclass
class Outlook:
    growth_score: int
    outlook: str
    summary: str
    drivers: list[str]
    risks: list[str]
    mode: str
    model: str
    inputs: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, Any] | None = None


@dataclass
class Subject:
    subject_type: str  # company | industry
    subject_id: int
    name: str
    figures: dict[str, Any]  # the measured inputs (None where unknown)
    benchmark: dict[str, Any]  # what the figures are compared with (industry or market medians)


class Analyzer(Protocol):
    mode: str

    async def analyse(self, subject: Subject) -> Outlook: ...


def outlook_label(score: int) -> str:
    if score >= 70:
        return OUTLOOKS[0]
    if score >= 55:
        return OUTLOOKS[1]
    if score >= 45:
        return OUTLOOKS[2]
    if score >= 30:
        return OUTLOOKS[3]
    return OUTLOOKS[4]


def _clamp(x: float, low: float, high: float) -> float:
    return max(low, min(high, x))


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:+.1f}%"


def _won(x: float | None) -> str:
    if x is None:
        return "n/a"
    if abs(x) >= 1e12:
        return f"{x / 1e12:,.1f}조원"
    return f"{x / 1e8:,.0f}억원"


def _growth(new: float | None, old: float | None) -> float | None:
    if new is None or old is None or old <= 0:
        return None
    return (new - old) / old * 100.0


class RuleAnalyzer:
    mode = "rule"
    model = RULE_MODEL

    def factors(self, s: Subject) -> list[tuple[str, float, str, str]]:
        """(factor, points, driver sentence, risk sentence) for every factor with data."""
        f, b = s.figures, s.benchmark
        out: list[tuple[str, float, str, str]] = []
        fy = f.get("fiscal_year")
        g = f.get("revenue_growth")
        if g is not None:
            out.append(
                (
                    "revenue_growth",
                    _clamp(0.4 * g, -10, 10),
                    f"FY{fy} 매출 {_won(f.get('revenue'))}, 전년 대비 {_pct(g)} 성장",
                    f"FY{fy} 매출 {_won(f.get('revenue'))}, 전년 대비 {_pct(g)} 감소",
                )
            )
        op, op_prev = f.get("operating_profit"), f.get("operating_profit_prev")
        if op is not None and op_prev is not None:
            if op > 0 and op_prev <= 0:
                pts = 6.0
            elif op <= 0 < op_prev:
                pts = -8.0
            elif op <= 0 and op_prev <= 0:
                pts = -6.0
            else:
                pts = _clamp(0.05 * ((op - op_prev) / op_prev * 100.0), -6, 6)
            state = (
                "흑자 전환"
                if op > 0 >= op_prev
                else "적자 전환"
                if op <= 0 < op_prev
                else "적자 지속"
                if op <= 0
                else f"전년 대비 {_pct((op - op_prev) / op_prev * 100.0)}"
            )
            out.append(
                (
                    "operating_profit_trend",
                    pts,
                    f"FY{fy} 영업이익 {_won(op)} ({state})",
                    f"FY{fy} 영업이익 {_won(op)} ({state})",
                )
            )
        m, bm = f.get("operating_margin"), b.get("operating_margin")
        if m is not None and bm is not None:
            out.append(
                (
                    "margin_vs_benchmark",
                    _clamp(0.5 * (m - bm), -8, 8),
                    f"영업이익률 {m:.1f}%로 {b['label']} 중앙값 {bm:.1f}%보다 높음",
                    f"영업이익률 {m:.1f}%로 {b['label']} 중앙값 {bm:.1f}%보다 낮음",
                )
            )
        per, bper = f.get("per"), b.get("per")
        if f.get("net_income") is not None and f["net_income"] <= 0:
            out.append(("valuation", -5.0, "", f"FY{fy} 순손실 {_won(f['net_income'])}로 PER 산정 불가 (적자)"))
        elif per is not None and bper:
            out.append(
                (
                    "valuation",
                    _clamp(8 * (1 - per / bper), -8, 8),
                    f"PER {per:.1f}배로 {b['label']} 중앙값 {bper:.1f}배 대비 저평가",
                    f"PER {per:.1f}배로 {b['label']} 중앙값 {bper:.1f}배 대비 고평가",
                )
            )
        rg = f.get("recent_growth")
        if rg is not None:
            out.append(
                (
                    "recent_growth",
                    _clamp(0.2 * rg, -6, 6),
                    f"{f.get('recent_period')} 누적 매출 전년 동기 대비 {_pct(rg)}",
                    f"{f.get('recent_period')} 누적 매출 전년 동기 대비 {_pct(rg)}",
                )
            )
        r3 = f.get("return_3m")
        if r3 is not None:
            out.append(
                (
                    "momentum_3m",
                    _clamp(0.25 * r3, -7, 7),
                    f"최근 3개월 주가 {_pct(r3)} (기준일 {f.get('price_date')})",
                    f"최근 3개월 주가 {_pct(r3)} (기준일 {f.get('price_date')})",
                )
            )
        r12 = f.get("return_12m")
        if r12 is not None:
            out.append(
                (
                    "momentum_12m",
                    _clamp(0.08 * r12, -6, 6),
                    f"최근 12개월 주가 {_pct(r12)}",
                    f"최근 12개월 주가 {_pct(r12)}",
                )
            )
        pos, neg = f.get("news_positive") or 0, f.get("news_negative") or 0
        if pos or neg:
            out.append(
                (
                    "news_tone",
                    _clamp(0.5 * (pos - neg), -5, 5),
                    f"최근 30일 뉴스 긍정 키워드 {pos}회 · 부정 키워드 {neg}회",
                    f"최근 30일 뉴스 부정 키워드 {neg}회 · 긍정 키워드 {pos}회",
                )
            )
        return out

    async def analyse(self, s: Subject) -> Outlook:
        return self.analyse_sync(s)

    def analyse_sync(self, s: Subject) -> Outlook:
        factors = self.factors(s)
        points = {name: round(p, 2) for name, p, _, _ in factors}
        score = int(round(_clamp(50 + sum(p for _, p, _, _ in factors), 0, 100)))
        label = outlook_label(score)
        drivers = [d for _, p, d, _ in sorted(factors, key=lambda x: -x[1]) if p > 0.5 and d][:5]
        risks = [r for _, p, _, r in sorted(factors, key=lambda x: x[1]) if p < -0.5 and r][:5]
        f = s.figures
        for pad in (
            f"시가총액 {_won(f.get('market_cap'))} 규모" if f.get("market_cap") else None,
            f"FY{f.get('fiscal_year')} 매출 {_won(f.get('revenue'))} 기반 사업" if f.get("revenue") else None,
            "주가 하락으로 시장 기대치가 낮아져 있음 (부정 요인의 선반영 가능성)"
            if (f.get("return_12m") or 0) < 0
            else None,
            f"{s.benchmark.get('label', '비교군')} 대비 특이 요인 없음 (중립 요인)",
            "업황 회복 시 실적 개선 여지 (일반 요인)",
            "새 공시·뉴스가 수집되면 다시 평가됨 (정보 부족)",
        ):
            if len(drivers) >= 3:
                break
            if pad and pad not in drivers:
                drivers.append(pad)
        for pad in (
            "규칙 기반 분석: 경영·규제·신사업 등 정성 요인은 반영되지 않음",
            "거시 경기·금리·환율 변화에 따른 업황 변동성",
            f"재무 데이터 기준 시점(FY{f.get('fiscal_year')}) 이후의 변화는 반영되지 않음"
            if f.get("fiscal_year")
            else "분석에 사용할 재무 데이터가 부족함",
        ):
            if len(risks) >= 3:
                break
            if pad not in risks:
                risks.append(pad)
        parts = [f"{s.name}의 규칙 기반 성장 점수는 {score}/100 ({label})입니다."]
        if f.get("revenue_growth") is not None:
            parts.append(f"FY{f['fiscal_year']} 매출 성장률 {_pct(f['revenue_growth'])}")
        if f.get("operating_margin") is not None:
            parts.append(f"영업이익률 {f['operating_margin']:.1f}%")
        if f.get("per") is not None:
            parts.append(f"PER {f['per']:.1f}배")
        if f.get("return_3m") is not None:
            parts.append(f"3개월 주가 {_pct(f['return_3m'])}")
        summary = parts[0] + (
            " " + ", ".join(parts[1:]) + "." if len(parts) > 1 else " 사용할 수 있는 지표가 적어 중립으로 평가했습니다."
        )
        inputs = {"figures": f, "benchmark": s.benchmark, "points": points, "base": 50}
        return Outlook(score, label, summary, drivers, risks, self.mode, self.model, inputs)


# --------------------------------------------------------------------------- inputs from the database

_COMPANIES_SQL = """
SELECT c.id, c.symbol, c.name, c.industry_id, i.name AS industry_name, c.shares_outstanding
FROM companies c LEFT JOIN industries i ON i.id = c.industry_id
WHERE c.delisted_at IS NULL ORDER BY c.id
"""
_FINANCIALS_SQL = """
SELECT company_id, fiscal_year, period, revenue, operating_profit,
       coalesce(net_income_owners, net_income) AS net_income
FROM financials ORDER BY company_id, fiscal_year, period
"""
_PRICES_SQL = """
WITH recent AS (
    SELECT symbol, bucket, close FROM stock_prices_1d
    WHERE bucket > (SELECT max(bucket) FROM stock_prices_1d) - interval '400 days')
SELECT symbol, max(bucket) AS last_bucket,
       (array_agg(close ORDER BY bucket DESC))[1] AS close_now,
       (array_agg(close ORDER BY bucket DESC))[64] AS close_3m,
       (array_agg(close ORDER BY bucket DESC))[251] AS close_12m
FROM recent GROUP BY symbol
"""
_KEYWORDS_SQL = """
SELECT subject_type, subject_id, keyword, sum(count)::int AS n
FROM news_keywords WHERE day > $1::date - 30 GROUP BY subject_type, subject_id, keyword
"""


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 2) if known else None


def _tone(rows: list, subject_type: str) -> dict[int, tuple[int, int]]:
    tone: dict[int, list[int]] = {}
    for r in rows:
        if r["subject_type"] != subject_type:
            continue
        t = tone.setdefault(r["subject_id"], [0, 0])
        if r["keyword"] in POSITIVE_WORDS:
            t[0] += r["n"]
        elif r["keyword"] in NEGATIVE_WORDS:
            t[1] += r["n"]
    return {k: (v[0], v[1]) for k, v in tone.items()}


async def load_subjects(conn, today: dt.date) -> tuple[list[Subject], list[Subject]]:
    """Companies and industries with their figures and benchmarks, computed in a few bulk queries."""
    companies = await conn.fetch(_COMPANIES_SQL)
    fin: dict[int, dict[tuple[int, str], Any]] = {}
    for r in await conn.fetch(_FINANCIALS_SQL):
        fin.setdefault(r["company_id"], {})[(r["fiscal_year"], r["period"])] = r
    prices = {r["symbol"]: r for r in await conn.fetch(_PRICES_SQL)}
    kw_rows = await conn.fetch(_KEYWORDS_SQL, today)
    company_tone, industry_tone = _tone(kw_rows, "company"), _tone(kw_rows, "industry")

    figures: dict[int, dict[str, Any]] = {}
    for c in companies:
        f: dict[str, Any] = {"symbol": c["symbol"], "industry_id": c["industry_id"]}
        rows = fin.get(c["id"], {})
        years = sorted(y for (y, p) in rows if p == "FY")
        if years:
            y = years[-1]
            cur, prev = rows[(y, "FY")], rows.get((y - 1, "FY"))
            f.update(
                fiscal_year=y,
                revenue=cur["revenue"],
                operating_profit=cur["operating_profit"],
                net_income=cur["net_income"],
            )
            if cur["revenue"] and cur["operating_profit"] is not None and cur["revenue"] > 0:
                f["operating_margin"] = round(cur["operating_profit"] / cur["revenue"] * 100, 2)
            if prev is not None:
                f["revenue_prev"] = prev["revenue"]
                f["operating_profit_prev"] = prev["operating_profit"]
                g = _growth(cur["revenue"], prev["revenue"])
                f["revenue_growth"] = None if g is None else round(g, 2)
            nine = rows.get((y + 1, "9M"))
            quarters = [rows.get((y, q)) for q in ("Q1", "Q2", "Q3")]
            known = [q for q in quarters if q is not None and q["revenue"] is not None]
            if nine is not None and len(known) == len(quarters):
                g = _growth(nine["revenue"], sum(q["revenue"] for q in known))
                if g is not None:
                    f["recent_growth"], f["recent_period"] = round(g, 2), f"{y + 1}년 3분기"
        p = prices.get(c["symbol"])
        if p is not None:
            close = p["close_now"]
            f["price"] = close
            f["price_date"] = p["last_bucket"].astimezone(SEOUL).date().isoformat()
            if p["close_3m"]:
                f["return_3m"] = round((close / p["close_3m"] - 1) * 100, 2)
            if p["close_12m"]:
                f["return_12m"] = round((close / p["close_12m"] - 1) * 100, 2)
            if c["shares_outstanding"]:
                f["market_cap"] = close * c["shares_outstanding"]
                ni = f.get("net_income")
                if ni and ni > 0:
                    f["per"] = round(f["market_cap"] / ni, 2)
        pos, neg = company_tone.get(c["id"], (0, 0))
        f["news_positive"], f["news_negative"] = pos, neg
        figures[c["id"]] = f

    by_industry: dict[int, list[int]] = {}
    for c in companies:
        if c["industry_id"] is not None:
            by_industry.setdefault(c["industry_id"], []).append(c["id"])
    market = {
        "label": "시장",
        "operating_margin": _median([f.get("operating_margin") for f in figures.values()]),
        "per": _median([f.get("per") for f in figures.values()]),
    }
    industry_bench: dict[int, dict[str, Any]] = {}
    for iid, ids in by_industry.items():
        margins = [figures[i].get("operating_margin") for i in ids]
        pers = [figures[i].get("per") for i in ids]
        enough = sum(m is not None for m in margins) >= 3
        industry_bench[iid] = {
            "label": "업종" if enough else "시장",
            "operating_margin": _median(margins) if enough else market["operating_margin"],
            "per": (_median(pers) if sum(p is not None for p in pers) >= 3 else market["per"]),
        }
    company_subjects = [
        Subject("company", c["id"], c["name"], figures[c["id"]], industry_bench.get(c["industry_id"], market))
        for c in companies
    ]

    names = {c["industry_id"]: c["industry_name"] for c in companies if c["industry_id"] is not None}
    industry_subjects = []
    for iid, ids in sorted(by_industry.items()):
        fs = [figures[i] for i in ids]
        year = max((f["fiscal_year"] for f in fs if f.get("fiscal_year")), default=None)
        both = [f for f in fs if f.get("fiscal_year") == year and f.get("revenue") and f.get("revenue_prev")]
        agg: dict[str, Any] = {"company_count": len(ids), "fiscal_year": year}
        if both:
            rev, rev_prev = sum(f["revenue"] for f in both), sum(f["revenue_prev"] for f in both)
            agg.update(revenue=rev, revenue_growth=None if rev_prev <= 0 else round((rev / rev_prev - 1) * 100, 2))
            ops = [
                f for f in both if f.get("operating_profit") is not None and f.get("operating_profit_prev") is not None
            ]
            if ops:
                agg["operating_profit"] = sum(f["operating_profit"] for f in ops)
                agg["operating_profit_prev"] = sum(f["operating_profit_prev"] for f in ops)
                agg["operating_margin"] = round(
                    agg["operating_profit"] / max(1, sum(f["revenue"] for f in ops)) * 100, 2
                )
        agg["per"] = industry_bench[iid]["per"] if industry_bench[iid]["label"] == "업종" else None
        agg["return_3m"] = _median([f.get("return_3m") for f in fs])
        agg["return_12m"] = _median([f.get("return_12m") for f in fs])
        caps = [f.get("market_cap") for f in fs if f.get("market_cap")]
        agg["market_cap"] = sum(caps) if caps else None
        dates = [f["price_date"] for f in fs if f.get("price_date")]
        agg["price_date"] = max(dates) if dates else None
        pos, neg = industry_tone.get(iid, (0, 0))
        agg["news_positive"], agg["news_negative"] = pos, neg
        industry_subjects.append(Subject("industry", iid, names.get(iid, str(iid)), agg, market))
    return company_subjects, industry_subjects


# --------------------------------------------------------------------------- the job
