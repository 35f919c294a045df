"""The markdown report: one section per N, rendered from a BenchResult and written into the report file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from cs_devtools.bench.config import COMPARED_COLUMNS, PAIRING_MODELS, TOP_N
from cs_devtools.bench.measure import Measured
from cs_devtools.bench.profile import render_profile
from cs_devtools.bench.results import BenchResult, BuildResult, NodeTiming
from cs_devtools.bench.spark import render_spark_table


def _s(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:,.1f} s"


def _gib(n_bytes: int) -> str:
    return f"{n_bytes / 1024**3:.2f} GiB"


def _status(measured: Measured | None) -> str:
    if measured is None:
        return "not run"
    return "ok" if measured.ok else f"FAILED (exit {measured.returncode})"


def _cpu_ratio(build: Measured | None, floor: Measured | None) -> str:
    if build is None or floor is None or not (build.ok and floor.ok) or floor.cpu_seconds <= 0:
        return "n/a"
    return f"{_s(build.cpu_seconds)} / {_s(floor.cpu_seconds)} = {build.cpu_seconds / floor.cpu_seconds:.2f}x"


def _runs(runs: Sequence[Measured]) -> str:
    """', fastest of runs a / b / c' when there was more than one run."""
    if len(runs) < 2:
        return ""
    return ", fastest of " + " / ".join(f"{m.seconds:,.1f}" for m in runs) + " s"


def _node_table(nodes: Sequence[NodeTiming], wall: float) -> list[str]:
    lines = ["| # | node | type | time | share of build wall |", "|---|---|---|---|---|"]
    for rank, node in enumerate(nodes, start=1):
        share = f"{node.seconds / wall:.0%}" if wall > 0 else "n/a"
        lines.append(f"| {rank} | `{node.name}` | {node.resource_type} | {_s(node.seconds)} | {share} |")
    return lines


# name parts of the content-rule (2.3-2.9) and harassment (2.5) models
CONTENT_RULE_MODEL_PARTS = ("content_rule", "harassment", "stop_requests", "merchant_messages__normalised")


def content_rules_note(build: BuildResult) -> str:
    """Whether the content-rule models ran: figures without them leave out the content-rule cost."""
    models = [node for node in build.nodes if node.resource_type == "model"]
    content = [node for node in models if any(part in node.name for part in CONTENT_RULE_MODEL_PARTS)]
    if any(node.name == "content_rule_hits" for node in models):
        return f"yes: {len(content)} models, {_s(sum(node.seconds for node in content))} in total"
    return ("NO: `content_rule_hits` did not run (content-rule models missing or stubbed): "
            "these figures leave out the content-rule cost")


def summary_rows(result: BenchResult) -> list[tuple[str, str]]:
    """(figure, value) rows of the headline table."""
    build = result.full_build
    wall = build.measured.seconds if build else None
    floor = result.floor.seconds if result.floor and result.floor.ok else None
    ratio = f"{wall / floor:.2f}x" if wall and floor and build and build.measured.ok else "n/a"
    rate = f"{result.messages_in_build / wall:,.0f}" if wall and build and build.measured.ok else "n/a"
    rows = [
        (f"messages in the full build ({result.config.days}-day export)",
         f"{result.messages_in_build:,} (+ {result.ratings_in_build:,} ratings)"),
        (f"generation time ({result.config.days + 1} days, incl. the incremental day)",
         f"{_s(result.generation.seconds if result.generation else None)} ({_status(result.generation)})"),
        ("build wall time (full `dbt build`)", f"{_s(wall)} ({_status(build.measured if build else None)})"
         + _runs([b.measured for b in result.full_builds])),
        ("floor time (`cs_devtools/bench/floor.sql`, own process)", f"{_s(floor)} ({_status(result.floor)})"
         + _runs([m for m, _ in result.floors])),
        ("floor SQL only (excl. interpreter start)", _s(result.floor_sql_seconds)),
        ("ratio build / floor (wall time)", ratio),
        ("CPU time build / floor (user + system)", _cpu_ratio(build.measured if build else None, result.floor)),
        ("1-min load average before build / floor runs (2 = both cores busy already)",
         " / ".join(f"{b.measured.load_before:.1f}" for b in result.full_builds) + " ; "
         + " / ".join(f"{m.load_before:.1f}" for m, _ in result.floors)),
        ("peak memory, build (max RSS of the dbt process tree)",
         _gib(max(b.measured.peak_bytes for b in result.full_builds)) if result.full_builds else "n/a"),
        ("peak memory, floor", _gib(max(m.peak_bytes for m, _ in result.floors)) if result.floors else "n/a"),
        ("messages per second (full build)", rate),
    ]
    if build:
        rows += [
            ("sum of model times / test times / seed times",
             f"{_s(build.total('model'))} / {_s(build.total('test'))} / {_s(build.total('seed'))}"),
            ("nodes run (models, tests, unit tests, seeds)",
             f"{build.count('model')}, {build.count('test')}, {build.count('unit_test')}, {build.count('seed')}"),
            ("content rules (2.3-2.9) in the build", content_rules_note(build)),
        ]
        for model in PAIRING_MODELS:
            rows.append((f"pairing model `{model}`", _s(build.seconds_of(model))))
    inc = result.incremental_build
    if inc:
        ratio_inc = f"{inc.measured.seconds / wall:.0%} of the full build" if wall else "n/a"
        rows.append((f"incremental `dbt build` after adding 1 day ({result.messages_added:,} messages)",
                     f"{_s(inc.measured.seconds)} ({_status(inc.measured)}), {ratio_inc}"))
        full_models = build.total("model") if build else 0.0
        share = f"; models {inc.total('model') / full_models:.0%} of the full build's" if full_models else ""
        rows.append(("incremental: summed node times, models / data tests / unit tests",
                     f"{_s(inc.total('model'))} / {_s(inc.total('test'))} / {_s(inc.total('unit_test'))}{share}"))
        rows.append(("peak memory, incremental build", _gib(inc.measured.peak_bytes)))
    if result.database_bytes:
        rows.append(("database file after both builds", _gib(result.database_bytes)))
    if result.floor and result.floor.ok and build and build.measured.ok:
        verdict = (f"agree on all {result.floor_shop_months} shop-months" if not result.floor_mismatches
                   else f"DISAGREE on {len(result.floor_mismatches)} shop-months")
        rows.append(("floor vs `shop_monthly_assessment` (" + ", ".join(COMPARED_COLUMNS) + ")", verdict))
    return rows


NODE_TYPES = ("seed", "model", "test", "unit_test")


def spark_profiles(result: BenchResult) -> list[str]:
    """Where the time goes in the last Spark master's full and incremental builds, and their top nodes."""
    if result.spark is None or not result.spark.full_builds:
        return []
    lines: list[str] = []
    runs = [("full build", result.spark.full_builds[-1]), ("incremental build", result.spark.incremental)]
    for title, run in runs:
        if run is None or run.build.profile is None:
            continue
        name = f"Spark `{run.master}` {title}"
        lines += render_profile(name, run.build.profile, run.build.measured.seconds)
        lines += [f"Top {TOP_N} nodes (any kind), {name}:", "",
                  *_node_table(run.build.top(NODE_TYPES), run.build.measured.seconds), ""]
    return lines


