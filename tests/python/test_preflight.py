"""`python -m cs_tools.preflight`: a reader holding the build database open stops `make dbt-build` with
one line naming the file and the holder's PID, instead of dbt's pages of tracebacks."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cs_tools.preflight import EXIT_BLOCKED, lock_holder
from tests.python.dbt_helpers import REPO_ROOT

HOLD = (
    "import duckdb, sys\n"
    "connection = duckdb.connect(sys.argv[1], read_only=True)\n"
    "print('open', flush=True)\n"
    "sys.stdin.read()\n"
)


@pytest.fixture
def build_db(tmp_path: Path) -> Path:
    """A build database (in a folder whose name needs quoting)."""
    path = tmp_path / "it's here" / "cs_rules.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as connection:
        connection.execute("create table t as select 1 as x")
    return path


@pytest.fixture
def reader(build_db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the build database open, read-only, as a BI tool would."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(build_db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "open"
    yield process
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=30)


def preflight(db: Path) -> subprocess.CompletedProcess[str]:
    """Run the preflight as `make dbt-build` does."""
    return subprocess.run(
        [sys.executable, "-m", "cs_tools.preflight", "--db", str(db), "--publish-path", "bi/published.duckdb"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_reader_holding_the_build_database_stops_the_build_in_one_line(
    build_db: Path, reader: subprocess.Popen[str]
) -> None:
    result = preflight(build_db)
    assert result.returncode == EXIT_BLOCKED
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{build_db} is locked by PID {reader.pid} (" in lines[0]
    assert "Close that reader" in lines[0] and "bi/published.duckdb (CS_PUBLISH_PATH)" in lines[0]
    assert result.stdout == ""


def test_a_free_or_missing_build_database_passes(build_db: Path, tmp_path: Path) -> None:
    assert preflight(build_db).returncode == 0
    missing = tmp_path / "new" / "cs_rules.duckdb"
    result = preflight(missing)
    assert (result.returncode, result.stderr) == (0, "")
    assert not missing.exists(), "the preflight creates nothing"


def test_a_file_that_is_no_database_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "cs_rules.duckdb"
    broken.write_text("not a database")
    result = preflight(broken)
    assert result.returncode == EXIT_BLOCKED
    assert result.stderr.startswith(f"preflight: {broken} cannot be opened for writing:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_lock_holder_is_read_from_duckdbs_message() -> None:
    message = (
        'IO Error: Could not set lock on file "/w/cs_rules.duckdb": Conflicting lock is held in '
        "/usr/bin/python3.11 (PID 4242). However, you would be able to open this database in read-only mode"
    )
    assert lock_holder(message) == ("/usr/bin/python3.11", 4242)
    assert lock_holder("IO Error: something else") is None
