"""Publishing for BI, end to end: real `dbt build`s of small demo exports and the real publish step.

What BI may rely on: the published file holds only tables, equal to the build's but for the personal
columns (test_publish_privacy.py); a reader holding the published file open never blocks a build and
keeps a consistent snapshot, while new readers see the new build; a build that dies (killed, or
failing) never reaches readers and publish refuses it; the Parquet exports equal the published tables
and their manifest says which build they come from.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cs_tools.publish import (
    FAILURES_SCHEMA,
    MANIFEST_TABLE,
    OPTIONAL_MARTS,
    PERSONAL_COLUMNS,
    REQUIRED_MARTS,
    PublishRefused,
    publish,
)
from tests.python.conftest import SECOND_DEMO_DAYS, Warehouse
from tests.python.dbt_helpers import REPO_ROOT, dbt_env, dbt_executable, query, run_dbt

HEADLINE_SQL = """
select
    (select sum(consult_message_count) from main.shop_monthly_assessment) as consult_messages,
    (select sum(replied_within_5min_count) from main.shop_monthly_assessment) as replied_within_5min,
    (select count(*) from main.consult_reply_pairs) as pairs,
    (select max(activity_date) from main.shop_daily_reply_rate) as last_day
"""


def figures(connection: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The build a published file comes from, then the headline figures a dashboard shows."""
    invocation = connection.execute(f"select any_value(dbt_invocation_id) from main.{MANIFEST_TABLE}").fetchall()
    return (invocation[0][0], *connection.execute(HEADLINE_SQL).fetchall()[0])


def published_figures(warehouse: Warehouse) -> tuple[Any, ...]:
    """`figures` read by a new reader of the published file."""
    with duckdb.connect(str(warehouse.config.publish_path), read_only=True) as connection:
        return figures(connection)


def build_invocation_id(warehouse: Warehouse) -> str:
    """The invocation id of the warehouse's last dbt command (its run_results.json)."""
    return str(json.loads(warehouse.config.run_results.read_text())["metadata"]["invocation_id"])


def export_manifest(warehouse: Warehouse) -> dict[str, Any]:
    """The manifest.json of the current Parquet exports."""
    manifest: dict[str, Any] = json.loads((warehouse.config.export_dir / "manifest.json").read_text())
    return manifest


def tables(db_path: Path) -> dict[str, str]:
    """`schema.name` -> table type of every relation in a DuckDB file."""
    rows = query(db_path, "select table_schema || '.' || table_name, table_type from information_schema.tables")
    return {name: kind for name, kind in rows}


# --------------------------------------------------------------------------------------------------
# what is published
# --------------------------------------------------------------------------------------------------


def test_published_file_holds_only_the_bi_tables_as_tables(published_demo: Warehouse) -> None:
    published = tables(published_demo.config.publish_path)
    built = tables(published_demo.db_path)
    assert set(published.values()) == {"BASE TABLE"}, "views over paths or dbt-only functions would break readers"
    expected = {f"main.{name}" for name in REQUIRED_MARTS} | {f"main.{MANIFEST_TABLE}", "reference.rule_catalog"}
    expected |= {f"main.{name}" for name in OPTIONAL_MARTS if f"main.{name}" in built}
    expected |= {name for name in built if name.startswith(("audit.rejected_", "audit.duplicate_"))}
    expected |= {name for name in built if name.startswith(f"{FAILURES_SCHEMA}.")}
    assert set(published) == expected
    assert {
        "audit.rejected_messages",
        "audit.duplicate_ratings",
        f"{FAILURES_SCHEMA}.shop_months_failing_3_1_1_reply_rate",
    } <= expected


def test_published_tables_equal_the_build(published_demo: Warehouse) -> None:
    """Every column but the personal ones (tests/python/test_publish_privacy.py) as built, row for row."""
    published = published_demo.config.publish_path
    for name in tables(published):
        if name == f"main.{MANIFEST_TABLE}":
            continue
        columns = [row[0] for row in query(published, f"describe {name}") if row[0] not in PERSONAL_COLUMNS]
        ordered = f"select {', '.join(columns)} from {name} order by all"
        assert query(published, ordered) == query(published_demo.db_path, ordered), name


