"""Shared fixtures for the pytest suite."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh folder holding one test's raw files, DuckDB file and dbt logs."""
    (tmp_path / "raw").mkdir()
    return tmp_path
