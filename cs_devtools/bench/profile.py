"""Where a `dbt build`'s seconds go (issue 14): wall-clock phases and summed node times per kind.

From run_results.json (every node's and hook's compile / execute timestamps, the invocation's start)
and the process's own start and end:

- wall-clock phases, in order: interpreter start and imports (process start -> dbt's invocation
  start), parse and set-up (-> the first on-run-start hook or node), on-run-start hooks, nodes (first
  node start -> last node end: seeds, models, data and unit tests overlap with several threads),
  on-run-end hooks, and the exit (artifacts written, adapter closed);
- summed node times per resource type (hooks, seeds, models, data tests, unit tests): the work, which
  exceeds the nodes' wall span when threads run nodes side by side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

HOOK_PREFIX = "operation."
RESOURCE_TYPES = (("seed", "seeds"), ("model", "models"), ("test", "data tests"), ("unit_test", "unit tests"))


@dataclass(frozen=True)
class Span:
    """One entry of run_results.json with its start and end (epoch seconds) and execution time."""

    unique_id: str
    resource_type: str
    started: float
    completed: float
    seconds: float

    @property
    def is_hook(self) -> bool:
        return self.unique_id.startswith(HOOK_PREFIX)

    @property
    def is_run_start_hook(self) -> bool:
        return self.is_hook and "on-run-start" in self.unique_id


@dataclass(frozen=True)
class PhaseProfile:
    """Wall-clock phases (name, seconds) in order, and summed times per kind (name, seconds, count)."""

    phases: list[tuple[str, float]]
    summed: list[tuple[str, float, int]]


def epoch(timestamp: str) -> float:
    """Epoch seconds of a run_results.json timestamp (ISO 8601, `Z` for UTC)."""
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def spans(run_results: dict[str, Any]) -> list[Span]:
    """Every result that has timing (a node skipped before compiling has none)."""
    found = []
    for result in run_results.get("results", []):
        timing = [t for t in result.get("timing", []) if t.get("started_at") and t.get("completed_at")]
        if not timing:
            continue
        unique_id = str(result["unique_id"])
        found.append(Span(unique_id, unique_id.split(".", 1)[0], min(epoch(t["started_at"]) for t in timing),
                          max(epoch(t["completed_at"]) for t in timing), float(result.get("execution_time") or 0.0)))
    return found


def _window(chosen: list[Span]) -> tuple[float, float] | None:
    return (min(s.started for s in chosen), max(s.completed for s in chosen)) if chosen else None


def phase_profile(run_results: dict[str, Any], process_started: float, process_ended: float) -> PhaseProfile:
    """The phases of one dbt process (epoch start and end) from its run_results.json."""
    all_spans = spans(run_results)
    start_hooks = _window([s for s in all_spans if s.is_run_start_hook])
    end_hooks = _window([s for s in all_spans if s.is_hook and not s.is_run_start_hook])
    nodes = _window([s for s in all_spans if not s.is_hook])
    invocation = run_results.get("metadata", {}).get("invocation_started_at")
    invoked = max(process_started, min(epoch(invocation), process_ended)) if invocation else process_started
    first = min(w[0] for w in (start_hooks, nodes, end_hooks) if w) if all_spans else process_ended
    last = max(w[1] for w in (start_hooks, nodes, end_hooks) if w) if all_spans else process_ended
    phases = [
        ("interpreter start and imports (process start -> dbt invocation)", invoked - process_started),
        ("parse and set-up (-> first hook or node)", max(0.0, first - invoked)),
        ("on-run-start hooks", start_hooks[1] - start_hooks[0] if start_hooks else 0.0),
        ("nodes (first node start -> last node end)", nodes[1] - nodes[0] if nodes else 0.0),
        ("on-run-end hooks", end_hooks[1] - end_hooks[0] if end_hooks else 0.0),
        ("exit (after the last hook: artifacts, adapter close)", max(0.0, process_ended - last)),
    ]
    summed = [("hooks (on-run-start and -end)", sum(s.seconds for s in all_spans if s.is_hook),
               sum(1 for s in all_spans if s.is_hook))]
    for resource_type, label in RESOURCE_TYPES:
        chosen = [s for s in all_spans if s.resource_type == resource_type]
        summed.append((label, sum(s.seconds for s in chosen), len(chosen)))
    return PhaseProfile(phases, summed)


def read_phase_profile(run_results_path: Path, process_started: float, process_ended: float) -> PhaseProfile | None:
    """The profile of a dbt process, or None when it wrote no run_results.json."""
    if not run_results_path.exists():
        return None
    data: dict[str, Any] = json.loads(run_results_path.read_text(encoding="utf-8"))
    return phase_profile(data, process_started, process_ended)


def render_profile(title: str, profile: PhaseProfile, wall: float) -> list[str]:
    """Markdown: the wall-clock phases and the summed node times of one build."""

    def share(seconds: float) -> str:
        return f"{seconds / wall:.0%}" if wall > 0 else "n/a"

    lines = [f"Where the time goes, {title} (wall {wall:,.1f} s):", "",
             "| wall-clock phase | time | share of wall |", "|---|---|---|"]
    lines += [f"| {name} | {seconds:,.1f} s | {share(seconds)} |" for name, seconds in profile.phases]
    lines += ["", "| summed node times | time | nodes |", "|---|---|---|"]
    lines += [f"| {name} | {seconds:,.1f} s | {count} |" for name, seconds, count in profile.summed]
    return [*lines, ""]
