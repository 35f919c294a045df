"""Stage a Spark build as a DuckDB build database, so that `cs_tools.publish` publishes it unchanged.

`make build-spark` runs `dbt build` on Spark (CS_DBT_TARGET=spark), then this step, then the publish
step with `--db` pointing at the staged file. The staged file holds, with the same schema and table
names as a DuckDB build, every table the publish gate and copy read:

- the tables run_results.json says this build produced and BI reads (the same list publish computes:
  marts, rule catalog, audit tables, stored threshold failures), and
- `build_meta.dbt_invocations`, the build record the gate checks (a killed Spark build leaves its
  invocation unfinished there, so it is refused exactly as on DuckDB).

Each table is written by Spark as Parquet and loaded into DuckDB. Spark's `timestamp` (a UTC instant;
the session time zone is UTC) is read back as a plain timestamp, and the columns keep the order the
model declares (Spark moves partition columns last). The publish step then gates, copies, exports and
swaps exactly as for a DuckDB build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from cs_tools.publish import PublishRefused, Relation, load_run_results, read_build_info

BUILD_RECORD = Relation("build_meta", "dbt_invocations")


def spark_session(warehouse: Path) -> Any:
    """A local Spark session on the warehouse and metastore dbt's `spark` target wrote (profiles.yml)."""
    from pyspark.sql import SparkSession  # type: ignore[import-not-found,unused-ignore]  # optional (requirements-spark.txt)

    return (
        SparkSession.builder.master(os.environ.get("CS_SPARK_MASTER", "local[2]"))
        .appName("cs_rules-stage")
        .config("spark.driver.memory", os.environ.get("CS_SPARK_DRIVER_MEMORY", "3g"))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={warehouse}/metastore_db;create=true",
        )
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse}")
        .config("spark.ui.enabled", "false")
        .enableHiveSupport()
        .getOrCreate()
    )


def declared_columns(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """`schema.name` -> the columns a model or seed declares, in their declared order."""
    found: dict[str, list[str]] = {}
    for node in manifest.get("nodes", {}).values():
        columns = [str(name).lower() for name in node.get("columns", {})]
        if columns:
            found[f"{node.get('schema')}.{node.get('alias') or node.get('name')}"] = columns
    return found


def load_table(connection: duckdb.DuckDBPyConnection, relation: Relation, parquet_dir: Path, order: list[str]) -> None:
    """Create `relation` in DuckDB from Spark's Parquet files: timestamps naive UTC, declared column order."""
    source = f"read_parquet('{parquet_dir}/*.parquet')"
    described = connection.execute(f"describe select * from {source}").fetchall()
    types = {str(row[0]).lower(): str(row[1]) for row in described}
    names = order if order and set(order) == set(types) else list(types)
    select_list = ", ".join(
        f'cast("{name}" as timestamp) as "{name}"' if types[name] == "TIMESTAMP WITH TIME ZONE" else f'"{name}"'
        for name in names
    )
    connection.execute(f'create schema if not exists "{relation.schema}"')
    connection.execute(f"create or replace table {relation.qualified} as select {select_list} from {source}")


def stage(run_results: Path, manifest_path: Path, warehouse: Path, staged_db: Path) -> int:
    """Write every table the publish step needs from the Spark warehouse into `staged_db`."""
    build = read_build_info(load_run_results(run_results))
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    orders = declared_columns(manifest)
    spark = spark_session(warehouse)
    staged_db.parent.mkdir(parents=True, exist_ok=True)
    staged_db.unlink(missing_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="spark_stage_", dir=staged_db.parent))
    try:
        with duckdb.connect(str(staged_db)) as connection:
            connection.execute("set TimeZone = 'UTC'")
            for relation in (*build.relations, BUILD_RECORD):
                target = scratch / relation.schema / relation.name
                try:
                    spark.table(relation.label).write.mode("overwrite").parquet(str(target))
                except Exception as error:  # pyspark's AnalysisException: no such table
                    raise PublishRefused(f"{relation.label} is missing from the Spark warehouse: {error}") from error
                load_table(connection, relation, target, orders.get(relation.label, []))
            connection.execute("checkpoint")
    finally:
        spark.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    return len(build.relations) + 1


def main(argv: Sequence[str] | None = None) -> int:
    """Stage; exit 2 when the build is not fit to publish (the publish step would refuse it too)."""
    target_path = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    parser = argparse.ArgumentParser(prog="python -m cs_tools.spark_stage", description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-results", type=Path, default=target_path / "run_results.json")
    parser.add_argument("--manifest", type=Path, default=target_path / "manifest.json")
    parser.add_argument(
        "--warehouse", type=Path, default=Path(os.environ.get("CS_SPARK_WAREHOUSE", "warehouse/spark"))
    )
    parser.add_argument(
        "--db", type=Path, default=Path(os.environ.get("CS_SPARK_STAGE_PATH", "warehouse/spark_build.duckdb"))
    )
    args = parser.parse_args(argv)
    try:
        count = stage(args.run_results, args.manifest, args.warehouse, args.db)
    except PublishRefused as refusal:
        print(f"publish refused: {refusal}", file=sys.stderr)
        return 2
    print(f"staged {count} Spark tables into {args.db}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