def test_publish_manifest_table_counts_rows_and_names_the_build(published_demo: Warehouse) -> None:
    published = published_demo.config.publish_path
    rows = query(
        published, f"select table_schema || '.' || table_name, row_count, dbt_invocation_id from main.{MANIFEST_TABLE}"
    )
    assert {name for name, _, _ in rows} == set(tables(published)) - {f"main.{MANIFEST_TABLE}"}
    for name, row_count, invocation_id in rows:
        assert query(published, f"select count(*) from {name}") == [(row_count,)], name
        assert invocation_id == build_invocation_id(published_demo)
    assert query(published, "select count(*) from main.consult_reply_pairs")[0][0] > 1000


# --------------------------------------------------------------------------------------------------
# Parquet exports
# --------------------------------------------------------------------------------------------------


def test_exports_have_the_rows_of_the_published_tables(published_demo: Warehouse) -> None:
    manifest = export_manifest(published_demo)
    export_dir = published_demo.config.export_dir
    exported = set(manifest["tables"])
    assert {
        "main.shop_monthly_assessment",
        "main.shop_daily_reply_rate",
        "main.consult_reply_pairs",
        "main.content_rule_hits",
    } <= exported
    assert {
        name for name in tables(published_demo.config.publish_path) if name.startswith(f"{FAILURES_SCHEMA}.")
    } <= exported
    with duckdb.connect() as connection:
        for name, entry in manifest["tables"].items():
            files = str(export_dir / entry["path"])
            exported_rows = connection.execute(f"select count(*) from read_parquet('{files}')").fetchone()
            published_rows = query(published_demo.config.publish_path, f"select count(*) from {name}")[0][0]
            assert exported_rows == (published_rows,) == (entry["rows"],), name


@pytest.mark.parametrize(
    ("table", "month_column"), [("consult_reply_pairs", "assessment_month"), ("content_rule_hits", "assessment_month")]
)
def test_large_marts_are_partitioned_by_month_with_every_column_kept(
    published_demo: Warehouse, table: str, month_column: str
) -> None:
    entry = export_manifest(published_demo)["tables"][f"main.{table}"]
    folder = published_demo.config.export_dir / table
    months = query(
        published_demo.config.publish_path,
        f"select distinct strftime({month_column}, '%Y-%m') from main.{table} order by 1",
    )
    assert sorted(path.name for path in folder.iterdir()) == [f"month={month}" for (month,) in months]
    assert len(months) == 2 and entry["partitioned_by"] == f"month (YYYY-MM of {month_column})"
    with duckdb.connect() as connection:
        columns = connection.execute(
            f"describe select * from read_parquet('{folder}/*/*.parquet', hive_partitioning = false)"
        ).fetchall()
    published_columns = query(published_demo.config.publish_path, f"describe main.{table}")
    assert [(c[0], c[1]) for c in columns] == [(c[0], c[1]) for c in published_columns]


def test_export_manifest_names_the_build_and_the_rule_versions(published_demo: Warehouse) -> None:
    manifest = export_manifest(published_demo)
    assert manifest["dbt_invocation_id"] == build_invocation_id(published_demo)
    assert manifest["dbt_version"].startswith("1.11.")
    assert manifest["built_at"] >= manifest["build_started_at"]
    applied = query(
        published_demo.config.publish_path, "select distinct rule_version_id from main.shop_monthly_rule_results"
    )
    assert sorted(manifest["rule_catalog_versions"]["applied"]) == sorted(row[0] for row in applied)
    assert "3.1.1@2024-04-18" in manifest["rule_catalog_versions"]["in_force"]
    assert published_demo.config.export_dir.is_symlink()


# --------------------------------------------------------------------------------------------------
# readers and builds
# --------------------------------------------------------------------------------------------------


class BiReader:
    """A BI tool: another process holding a read-only connection open on the published file.

    (A second connection to the same path inside one Python process would share DuckDB's cached
    database instance, so readers that must see different files live in different processes.)
    """

    SCRIPT = (
        "import duckdb, json, sys\n"
        "connection = duckdb.connect(sys.argv[1], read_only=True)\n"
        "for sql in sys.stdin:\n"
        "    print(json.dumps(connection.execute(sql).fetchall()[0], default=str), flush=True)\n"
    )

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", self.SCRIPT, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def read(self, sql: str) -> tuple[Any, ...]:
        """The first row of `sql` as this reader sees it now (dates as text)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(" ".join(sql.split()) + "\n")
        self.process.stdin.flush()
        return tuple(json.loads(self.process.stdout.readline()))

    def close(self) -> None:
        """End the reader process."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def as_text(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row as `BiReader.figures` returns it."""
    return tuple(json.loads(json.dumps(row, default=str)))


