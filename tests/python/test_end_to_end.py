"""End-to-end: a hand-made export with hand-computed figures, built by the real `dbt build`.

Shop S1 answers 4 of 5 assessed messages within 5 minutes (exactly 80%: passes) and gets 4 satisfied
of 5 ratings (exactly 80%: passes). Shop S2 answers 1 of 4 (robot auto-replies do not count) and has
satisfaction 1/2 after a re-rating, so it fails 3.1.1 (售后违规) and 3.1.2. Shop S3 is written to at
23:58 on 31 March and answered at 00:02 on 1 April. Dirty rows: an exact re-delivery in a second
file, a row without shop_id, an unknown role, an unknown rating.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cs_tools.summary import summarise
from tests.python.dbt_helpers import MESSAGE_SCHEMA, query, run_dbt, write_raw, write_table

PLATFORM = ZoneInfo("Asia/Shanghai")
MARCH = date(2026, 3, 1)
APRIL = date(2026, 4, 1)


def ms(local: str) -> int:
    """Epoch milliseconds of a platform-local wall-clock time."""
    return int(datetime.fromisoformat(local).replace(tzinfo=PLATFORM).timestamp() * 1000)


def message(message_id: str, shop: str, user: str, role: str, at_ms: int, **extra: Any) -> dict[str, Any]:
    account = f"{shop}-main" if role == "merchant" else (f"{shop}-robot" if role == "robot" else None)
    return {
        "message_id": message_id,
        "conversation_id": f"c-{shop}-{user}",
        "shop_id": shop,
        "user_id": user,
        "sender_role": role,
        "sender_account_id": account,
        "msg_type": "text",
        "content": "您好" if role != "user" else "在吗",
        "sent_at_ms": at_ms,
        **extra,
    }


def handmade_messages() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    # S1: five assessed messages, replies after 60 s except the last (301 s): 4/5 = 0.8
    for i, hour in enumerate([10, 11, 12, 13, 14]):
        sent = ms(f"2026-03-10 {hour}:00:00")
        rows.append(message(f"s1-u{i}", "S1", "U1", "user", sent))
        rows.append(message(f"s1-m{i}", "S1", "U1", "merchant", sent + (301_000 if i == 4 else 60_000)))
    # S1: a message at 07:30 is outside 08:00-24:00 and never answered: not assessed
    rows.append(message("s1-night", "S1", "U9", "user", ms("2026-03-10 07:30:00")))
    # S2: four messages, each auto-replied by the robot after 1 s; humans answer one within 5 minutes
    for i, hour in enumerate([10, 11, 12, 13]):
        sent = ms(f"2026-03-10 {hour}:00:00")
        rows.append(message(f"s2-u{i}", "S2", "U2", "user", sent))
        rows.append(message(f"s2-r{i}", "S2", "U2", "robot", sent + 1_000))
        rows.append(message(f"s2-m{i}", "S2", "U2", "merchant", sent + (10_000 if i == 0 else 600_000)))
    # S3: 23:58 on the last day of March, answered at 00:02 on 1 April
    rows.append(message("s3-u0", "S3", "U3", "user", ms("2026-03-31 23:58:00")))
    rows.append(message("s3-m0", "S3", "U3", "merchant", ms("2026-04-01 00:02:00")))
    # dirty rows
    rows.append(message("bad-1", None, "U1", "user", ms("2026-03-10 10:00:00")))  # type: ignore[arg-type]
    rows.append(message("bad-2", "S1", "U1", "bot", ms("2026-03-10 10:00:00")))
    return rows


def handmade_ratings() -> list[dict[str, Any]]:
    def rating(
        rating_id: str, shop: str, user: str, value: str, source: str, local: str, conv: str | None
    ) -> dict[str, Any]:
        return {
            "rating_id": rating_id,
            "shop_id": shop,
            "user_id": user,
            "conversation_id": conv,
            "rating": value,
            "source": source,
            "rated_at_ms": ms(local),
        }

    return [
        rating("r1", "S1", "U1", "satisfied", "user_initiated", "2026-03-10 15:00:00", "c1"),
        rating("r2", "S1", "U2", "满意", "merchant_invited", "2026-03-10 15:00:00", "c2"),
        rating("r3", "S1", "U3", "satisfied", "system_pushed", "2026-03-10 15:00:00", None),
        rating("r4", "S1", "U4", "satisfied", "system_pushed", "2026-03-10 15:00:00", None),
        rating("r5", "S1", "U5", "一般", "user_initiated", "2026-03-10 15:00:00", "c5"),
        rating("r6", "S2", "U2", "disappointed", "user_initiated", "2026-03-10 15:00:00", "c6"),
        rating("r7", "S2", "U3", "disappointed", "user_initiated", "2026-03-10 15:00:00", "c7"),
        rating("r8", "S2", "U3", "satisfied", "merchant_invited", "2026-03-10 16:00:00", "c7"),  # re-rating
        rating("bad-r", "S2", "U3", "great", "user_initiated", "2026-03-10 16:00:00", "c7"),
    ]


def write_handmade_export(raw_dir: Path) -> None:
    messages = handmade_messages()
    write_raw(raw_dir, messages, handmade_ratings(), file_stem="2026-03-10")
    # the next day's file re-delivers one message exactly
    write_table(raw_dir / "messages" / "2026-03-11.parquet", [messages[0]], MESSAGE_SCHEMA)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("e2e")
    write_handmade_export(root / "raw")
    db_path = root / "cs_rules.duckdb"
    run_dbt(["build"], raw_dir=root / "raw", db_path=db_path, extra_env={"TZ": "America/Los_Angeles"})
    return db_path


def assessment(db_path: Path) -> dict[tuple[str, date], dict[str, Any]]:
    with_names = query(
        db_path,
        """
        select shop_id, assessment_month, consult_message_count, replied_within_5min_count, reply_rate_5min,
            reply_rate_passed, rating_count, satisfied_count, satisfaction_rate, satisfaction_passed,
            failed_clauses, violation_categories
        from main.shop_monthly_assessment
        """,
    )
    keys = [
        "consult_message_count", "replied_within_5min_count", "reply_rate_5min", "reply_rate_passed",
        "rating_count", "satisfied_count", "satisfaction_rate", "satisfaction_passed", "failed_clauses",
        "violation_categories",
    ]
    return {(row[0], row[1]): dict(zip(keys, row[2:], strict=True)) for row in with_names}


def test_shop_that_meets_both_thresholds_exactly(built: Path) -> None:
    s1 = assessment(built)[("S1", MARCH)]
    assert (s1["consult_message_count"], s1["replied_within_5min_count"]) == (5, 4)
    assert s1["reply_rate_5min"] == pytest.approx(0.8) and s1["reply_rate_passed"] is True
    assert (s1["rating_count"], s1["satisfied_count"]) == (5, 4)
    assert s1["satisfaction_rate"] == pytest.approx(0.8) and s1["satisfaction_passed"] is True


def test_shop_that_fails_both_thresholds(built: Path) -> None:
    s2 = assessment(built)[("S2", MARCH)]
    assert (s2["consult_message_count"], s2["replied_within_5min_count"]) == (4, 1)
    assert s2["reply_rate_passed"] is False
    assert (s2["rating_count"], s2["satisfied_count"]) == (2, 1)
    assert s2["satisfaction_passed"] is False
    assert s2["failed_clauses"] == "3.1.1, 3.1.2"
    assert s2["violation_categories"] == "售后违规"


def test_reply_after_midnight_counts_in_the_month_of_the_message(built: Path) -> None:
    rows = assessment(built)
    assert rows[("S3", MARCH)]["replied_within_5min_count"] == 1
    assert rows[("S3", APRIL)]["consult_message_count"] == 0
    assert rows[("S3", APRIL)]["reply_rate_5min"] is None
    assert rows[("S3", APRIL)]["reply_rate_passed"] is None


def test_stored_threshold_failures_list_exactly_the_failing_shop_months(built: Path) -> None:
    reply = query(
        built, "select shop_id, assessment_month from assessment_failures.shop_months_failing_3_1_1_reply_rate"
    )
    satisfaction = query(
        built, "select shop_id, assessment_month from assessment_failures.shop_months_failing_3_1_2_satisfaction"
    )
    assert reply == [("S2", MARCH)]
    assert satisfaction == [("S2", MARCH)]


def test_bad_rows_are_kept_apart_with_reasons_and_nothing_disappears(built: Path) -> None:
    rejected = dict(query(built, "select message_id, reject_reason from audit.rejected_messages"))
    assert rejected == {"bad-1": "missing_shop_id", "bad-2": "unknown_sender_role"}
    assert query(built, "select message_id, duplicate_kind from audit.duplicate_messages") == [
        ("s1-u0", "exact_redelivery")
    ]
    assert query(built, "select rating_id, reject_reason from audit.rejected_ratings") == [("bad-r", "unknown_rating")]
    (raw, kept, rejected_count, duplicates), = query(
        built,
        """select (select count(*) from raw.messages), (select count(*) from staging.stg_cs_raw__messages),
                  (select count(*) from audit.rejected_messages), (select count(*) from audit.duplicate_messages)""",
    )
    assert raw == len(handmade_messages()) + 1
    assert raw == kept + rejected_count + duplicates


def test_summary_reads_the_built_database(built: Path) -> None:
    text = summarise(built)
    assert "Input reconciliation" in text
    assert "S2" in text and "售后违规" in text


MART_TABLES = [
    "main.consult_reply_pairs",
    "main.shop_daily_reply_rate",
    "main.shop_monthly_reply_rate",
    "main.shop_monthly_satisfaction",
    "main.shop_monthly_rule_results",
    "main.shop_monthly_assessment",
]


def test_results_do_not_depend_on_the_host_time_zone(built: Path, tmp_path: Path) -> None:
    """The same export built under another TZ (a different DuckDB session zone) gives identical marts."""
    write_handmade_export(tmp_path / "raw")
    other_db = tmp_path / "other_tz.duckdb"
    run_dbt(["build"], raw_dir=tmp_path / "raw", db_path=other_db, extra_env={"TZ": "Pacific/Auckland"})
    for table in MART_TABLES:
        ordered = f"select * from {table} order by all"
        assert query(built, ordered) == query(other_db, ordered), table


def test_missing_required_column_fails_fast_naming_file_and_column(tmp_path: Path) -> None:
    rows = [{k: v for k, v in message("m1", "S1", "U1", "user", 1).items() if k != "sent_at_ms"}]
    broken_schema = MESSAGE_SCHEMA.remove(MESSAGE_SCHEMA.get_field_index("sent_at_ms"))
    write_table(tmp_path / "raw" / "messages" / "broken-day.parquet", rows, broken_schema)
    good_rows = [message("m2", "S1", "U1", "user", ms("2026-03-10 10:00:00"))]
    write_table(tmp_path / "raw" / "messages" / "good-day.parquet", good_rows, MESSAGE_SCHEMA)
    result = run_dbt(["build"], raw_dir=tmp_path / "raw", db_path=tmp_path / "db.duckdb", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "broken-day.parquet" in output and '"sent_at_ms"' in output
    assert "good-day.parquet" not in output.split("does not match the data contract")[-1]