def render_section(result: BenchResult) -> str:
    """The markdown section for one N."""
    config, env = result.config, result.environment
    lines = [
        f"## N = {config.messages:,} messages",
        "",
        f"Run on {date.today().isoformat()}: {env['cores']} cores, {env['memory']}, {env['cpu']} ({env['os']}); "
        f"python {env['python']}, dbt-core {env['dbt-core']}, dbt-duckdb {env['dbt-duckdb']}, "
        f"duckdb {env['duckdb']}. Settings: {config.shops} shops, {config.days} days from {config.start}, "
        f"threads {config.threads}, memory_limit {config.memory_limit}, temp_directory `{config.duckdb_temp_dir}`, "
        f"command `dbt build{''.join(' ' + arg for arg in config.dbt_args)}`, "
        f"{config.repeat} run(s) of build and floor.",
        "",
        "| figure | value |",
        "|---|---|",
        *[f"| {name} | {value} |" for name, value in summary_rows(result)],
        "",
        *render_spark_table(result.spark, result.full_build, result.incremental_build),
    ]
    for title, build in (("full build", result.full_build), ("incremental build", result.incremental_build)):
        if build is None:
            continue
        if build.failure:
            lines += [f"**The {title} failed**: {build.failure} (log: `{build.measured.log_path}`).", ""]
        if build.profile is not None:
            lines += render_profile(title, build.profile, build.measured.seconds)
        if title == "full build":
            lines += [f"Top {TOP_N} models, {title}:", "",
                      *_node_table(build.top(["model"]), build.measured.seconds), ""]
            lines += [f"Top {TOP_N} tests (data and unit), {title}:", "",
                      *_node_table(build.top(["test", "unit_test"]), build.measured.seconds), ""]
        else:
            lines += [f"Top {TOP_N} nodes (any kind), {title}:", "",
                      *_node_table(build.top(NODE_TYPES), build.measured.seconds), ""]
    lines += spark_profiles(result)
    if result.floor_mismatches:
        lines += ["Floor vs mart differences (first 20):", "", *[f"- {m}" for m in result.floor_mismatches[:20]], ""]
    return "\n".join(lines).rstrip() + "\n"


