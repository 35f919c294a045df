"""The steps of a run: generate data, link the days, full `dbt build`, floor, incremental build, clean."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from cs_devtools.bench.config import BenchConfig
from cs_devtools.bench.floor import compare_floor_with_mart, floor_command
from cs_devtools.bench.measure import Measured, environment_info, run_measured
from cs_devtools.bench.profile import read_phase_profile
from cs_devtools.bench.results import BenchResult, BuildResult, NodeTiming


def prepare_workdir(config: BenchConfig) -> None:
    """Remove what a previous run left in WORKDIR (data, database, logs) and create the folders."""
    for path in (config.generated_dir, config.raw_dir, config.workdir / "logs", config.workdir / "target",
                 config.workdir / "spark"):
        shutil.rmtree(path, ignore_errors=True)
    if config.temp_dir is None:  # a spill folder given by the user is never deleted, only our own
        shutil.rmtree(config.duckdb_temp_dir, ignore_errors=True)
    for path in (config.db_path, config.db_path.with_suffix(".duckdb.wal")):
        path.unlink(missing_ok=True)
    config.workdir.mkdir(parents=True, exist_ok=True)
    config.duckdb_temp_dir.mkdir(parents=True, exist_ok=True)


def generation_command(config: BenchConfig) -> list[str]:
    """Generator call for ``days + 1`` days holding about ``messages`` in the first ``days``."""
    scaled = round(config.messages * (config.days + 1) / config.days)
    return [
        sys.executable, "-m", "cs_devtools.demo_data", "--out", str(config.generated_dir),
        "--messages", str(scaled), "--days", str(config.days + 1), "--shops", str(config.shops),
        "--start", config.start.isoformat(), "--force",
    ]


def _link(source: Path, target: Path) -> None:
    """Hard-link ``source`` to ``target`` (copy when the file system refuses)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def link_days(config: BenchConfig, *, include_added_day: bool) -> None:
    """Expose the generated daily files in the raw folder: the first ``days`` days, or only the added day."""
    added = f"{config.added_day.isoformat()}.parquet"
    for entity in ("messages", "ratings"):
        for source in sorted((config.generated_dir / entity).glob("*.parquet")):
            if (source.name == added) == include_added_day:
                _link(source, config.raw_dir / entity / source.name)


def parquet_rows(files: Sequence[Path]) -> int:
    """Row count of Parquet files, from their footers."""
    import pyarrow.parquet as pq

    return sum(pq.read_metadata(path).num_rows for path in files)


