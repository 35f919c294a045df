"""Apache Spark parity (issue 12): the same project on Spark gives the DuckDB build's figures, row for row.

One raw export holds a small generated set (dirty rows, duplicates, conflicts, replies across midnight
and the month end), the hand-made 2.5 threads of test_incremental.py, the labelled content-rule set and
the normaliser probes of test_content_rules_eval.py, and a file with an extra column and text that
trips escaping (apostrophes, backslashes, regex metacharacters, `$1`, empty and null content).

- It is built on DuckDB (`dbt build`, publish) and on Spark (`dbt build` with CS_DBT_TARGET=spark, which
  runs the dbt data and unit tests too; cs_tools.spark_stage; publish). Every published table (marts,
  rule catalog, audit tables, stored threshold failures) must be equal, row for row.
- A Spark warehouse built without the last day, then given it in an incremental run, must equal the full
  build too (incremental = full refresh on Spark).

Marked `spark`: `make test-spark` runs it (Java 17, requirements-spark.txt); plain `pytest` skips it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cs_devtools.demo_data import generate
from tests.python.dbt_helpers import MESSAGE_SCHEMA, REPO_ROOT, dbt_env, run_dbt
from tests.python.test_content_rules_eval import (
    harassment_thread,
    labelled_messages,
    load_labelled,
    message,
    probe_messages,
)
from tests.python.test_incremental import harassment_rows

pytestmark = pytest.mark.spark

# The Spark builds run the unit tests too (dbt_env leaves them out of the other test builds): they must
# pass on both engines.
SPARK_ENV = {
    "CS_DBT_TARGET": "spark", "CS_SPARK_DRIVER_MEMORY": "2g", "SPARK_LOCAL_IP": "127.0.0.1",
    "DBT_EXCLUDE_RESOURCE_TYPES": "",
}

# Text that an escaping or regex-dialect slip changes silently.
TRICKY_CONTENTS = [
    "it's the shop's 'best' price",
    "path C:\\temp\\new and a \\n that is not a newline",
    "加微信 abc\\1 $1 ${x} (?:x)",
    "",
    None,
    "加我ｖｘ：ａｂｃ１２３４５６ 'quote' \\\\",
    "门店地址：北京市朝阳区建国路88号，欢迎光临",
]


def tricky_messages() -> list[dict[str, Any]]:
    at = datetime(2026, 1, 30, 12, 0, 0)
    return [
        message(f"tricky_{index}", shop="shop_tricky", user="user_tricky", role="merchant", content=content, at=at)
        for index, content in enumerate(TRICKY_CONTENTS)
    ]


def write_with_extra_column(path: Path, rows: list[dict[str, Any]]) -> None:
    """A message file with one column more than the contract (it must be ignored on both engines)."""
    table = pa.Table.from_pylist(rows, schema=MESSAGE_SCHEMA)
    table = table.append_column("extra_note", pa.array(["extra"] * len(rows), type=pa.string()))
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spark_export") / "raw"
    generate(root, seed=11, shops=3, days=5, start=date(2026, 1, 28), messages=None, dirty_rate=0.02)
    days = sorted(p.stem for p in (root / "messages").glob("*.parquet"))
    for day, rows in harassment_rows(days).items():
        file = root / "messages" / f"{day}.parquet"
        extra = pa.Table.from_pylist(rows, schema=MESSAGE_SCHEMA)
        pq.write_table(pa.concat_tables([pq.read_table(file), extra]), file)
    thread, _ = harassment_thread()
    labelled = labelled_messages(load_labelled()) + probe_messages() + thread + tricky_messages()
    write_with_extra_column(root / "messages" / "0000-labelled.parquet", labelled)
    return root


PARITY_PSEUDONYM_KEY = "spark-parity-test-pseudonym-key"


def publish(workspace: Path, build_db: Path, run_results: Path) -> Path:
    published = workspace / "published.duckdb"
    command = [
        sys.executable, "-m", "cs_tools.publish", "--db", str(build_db), "--publish-path", str(published),
        "--export-dir", str(workspace / "exports"), "--run-results", str(run_results),
    ]
    # one pseudonym key for both engines' publishes, so their pseudonymous ids compare equal
    env = {**os.environ, "CS_PSEUDONYM_KEY": PARITY_PSEUDONYM_KEY}
    subprocess.run(command, cwd=REPO_ROOT, check=True, capture_output=True, text=True, env=env)
    return published


def spark_build(raw_dir: Path, workspace: Path, args: list[str]) -> None:
    """`dbt <args>` on Spark, its warehouse and metastore in `workspace`."""
    env = {**SPARK_ENV, "CS_SPARK_WAREHOUSE": str(workspace / "spark")}
    run_dbt(args, raw_dir=raw_dir, db_path=workspace / "stage.duckdb", extra_env=env)


def spark_publish(raw_dir: Path, workspace: Path) -> Path:
    """Stage the Spark warehouse as a DuckDB build database and publish it, as `make build-spark` does."""
    env = dbt_env(raw_dir, workspace / "stage.duckdb", {**SPARK_ENV, "CS_SPARK_WAREHOUSE": str(workspace / "spark")})
    target = workspace / "dbt_target"
    command = [sys.executable, "-m", "cs_tools.spark_stage", "--db", str(workspace / "stage.duckdb"),
               "--run-results", str(target / "run_results.json"), "--manifest", str(target / "manifest.json")]
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return publish(workspace, workspace / "stage.duckdb", target / "run_results.json")


@pytest.fixture(scope="module")
def duckdb_published(export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = tmp_path_factory.mktemp("duckdb_build")
    run_dbt(["build"], raw_dir=export, db_path=workspace / "cs_rules.duckdb")
    return publish(workspace, workspace / "cs_rules.duckdb", workspace / "dbt_target" / "run_results.json")


@pytest.fixture(scope="module")
def spark_published(export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = tmp_path_factory.mktemp("spark_build")
    spark_build(export, workspace, ["build"])
    return spark_publish(export, workspace)


def published_tables(db: Path) -> dict[str, list[str]]:
    """`schema.table` -> columns, for every published table but the publish manifest."""
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "where table_name <> 'publish_manifest' order by table_schema, table_name, ordinal_position"
        ).fetchall()
    tables: dict[str, list[str]] = {}
    for schema, table, column, data_type in rows:
        tables.setdefault(f"{schema}.{table}", []).append(f"{column} {data_type}")
    return tables


def table_rows(db: Path, table: str, columns: list[str], raw_dir: Path | None = None) -> list[tuple[Any, ...]]:
    """Rows in a canonical order, doubles rounded to 9 decimals (summation order differs by engine), and
    source file paths under `raw_dir` written as `<raw>/...` (builds of one export from two folders)."""

    def expression(name: str, data_type: str) -> str:
        if data_type == "DOUBLE":
            return f'round("{name}", 9)'
        if data_type == "VARCHAR" and raw_dir is not None:
            return f"replace(\"{name}\", '{raw_dir}/', '<raw>/')"
        return f'"{name}"'

    select_list = ", ".join(expression(*column.split(" ", 1)) for column in columns)
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(f"select {select_list} from {table} order by all").fetchall()


def assert_same_published(actual: Path, expected: Path, actual_raw: Path, expected_raw: Path) -> None:
    expected_tables, actual_tables = published_tables(expected), published_tables(actual)
    assert sorted(actual_tables) == sorted(expected_tables)
    for table, columns in expected_tables.items():
        assert sorted(actual_tables[table]) == sorted(columns), f"{table}: columns or types differ"
        actual_rows = table_rows(actual, table, columns, actual_raw)
        expected_rows = table_rows(expected, table, columns, expected_raw)
        assert len(actual_rows) == len(expected_rows), f"{table}: {len(actual_rows)} vs {len(expected_rows)} rows"
        assert actual_rows == expected_rows, f"{table}: rows differ"


def test_spark_build_equals_duckdb_build(export: Path, spark_published: Path, duckdb_published: Path) -> None:
    tables = published_tables(duckdb_published)
    assert "main.content_rule_hits" in tables and "audit.rejected_messages" in tables
    assert_same_published(spark_published, duckdb_published, export, export)


def test_spark_incremental_day_equals_full_build(
    export: Path, duckdb_published: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    workspace = tmp_path_factory.mktemp("spark_incremental")
    raw_dir = workspace / "raw"
    shutil.copytree(export, raw_dir)
    last_day = sorted(p.name for p in (raw_dir / "messages").glob("2026-*.parquet"))[-1]
    held_back = workspace / "held_back"
    for entity in ("messages", "ratings"):
        (held_back / entity).mkdir(parents=True)
        if (raw_dir / entity / last_day).exists():
            shutil.move(raw_dir / entity / last_day, held_back / entity / last_day)
    spark_build(raw_dir, workspace, ["build", "--resource-type", "seed", "--resource-type", "model"])
    for entity in ("messages", "ratings"):
        if (held_back / entity / last_day).exists():
            shutil.move(held_back / entity / last_day, raw_dir / entity / last_day)
    spark_build(raw_dir, workspace, ["build"])  # a full `dbt build`: publish refuses a partial one
    assert_same_published(spark_publish(raw_dir, workspace), duckdb_published, raw_dir, export)


def test_spark_missing_required_column_fails_fast_naming_file_and_column(tmp_path: Path) -> None:
    """On Spark too, a file that lacks a required column stops the run (in the on-run-start hook) naming
    the file and the column, and only that file."""
    raw_dir = tmp_path / "raw"
    good = [message("good", shop="S1", user="U1", role="user", content="hi", at=datetime(2026, 3, 10, 10))]
    broken_schema = MESSAGE_SCHEMA.remove(MESSAGE_SCHEMA.get_field_index("sent_at_ms"))
    broken = pa.Table.from_pylist([{k: v for k, v in good[0].items() if k != "sent_at_ms"}], schema=broken_schema)
    (raw_dir / "messages").mkdir(parents=True)
    (raw_dir / "ratings").mkdir()
    pq.write_table(broken, raw_dir / "messages" / "broken-day.parquet")
    pq.write_table(pa.Table.from_pylist(good, schema=MESSAGE_SCHEMA), raw_dir / "messages" / "good-day.parquet")
    env = {**SPARK_ENV, "CS_SPARK_WAREHOUSE": str(tmp_path / "spark")}
    result = run_dbt(
        ["seed", "--select", "value_mappings"], raw_dir=raw_dir, db_path=tmp_path / "stage.duckdb",
        extra_env=env, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "broken-day.parquet" in output and '"sent_at_ms"' in output
    assert "good-day.parquet" not in output.split("does not match the data contract")[-1]


QUARANTINE_VARS = ["--vars", "{on_unreadable_file: quarantine}"]


def hostile_export(raw: Path) -> None:
    """Two good files (one whose name needs escaping in a Hadoop glob) and four unusable ones."""
    from tests.python.test_hostile_inputs import a_day, timestamp_day

    a_day(raw, "good-day")
    a_day(raw, "second day, {copy}", "2026-03-11")
    timestamp_day(raw)
    (raw / "messages" / "zero-byte.parquet").write_bytes(b"")
    (raw / "messages" / "not-parquet.parquet").write_text("message_id,content\nm1,hello\n")
    good = [message("nc", shop="S1", user="U1", role="user", content="hi", at=datetime(2026, 3, 10, 10))]
    no_sent_at = MESSAGE_SCHEMA.remove(MESSAGE_SCHEMA.get_field_index("sent_at_ms"))
    pq.write_table(pa.Table.from_pylist([{k: v for k, v in good[0].items() if k != "sent_at_ms"}], schema=no_sent_at),
                   raw / "messages" / "no-sent-at.parquet")


def spark_show(raw_dir: Path, workspace: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of `dbt show --inline` on the Spark warehouse in `workspace` (the raw registration runs first)."""
    import json

    env = {**SPARK_ENV, "CS_SPARK_WAREHOUSE": str(workspace / "spark")}
    result = run_dbt(["show", "--inline", sql, "--limit", "100", "--output", "json", "--log-format", "json",
                      *QUARANTINE_VARS], raw_dir=raw_dir, db_path=workspace / "stage.duckdb", extra_env=env)
    for line in result.stdout.splitlines():
        event = json.loads(line)
        if event.get("info", {}).get("name") == "ShowNode":
            rows: list[dict[str, Any]] = json.loads(event["data"]["preview"])
            return [tuple(row.values()) for row in rows]
    raise AssertionError(f"no ShowNode event in dbt show's output:\n{result.stdout[-3000:]}")


