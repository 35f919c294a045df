"""The Spark column of the benchmark (issue 12 item 8): the same `dbt build` on dbt-spark's local session.

For the export the DuckDB build read, and for each Spark master (``local[1]``, ``local[2]``: Spark's
time with one and two cores):

1. a full ``dbt build`` with ``CS_DBT_TARGET=spark`` on a fresh warehouse and Derby metastore
   (WORKDIR/spark/<master>/), measured like the DuckDB build (wall, CPU and peak memory of the process
   tree: dbt, pyspark and the JVM it starts);
2. ``cs_tools.spark_stage`` copies the tables the publish step reads into a DuckDB file (measured
   apart: it is not part of the build);
3. parity: every staged table must equal the DuckDB build's table of the same name, row for row
   (doubles rounded to 9 decimals: summation order differs by engine).

After the DuckDB incremental step, the last master's warehouse gets the added day in a plain
``dbt build`` too, and is compared with the DuckDB database after its incremental step.

Spark is optional: ``--spark auto`` (the default) runs it only when Java, pyspark and dbt-spark are
there, and a missing one never fails the benchmark (the report says why the column is missing).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cs_devtools.bench.config import BenchConfig
from cs_devtools.bench.measure import Measured, run_measured
from cs_devtools.bench.results import BuildResult
from cs_devtools.bench.run import dbt_env, run_dbt_build

SKIPPED_SCHEMAS = ("build_meta",)  # the build record: invocation ids and times differ by nature


@dataclass(frozen=True)
class Parity:
    """A staged Spark build against the DuckDB build: tables compared and those that differ."""

    tables: int
    differing: list[str] = field(default_factory=list)  # "schema.table: what differs"

    @property
    def equal(self) -> bool:
        return self.tables > 0 and not self.differing

    def describe(self) -> str:
        if self.equal:
            return f"equal ({self.tables} tables)"
        if self.tables == 0:
            return "nothing compared"
        return f"DIFFER in {len(self.differing)} of {self.tables} tables: " + "; ".join(self.differing[:5])


@dataclass(frozen=True)
class SparkBuild:
    """One Spark `dbt build` on one master, its staging and its parity with the DuckDB build."""

    master: str
    build: BuildResult
    stage: Measured | None = None
    parity: Parity | None = None


@dataclass
class SparkResult:
    """The Spark column: skipped (and why), or the full builds per master and the incremental step."""

    skipped: str | None = None
    full_builds: list[SparkBuild] = field(default_factory=list)
    incremental: SparkBuild | None = None
    driver_memory: str = ""

    @property
    def ok(self) -> bool:
        runs = [*self.full_builds, *([self.incremental] if self.incremental else [])]
        return self.skipped is not None or all(
            run.build.measured.ok and run.parity is not None and run.parity.equal for run in runs
        )


def missing_requirement() -> str | None:
    """Why Spark cannot run here (no Java, pyspark or dbt-spark), or None when it can."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java on PATH (Spark needs Java 17: README \"Apache Spark\")"
    for module, package in (("pyspark", "pyspark"), ("dbt.adapters.spark", "dbt-spark")):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            return f"{package} is not installed (make venv-spark)"
    return None


def master_label(master: str) -> str:
    """A folder-safe name of a Spark master: local[2] -> local-2."""
    return re.sub(r"[^A-Za-z0-9]+", "-", master).strip("-")


def spark_dir(config: BenchConfig, master: str) -> Path:
    return config.workdir / "spark" / master_label(master)


def spark_env(config: BenchConfig, master: str, phase: str) -> dict[str, str]:
    """The benchmark's dbt environment switched to the Spark target, master and a private warehouse."""
    base = spark_dir(config, master)
    return {
        **dbt_env(config, f"spark-{master_label(master)}-{phase}"),
        "CS_DBT_TARGET": "spark",
        "CS_SPARK_MASTER": master,
        "CS_SPARK_WAREHOUSE": str((base / "warehouse").resolve()),
        "CS_SPARK_DRIVER_MEMORY": config.spark_driver_memory,
        "CS_DUCKDB_PATH": str((base / "unused.duckdb").resolve()),  # the spark target never opens it
        "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"),
    }


