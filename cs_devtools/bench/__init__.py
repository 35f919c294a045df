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
mart), ``report`` (markdown rendering and writing), ``cli``.

Usage::

    python -m cs_devtools.bench --messages 10000000 --workdir warehouse/bench --report docs/benchmark.md
        [--days 61] [--shops 30] [--threads 2] [--memory-limit 16GB] [--temp-dir DIR] [--keep-data]
"""

from cs_devtools.bench.cli import main, parse_args
from cs_devtools.bench.config import COMPARED_COLUMNS, FLOOR_SQL, BenchConfig
from cs_devtools.bench.floor import compare_floor_with_mart, run_floor_script
from cs_devtools.bench.measure import Measured, run_measured
from cs_devtools.bench.report import render_section, write_report
from cs_devtools.bench.results import BenchResult, BuildResult, NodeTiming
from cs_devtools.bench.run import run_benchmark

__all__ = [
    "COMPARED_COLUMNS",
    "FLOOR_SQL",
    "BenchConfig",
    "BenchResult",
    "BuildResult",
    "Measured",
    "NodeTiming",
    "compare_floor_with_mart",
    "main",
    "parse_args",
    "render_section",
    "run_benchmark",
    "run_floor_script",
    "run_measured",
    "write_report",
]
