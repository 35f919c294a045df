"""Incremental daily builds give exactly the marts a full refresh gives (issue: scale).

An export of several days is built in three steps into one database, as a platform delivers it:
the first days, then the next day's files, then a late file for an old day together with a
re-delivery of an already loaded file. After every step the marts must equal those of a full
build of the same files into a fresh database.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from cs_tools.generate_demo_data import generate
from tests.python.dbt_helpers import query, run_dbt

COMPARED_TABLES = [
    "staging.stg_cs_raw__messages",
    "audit.rejected_messages",
    "audit.duplicate_messages",
    "intermediate.int_user_messages__paired",
    "main.consult_reply_pairs",
    "main.shop_daily_reply_rate",
    "main.shop_monthly_reply_rate",
    "main.shop_monthly_assessment",
    "main.shop_monthly_rule_results",
]


def copy_day(source: Path, target: Path, day: str, *, as_name: str | None = None) -> None:
    """Copy one day's message and rating files from one export folder to another."""
    for entity in ("messages", "ratings"):
        (target / entity).mkdir(parents=True, exist_ok=True)
        file = source / entity / f"{day}.parquet"
        if file.exists():
            shutil.copy(file, target / entity / (as_name or file.name))


def table_rows(db_path: Path, table: str) -> list[tuple[object, ...]]:
    return query(db_path, f"select * from {table} order by all")


def assert_same_marts(incremental_db: Path, full_db: Path) -> None:
    for table in COMPARED_TABLES:
        incremental_rows, full_rows = table_rows(incremental_db, table), table_rows(full_db, table)
        assert len(incremental_rows) == len(full_rows), table
        assert incremental_rows == full_rows, table


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incremental_export")
    generate(root, seed=7, shops=6, days=6, start=date(2026, 1, 29), messages=None, dirty_rate=0.01)
    return root


def full_build(raw_dir: Path, db_path: Path) -> None:
    """A reference build from scratch (models only: the incremental database runs the tests)."""
    run_dbt(["build", "--resource-type", "seed", "--resource-type", "model"], raw_dir=raw_dir, db_path=db_path)


def incremental_build(raw_dir: Path, db_path: Path) -> None:
    """A plain `dbt build` (models and data tests) into a database that already holds earlier runs."""
    run_dbt(["build", "--exclude", "test_type:unit"], raw_dir=raw_dir, db_path=db_path)


def test_incremental_runs_equal_full_refresh(export: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    db = tmp_path / "incremental.duckdb"
    days = sorted(p.stem for p in (export / "messages").glob("*.parquet"))
    late_day = days[1]

    # 1. the first days, but not the late day's file
    for day in days[:-1]:
        if day != late_day:
            copy_day(export, raw, day)
    incremental_build(raw, db)
    full_build(raw, tmp_path / "full_1.duckdb")
    assert_same_marts(db, tmp_path / "full_1.duckdb")

    # 2. the next day arrives (replies cross midnight and the month end from the previous file)
    copy_day(export, raw, days[-1])
    incremental_build(raw, db)
    window = query(db, "select pending_file_count, reprocess_from_date from raw.incremental_window")
    full_build(raw, tmp_path / "full_2.duckdb")
    assert_same_marts(db, tmp_path / "full_2.duckdb")

    # 3. a late file for an old day, and yesterday's file delivered again under another name
    copy_day(export, raw, late_day)
    copy_day(export, raw, days[-1], as_name="redelivered.parquet")
    incremental_build(raw, db)
    full_build(raw, tmp_path / "full_3.duckdb")
    assert_same_marts(db, tmp_path / "full_3.duckdb")

    # step 2 was incremental: one new message file, and only the last days were recomputed (the
    # window opens at the old watermark less 5 minutes, or the new file's first event, less a day)
    (pending_file_count, reprocess_from_date), = window
    assert pending_file_count == 1
    assert date.fromisoformat(days[0]) < reprocess_from_date <= date.fromisoformat(days[-2])
    loaded = query(db, "select count(*) from audit.raw_file_loads")
    assert loaded == [(len(days) + 1,)]


def test_a_vanished_raw_file_stops_the_run_until_a_full_refresh(export: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    db = tmp_path / "db.duckdb"
    days = sorted(p.stem for p in (export / "messages").glob("*.parquet"))[:2]
    for day in days:
        copy_day(export, raw, day)
    incremental_build(raw, db)

    (raw / "messages" / f"{days[0]}.parquet").unlink()
    result = run_dbt(["build", "--exclude", "test_type:unit"], raw_dir=raw, db_path=db, check=False)
    assert result.returncode != 0
    assert f"{days[0]}.parquet" in result.stdout and "--full-refresh" in result.stdout

    run_dbt(["build", "--exclude", "test_type:unit", "--full-refresh"], raw_dir=raw, db_path=db)
    assert query(db, "select count(distinct source_file) from staging.stg_cs_raw__messages") == [(1,)]