REPORT_HEADER = """# Benchmark

Produced by `make bench` (`python -m cs_devtools.bench`); a report, not a test. Each section is one run
for one N (`make bench BENCH_MESSAGES=...`); a new run for the same N replaces its section.

- **build**: the full `dbt build` (seeds, every model, data and unit tests) on a fresh database, wall
  time of the `dbt` process; per-node times come from `target/run_results.json` (nodes run two at a
  time with 2 threads, so they add up to more than the wall time).
- **floor**: `cs_devtools/bench/floor.sql`, only the monthly reply rate and satisfaction per shop from the same
  Parquet files in one hand-written DuckDB script (its own process, same threads and memory limit).
  The aim of issue 6 is build <= 2x floor.
- **CPU time**: user + system time of the process tree (wait4). The machine is shared with other
  builds, so wall times are noisy; CPU time is steadier, and the load average before each run is shown.
- **peak memory**: the larger of the tree's `ru_maxrss` (wait4) and the polled sum of RSS over the
  process tree.
- **incremental**: one more day's files are added to the export and a plain `dbt build` (no
  `--full-refresh`) runs on the same database.
- The floor's per shop-month counts are compared with `main.shop_monthly_assessment` in every run.
- **Where the time goes**: wall-clock phases (start-up, parse, on-run-start hooks, nodes, on-run-end hooks,
  exit; they add up to the wall time) from run_results.json's timestamps, then summed node times per kind.
- **Spark** (when Java, pyspark and dbt-spark are installed; `BENCH_SPARK=off` leaves it out): the same
  full `dbt build` on dbt-spark's local session, once per master (`local[1]`, `local[2]`), each on a fresh
  warehouse; wall, CPU and peak memory of the whole tree (dbt, pyspark, the JVM); "stage" is
  `cs_tools.spark_stage` copying the published tables into DuckDB (not part of the build); "parity"
  compares every staged table with the DuckDB build's, row for row. The last master's warehouse also
  gets the incremental day, compared with DuckDB's incremental result.
"""


def write_report(result: BenchResult, report: Path) -> None:
    """Write (or replace) this N's section in the report, keeping the sections of other N."""
    marker_start = f"<!-- bench:{result.config.messages}:start -->"
    marker_end = f"<!-- bench:{result.config.messages}:end -->"
    block = f"{marker_start}\n{render_section(result)}{marker_end}\n"
    text = report.read_text(encoding="utf-8") if report.exists() else REPORT_HEADER
    pattern = re.compile(re.escape(marker_start) + r".*?" + re.escape(marker_end) + r"\n?", flags=re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text, encoding="utf-8")
