"""The hand-written guards of the pattern seed are safe: a guard never excludes a text its pattern matches.

Each row of `seeds/content_rules/content_rule_patterns.csv` has a `guard_regex`, a cheap necessary condition that
`int_content_rule_hits__pattern` uses as a prefilter (all guards OR-ed per text form pick the candidates, and a
row's regex only runs where its guard matches). A guard stricter than its pattern silently loses hits, and no
other test would notice while the labelled rows happen not to use the lost form. So, for every pattern row and
every text we have (the tuning set, the spent held-out set 1 and the examples written in the rows' notes), this
test checks on DuckDB (RE2, the dialect the seed is written in: Python's `re` has no `\\p{Han}`) that wherever
the pattern matches the row's normalised text form, the guard matches too.

The texts are normalised by the project itself: one `dbt build` of `+int_merchant_messages__normalised` on a
temporary raw folder. Held-out set 2 is never read here (it is scored only by the lead engineer).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.python.dbt_helpers import REPO_ROOT, run_dbt, write_raw
from tests.python.test_content_rules_eval import load_labelled, message

PATTERNS_CSV = REPO_ROOT / "seeds" / "content_rules" / "content_rule_patterns.csv"
SET_1_CSV = REPO_ROOT / "tests" / "fixtures" / "content_rules_heldout.csv"  # spent set 1 only, never set 2
TEXT_COLUMNS = {"norm": "content_norm", "compact": "content_compact", "digits": "content_digits"}


def load_patterns() -> list[dict[str, str]]:
    with PATTERNS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def note_examples(note: str) -> list[str]:
    """The examples a row's note gives in brackets, split on ' / ' (拉三个朋友进来就能回本 / 扫我码付)."""
    examples: list[str] = []
    for group in re.findall(r"\(([^()]*)\)", note):
        examples.extend(part.strip() for part in group.split(" / ") if part.strip())
    return examples


def guard_texts() -> list[dict[str, Any]]:
    with SET_1_CSV.open(encoding="utf-8", newline="") as handle:
        set_1 = list(csv.DictReader(handle))
    texts = [(case["case_id"], case["content"]) for case in load_labelled() + set_1]
    texts += [
        (f"note_{row['pattern_id']}_{index}", example)
        for row in load_patterns()
        for index, example in enumerate(note_examples(row["note"]))
    ]
    at = datetime(2025, 12, 1, 9, 0, 0)
    return [
        message(message_id, shop="shop_guard", user=f"user_{message_id}", role="merchant", content=content, at=at)
        for message_id, content in texts
    ]


@pytest.fixture(scope="module")
def normalised_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    workspace = tmp_path_factory.mktemp("content_rule_guards")
    raw_dir, db_path = workspace / "raw", workspace / "guards.duckdb"
    write_raw(raw_dir, guard_texts(), [])
    run_dbt(
        ["build", "--select", "+int_merchant_messages__normalised", "--indirect-selection", "cautious"],
        raw_dir=raw_dir,
        db_path=db_path,
    )
    yield db_path


def unsafe_guard_texts(connection: duckdb.DuckDBPyConnection, row: dict[str, str]) -> list[tuple[str, str]]:
    """(message_id, text) where the row's pattern matches its text form and its guard does not."""
    column = TEXT_COLUMNS[row["target_text"]]
    guard = row["guard_regex"] or row["pattern"]  # an empty guard means the pattern itself (cr_pattern_rows)
    return connection.execute(
        f"select message_id, {column} from intermediate.int_merchant_messages__normalised "
        f"where regexp_matches({column}, $pattern) and not regexp_matches({column}, $guard) order by message_id",
        {"pattern": row["pattern"], "guard": guard},
    ).fetchall()


def test_every_pattern_guard_admits_every_match_of_its_pattern(normalised_db: Path) -> None:
    patterns = load_patterns()
    unsafe: dict[str, list[tuple[str, str]]] = {}
    matched_rows = 0
    with duckdb.connect(str(normalised_db), read_only=True) as connection:
        [(texts,)] = connection.execute(
            "select count(*) from intermediate.int_merchant_messages__normalised"
        ).fetchall()
        assert texts >= 1400, texts  # tuning set + set 1 + note examples
        for row in patterns:
            assert row["target_text"] in TEXT_COLUMNS, row["pattern_id"]
            column = TEXT_COLUMNS[row["target_text"]]
            [(matches,)] = connection.execute(
                f"select count(*) from intermediate.int_merchant_messages__normalised "
                f"where regexp_matches({column}, $pattern)",
                {"pattern": row["pattern"]},
            ).fetchall()
            matched_rows += matches > 0
            found = unsafe_guard_texts(connection, row)
            if found:
                unsafe[row["pattern_id"]] = found[:5]
    assert not unsafe, f"guards that exclude texts their pattern matches (first 5 each): {unsafe}"
    # not vacuous: the texts exercise (nearly) every pattern row
    assert matched_rows >= len(patterns) - 3, (matched_rows, len(patterns))