def dbt_executable() -> str:
    """The `dbt` next to the running interpreter (the project's .venv under make)."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_env(config: BenchConfig, phase: str) -> dict[str, str]:
    """Environment of a benchmarked `dbt build`: the profile's variables and private target/log paths."""
    return {
        **os.environ,
        "CS_RAW_DIR": str(config.raw_dir.resolve()),
        "CS_DUCKDB_PATH": str(config.db_path.resolve()),
        "CS_THREADS": str(config.threads),
        "CS_MEMORY_LIMIT": config.memory_limit,
        "CS_TEMP_DIR": str(config.duckdb_temp_dir.resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str((config.workdir / "target" / phase).resolve()),
        "DBT_LOG_PATH": str((config.workdir / "logs" / phase).resolve()),
    }


def read_run_results(path: Path) -> list[NodeTiming]:
    """Per-node timings of a dbt run_results.json (empty when dbt wrote none)."""
    if not path.exists():
        return []
    results = json.loads(path.read_text(encoding="utf-8")).get("results", [])
    nodes = []
    for result in results:
        unique_id = result["unique_id"]
        resource_type = unique_id.split(".", 1)[0]
        name = unique_id.split(".")[-1] if resource_type != "test" else unique_id.split(".")[2]
        nodes.append(NodeTiming(unique_id, resource_type, name, str(result.get("status")),
                                float(result.get("execution_time") or 0.0)))
    return nodes


def describe_failure(measured: Measured, nodes: Sequence[NodeTiming]) -> str | None:
    """Where a failed build stopped: the erroring nodes (run_results or log), the first error message."""
    if measured.ok:
        return None
    log = measured.log_path.read_text(encoding="utf-8", errors="replace") if measured.log_path.exists() else ""
    failed = [f"{node.resource_type} {node.name} ({node.status})" for node in nodes
              if node.status in ("error", "fail", "runtime error")]
    if not failed:
        failed = re.findall(r"\d+ of \d+ ERROR (?:creating sql \S+ model )?(\S+)", log)
    last_ok = re.findall(r"\d+ of \d+ OK created sql \S+ model (\S+) .*?in ([\d.]+s)", log)
    message = next((line.strip() for line in log.splitlines() if re.search(r"\b\w+ Error\b|Error:", line)), "")
    parts = [f"exit code {measured.returncode}"]
    if last_ok:
        parts.append(f"last model built: {last_ok[-1][0]} ({last_ok[-1][1]})")
    if failed:
        parts.append(f"{len(failed)} failing nodes, first: {', '.join(failed[:3])}")
    if message:
        parts.append(f"first error: {message[:300]}")
    return "; ".join(parts)


def run_dbt_build(config: BenchConfig, phase: str, env: dict[str, str] | None = None) -> BuildResult:
    """`dbt build` (plus config.dbt_args, never --full-refresh) on the raw folder, measured (``env``: another
    target's environment, default the DuckDB one)."""
    env = env if env is not None else dbt_env(config, phase)
    measured = run_measured([dbt_executable(), "build", *config.dbt_args], env=env,
                            log_path=config.workdir / f"dbt_build_{phase}.log")
    run_results = Path(env["DBT_TARGET_PATH"]) / "run_results.json"
    nodes = read_run_results(run_results)
    profile = read_phase_profile(run_results, measured.started_at, measured.started_at + measured.seconds)
    return BuildResult(measured, nodes, describe_failure(measured, nodes), profile)


def run_benchmark(config: BenchConfig) -> BenchResult:
    """All steps; a failing step is recorded (and later steps skipped where they depend on it)."""
    result = BenchResult(config, environment_info())
    prepare_workdir(config)
    result.generation = run_measured(generation_command(config), env=os.environ,
                                     log_path=config.workdir / "generate.log")
    if not result.generation.ok:
        return result
    link_days(config, include_added_day=False)
    result.messages_in_build = parquet_rows(sorted((config.raw_dir / "messages").glob("*.parquet")))
    result.ratings_in_build = parquet_rows(sorted((config.raw_dir / "ratings").glob("*.parquet")))

    floor_out = config.workdir / "floor_result.parquet"
    floor_timing = config.workdir / "floor_seconds.txt"
    for attempt in range(max(1, config.repeat)):
        if attempt > 0:  # every full build starts from an empty database
            for path in (config.db_path, config.db_path.with_suffix(".duckdb.wal")):
                path.unlink(missing_ok=True)
        result.full_builds.append(run_dbt_build(config, "full"))
        floor = run_measured(floor_command(config, floor_out) + ["--floor-timing", str(floor_timing)],
                             env=os.environ, log_path=config.workdir / "floor.log")
        result.floors.append((floor, float(floor_timing.read_text().strip()) if floor.ok else None))
    last_build, last_floor = result.full_builds[-1], result.floors[-1][0]
    if last_floor.ok and last_build.measured.ok:
        result.floor_shop_months, result.floor_mismatches = compare_floor_with_mart(floor_out, config.db_path)
    if not last_build.measured.ok:
        return result
    from cs_devtools.bench import spark  # spark.py builds on this module

    result.spark = spark.run_spark_full_builds(config, config.db_path)

    link_days(config, include_added_day=True)
    added = f"{config.added_day.isoformat()}.parquet"
    result.messages_added = parquet_rows([config.raw_dir / "messages" / added])
    result.incremental_build = run_dbt_build(config, "incremental")
    result.database_bytes = config.db_path.stat().st_size if config.db_path.exists() else 0
    if result.incremental_build.measured.ok:
        spark.run_spark_incremental(config, result.spark, config.db_path)
    return result


def clean_data(config: BenchConfig) -> None:
    """Delete generated data, the database and our spill folder (logs and run_results stay)."""
    for path in (config.generated_dir, config.raw_dir, config.workdir / "spark"):
        shutil.rmtree(path, ignore_errors=True)
    if config.temp_dir is None:
        shutil.rmtree(config.duckdb_temp_dir, ignore_errors=True)
    for path in (config.db_path, config.db_path.with_suffix(".duckdb.wal"), config.workdir / "floor_result.parquet"):
        path.unlink(missing_ok=True)
