"""Benchmark harness (`make bench`): a report, never a timed test.

Command line of ``python -m cs_devtools.bench`` (see the package docstring for the steps of a run).
"""

from __future__ import annotations

import argparse
import os
import shlex
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from cs_devtools.bench.config import BenchConfig
from cs_devtools.bench.floor import run_floor_script
from cs_devtools.bench.report import render_section, write_report
from cs_devtools.bench.run import clean_data, run_benchmark
from cs_devtools.bench.spark import spark_summary


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m cs_devtools.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--messages", type=int, default=10_000_000, help="messages in the full build (about)")
    p.add_argument("--workdir", type=Path, default=Path("warehouse/bench"), help="data, database and logs")
    p.add_argument("--report", type=Path, default=Path("docs/benchmark.md"))
    p.add_argument("--days", type=int, default=61)
    p.add_argument("--shops", type=int, default=30)
    p.add_argument("--start", type=date.fromisoformat, default=date(2026, 9, 1))
    p.add_argument("--threads", type=int, default=int(os.environ.get("CS_THREADS", "2")))
    p.add_argument("--memory-limit", default=os.environ.get("CS_MEMORY_LIMIT", "16GB"))
    p.add_argument("--temp-dir", type=Path, default=None, help="DuckDB spill folder (default WORKDIR/duckdb_tmp)")
    p.add_argument("--keep-data", action="store_true", help="keep generated data and the database")
    p.add_argument("--repeat", type=int, default=1, help="full builds and floors (alternated); fastest reported")
    p.add_argument("--dbt-args", default="", help="extra `dbt build` arguments, e.g. '--exclude test_type:unit'")
    p.add_argument("--spark", choices=("auto", "on", "off"), default=os.environ.get("BENCH_SPARK", "auto"),
                   help="Spark column (cs_devtools/bench/spark.py): auto = when Java, pyspark and dbt-spark are there")
    p.add_argument("--spark-masters", default="local[1],local[2]", help="comma-separated Spark masters, one build each")
    p.add_argument("--spark-driver-memory", default=os.environ.get("CS_SPARK_DRIVER_MEMORY", "3g"))
    # internal: the floor in its own process
    p.add_argument("--floor-only", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--raw-dir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--floor-out", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--floor-timing", type=Path, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.floor_only:
        seconds = run_floor_script(args.raw_dir, args.floor_out, threads=args.threads,
                                   memory_limit=args.memory_limit, temp_dir=args.temp_dir)
        if args.floor_timing:
            args.floor_timing.write_text(f"{seconds:.3f}\n")
        return 0
    config = BenchConfig(messages=args.messages, workdir=args.workdir, report=args.report, days=args.days,
                         shops=args.shops, start=args.start, threads=args.threads, memory_limit=args.memory_limit,
                         temp_dir=args.temp_dir, keep_data=args.keep_data, dbt_args=tuple(shlex.split(args.dbt_args)),
                         repeat=args.repeat, spark=args.spark,
                         spark_masters=tuple(m.strip() for m in args.spark_masters.split(",") if m.strip()),
                         spark_driver_memory=args.spark_driver_memory)
    result = run_benchmark(config)
    write_report(result, config.report)
    if not config.keep_data:
        clean_data(config)
    print(render_section(result))
    print(*spark_summary(result.spark), sep="\n")
    print(f"report: {config.report}")
    ok = all(step is not None and step.measured.ok for step in (result.full_build, result.incremental_build))
    ok = ok and (result.spark is None or result.spark.ok)
    return 0 if ok and result.floor is not None and result.floor.ok and not result.floor_mismatches else 1