def stage_command(env: dict[str, str], staged_db: Path) -> list[str]:
    target = Path(env["DBT_TARGET_PATH"])
    return [
        sys.executable, "-m", "cs_tools.spark_stage", "--db", str(staged_db.resolve()),
        "--run-results", str(target / "run_results.json"), "--manifest", str(target / "manifest.json"),
        "--warehouse", env["CS_SPARK_WAREHOUSE"],
    ]


def compared_expression(column: str, data_type: str) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    return f"round({quoted}, 9)" if data_type in ("DOUBLE", "FLOAT", "REAL") else quoted


def table_columns(connection: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, dict[str, str]]:
    """`schema.table` -> {column: type} of one attached database."""
    rows = connection.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? order by ordinal_position", [catalog]
    ).fetchall()
    tables: dict[str, dict[str, str]] = {}
    for schema, table, column, data_type in rows:
        tables.setdefault(f"{schema}.{table}", {})[str(column)] = str(data_type)
    return tables


def compare_with_duckdb(staged_db: Path, duckdb_db: Path) -> Parity:
    """Every table staged from Spark (but the build record) against the DuckDB build's table."""
    with duckdb.connect() as connection:
        connection.execute(f"attach '{staged_db.resolve()}' as spark_side (read_only)")
        connection.execute(f"attach '{duckdb_db.resolve()}' as duckdb_side (read_only)")
        spark_tables = table_columns(connection, "spark_side")
        duckdb_tables = table_columns(connection, "duckdb_side")
        compared = [name for name in sorted(spark_tables) if name.split(".")[0] not in SKIPPED_SCHEMAS]
        differing = [f"{name}: {problem}" for name in compared
                     if (problem := table_difference(connection, name, spark_tables[name],
                                                     duckdb_tables.get(name))) is not None]
    return Parity(len(compared), differing)


def rows_only_in(connection: duckdb.DuckDBPyConnection, select_list: str, relation: str, other: str) -> int:
    """Rows of ``relation`` that ``other`` lacks, duplicates counted (``except all``)."""
    found = connection.execute(
        f"select count(*) from (select {select_list} from {relation} except all select {select_list} from {other})"
    ).fetchall()
    return int(found[0][0])


def table_difference(connection: duckdb.DuckDBPyConnection, name: str, spark_columns: dict[str, str],
                     duckdb_columns: dict[str, str] | None) -> str | None:
    """What differs between the two engines' versions of one table (None: equal)."""
    if duckdb_columns is None:
        return "not in the DuckDB build"
    if set(spark_columns) != set(duckdb_columns):
        return f"columns differ ({sorted(set(spark_columns) ^ set(duckdb_columns))})"
    types = [column for column in spark_columns if spark_columns[column] != duckdb_columns[column]]
    if types:
        return "types differ: " + ", ".join(f"{c} {spark_columns[c]} vs {duckdb_columns[c]}" for c in types)
    select_list = ", ".join(compared_expression(column, data_type) for column, data_type in spark_columns.items())
    schema, table = name.split(".", 1)
    spark_rel, duckdb_rel = f'spark_side."{schema}"."{table}"', f'duckdb_side."{schema}"."{table}"'
    only_spark = rows_only_in(connection, select_list, spark_rel, duckdb_rel)
    only_duckdb = rows_only_in(connection, select_list, duckdb_rel, spark_rel)
    if only_spark or only_duckdb:
        return f"{only_spark} rows only on Spark, {only_duckdb} only on DuckDB"
    return None


def spark_build(config: BenchConfig, master: str, phase: str, duckdb_db: Path) -> SparkBuild:
    """One measured Spark `dbt build`, then staging and parity with the DuckDB database."""
    env = spark_env(config, master, phase)
    Path(env["CS_SPARK_WAREHOUSE"]).mkdir(parents=True, exist_ok=True)
    build = run_dbt_build(config, f"spark-{master_label(master)}-{phase}", env=env)
    if not build.measured.ok:
        return SparkBuild(master, build)
    staged_db = spark_dir(config, master) / f"stage-{phase}.duckdb"
    stage = run_measured(stage_command(env, staged_db), env=env,
                         log_path=config.workdir / f"spark_stage_{master_label(master)}_{phase}.log")
    parity = compare_with_duckdb(staged_db, duckdb_db) if stage.ok else None
    return SparkBuild(master, build, stage, parity)