# rejected files and staged messages, one query (each dbt command on Spark starts a JVM)
QUARANTINE_RESULT = """
    select 'rejected' as kind, entity as a, file_name as b, cast(file_size as string) as c, reject_reason as d
    from {rejected_files}
    union all
    select 'staged', message_id, source_file, null, null from {staged}
    order by kind, a, b
"""


def test_spark_raw_file_checks_and_quarantine_equal_duckdb(tmp_path: Path) -> None:
    """The per-file checks (not Parquet, missing column, a type that cannot become the contract's) stop the
    run naming the same files on both engines, and `on_unreadable_file: quarantine` leaves the same files
    out and lists them in audit.rejected_files. Spark names the type as Spark reads it (TIMESTAMP_NTZ where
    DuckDB names the Parquet annotation TIMESTAMP_MILLIS)."""
    raw = tmp_path / "raw"
    hostile_export(raw)
    bad = ["no-sent-at.parquet", "not-parquet.parquet", "timestamp-day.parquet", "zero-byte.parquet"]
    spark_bad = [name for name in bad if name != "zero-byte.parquet"]  # see the end of the test
    env = {**SPARK_ENV, "CS_SPARK_WAREHOUSE": str(tmp_path / "spark")}
    stopped = run_dbt(["seed", "--select", "value_mappings"], raw_dir=raw, db_path=tmp_path / "stage.duckdb",
                      extra_env=env, check=False)
    output = stopped.stdout + stopped.stderr
    assert stopped.returncode != 0
    problems = output.split("does not match the data contract")[-1]
    for name in spark_bad:
        assert f"{raw}/messages/{name}:" in problems, name
    assert 'timestamp-day.parquet: column "sent_at_ms" is TIMESTAMP_NTZ, which cannot become bigint exactly' in problems
    assert 'no-sent-at.parquet: missing required column "sent_at_ms"' in problems
    assert "good-day.parquet:" not in problems and "second day" not in problems

    build = ["build", "--select", "+stg_cs_raw__messages", "rejected_files", "--resource-type", "seed",
             "--resource-type", "model", *QUARANTINE_VARS]
    spark_build(raw, tmp_path, build)
    spark_rows = spark_show(raw, tmp_path, QUARANTINE_RESULT.format(
        rejected_files="{{ ref('rejected_files') }}", staged="{{ ref('stg_cs_raw__messages') }}"))

    duckdb_db = tmp_path / "duckdb" / "cs_rules.duckdb"
    run_dbt(build, raw_dir=raw, db_path=duckdb_db)
    with duckdb.connect(str(duckdb_db), read_only=True) as connection:
        duckdb_rows = connection.execute(QUARANTINE_RESULT.format(
            rejected_files="audit.rejected_files", staged="staging.stg_cs_raw__messages"
        ).replace("reject_reason as d", "replace(reject_reason, 'TIMESTAMP_MILLIS', 'TIMESTAMP_NTZ') as d")).fetchall()
    rejected = [row[2] for row in duckdb_rows if row[0] == "rejected"]
    assert rejected == [f"{raw}/messages/{name}" for name in bad]
    assert sum(1 for row in duckdb_rows if row[0] == "staged") == 4
    # the one difference: Spark's file sources skip a zero-byte file (no rows, nothing lost), DuckDB lists it
    zero_byte = f"{raw}/messages/zero-byte.parquet"
    assert spark_rows == [row for row in duckdb_rows if row[2] != zero_byte]


