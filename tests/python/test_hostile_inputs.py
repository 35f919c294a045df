"""Hostile and broken inputs (issue 13, docs/reliability.md): each case fails loudly naming what is at
fault, or builds without losing anything, never an exit 0 with less data than the input allowed."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from tests.python.dbt_helpers import MESSAGE_SCHEMA, RATING_SCHEMA, REPO_ROOT, query, run_dbt, write_raw, write_table
from tests.python.test_end_to_end import message, ms

STAGING_ONLY = ["build", "--select", "staging", "--exclude", "test_type:unit"]
CAUTIOUS = ["--indirect-selection", "cautious", "--exclude", "test_type:unit"]


def output_of(result: object) -> str:
    return str(getattr(result, "stdout", "")) + str(getattr(result, "stderr", ""))


def a_day(raw: Path, stem: str, day: str = "2026-03-10") -> None:
    """One ordinary day: a user question and the shop's answer."""
    write_raw(
        raw,
        [
            message(f"{stem}-u", "S1", "U1", "user", ms(f"{day} 10:00:00")),
            message(f"{stem}-m", "S1", "U1", "merchant", ms(f"{day} 10:01:00")),
        ],
        [],
        file_stem=stem,
    )


def test_an_empty_or_mistyped_raw_dir_is_an_error_naming_cs_raw_dir(tmp_path: Path) -> None:
    for raw in (tmp_path / "does-not-exist", tmp_path / "empty"):
        (tmp_path / "empty" / "messages").mkdir(parents=True, exist_ok=True)
        result = run_dbt(["build"], raw_dir=raw, db_path=tmp_path / "db.duckdb", check=False)
        assert result.returncode != 0
        assert "No message file under CS_RAW_DIR" in output_of(result) and str(raw) in output_of(result)


def test_an_empty_day_builds_again_and_again(tmp_path: Path) -> None:
    """A folder whose only message file is empty (a quiet first day) builds, twice."""
    raw, db = tmp_path / "raw", tmp_path / "db.duckdb"
    write_raw(raw, [], [])
    for _ in range(2):
        run_dbt(["build", "--exclude", "test_type:unit"], raw_dir=raw, db_path=db)
    assert query(db, "select count(*) from main.shop_monthly_assessment") == [(0,)]


def timestamp_day(raw: Path) -> None:
    """A file whose sent_at_ms is a Parquet TIMESTAMP (another exporter's habit)."""
    fields = [pa.field("sent_at_ms", pa.timestamp("ms")) if f.name == "sent_at_ms" else f for f in MESSAGE_SCHEMA]
    schema = pa.schema(fields)
    row = message("t-u", "S1", "U2", "user", 0)
    row["sent_at_ms"] = None
    table = pa.Table.from_pylist([row], schema=schema)
    pq.write_table(table, raw / "messages" / "timestamp-day.parquet")


def test_a_file_of_the_wrong_type_is_named_or_quarantined(tmp_path: Path) -> None:
    raw, db = tmp_path / "raw", tmp_path / "db.duckdb"
    a_day(raw, "good-day")
    timestamp_day(raw)
    (raw / "messages" / "zero-byte.parquet").write_bytes(b"")
    (raw / "messages" / "not-parquet.parquet").write_text("message_id,content\nm1,hello\n")

    result = run_dbt(STAGING_ONLY, raw_dir=raw, db_path=db, check=False)
    text = output_of(result)
    assert result.returncode != 0
    assert 'timestamp-day.parquet: column "sent_at_ms" is TIMESTAMP_MILLIS' in text
    assert "zero-byte.parquet: not_a_parquet_file" in text and "not-parquet.parquet: not_a_parquet_file" in text
    assert "good-day.parquet:" not in text

    # quarantine: the run goes on without them (unit tests included: they do not depend on the files)
    quarantine = ["build", "--vars", "{on_unreadable_file: quarantine}"]
    run_dbt(quarantine, raw_dir=raw, db_path=db)
    assert query(db, "select file_name, entity from audit.rejected_files order by 1") == [
        (str(raw / "messages" / name), "messages")
        for name in ("not-parquet.parquet", "timestamp-day.parquet", "zero-byte.parquet")
    ]
    assert query(db, "select count(*) from staging.stg_cs_raw__messages") == [(2,)]
    assert query(db, "select count(*) from audit.raw_file_loads") == [(1,)]

    # nothing is lost: once the file is fixed it is loaded by the next run
    time.sleep(0.01)
    (raw / "messages" / "zero-byte.parquet").unlink()
    (raw / "messages" / "not-parquet.parquet").unlink()
    (raw / "messages" / "timestamp-day.parquet").unlink()
    a_day(raw, "fixed-day", "2026-03-11")
    run_dbt(quarantine, raw_dir=raw, db_path=db)
    assert query(db, "select count(*) from audit.rejected_files") == [(0,)]
    assert query(db, "select count(*) from staging.stg_cs_raw__messages") == [(4,)]