def run_spark_full_builds(config: BenchConfig, duckdb_db: Path) -> SparkResult:
    """The full builds, one per master, each on a fresh warehouse (or why Spark was skipped)."""
    result = SparkResult(driver_memory=config.spark_driver_memory)
    if config.spark == "off":
        result.skipped = "off (--spark off)"
        return result
    reason = missing_requirement()
    if reason is not None:
        result.skipped = reason
        return result
    shutil.rmtree(config.workdir / "spark", ignore_errors=True)
    for master in config.spark_masters:
        result.full_builds.append(spark_build(config, master, "full", duckdb_db))
    return result


def run_spark_incremental(config: BenchConfig, result: SparkResult, duckdb_db: Path) -> None:
    """The added day on the last master's warehouse (a plain `dbt build`), compared with DuckDB's."""
    if result.skipped is not None or not result.full_builds or not result.full_builds[-1].build.measured.ok:
        return
    result.incremental = spark_build(config, result.full_builds[-1].master, "incremental", duckdb_db)


def _s(seconds: float) -> str:
    return f"{seconds:,.1f} s"


def _row(engine: str, phase: str, measured: Measured, wall_duckdb: float | None, stage: Measured | None,
         parity: str) -> str:
    ratio = f"{measured.seconds / wall_duckdb:.1f}x" if wall_duckdb and measured.ok else "n/a"
    status = "" if measured.ok else f" (FAILED, exit {measured.returncode})"
    staged = _s(stage.seconds) if stage is not None else "n/a"
    return (f"| {engine} | {phase} | {_s(measured.seconds)}{status} | {_s(measured.cpu_seconds)} | "
            f"{measured.peak_bytes / 1024**3:.2f} GiB | {ratio} | {staged} | {parity} | {measured.load_before:.1f} |")


def render_spark_table(result: SparkResult | None, duckdb_full: BuildResult | None,
                       duckdb_incremental: BuildResult | None) -> list[str]:
    """The Spark table of a report section (DuckDB's rows first, for the comparison)."""
    if result is None:
        return []
    if result.skipped is not None:
        return [f"Spark: not run ({result.skipped}).", ""]
    header = [
        f"Spark (dbt-spark `method: session`, driver memory {result.driver_memory}) against DuckDB, same export; "
        "parity compares every table the publish step reads, staged from Spark, with the DuckDB build's:",
        "",
        "| engine | build | wall | CPU (user + sys) | peak memory | wall vs DuckDB | stage to DuckDB | parity "
        "| load before |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    wall_full = duckdb_full.measured.seconds if duckdb_full and duckdb_full.measured.ok else None
    wall_inc = duckdb_incremental.measured.seconds if duckdb_incremental and duckdb_incremental.measured.ok else None
    rows = []
    if duckdb_full:
        rows.append(_row("DuckDB", "full", duckdb_full.measured, wall_full, None, "(reference)"))
    for run in result.full_builds:
        rows.append(_row(f"Spark `{run.master}`", "full", run.build.measured, wall_full, run.stage, _parity(run)))
    if duckdb_incremental and result.incremental:
        rows.append(_row("DuckDB", "incremental, 1 day", duckdb_incremental.measured, wall_inc, None, "(reference)"))
    if result.incremental:
        run = result.incremental
        rows.append(_row(f"Spark `{run.master}`", "incremental, 1 day", run.build.measured, wall_inc, run.stage,
                         _parity(run)))
    failures = [f"**Spark `{run.master}` failed**: {run.build.failure} (log: `{run.build.measured.log_path}`)."
                for run in [*result.full_builds, *([result.incremental] if result.incremental else [])]
                if run.build.failure]
    return [*header, *rows, "", *sum(([line, ""] for line in failures), [])]


def _parity(run: SparkBuild) -> str:
    if run.parity is not None:
        return run.parity.describe()
    if run.stage is not None and not run.stage.ok:
        return f"not checked: staging failed (log: `{run.stage.log_path}`)"
    return "not checked"


def spark_summary(result: SparkResult | None) -> Sequence[str]:
    """One line per Spark run for the console."""
    if result is None or result.skipped is not None:
        return [f"spark: skipped ({result.skipped if result else 'not requested'})"]
    runs = [*result.full_builds, *([result.incremental] if result.incremental else [])]
    return [f"spark {run.master}: {run.build.measured.seconds:.1f} s, parity {_parity(run)}" for run in runs]
