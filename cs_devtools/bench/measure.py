"""Measuring: a child process's wall / CPU time and peak memory (wait4 plus RSS sampled from /proc), and
the machine and versions the report names."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from cs_devtools.bench.config import REPO_ROOT


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
    started_at: float = 0.0  # epoch seconds when it started (dbt's run_results timestamps are epoch too)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def peak_bytes(self) -> int:
        return max(self.max_rss_bytes, self.peak_tree_rss_bytes)


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


def _tree_rss_bytes(root_pid: int, cpu_seen: dict[int, float] | None = None) -> int:
    """Sum of resident memory over the process tree (0 once it has gone); ``cpu_seen`` gets each live
    process's own user + system seconds so far (a JVM that pyspark starts and never waits for is
    missing from wait4's figure)."""
    page = os.sysconf("SC_PAGE_SIZE")
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in _process_tree(root_pid):
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
            if cpu_seen is not None:
                stat = Path(f"/proc/{pid}/stat").read_text()
                fields = stat[stat.rfind(")") + 2:].split()  # fields[11], [12]: utime, stime in ticks
                cpu_seen[pid] = max(cpu_seen.get(pid, 0.0), (int(fields[11]) + int(fields[12])) / ticks)
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_measured(command: Sequence[str], *, env: Mapping[str, str], log_path: Path,
                 poll_seconds: float = 0.2) -> Measured:
    """Run ``command`` from the repo root, output to ``log_path``; time it and track its peak memory."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    peak = [0]
    cpu_seen: dict[int, float] = {}
    load_before = os.getloadavg()[0]
    with log_path.open("w", encoding="utf-8") as log:
        started_at = time.time()
        started = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=REPO_ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
        done = threading.Event()

        def poll() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_bytes(process.pid, cpu_seen))
                done.wait(poll_seconds)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        poller.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux: the largest resident set of the child or any descendant it waited for.
    # CPU: wait4 counts only descendants someone waited for; the polled sum catches the others (up to the
    # last poll); the larger of the two.
    cpu = max(usage.ru_utime + usage.ru_stime, sum(cpu_seen.values()))
    return Measured(seconds, process.returncode, usage.ru_maxrss * 1024, peak[0], log_path, cpu, load_before,
                    started_at)
