"""Mask personal data in content-rule evidence before it is shown.

The published `content_rule_hits.matched_text` may hold phone and card numbers, e-mail addresses and
WeChat ids. Until the publish step masks them, the dashboard shows only `mask_evidence(text)`:
- every run of 5 or more digits keeps its first 2 and last 2 digits, the others become `*`
  (`13812345678` -> `13*******78`, WeChat id `kf108497` -> `kf10**97`);
- an e-mail address keeps the first character of its local part, then `***`
  (`shop343@163.com` -> `s***@163.com`), also when written `name at domain` or with a full-width `＠`.
"""

from __future__ import annotations

import re

DIGIT_RUN = re.compile(r"\d{5,}")
# local part, then `@` / `＠` and a domain; or spelt out (" at ", "(at)", "[at]") before a dotted domain
EMAIL = re.compile(
    r"([A-Za-z0-9._%+\-]+)"
    r"(\s*[@＠]\s*(?=[A-Za-z0-9\-])"
    r"|(?:\s*[(\[]at[)\]]\s*|\s+at\s+)(?=[A-Za-z0-9\-]+\s*(?:\.|dot\b|点)\s*[A-Za-z0-9]))",
    re.IGNORECASE,
)


def _mask_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    return run[:2] + "*" * (len(run) - 4) + run[-2:]


def _mask_local_part(match: re.Match[str]) -> str:
    return match.group(1)[0] + "***" + match.group(2)


def mask_evidence(text: str | None) -> str | None:
    """`text` with e-mail local parts and long digit runs masked; None stays None."""
    if text is None:
        return None
    return DIGIT_RUN.sub(_mask_digits, EMAIL.sub(_mask_local_part, text))
