"""Search keywords as every backend sees them: normalised, initials detected, LIKE-escaped."""

from __future__ import annotations

import re

_JAMO = re.compile(r"^[ㄱ-ㅎ]+$")


def normalize(keyword: str) -> str:
    """Trimmed, lower-cased, inner whitespace collapsed to one space."""
    return " ".join(keyword.lower().split())


def is_initials(keyword: str) -> bool:
    """ㅅㅅㅈㅈ-style keywords (Hangul compatibility consonants only)."""
    return bool(_JAMO.match(keyword.replace(" ", "")))


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