def test_open_reader_keeps_its_snapshot_while_a_build_and_publish_replace_it(
    published_demo: Warehouse, tmp_path: Path
) -> None:
    warehouse = published_demo.copy_to(tmp_path / "warehouse")
    old_export_dir = warehouse.config.export_dir.resolve()
    bi_reader = BiReader(warehouse.config.publish_path)
    try:
        opened = bi_reader.read(f"select any_value(dbt_invocation_id) from main.{MANIFEST_TABLE}")
        warehouse.generate(SECOND_DEMO_DAYS)
        warehouse.build("--full-refresh")  # raises if the open reader blocked it
        publish(warehouse.config)  # raises if the open reader blocked it
        # The reader's first look at the marts comes after the swap: it must still read, whole and
        # unchanged, the file it opened (not blocks of the new one at the old offsets).
        seen_after = bi_reader.read(HEADLINE_SQL)
    finally:
        bi_reader.close()
    old = as_text(published_figures(published_demo))
    assert (*opened, *seen_after) == old, "an open reader must keep reading the build it opened"
    new = as_text(published_figures(warehouse))
    assert new != old and new[0] == build_invocation_id(warehouse) != old[0]
    assert new[1:] == as_text(query(warehouse.db_path, HEADLINE_SQL)[0])
    assert export_manifest(warehouse)["dbt_invocation_id"] == new[0]
    assert old_export_dir.exists(), "the previous export version stays for readers still listing it"


def start_build(warehouse: Warehouse) -> subprocess.Popen[str]:
    """`dbt build --full-refresh` as a child process in its own process group, its log lines readable as they come."""
    return subprocess.Popen(
        [dbt_executable(), "build", "--full-refresh"],
        cwd=REPO_ROOT,
        env=dbt_env(warehouse.raw_dir, warehouse.db_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def kill_after_first_models(build: subprocess.Popen[str], models: int = 3) -> list[str]:
    """Read the build's log until `models` models are created, then SIGKILL its process group."""
    assert build.stdout is not None
    seen: list[str] = []
    for line in build.stdout:
        seen.append(line)
        if sum(" OK created " in line for line in seen) >= models:
            break
    os.killpg(build.pid, signal.SIGKILL)
    build.wait(timeout=60)
    return seen


def test_killed_build_is_never_published(published_demo: Warehouse, tmp_path: Path) -> None:
    warehouse = published_demo.copy_to(tmp_path / "warehouse")
    before = published_figures(warehouse)
    warehouse.generate(SECOND_DEMO_DAYS)
    log = kill_after_first_models(start_build(warehouse))
    assert warehouse_was_changed(log), "the kill must come after the build started writing"
    with pytest.raises(PublishRefused, match="did not finish"):
        publish(warehouse.config)
    assert published_figures(warehouse) == before
    assert export_manifest(warehouse)["dbt_invocation_id"] == before[0]


def warehouse_was_changed(log: list[str]) -> bool:
    """The build log shows models created (so the build database is half-written)."""
    return any(" OK created " in line for line in log)


def test_failing_build_is_refused_naming_the_failure(published_demo: Warehouse, tmp_path: Path) -> None:
    warehouse = published_demo.copy_to(tmp_path / "warehouse")
    before = published_figures(warehouse)
    result = run_dbt(
        # a well-formed but impossible time passes the vars check and fails in int_assessment_watermark
        ["build", "--full-refresh", "--vars", "{as_of: '2026-13-45 10:00:00'}"],
        raw_dir=warehouse.raw_dir,
        db_path=warehouse.db_path,
        check=False,
    )
    assert result.returncode != 0
    with pytest.raises(PublishRefused, match=r"error\(s\)") as refusal:
        publish(warehouse.config)
    assert "model.cs_rules.int_assessment_watermark: error" in str(refusal.value)
    assert published_figures(warehouse) == before
