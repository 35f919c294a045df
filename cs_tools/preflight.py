"""Before `dbt build`: can the build database be opened for writing? One clear line when it cannot.

A process holding `CS_DUCKDB_PATH` open (a BI tool, a notebook, the DuckDB CLI, even read-only)
locks the file, and `dbt build` then fails after pages of tracebacks with the holder's PID buried in
them. `make dbt-build` runs this first: it opens the file for writing and closes it at once; when the
file is locked it prints one line naming the file, the process holding it and what to do, and exits 2.
A missing file is fine (dbt creates it) and is not created here.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

EXIT_BLOCKED = 2
HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


@dataclass(frozen=True)
class Blocked:
    """Why the build database cannot be written: the message to print."""

    message: str


def lock_holder(error_text: str) -> tuple[str, int] | None:
    """The program and PID DuckDB names in a lock error, when it names them."""
    found = HOLDER.search(error_text)
    return (found.group("program"), int(found.group("pid"))) if found else None


def check_writable(db_path: Path, publish_path: Path) -> Blocked | None:
    """None when `db_path` is missing or opens for writing; otherwise why not, in one line."""
    if not db_path.exists():
        return None
    try:
        duckdb.connect(str(db_path)).close()
    except duckdb.Error as error:
        text = str(error)
        holder = lock_holder(text)
        if holder is not None:
            program, pid = holder
            return Blocked(
                f"{db_path} is locked by PID {pid} ({program}): `dbt build` cannot write it while that process "
                f"holds it open. Close that reader (or `kill {pid}`) and run again; BI tools and notebooks should "
                f"read the published copy, {publish_path} (CS_PUBLISH_PATH), never the build database."
            )
        first_line = " ".join(text.split())[:300]
        return Blocked(f"{db_path} cannot be opened for writing: {first_line}")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 when the build may start, 2 (one line on stderr) when the build database is not writable."""
    parser = argparse.ArgumentParser(prog="python -m cs_tools.preflight", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(os.environ.get("CS_DUCKDB_PATH", "warehouse/cs_rules.duckdb")),
        help="the build database (CS_DUCKDB_PATH)",
    )
    parser.add_argument(
        "--publish-path",
        type=Path,
        default=Path(os.environ.get("CS_PUBLISH_PATH", "warehouse/cs_rules_published.duckdb")),
        help="the file BI reads (CS_PUBLISH_PATH), named in the advice",
    )
    args = parser.parse_args(argv)
    blocked = check_writable(args.db, args.publish_path)
    if blocked is not None:
        print(f"preflight: {blocked.message}", file=sys.stderr)
        return EXIT_BLOCKED
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