def test_vars_are_validated_once_naming_the_var(tmp_path: Path) -> None:
    raw, db = tmp_path / "raw", tmp_path / "db.duckdb"
    a_day(raw, "day")
    for bad, named in (
        ("{platform_timezone: \"Asia/Shanghai'; select 1; --\"}", "platform_timezone must be an IANA zone name"),
        ('{reply_window_seconds: "300; drop"}', "reply_window_seconds must be a whole number"),
        ("{reply_rate_count_unit: session}", "reply_rate_count_unit must be one of message, turn"),
        ("{reply_sender_roles: [merchant, bot]}", "reply_sender_roles must be a non-empty list"),
        ('{as_of: "yesterday"}', "as_of must be null or a platform-local time"),
        ("{assessment_window_start: '8 am'}", "a clock must be HH:MM"),
    ):
        result = run_dbt(["build", "--vars", bad], raw_dir=raw, db_path=db, check=False)
        assert result.returncode != 0, bad
        assert "Invalid var(s)" in output_of(result) and named in output_of(result), bad


def test_nul_characters_do_not_hide_terms(tmp_path: Path) -> None:
    raw, db = tmp_path / "raw", tmp_path / "db.duckdb"
    hidden = message("nul", "S1", "U1", "merchant", ms("2026-03-10 10:00:00"), content="加\x00微\x00信 wx123456")
    write_raw(raw, [hidden], [])
    run_dbt(["build", "--select", "+content_rule_hits", *CAUTIOUS], raw_dir=raw, db_path=db)
    assert query(db, "select distinct clause from main.content_rule_hits where message_id = 'nul'") == [("2.3",)]


def test_a_far_future_event_is_rejected_not_the_watermark(tmp_path: Path) -> None:
    raw, db = tmp_path / "raw", tmp_path / "db.duckdb"
    a_day(raw, "day")
    future = message("future", "S1", "U1", "user", ms("2099-12-31 10:00:00"))
    write_table(raw / "messages" / "future.parquet", [future], MESSAGE_SCHEMA)
    write_table(raw / "ratings" / "future.parquet", [], RATING_SCHEMA)
    run_dbt(["build", "--exclude", "test_type:unit"], raw_dir=raw, db_path=db)
    assert query(db, "select reject_reason from audit.rejected_messages where message_id = 'future'") == [
        ("future_sent_at_ms",),
    ]
    assert query(db, "select strftime(max(assessment_month), '%Y-%m') from main.shop_monthly_assessment") == [
        ("2026-03",),
    ]
    assert query(db, "select watermark_at_ms from intermediate.int_assessment_watermark") == [
        (ms("2026-03-10 10:01:00"),),
    ]


def test_a_five_megabyte_message_builds_within_the_memory_limit(tmp_path: Path) -> None:
    raw, db = tmp_path / "raw", tmp_path / "db.duckdb"
    huge = "加微信私聊" * 1_000_000  # 5M characters, the term everywhere
    rows = [message("huge", "S1", "U1", "merchant", ms("2026-03-10 10:00:00"), content=huge)]
    write_raw(raw, rows, [])
    started = time.monotonic()
    run_dbt(
        ["build", "--select", "+content_rule_hits", "+truncated_messages", *CAUTIOUS],
        raw_dir=raw,
        db_path=db,
        extra_env={"CS_MEMORY_LIMIT": "4GB"},
    )
    assert time.monotonic() - started < 120
    assert query(db, "select content_length, scanned_char_count from audit.truncated_messages") == [(5_000_000, 4000)]
    assert query(db, "select distinct clause from main.content_rule_hits where message_id = 'huge'") == [("2.3",)]


def test_every_var_is_validated() -> None:
    """A new var of dbt_project.yml must get a check in macros/config/validate_vars.sql."""
    project_vars = set(yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"])
    checks = (REPO_ROOT / "macros" / "config" / "validate_vars.sql").read_text()
    assert {name for name in project_vars if f"'{name}'" not in checks} == set()
