"""Generate seeds/content_rules/content_rule_pinyin.csv: toneless pinyin of the characters that matter.

The content rules fold pinyin written in place of characters (gaofang = 高仿, 支fu宝 = 支付宝): each lexicon
term made of Chinese characters also matches its pinyin spelling, whole or with one character spelled
(int_content_rule_terms). The pinyin of those characters is a fact of the language, not policy, so it is
generated with pypinyin at development time (`make pinyin-seed`) and committed; dbt never needs pypinyin.
Only the characters of the lexicon terms are kept, so the seed stays small and a new term's characters are
added by re-running the target.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS = REPO_ROOT / "seeds" / "content_rules"
LEXICON = SEEDS / "content_rule_lexicon.csv"
OUTPUT = SEEDS / "content_rule_pinyin.csv"

PinyinOf = Callable[[str], str]


def default_pinyin(char: str) -> str:
    """Toneless pinyin of one character, its most common reading (pypinyin), lowercase ascii (ü -> v)."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.NORMAL, v_to_u=False)[0].lower()


def han_characters(terms: Iterable[str]) -> list[str]:
    """The distinct Chinese characters of `terms`, sorted by code point."""
    return sorted({char for term in terms for char in HAN.findall(term)})


def pinyin_rows(chars: Iterable[str], pinyin_of: PinyinOf = default_pinyin) -> list[tuple[str, str]]:
    """(char, pinyin) for each character whose pinyin is plain ascii letters; others are left out."""
    rows = []
    for char in chars:
        spelled = pinyin_of(char)
        if re.fullmatch(r"[a-z]+", spelled):
            rows.append((char, spelled))
    return rows


def read_terms(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["term"] for row in csv.DictReader(handle)]


def write_seed(rows: Sequence[tuple[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["char", "pinyin"])
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lexicon", type=Path, default=LEXICON)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    rows = pinyin_rows(han_characters(read_terms(args.lexicon)))
    write_seed(rows, args.out)
    print(f"wrote {len(rows)} characters to {args.out}")
    return 0