def test_spark_connect_build_of_a_tiny_export(tmp_path: Path) -> None:
    """The project through Spark Connect (README "Apache Spark", `spark_connect` output): SPARK_REMOTE=local[1]
    makes pyspark start a local Connect server and dbt-spark's session talk to it over gRPC, as a client
    talks to a cluster's Connect server. pyspark's connect extra (grpcio, grpcio-status,
    googleapis-common-protos, zstandard) comes with requirements-spark.txt, so its absence fails here."""
    raw = tmp_path / "raw"
    generate(raw, seed=5, shops=2, days=3, start=date(2026, 1, 20), messages=2000)
    env = {**SPARK_ENV, "CS_DBT_TARGET": "spark_connect", "SPARK_REMOTE": "local[1]",
           "CS_SPARK_WAREHOUSE": str(tmp_path / "spark")}
    # the models and seeds behind the assessment, through the client; their data tests run on Spark in the
    # session-mode tests above (over gRPC each test is a round trip: the whole build takes about 4 minutes more)
    build = ["build", "--select", "+shop_monthly_assessment", "--exclude-resource-type", "unit_test", "test"]
    run_dbt(build, raw_dir=raw, db_path=tmp_path / "stage.duckdb", extra_env=env)
    duckdb_db = tmp_path / "duckdb" / "cs_rules.duckdb"
    run_dbt(build, raw_dir=raw, db_path=duckdb_db)
    spark_rows = spark_show(raw, tmp_path, "select shop_id, cast(assessment_month as string), consult_message_count, "
                            "replied_within_5min_count from {{ ref('shop_monthly_assessment') }} order by 1, 2")
    with duckdb.connect(str(duckdb_db), read_only=True) as connection:
        duckdb_rows = connection.execute(
            "select shop_id, cast(assessment_month as varchar), consult_message_count, replied_within_5min_count "
            "from main.shop_monthly_assessment order by 1, 2").fetchall()
    assert duckdb_rows and spark_rows == duckdb_rows
