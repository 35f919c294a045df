"""Shared fixtures for the pytest suite."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from cs_devtools.demo_data import generate
from cs_tools.publish import PublishConfig, publish
from tests.python.dbt_helpers import run_dbt

# Small demo exports for the publishing tests: 4 shops over the January/February month end. The
# second has more days, so every figure BI reads changes between the two.
DEMO_SHOPS = 4
DEMO_START = date(2026, 1, 25)
FIRST_DEMO_DAYS = 10
SECOND_DEMO_DAYS = 14


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh folder holding one test's raw files, DuckDB file and dbt logs."""
    (tmp_path / "raw").mkdir()
    return tmp_path


@dataclass(frozen=True)
class Warehouse:
    """One folder holding a raw export, the build database, dbt's target/ and the published files."""

    root: Path

    @property
    def raw_dir(self) -> Path:
        """The raw export dbt reads."""
        return self.root / "raw"

    @property
    def db_path(self) -> Path:
        """The DuckDB file `dbt build` writes."""
        return self.root / "cs_rules.duckdb"

    @property
    def config(self) -> PublishConfig:
        """Where the publish step reads the build and writes what BI reads."""
        return PublishConfig(
            build_db=self.db_path,
            publish_path=self.root / "bi" / "cs_rules_published.duckdb",
            export_dir=self.root / "bi" / "exports",
            run_results=self.root / "dbt_target" / "run_results.json",
            dbt_log=self.root / "dbt_logs" / "dbt.log",
        )

    def generate(self, days: int) -> None:
        """(Re)write the raw export: the small demo data over `days` days."""
        generate(self.raw_dir, shops=DEMO_SHOPS, days=days, start=DEMO_START, force=True)

    def build(self, *args: str) -> None:
        """A real `dbt build [args]` of the raw export (it must succeed)."""
        run_dbt(["build", *args], raw_dir=self.raw_dir, db_path=self.db_path)

    def copy_to(self, root: Path) -> Warehouse:
        """An independent copy (symlinks kept as links, so the export folder still swaps).

        The copy's raw files live elsewhere than those its incremental models loaded, so its next
        build must be `dbt build --full-refresh` (docs/decisions.md, "Incremental builds")."""
        shutil.copytree(self.root, root, symlinks=True)
        return Warehouse(root)


@pytest.fixture(scope="session")
def published_demo(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The first small demo export, built and published once for the session. Do not change it:
    tests that build or publish again work on `copy_to(tmp_path)`."""
    warehouse = Warehouse(tmp_path_factory.mktemp("published_demo"))
    warehouse.generate(FIRST_DEMO_DAYS)
    warehouse.build()
    publish(warehouse.config)
    return warehouse
