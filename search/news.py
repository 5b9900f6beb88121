"""News search as every backend sees it: the request, the hits, and the highlighted text.

    NewsSearch       what to find: keyword, company, industry, [start, end), latest | relevance, page
    NewsHit          one news id with its highlighted title and summary (None: nothing to mark)
    terms(keyword)   the words PostgreSQL looks for (OpenSearch analyses the keyword with nori):
                     Latin/digit words as whole words, others (Korean) anywhere in a word
    escape(text)     HTML-escaped exactly as OpenSearch's `html` highlight encoder does
    highlight(text, terms)  escaped text with every term in <em>…</em>

Both backends answer with the same contract: every word of the keyword must occur in the title,
summary or article text (any mix of them); a title match weighs most; a highlight is the whole
field, escaped, with matches in `<em>` and no other markup, so a client can render it without
trusting any other HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from search.keywords import normalize

MAX_TERMS = 10

# Particles a Korean word often carries at its end ("가격은", "업황에서", "삼성전자의"): nori drops
# them as morphemes of their own, the PostgreSQL backend strips one from each word. Not those that
# also end common nouns (이 카카오페이, 가 전문가, 도 인도, 만 대만, 로 에코프로, 과 효과, 와 코와).
_PARTICLES = sorted(
    ("은", "는", "을", "를", "의", "에", "으로", "에서", "에게", "까지", "부터", "보다", "처럼", "에는",
     "에서는", "으로는", "이다"),
    key=len,
    reverse=True,
)  # fmt: skip
_WORD = re.compile(r"\w+")
_LATIN = re.compile(r"[a-z0-9]+")
# Lucene's SimpleHTMLEncoder (OpenSearch `"encoder": "html"`)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "/": "&#x2F;"})


@dataclass(frozen=True)
class NewsSearch:
    keyword: str | None = None
    company_id: int | None = None
    industry_id: int | None = None
    start: dt.datetime | None = None  # published at or after
    end: dt.datetime | None = None  # published before
    sort: Literal["latest", "relevance"] = "latest"
    page: int = 1
    size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


@dataclass(frozen=True)
class NewsHit:
    news_id: int
    title: str | None = None  # highlighted HTML
    summary: str | None = None


def terms(keyword: str | None) -> list[str]:
    """Lower-cased words of the keyword, each without one trailing particle, deduplicated."""
    found: list[str] = []
    for word in _WORD.findall(normalize(keyword or "")):
        if word in _PARTICLES:
            continue
        for particle in _PARTICLES:
            if word.endswith(particle) and len(word) - len(particle) >= 2:
                word = word[: -len(particle)]
                break
        if word not in found:
            found.append(word)
    return found[:MAX_TERMS]


def whole_word(term: str) -> bool:
    """Latin letters and digits match whole words only, like OpenSearch's tokens ("o" is not in "solo")."""
    return bool(_LATIN.fullmatch(term))


def escape(text: str) -> str:
    return text.translate(_ESCAPES)


def merge_adjacent(html: str) -> str:
    """`<em>삼성</em><em>전자</em>` → `<em>삼성전자</em>` (nori marks a compound's parts apart)."""
    return html.replace("</em><em>", "")


def highlight(text: str, words: list[str]) -> str:
    """`text` escaped, every case-insensitive occurrence of a word in <em>…</em> (longest word first)."""
    if not words:
        return escape(text)
    alternatives = (rf"\b{w}\b" if whole_word(w) else re.escape(w) for w in sorted(words, key=len, reverse=True))
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<em>{escape(match.group())}</em>")
        last = match.end()
    out.append(escape(text[last:]))
    return merge_adjacent("".join(out))
