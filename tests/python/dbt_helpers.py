"""Run the dbt project from tests: a temporary raw folder, a temporary DuckDB file, real `dbt`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cs_devtools.demo_data import MESSAGES_SCHEMA, RATINGS_SCHEMA

REPO_ROOT = Path(__file__).resolve().parents[2]

# The raw data contract's Arrow schemas, from the generator (one definition).
MESSAGE_SCHEMA = MESSAGES_SCHEMA
RATING_SCHEMA = RATINGS_SCHEMA


def dbt_executable() -> str:
    """The `dbt` next to the running interpreter (the project's .venv under `make test`)."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_env(raw_dir: Path, db_path: Path, extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment `run_dbt` gives dbt: `raw_dir`, `db_path`, and logs/target beside the database.

    Builds leave the unit tests out, as production builds do (docs/decisions.md, "Unit tests"):
    `make test-dbt` runs them once, and the Spark parity builds run them on Spark
    (DBT_EXCLUDE_RESOURCE_TYPES="" in `extra_env` brings them back)."""
    return {
        **os.environ,
        "DBT_EXCLUDE_RESOURCE_TYPES": "unit_test",
        "CS_RAW_DIR": str(raw_dir),
        "CS_DUCKDB_PATH": str(db_path),
        "CS_TEMP_DIR": str(db_path.parent / "duckdb_tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_LOG_PATH": str(db_path.parent / "dbt_logs"),
        "DBT_TARGET_PATH": str(db_path.parent / "dbt_target"),
        **(extra_env or {}),
    }


def run_dbt(
    args: Sequence[str],
    *,
    raw_dir: Path,
    db_path: Path,
    extra_env: Mapping[str, str] | None = None,
    check: bool = True,
    project_dir: Path = REPO_ROOT,
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>` from `project_dir` (the repo root, or a copy of the project from `copy_project`)
    against `raw_dir` and `db_path`; raise with its output on failure."""
    env = dbt_env(raw_dir, db_path, extra_env)
    result = subprocess.run(
        [dbt_executable(), *args],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


PROJECT_FILES: tuple[str, ...] = ("dbt_project.yml", "profiles.yml")
PROJECT_FOLDERS: tuple[str, ...] = ("models", "macros", "seeds", "analyses", "tests")


def copy_project(target: Path) -> Path:
    """A copy of the dbt project (sources only) at `target`, for a test that edits a seed such as
    seeds/assessment_exemptions.csv without touching the repository."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(REPO_ROOT / name, target / name)
    for name in PROJECT_FOLDERS:
        shutil.copytree(
            REPO_ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "python")
        )
    return target


def write_table(path: Path, rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> None:
    """Write rows (dicts keyed by column; missing keys are null) as one Parquet file of `schema`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = {field.name: [row.get(field.name) for row in rows] for field in schema}
    pq.write_table(pa.table(columns, schema=schema), path)


def write_raw(
    raw_dir: Path,
    messages: Sequence[Mapping[str, Any]],
    ratings: Sequence[Mapping[str, Any]],
    *,
    file_stem: str = "part-0",
) -> None:
    """Write contract-typed messages/ and ratings/ Parquet files (an empty list gives an empty file)."""
    write_table(raw_dir / "messages" / f"{file_stem}.parquet", messages, MESSAGE_SCHEMA)
    write_table(raw_dir / "ratings" / f"{file_stem}.parquet", ratings, RATING_SCHEMA)


def query(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of `sql` run read-only against the built database."""
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return connection.sql(sql).fetchall()
