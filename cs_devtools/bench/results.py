"""Results: per-node timings of a dbt build, and everything one benchmark run produced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cs_devtools.bench.config import TOP_N, BenchConfig
from cs_devtools.bench.measure import Measured
from cs_devtools.bench.profile import PhaseProfile

if TYPE_CHECKING:
    from cs_devtools.bench.spark import SparkResult


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
    profile: PhaseProfile | None = None  # where the wall time went (profile.py)

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
    spark: SparkResult | None = None  # the Spark column (None: not requested)

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
