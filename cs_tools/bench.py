"""Benchmark harness (`make bench`): a report, never a timed test.

One run:

1. generate ``days + 1`` days of demo data (about ``messages`` in the first ``days``) into
   WORKDIR/generated, and hard-link the first ``days`` days into WORKDIR/raw;
2. full ``dbt build`` on WORKDIR/raw (fresh database): wall time, peak memory, per-node times from
   run_results.json;
3. the floor, ``bench/floor.sql``: the monthly reply rate and satisfaction per shop hand-written in one
   DuckDB script over the same files, in its own process with the same threads / memory limit; its
   per shop-month counts are compared with ``main.shop_monthly_assessment``;
4. incremental step: the last generated day's files are linked into WORKDIR/raw and a plain
   ``dbt build`` (no ``--full-refresh``) runs on the same database;
5. a markdown section for this N is written into the report (sections for other N are kept).

Usage::

    python -m cs_tools.bench --messages 10000000 --workdir warehouse/bench --report docs/benchmark.md
        [--days 61] [--shops 30] [--threads 2] [--memory-limit 16GB] [--temp-dir DIR] [--keep-data]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FLOOR_SQL = REPO_ROOT / "bench" / "floor.sql"
VALUE_MAPPINGS_CSV = REPO_ROOT / "seeds" / "value_mappings.csv"
PAIRING_MODELS = ("int_user_messages__paired", "consult_reply_pairs")
COMPARED_COLUMNS = ("consult_message_count", "replied_within_5min_count", "rating_count", "satisfied_count")
TOP_N = 10


# --------------------------------------------------------------------------------------------------
# Configuration and results
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BenchConfig:
    """What to benchmark and with which engine settings."""

    messages: int
    workdir: Path
    report: Path
    days: int = 61
    shops: int = 30
    start: date = date(2026, 9, 1)
    threads: int = 2
    memory_limit: str = "16GB"
    temp_dir: Path | None = None
    keep_data: bool = False
    dbt_args: tuple[str, ...] = ()  # extra `dbt build` arguments (default none: the plain build)
    repeat: int = 1  # full builds and floors, alternated; the fastest of each is reported

    @property
    def generated_dir(self) -> Path:
        return self.workdir / "generated"

    @property
    def raw_dir(self) -> Path:
        return self.workdir / "raw"

    @property
    def db_path(self) -> Path:
        return self.workdir / "bench.duckdb"

    @property
    def duckdb_temp_dir(self) -> Path:
        return self.temp_dir or self.workdir / "duckdb_tmp"

    @property
    def added_day(self) -> date:
        """The extra generated day used by the incremental step."""
        return self.start + timedelta(days=self.days)


@dataclass(frozen=True)
class Measured:
    """One child process: wall time, exit code and peak memory."""

    seconds: float
    returncode: int
    max_rss_bytes: int  # ru_maxrss of the process tree (largest single process), from wait4
    peak_tree_rss_bytes: int  # largest sum of RSS over the tree, polled from /proc
    log_path: Path
    cpu_seconds: float = 0.0  # user + system CPU time of the tree: less sensitive than wall time to other load
    load_before: float = 0.0  # 1-minute load average when it started (others' jobs share the machine)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def peak_bytes(self) -> int:
        return max(self.max_rss_bytes, self.peak_tree_rss_bytes)


@dataclass(frozen=True)
class NodeTiming:
    """One node of run_results.json."""

    unique_id: str
    resource_type: str
    name: str
    status: str
    seconds: float


@dataclass(frozen=True)
class BuildResult:
    """A `dbt build`: the process measurement and its per-node timings."""

    measured: Measured
    nodes: list[NodeTiming]
    failure: str | None = None

    def total(self, resource_type: str) -> float:
        return sum(node.seconds for node in self.nodes if node.resource_type == resource_type)

    def count(self, resource_type: str) -> int:
        return sum(1 for node in self.nodes if node.resource_type == resource_type)

    def top(self, resource_types: Sequence[str], n: int = TOP_N) -> list[NodeTiming]:
        chosen = [node for node in self.nodes if node.resource_type in resource_types]
        return sorted(chosen, key=lambda node: node.seconds, reverse=True)[:n]

    def seconds_of(self, name: str) -> float | None:
        found = [node.seconds for node in self.nodes if node.resource_type == "model" and node.name == name]
        return found[0] if found else None


@dataclass
class BenchResult:
    """Everything the report shows."""

    config: BenchConfig
    environment: dict[str, str]
    generation: Measured | None = None
    messages_in_build: int = 0
    ratings_in_build: int = 0
    messages_added: int = 0
    full_builds: list[BuildResult] = field(default_factory=list)
    floors: list[tuple[Measured, float | None]] = field(default_factory=list)  # (process, SQL-only seconds)
    floor_mismatches: list[str] = field(default_factory=list)
    floor_shop_months: int = 0
    incremental_build: BuildResult | None = None
    database_bytes: int = 0

    @property
    def full_build(self) -> BuildResult | None:
        """The fastest successful full build (else the last one)."""
        ok = [build for build in self.full_builds if build.measured.ok]
        return min(ok, key=lambda b: b.measured.seconds) if ok else (self.full_builds[-1] if self.full_builds else None)

    @property
    def floor(self) -> Measured | None:
        """The fastest successful floor run (else the last one)."""
        ok = [measured for measured, _ in self.floors if measured.ok]
        return min(ok, key=lambda m: m.seconds) if ok else (self.floors[-1][0] if self.floors else None)

    @property
    def floor_sql_seconds(self) -> float | None:
        timings = [sql for measured, sql in self.floors if measured.ok and sql is not None]
        return min(timings) if timings else None


# --------------------------------------------------------------------------------------------------
# Environment
# --------------------------------------------------------------------------------------------------
def _read_first(path: Path, pattern: str) -> str:
    """The first capture of ``pattern`` in a text file, or '?' when the file or line is missing."""
    try:
        found = re.search(pattern, path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    except OSError:
        return "?"
    return found.group(1).strip() if found else "?"


def environment_info() -> dict[str, str]:
    """Machine and versions, for the report."""
    mem_kb = _read_first(Path("/proc/meminfo"), r"^MemTotal:\s+(\d+)")
    memory = f"{int(mem_kb) / 1024**2:.1f} GiB" if mem_kb.isdigit() else "?"

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "?"

    return {
        "cpu": _read_first(Path("/proc/cpuinfo"), r"^model name\s*:\s*(.+)$"),
        "cores": str(os.cpu_count() or "?"),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "dbt-core": version("dbt-core"),
        "dbt-duckdb": version("dbt-duckdb"),
        "duckdb": version("duckdb"),
    }


# --------------------------------------------------------------------------------------------------
# Measuring a child process
# --------------------------------------------------------------------------------------------------
def _process_tree(root_pid: int) -> list[int]:
    """``root_pid`` and all its live descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rfind(")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def _tree_rss_bytes(root_pid: int) -> int:
    """Sum of resident memory over the process tree (0 once it has gone)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in _process_tree(root_pid):
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_measured(command: Sequence[str], *, env: Mapping[str, str], log_path: Path,
                 poll_seconds: float = 0.2) -> Measured:
    """Run ``command`` from the repo root, output to ``log_path``; time it and track its peak memory."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    peak = [0]
    load_before = os.getloadavg()[0]
    with log_path.open("w", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=REPO_ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
        done = threading.Event()

        def poll() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_bytes(process.pid))
                done.wait(poll_seconds)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        poller.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux: the largest resident set of the child or any descendant it waited for
    return Measured(seconds, process.returncode, usage.ru_maxrss * 1024, peak[0], log_path,
                    usage.ru_utime + usage.ru_stime, load_before)


# --------------------------------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------------------------------
def prepare_workdir(config: BenchConfig) -> None:
    """Remove what a previous run left in WORKDIR (data, database, logs) and create the folders."""
    for path in (config.generated_dir, config.raw_dir, config.workdir / "logs", config.workdir / "target"):
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


def run_dbt_build(config: BenchConfig, phase: str) -> BuildResult:
    """`dbt build` (plus config.dbt_args, never --full-refresh) on the raw folder, measured."""
    env = dbt_env(config, phase)
    measured = run_measured([dbt_executable(), "build", *config.dbt_args], env=env,
                            log_path=config.workdir / f"dbt_build_{phase}.log")
    nodes = read_run_results(Path(env["DBT_TARGET_PATH"]) / "run_results.json")
    return BuildResult(measured, nodes, describe_failure(measured, nodes))


def floor_command(config: BenchConfig, out_path: Path) -> list[str]:
    """This module in floor-only mode: run bench/floor.sql in a fresh process."""
    return [
        sys.executable, "-m", "cs_tools.bench", "--floor-only", "--raw-dir", str(config.raw_dir.resolve()),
        "--floor-out", str(out_path.resolve()), "--threads", str(config.threads),
        "--memory-limit", config.memory_limit, "--temp-dir", str(config.duckdb_temp_dir.resolve()),
    ]


def run_floor_script(raw_dir: Path, out_path: Path, *, threads: int, memory_limit: str, temp_dir: Path) -> float:
    """Run bench/floor.sql on ``raw_dir`` (in-memory DuckDB), write its result as Parquet; SQL seconds."""
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

    link_days(config, include_added_day=True)
    added = f"{config.added_day.isoformat()}.parquet"
    result.messages_added = parquet_rows([config.raw_dir / "messages" / added])
    result.incremental_build = run_dbt_build(config, "incremental")
    result.database_bytes = config.db_path.stat().st_size if config.db_path.exists() else 0
    return result


def clean_data(config: BenchConfig) -> None:
    """Delete generated data, the database and our spill folder (logs and run_results stay)."""
    for path in (config.generated_dir, config.raw_dir):
        shutil.rmtree(path, ignore_errors=True)
    if config.temp_dir is None:
        shutil.rmtree(config.duckdb_temp_dir, ignore_errors=True)
    for path in (config.db_path, config.db_path.with_suffix(".duckdb.wal"), config.workdir / "floor_result.parquet"):
        path.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------
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


def content_rules_note(build: BuildResult) -> str:
    """Whether the content-rule models ran: figures without them leave out the content-rule cost."""
    models = [node for node in build.nodes if node.resource_type == "model"]
    content = [node for node in models if "content_rule" in node.name or node.name == "harassment_incidents"]
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
        ("floor time (`bench/floor.sql`, own process)", f"{_s(floor)} ({_status(result.floor)})"
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
    ]
    for title, build in (("full build", result.full_build), ("incremental build", result.incremental_build)):
        if build is None:
            continue
        if build.failure:
            lines += [f"**The {title} failed**: {build.failure} (log: `{build.measured.log_path}`).", ""]
        lines += [f"Top {TOP_N} models, {title}:", "",
                  *_node_table(build.top(["model"]), build.measured.seconds), ""]
        if title == "full build":
            lines += [f"Top {TOP_N} tests (data and unit), {title}:", "",
                      *_node_table(build.top(["test", "unit_test"]), build.measured.seconds), ""]
    if result.floor_mismatches:
        lines += ["Floor vs mart differences (first 20):", "", *[f"- {m}" for m in result.floor_mismatches[:20]], ""]
    return "\n".join(lines).rstrip() + "\n"


REPORT_HEADER = """# Benchmark

Produced by `make bench` (`python -m cs_tools.bench`); a report, not a test. Each section is one run
for one N (`make bench BENCH_MESSAGES=...`); a new run for the same N replaces its section.

- **build**: the full `dbt build` (seeds, every model, data and unit tests) on a fresh database, wall
  time of the `dbt` process; per-node times come from `target/run_results.json` (nodes run two at a
  time with 2 threads, so they add up to more than the wall time).
- **floor**: `bench/floor.sql`, only the monthly reply rate and satisfaction per shop from the same
  Parquet files in one hand-written DuckDB script (its own process, same threads and memory limit).
  The aim of issue 6 is build <= 2x floor.
- **CPU time**: user + system time of the process tree (wait4). The machine is shared with other
  builds, so wall times are noisy; CPU time is steadier, and the load average before each run is shown.
- **peak memory**: the larger of the tree's `ru_maxrss` (wait4) and the polled sum of RSS over the
  process tree.
- **incremental**: one more day's files are added to the export and a plain `dbt build` (no
  `--full-refresh`) runs on the same database.
- The floor's per shop-month counts are compared with `main.shop_monthly_assessment` in every run.
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


# --------------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m cs_tools.bench", description=__doc__.split("\n\n")[0])
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
                         repeat=args.repeat)
    result = run_benchmark(config)
    write_report(result, config.report)
    if not config.keep_data:
        clean_data(config)
    print(render_section(result))
    print(f"report: {config.report}")
    ok = all(step is not None and step.measured.ok for step in (result.full_build, result.incremental_build))
    return 0 if ok and result.floor is not None and result.floor.ok and not result.floor_mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
