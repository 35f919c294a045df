"""Benchmark harness (`make bench`): a report, never a timed test.

One run:

1. generate ``days + 1`` days of demo data (about ``messages`` in the first ``days``) into
   WORKDIR/generated, and hard-link the first ``days`` days into WORKDIR/raw;
2. full ``dbt build`` on WORKDIR/raw (fresh database): wall time, peak memory, per-node times from
   run_results.json;
3. the floor, ``cs_devtools/bench/floor.sql``: the monthly reply rate and satisfaction per shop hand-written in one
   DuckDB script over the same files, in its own process with the same threads / memory limit; its
   per shop-month counts are compared with ``main.shop_monthly_assessment``;
4. incremental step: the last generated day's files are linked into WORKDIR/raw and a plain
   ``dbt build`` (no ``--full-refresh``) runs on the same database;
5. a markdown section for this N is written into the report (sections for other N are kept).

Modules: ``config`` (BenchConfig, paths), ``measure`` (process running, wall / CPU time, peak memory),
``results``, ``run`` (the steps above), ``floor`` (floor.sql in its own process, comparison with the
mart), ``profile`` (where a build's wall time goes, per phase and per kind of node), ``spark`` (the same
builds on Spark, local[1] and local[2], and their parity with the DuckDB build), ``report`` (markdown
rendering and writing), ``cli``.

Usage::

    python -m cs_devtools.bench --messages 10000000 --workdir warehouse/bench --report docs/benchmark.md
        [--days 61] [--shops 30] [--threads 2] [--memory-limit 16GB] [--temp-dir DIR] [--keep-data]
        [--spark auto|on|off] [--spark-masters 'local[1],local[2]'] [--spark-driver-memory 3g]
"""

from cs_devtools.bench import spark
from cs_devtools.bench.cli import main, parse_args
from cs_devtools.bench.config import COMPARED_COLUMNS, FLOOR_SQL, BenchConfig
from cs_devtools.bench.floor import compare_floor_with_mart, run_floor_script
from cs_devtools.bench.measure import Measured, run_measured
from cs_devtools.bench.profile import PhaseProfile, phase_profile, render_profile
from cs_devtools.bench.report import render_section, write_report
from cs_devtools.bench.results import BenchResult, BuildResult, NodeTiming
from cs_devtools.bench.run import run_benchmark
from cs_devtools.bench.spark import Parity, SparkResult, compare_with_duckdb, render_spark_table, run_spark_full_builds

__all__ = [
    "COMPARED_COLUMNS",
    "FLOOR_SQL",
    "BenchConfig",
    "BenchResult",
    "BuildResult",
    "Measured",
    "NodeTiming",
    "Parity",
    "PhaseProfile",
    "SparkResult",
    "compare_floor_with_mart",
    "compare_with_duckdb",
    "main",
    "parse_args",
    "phase_profile",
    "render_profile",
    "render_section",
    "render_spark_table",
    "run_benchmark",
    "run_spark_full_builds",
    "spark",
    "run_floor_script",
    "run_measured",
    "write_report",
]
