"""The floor (floor.sql next to this module) in its own process, and its comparison with the mart."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from cs_devtools.bench.config import COMPARED_COLUMNS, FLOOR_SQL, VALUE_MAPPINGS_CSV, BenchConfig


def floor_command(config: BenchConfig, out_path: Path) -> list[str]:
    """The harness in floor-only mode: run floor.sql in a fresh process."""
    return [
        sys.executable, "-m", "cs_devtools.bench", "--floor-only", "--raw-dir", str(config.raw_dir.resolve()),
        "--floor-out", str(out_path.resolve()), "--threads", str(config.threads),
        "--memory-limit", config.memory_limit, "--temp-dir", str(config.duckdb_temp_dir.resolve()),
    ]


def run_floor_script(raw_dir: Path, out_path: Path, *, threads: int, memory_limit: str, temp_dir: Path) -> float:
    """Run cs_devtools/bench/floor.sql on ``raw_dir`` (in-memory DuckDB), write its result as Parquet; SQL seconds."""
    import duckdb

    connection = duckdb.connect(config={
        "threads": threads, "memory_limit": memory_limit, "temp_directory": str(temp_dir),
        "preserve_insertion_order": False,
    })
    connection.execute("set variable raw_dir = ?", [str(raw_dir)])
    connection.execute("set variable value_mappings_csv = ?", [str(VALUE_MAPPINGS_CSV)])
    started = time.perf_counter()
    result = connection.sql(FLOOR_SQL.read_text(encoding="utf-8"))
    result.write_parquet(str(out_path))
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def compare_floor_with_mart(floor_parquet: Path, db_path: Path) -> tuple[int, list[str]]:
    """Shop-months of the floor, and one line per shop-month where a compared count differs from the mart."""
    import duckdb

    differs = " or ".join(f"coalesce(f.{c}, 0) <> coalesce(m.{c}, 0)" for c in COMPARED_COLUMNS)
    shown = ", ".join(f"f.{c}, m.{c}" for c in COMPARED_COLUMNS)
    with duckdb.connect(str(db_path), read_only=True) as connection:
        rows = connection.sql(f"""
            select shop_id, assessment_month, {shown}
            from read_parquet('{floor_parquet}') as f
            full outer join main.shop_monthly_assessment as m using (shop_id, assessment_month)
            where {differs}
            order by shop_id, assessment_month
        """).fetchall()
        floor_rows = connection.sql(f"select count(*) from read_parquet('{floor_parquet}')").fetchall()[0]
    lines = []
    for row in rows:
        pairs = ", ".join(f"{c} floor {row[2 + 2 * i]} / mart {row[3 + 2 * i]}" for i, c in enumerate(COMPARED_COLUMNS))
        lines.append(f"{row[0]} {row[1]}: {pairs}")
    return (int(floor_rows[0]) if floor_rows else 0), lines
