"""The published file, opened read-only for one query at a time, with results cached per publish.

The dashboard reads `CS_PUBLISH_PATH` only. It never opens `CS_DUCKDB_PATH` (that would lock the file
dbt writes and block the next build) and refuses to start when both name the same file. Each query
opens the file read-only and closes it at once, so a publish (which renames a new file over this one)
is never blocked, and the next query reads the new build. Results are cached under the file's inode
and modification time: a new publish is a new key, so nothing stale is shown and nothing is recomputed
while the published file stays the same.

Queries of all sessions take turns (one lock): DuckDB shares one open database among a process's
connections to the same path, so a connection opened while another is still open after a publish would
read the old file; taking turns, every query opens the file that is there now.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec

import duckdb
import pandas as pd
import streamlit as st

DEFAULT_PUBLISH_PATH = "warehouse/cs_rules_published.duckdb"
DEFAULT_BUILD_PATH = "warehouse/cs_rules.duckdb"
CACHE_ENTRIES = 512
_ONE_AT_A_TIME = threading.Lock()

P = ParamSpec("P")
Query = Callable[Concatenate[duckdb.DuckDBPyConnection, P], pd.DataFrame]


class NotPublished(Exception):
    """No published file to read, or a configuration that would read the build database."""


@dataclass(frozen=True)
class Published:
    """The published file as of one look: its path, inode and modification time (the cache key)."""

    path: str
    inode: int
    mtime_ns: int


def publish_path() -> Path:
    """`CS_PUBLISH_PATH` (default warehouse/cs_rules_published.duckdb); refuse the build database."""
    path = Path(os.environ.get("CS_PUBLISH_PATH", DEFAULT_PUBLISH_PATH))
    build = Path(os.environ.get("CS_DUCKDB_PATH", DEFAULT_BUILD_PATH))
    if path.resolve() == build.resolve():
        raise NotPublished(
            f"CS_PUBLISH_PATH and CS_DUCKDB_PATH both name {path}: the dashboard reads only the published "
            "file, never the database dbt writes. Point CS_PUBLISH_PATH at the published file."
        )
    return path


def current() -> Published:
    """The published file now; NotPublished when there is none yet."""
    path = publish_path()
    try:
        stat = path.stat()
    except FileNotFoundError as error:
        raise NotPublished(
            f"No published file at {path}: run `make build` (or `make publish` after a good `dbt build`)."
        ) from error
    return Published(str(path.resolve()), stat.st_ino, stat.st_mtime_ns)


@contextmanager
def connect(path: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published file, closed on exit."""
    connection = duckdb.connect(path, read_only=True)
    try:
        yield connection
    finally:
        connection.close()


@st.cache_data(max_entries=CACHE_ENTRIES, show_spinner=False)
def _cached(path: str, inode: int, mtime_ns: int, name: str, _query: Query[...], args: tuple[Any, ...]) -> pd.DataFrame:
    """One query's result for one publish (the key: path, inode, mtime, query name, arguments)."""
    with _ONE_AT_A_TIME, connect(path) as connection:
        return _query(connection, *args)


def load(query: Query[P], *args: P.args, **kwargs: P.kwargs) -> pd.DataFrame:
    """`query(connection, *args)` on the current published file, cached until the next publish."""
    if kwargs:
        raise TypeError("pass query arguments by position (they are part of the cache key)")
    published = current()
    name = f"{query.__module__}.{query.__qualname__}"
    return _cached(published.path, published.inode, published.mtime_ns, name, query, args)
