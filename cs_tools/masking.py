"""Masking of personal data in content-rule evidence: one definition, in Python and in DuckDB SQL.

`content_rule_hits.matched_text` may hold phone and card numbers, e-mail addresses and WeChat ids.
The publish step masks it in SQL while it copies the table (`mask_evidence_sql`); the dashboard masks
again, in Python, whatever it shows (`mask_evidence`), so a copy published with raw personal data is
masked on screen too. Masking already-masked text changes nothing. The rules:

- an e-mail address keeps the first character of its local part, then `***`
  (`shop343@163.com` -> `s***@163.com`), also when written `name at domain dot com`, `name (at) x.com`
  or with a full-width `＠`;
- then every run of 5 or more digits (any script's decimal digits: full-width `１２３` too) keeps its
  first 2 and last 2 digits, the others become `*` (`13812345678` -> `13*******78`, WeChat id
  `kf108497` -> `kf10**97`).

Both engines run the same regular expressions (Python `re`, DuckDB's RE2): written with explicit
character classes, no look-around and no case-insensitive flag, so the two agree character for
character; the only dialect difference is the spelling of "a decimal digit" (`\\d` / `\\p{Nd}`).
`tests/python/test_masking.py` runs both on the same cases.
"""

from __future__ import annotations

import re
from typing import Final

from cs_tools.sql import sql_string

# White space between an address's parts: ASCII, no-break, the typographic spaces and the ideographic
# space (U+3000) common in Chinese text. An explicit class: Python's and RE2's `\s` differ.
_SPACE: Final = "[\t\n\v\f\r \u00a0\u2000-\u200a\u202f\u205f\u3000]"
_LOCAL: Final = r"[A-Za-z0-9._%+\-]"
_LABEL: Final = r"[A-Za-z0-9\-]"
_ALNUM: Final = "[A-Za-z0-9]"
_AT_WORD: Final = "[Aa][Tt]"
_DOT_WORD: Final = "[Dd][Oo][Tt]"

# Group 1: the local part's first character (kept); the rest of the local part is replaced by `***`;
# group 2: the separator and the start of the domain (kept). Either `@` / `＠` before a domain label,
# or "at" spelt out (` at `, `(at)`, `[at]`) before a dotted domain (`.`, ` dot `, `点`).
EMAIL_PATTERN: Final = (
    f"({_LOCAL}){_LOCAL}*"
    f"({_SPACE}*[@＠]{_SPACE}*{_LABEL}"
    f"|(?:{_SPACE}*[(\\[]{_AT_WORD}[)\\]]{_SPACE}*|{_SPACE}+{_AT_WORD}{_SPACE}+)"
    f"{_LABEL}+{_SPACE}*(?:\\.{_SPACE}*|{_DOT_WORD}{_SPACE}+|点{_SPACE}*){_ALNUM})"
)
EMAIL_REPLACEMENT: Final = r"\1***\2"
MIN_MASKED_DIGITS: Final = 5
KEPT_DIGITS: Final = 2  # kept at each end of a masked run

_EMAIL: Final = re.compile(EMAIL_PATTERN)
_DIGIT_RUN: Final = re.compile(rf"\d{{{MIN_MASKED_DIGITS},}}")


def _mask_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    return run[:KEPT_DIGITS] + "*" * (len(run) - 2 * KEPT_DIGITS) + run[-KEPT_DIGITS:]


def mask_evidence(text: str | None) -> str | None:
    """`text` with e-mail local parts and long digit runs masked; None stays None."""
    if text is None:
        return None
    return _DIGIT_RUN.sub(_mask_digits, _EMAIL.sub(EMAIL_REPLACEMENT, text))


def mask_evidence_sql(expression: str) -> str:
    """A DuckDB expression masking the text `expression` evaluates to, exactly as `mask_evidence` does.

    The e-mail rule is one `regexp_replace`; the digit rule splits the text into digit runs of 5+,
    shorter digit runs and other text (which together are the whole text) and masks the long runs.
    """
    digit = r"\p{Nd}"
    long_run = f"{digit}{{{MIN_MASKED_DIGITS},}}"
    tokens = f"{long_run}|{digit}{{1,{MIN_MASKED_DIGITS - 1}}}|[^{digit}]+"
    emails_masked = f"regexp_replace({expression}, {sql_string(EMAIL_PATTERN)}, {sql_string(EMAIL_REPLACEMENT)}, 'g')"
    masked_token = (
        f"case when regexp_full_match(tok, {sql_string(long_run)}) "
        f"then left(tok, {KEPT_DIGITS}) || repeat('*', length(tok) - {2 * KEPT_DIGITS}) || right(tok, {KEPT_DIGITS}) "
        "else tok end"
    )
    return (
        f"array_to_string(list_transform(regexp_extract_all({emails_masked}, {sql_string(tokens)}), "
        f"lambda tok: {masked_token}), '')"
    )
