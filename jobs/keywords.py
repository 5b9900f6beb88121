"""Keyword counts of the news per company and industry per day → table `news_keywords`.

Keywords are the nouns and proper nouns (kiwipiepy tags NNG/NNP, plus Latin words such as HBM)
of each article's title, summary and text, minus stop-words, one-syllable words and the
subject's own name (and the parts of it). A keyword counts once per article (the number of
articles that mention it), on the article's publication day in Asia/Seoul. The job recounts
the last `WINDOW_DAYS` days, so a rerun gives the same table; the api sums over 1/7/30 days.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections import Counter
from collections.abc import Set
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)
SEOUL = ZoneInfo("Asia/Seoul")
WINDOW_DAYS = 31
KEEP_TAGS = {"NNG", "NNP", "SL"}

STOP_WORDS = frozenset(
    """
기자 뉴스 속보 단독 종합 사진 제공 무단 전재 배포 금지 재배포 저작권 연합뉴스 뉴시스 뉴스1 머니투데이 이데일리
오늘 어제 내일 이번 지난 올해 내년 작년 전년 최근 당시 현재 이후 이전 오전 오후 시간 기간 분기 연간 하반기 상반기
관련 경우 때문 대비 이상 이하 가운데 정도 수준 대상 부분 내용 방침 계획 예정 진행 통해 위해 대한 가지
기업 회사 업체 시장 업계 증권가 투자자 주식 종목 국내 해외 글로벌 한국 국내외 그룹 산업 분야 기준 규모 전망 분석 평가
억원 조원 만원 달러 퍼센트 포인트 전체 일부 전날 당일 이날 지난해 다음 처음 하나 여러
""".split()
)
_LATIN = re.compile(r"^[A-Za-z][A-Za-z0-9&.-]+$")


@functools.lru_cache(maxsize=1)
def _kiwi():
    from kiwipiepy import Kiwi

    return Kiwi()


def own_name_parts(name: str) -> set[str]:
    """삼성전자 → {삼성전자, 삼성, 전자}: the subject's name and the nouns it is made of."""
    parts = {name, name.replace(" ", "")}
    for token in _kiwi().tokenize(name):
        if token.tag in KEEP_TAGS:
            parts.add(token.form)
    return {p.lower() for p in parts if p}


def extract(text: str, exclude: Set[str] = frozenset()) -> list[str]:
    """The keywords of one text, in order of appearance, each once."""
    seen: dict[str, None] = {}
    for token in _kiwi().tokenize(text or ""):
        if token.tag not in KEEP_TAGS:
            continue
        word = token.form.strip()
        if token.tag == "SL":
            if not _LATIN.match(word) or len(word) < 2:
                continue
            word = word.upper()
        elif len(word) < 2:
            continue
        if word in STOP_WORDS or word.lower() in exclude:
            continue
        seen.setdefault(word, None)
    return list(seen)


_NEWS_SQL = """
SELECT n.id, n.title, coalesce(n.summary, '') AS summary, coalesce(left(n.content, 4000), '') AS content,
       (coalesce(n.published_at, n.collected_at) AT TIME ZONE 'Asia/Seoul')::date AS day,
       coalesce(array_agg(DISTINCT nc.company_id) FILTER (WHERE nc.company_id IS NOT NULL), '{}') AS company_ids,
       coalesce(array_agg(DISTINCT ni.industry_id) FILTER (WHERE ni.industry_id IS NOT NULL), '{}') AS industry_ids
FROM news n
LEFT JOIN news_companies nc ON nc.news_id = n.id
LEFT JOIN news_industries ni ON ni.news_id = n.id
WHERE coalesce(n.published_at, n.collected_at) >= $1
GROUP BY n.id
"""


async def count(ctx) -> dict:
    today = dt.datetime.now(SEOUL).date()
    first_day = today - dt.timedelta(days=WINDOW_DAYS - 1)
    since = dt.datetime.combine(first_day, dt.time(), SEOUL)
    async with ctx.db.acquire() as conn:
        articles = await conn.fetch(_NEWS_SQL, since)
        names = {("company", r["id"]): r["name"] for r in await conn.fetch("SELECT id, name FROM companies")}
        names.update({("industry", r["id"]): r["name"] for r in await conn.fetch("SELECT id, name FROM industries")})
    exclude_cache: dict[tuple[str, int], set[str]] = {}
    counts: Counter[tuple[str, int, dt.date, str]] = Counter()
    for a in ctx.progress(articles, desc="keywords"):
        subjects = [("company", c) for c in a["company_ids"]] + [("industry", i) for i in a["industry_ids"]]
        if not subjects:
            continue
        words = extract(" ".join((a["title"], a["summary"], a["content"])))
        for subject in subjects:
            if subject not in exclude_cache:
                exclude_cache[subject] = own_name_parts(names.get(subject, ""))
            for w in words:
                if w.lower() not in exclude_cache[subject]:
                    counts[(subject[0], subject[1], a["day"], w)] += 1
    rows = [(t, i, d, w, n) for (t, i, d, w), n in counts.items()]
    async with ctx.db.acquire() as conn:
        async with conn.transaction():
            await conn.execute("DELETE FROM news_keywords WHERE day >= $1", first_day)
            if rows:
                await conn.copy_records_to_table(
                    "news_keywords", records=rows, columns=["subject_type", "subject_id", "day", "keyword", "count"]
                )
    return {"articles": len(articles), "rows": len(rows), "since": first_day.isoformat()}
