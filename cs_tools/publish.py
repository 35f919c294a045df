"""Publish a complete, tested build to the DuckDB file and Parquet folder BI tools read.

`dbt build` writes `CS_DUCKDB_PATH`; a BI tool that held that file open would block the next build
(DuckDB locks the file, even for read-only readers) and a build that died half-way would show it half
a warehouse. So BI reads a second file, `CS_PUBLISH_PATH`, that only this step writes:

1. Gate: `target/run_results.json` must describe a full `dbt build` (no --select/--exclude/--empty)
   in which nothing errored, failed or was skipped; warn-severity tests (the threshold findings) are
   fine. The build database's own record (`build_meta.dbt_invocations`, written by the on-run-start
   and on-run-end hooks) must name that same invocation as its latest and as finished: a killed
   build leaves it unfinished, a later `dbt run` makes it another invocation.
   And no dbt command logged after that invocation (`dbt.log` under DBT_LOG_PATH) may have stopped
   without writing results (a parse or compile error at start-up writes no run_results.json, so the
   file would still describe an older build).
2. Copy: a fresh DuckDB file next to the target receives, as plain tables, the marts (schema main),
   the stored threshold failures (assessment_failures), the rule catalog (reference) and the audit
   tables, read from the build database attached read-only, plus `main.publish_manifest`. Personal
   data is not copied as is (`PERSONAL_COLUMNS`): ids become keyed pseudonyms, message text is
   dropped, evidence is masked, unless `CS_PUBLISH_PERSONAL_DATA=1` asks for the raw values.
3. Export: the BI-facing tables as Parquet (large ones partitioned by month) with a manifest.json,
   into a new version folder.
4. Swap: `os.replace` moves the new file over `CS_PUBLISH_PATH` (a reader that has the old file open
   keeps its inode, a consistent snapshot; new readers open the new file), and a symlink swap points
   `CS_EXPORT_DIR` at the new version folder. Nothing a reader can open is ever half-written.
"""

from __future__ import annotations

import argparse
import ast
import enum
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import duckdb

from cs_tools.masking import mask_evidence_sql
from cs_tools.sql import sql_identifier, sql_string

PROJECT = "cs_rules"

# Marts published in schema main: always there, or published only when the project has the model.
REQUIRED_MARTS: tuple[str, ...] = (
    "shop_monthly_assessment",
    "shop_monthly_rule_results",
    "shop_monthly_rule_evidence",
    "shop_monthly_reply_rate",
    "shop_daily_reply_rate",
    "shop_monthly_satisfaction",
    "consult_reply_pairs",
    "content_rule_hits",
    "shop_month_to_date_risk",
    "account_monthly_reply_performance",
    "shop_hourly_reply_profile",
    "suspected_automation",
    "cold_outreach_messages",
    "shop_monthly_cold_outreach",
)
OPTIONAL_MARTS: tuple[str, ...] = (
    "harassment_incidents",
    # the content rules' review loop: evidence masked and message text dropped by PERSONAL_COLUMNS
    "content_rule_review_queue",
    "content_rule_review_precision",
    "content_rule_confirmed_misses",
)
SEEDS: tuple[tuple[str, str], ...] = (("reference", "rule_catalog"),)
AUDIT_SCHEMA = "audit"
AUDIT_PREFIXES: tuple[str, ...] = ("rejected_", "duplicate_")
FAILURES_SCHEMA = "assessment_failures"
MANIFEST_TABLE = "publish_manifest"

# Tables exported as Parquet for tools that read files; large ones partitioned by their month column.
EXPORTED_MARTS: tuple[str, ...] = (
    "shop_monthly_assessment",
    "shop_daily_reply_rate",
    "consult_reply_pairs",
    "content_rule_hits",
)
PARTITIONED_EXPORTS: tuple[str, ...] = ("consult_reply_pairs", "content_rule_hits")
MONTH_COLUMN = "assessment_month"  # the platform-local month, one name in every model
PARTITION_KEY = "month"
KEPT_EXPORT_VERSIONS = 2  # the current one and the one before, for readers still listing it

PROBLEM_STATUSES = frozenset({"error", "fail", "skipped", "runtime error", "partial success"})
SELECTION_ARGS: tuple[str, ...] = ("select", "exclude", "selector")
# resource types a full build may leave out: unit tests are a development check, run by `make test`
# (docs/decisions.md, "Unit tests"); a build without data tests, seeds or models is partial
EXCLUDABLE_RESOURCE_TYPES: frozenset[str] = frozenset({"unit_test"})

# dbt commands that write run_results.json when they get past start-up (`dbt ls`, `parse`, `debug`,
# `deps` write none, so a later one of those does not make run_results.json stale).
RESULTS_COMMANDS: frozenset[str] = frozenset(
    {"build", "run", "test", "seed", "snapshot", "compile", "show", "run-operation", "retry", "clone", "docs"}
)
DBT_LOG_BACKUPS = 5  # dbt rotates dbt.log into dbt.log.1 .. dbt.log.5
LOG_HEADER = re.compile(r"^(?:\x1b\[[0-9;]*m)*=+ (\S+) \| ([0-9a-f-]{36}) =+\s*$")
LOG_COMMAND = re.compile(
    r"running dbt with arguments \{.*?'invocation_command': ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
)


# --------------------------------------------------------------------------------------------------
# personal data: what BI gets instead
# --------------------------------------------------------------------------------------------------


class Treatment(enum.Enum):
    """What the publish step does with a personal-data column by default."""

    PSEUDONYMISE = "pseudonymise"  # a keyed hash: stable, joinable, countable; not reversible without the key
    DROP = "drop"  # not published at all
    MASK = "mask"  # cs_tools.masking: digit runs and e-mail local parts hidden


@dataclass(frozen=True)
class ColumnPolicy:
    """The treatment of one column name, in every published table that has it."""

    treatment: Treatment
    prefix: str = ""  # pseudonyms only: says what kind of id it is, and separates the kinds' hashes


USER = ColumnPolicy(Treatment.PSEUDONYMISE, "u_")
ACCOUNT = ColumnPolicy(Treatment.PSEUDONYMISE, "a_")
CONVERSATION = ColumnPolicy(Treatment.PSEUDONYMISE, "c_")
# One definition: column name -> treatment. The same kind of id gets the same prefix, so
# `reply_conversation_id` still joins `conversation_id`, `reply_account_id` `sender_account_id` and
# `account_id` (account_monthly_reply_performance).
# `stop_request_text` (harassment_incidents) is published as is: it is the stop phrase of the
# content_rule_stop_requests seed that matched, not text the user wrote.
PERSONAL_COLUMNS: Final[Mapping[str, ColumnPolicy]] = MappingProxyType(
    {
        "user_id": USER,
        "sender_account_id": ACCOUNT,
        "reply_account_id": ACCOUNT,
        "account_id": ACCOUNT,
        "conversation_id": CONVERSATION,
        "reply_conversation_id": CONVERSATION,
        "content": ColumnPolicy(Treatment.DROP),
        "matched_text": ColumnPolicy(Treatment.MASK),
    }
)
PSEUDONYM_HEX_CHARS = 16  # 64 bits: no collision to expect below billions of distinct ids
PSEUDONYM_KEY_ENV = "CS_PSEUDONYM_KEY"
PERSONAL_DATA_ENV = "CS_PUBLISH_PERSONAL_DATA"
PSEUDONYM_KEY_FILE = ".pseudonym_key"  # beside the build database, when CS_PSEUDONYM_KEY is not set
MIN_PSEUDONYM_KEY_LENGTH = 16
PSEUDONYMISED_MODE = "pseudonymised"
RAW_MODE = "raw"


class PublishRefused(Exception):
    """The build is not fit to publish; the message says why and what to do."""


@dataclass(frozen=True)
class Relation:
    """A table to publish: where it is in the build database and in the published file."""

    schema: str
    name: str

    @property
    def qualified(self) -> str:
        """`schema.name`, quoted."""
        return f"{sql_identifier(self.schema)}.{sql_identifier(self.name)}"

    @property
    def label(self) -> str:
        """`schema.name`, as people write it."""
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class BuildInfo:
    """What run_results.json says about the build being published."""

    invocation_id: str
    dbt_version: str
    started_at: str
    finished_at: str
    warned: tuple[str, ...]
    relations: tuple[Relation, ...]


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote."""

    publish_path: Path
    export_dir: Path
    row_counts: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class PublishConfig:
    """Paths a publish reads and writes, and how it treats personal data.

    `dbt_log`: dbt's log file, to notice a dbt command that wrote no run_results.json (None: not
    checked). `personal_data`: publish raw ids, text and evidence (an auditor's own copy).
    `pseudonym_key`: the secret of the pseudonyms; None reads (or creates once, mode 0600) the key
    file `.pseudonym_key` beside the build database.
    """

    build_db: Path
    publish_path: Path
    export_dir: Path
    run_results: Path
    dbt_log: Path | None = None
    personal_data: bool = False
    pseudonym_key: str | None = None


@dataclass(frozen=True)
class LoggedInvocation:
    """One dbt invocation as dbt.log records it."""

    invocation_id: str
    started: str  # time of day, as the log header gives it
    command: str | None  # `dbt build ...`, when logged

    @property
    def writes_results(self) -> bool:
        """Would this command have written run_results.json had it got past start-up?"""
        words = (self.command or "").split()
        subcommand = next((word for word in words[1:] if not word.startswith("-")), None)
        if subcommand == "docs":
            return "generate" in words
        return subcommand in RESULTS_COMMANDS


# --------------------------------------------------------------------------------------------------
# 1. the gate
# --------------------------------------------------------------------------------------------------


def load_run_results(path: Path) -> dict[str, Any]:
    """The parsed run_results.json, or a refusal when there is none."""
    if not path.exists():
        raise PublishRefused(f"no {path}: run `dbt build` (or `make build`) before publishing")
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def result_problems(results: Sequence[dict[str, Any]]) -> list[str]:
    """One line per node that errored, failed (error severity) or was skipped."""
    return [
        f"  {result['unique_id']}: {result['status']}"
        + (f" ({str(result.get('message') or '').strip()[:200]})" if result.get("message") else "")
        for result in results
        if str(result.get("status")) in PROBLEM_STATUSES
    ]


def check_invocation_kind(args: dict[str, Any]) -> None:
    """Refuse anything but a full `dbt build`: a partial one is not a complete, tested result."""
    if args.get("which") != "build":
        command = args.get("invocation_command") or f"dbt {args.get('which')}"
        raise PublishRefused(
            f"the last dbt command was `{command}`, not `dbt build`: run_results.json describes no "
            "complete, tested build. Run `dbt build` (or `make build`), then publish"
        )
    selection = {name: args.get(name) for name in SELECTION_ARGS if args.get(name)}
    if args.get("resource_types"):
        selection["resource-type"] = args["resource_types"]
    excluded = sorted(set(args.get("exclude_resource_types") or ()) - EXCLUDABLE_RESOURCE_TYPES)
    if excluded:
        selection["exclude-resource-type"] = excluded
    if selection or args.get("empty"):
        shown = ", ".join(f"--{name} {value}" for name, value in selection.items()) or "--empty"
        raise PublishRefused(f"the last build was partial ({shown}); publish needs a full `dbt build`")


def parse_relation_name(relation_name: str) -> Relation:
    """`"db"."schema"."name"` (as dbt-duckdb writes it in run_results) or `schema.name` (dbt-spark) as a
    Relation."""
    parts = [part.replace('""', '"') for part in re.findall(r'"((?:[^"]|"")*)"', relation_name)]
    if not parts:
        parts = [part.strip("`") for part in relation_name.split(".")]
    if len(parts) < 2:
        raise ValueError(f"unexpected relation name {relation_name!r}")
    return Relation(schema=parts[-2], name=parts[-1])


def mart_relations(built: dict[str, dict[str, Any]]) -> list[Relation]:
    """The required marts (refuse when one is missing) and the optional ones this build produced."""

    def relation(name: str) -> Relation | None:
        result = built.get(f"model.{PROJECT}.{name}")
        return parse_relation_name(result["relation_name"]) if result and result.get("relation_name") else None

    missing = [name for name in REQUIRED_MARTS if relation(name) is None]
    if missing:
        raise PublishRefused(f"the build did not produce the marts {', '.join(missing)}; nothing published")
    return [rel for rel in (relation(name) for name in (*REQUIRED_MARTS, *OPTIONAL_MARTS)) if rel is not None]


def seed_relations(built: dict[str, dict[str, Any]]) -> list[Relation]:
    """The published seeds (the rule catalog); refuse when the build did not load one."""
    missing = [name for _, name in SEEDS if f"seed.{PROJECT}.{name}" not in built]
    if missing:
        raise PublishRefused(f"the build did not load the seeds {', '.join(missing)}; nothing published")
    return [Relation(schema, name) for schema, name in SEEDS]


def produced_relations(
    results: Sequence[dict[str, Any]], schema: str, prefixes: tuple[str, ...] = ("",)
) -> list[Relation]:
    """Tables in `schema` (names starting with one of `prefixes`) that this build's models or
    store_failures tests wrote, by name; a stale table the build no longer writes is not among them."""
    relations = [
        parse_relation_name(result["relation_name"])
        for result in results
        if result.get("relation_name") and str(result["unique_id"]).startswith(("model.", "test."))
    ]
    chosen = [rel for rel in relations if rel.schema == schema and rel.name.startswith(prefixes)]
    return sorted(chosen, key=lambda rel: rel.name)


def relations_to_publish(results: Sequence[dict[str, Any]]) -> tuple[Relation, ...]:
    """The tables this build produced that BI reads: marts, seeds, audit tables, stored failures."""
    built = {str(result["unique_id"]): result for result in results}
    return (
        *mart_relations(built),
        *seed_relations(built),
        *produced_relations(results, AUDIT_SCHEMA, AUDIT_PREFIXES),
        *produced_relations(results, FAILURES_SCHEMA),
    )


def read_build_info(run_results: dict[str, Any]) -> BuildInfo:
    """Check that run_results.json describes a full, successful build; describe it."""
    check_invocation_kind(run_results.get("args", {}))
    results: list[dict[str, Any]] = run_results.get("results", [])
    problems = result_problems(results)
    if problems:
        raise PublishRefused(
            f"the last `dbt build` has {len(problems)} error(s), error-severity test failure(s) or skipped "
            "node(s); the published warehouse keeps the last good build:\n" + "\n".join(problems)
        )
    metadata = run_results["metadata"]
    return BuildInfo(
        invocation_id=str(metadata["invocation_id"]),
        dbt_version=str(metadata.get("dbt_version", "")),
        started_at=str(metadata.get("invocation_started_at", "")),
        finished_at=str(metadata.get("generated_at", "")),
        warned=tuple(str(result["unique_id"]) for result in results if result.get("status") == "warn"),
        relations=relations_to_publish(results),
    )


def logged_invocations(log_file: Path) -> list[LoggedInvocation]:
    """The dbt invocations a dbt.log records, oldest first (header line, then the arguments line)."""
    invocations: list[LoggedInvocation] = []
    with log_file.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            header = LOG_HEADER.match(line)
            if header:
                invocations.append(LoggedInvocation(header.group(2), header.group(1), None))
                continue
            if invocations and invocations[-1].command is None and "running dbt with arguments" in line:
                found = LOG_COMMAND.search(line)
                if found:
                    command = str(ast.literal_eval(found.group(1)))
                    invocations[-1] = LoggedInvocation(invocations[-1].invocation_id, invocations[-1].started, command)
    return invocations


def invocations_since(dbt_log: Path, invocation_id: str) -> list[LoggedInvocation] | None:
    """The invocations dbt logged after `invocation_id` (rotated logs read as needed), or None when the
    logs do not record it (another DBT_LOG_PATH, or rotated away): then nothing can be said."""
    later: list[LoggedInvocation] = []
    candidates = [dbt_log, *(dbt_log.with_name(f"{dbt_log.name}.{n}") for n in range(1, DBT_LOG_BACKUPS + 1))]
    for log_file in candidates:
        if not log_file.exists():
            return None
        invocations = logged_invocations(log_file)
        ids = [invocation.invocation_id for invocation in invocations]
        if invocation_id in ids:
            return invocations[len(ids) - ids[::-1].index(invocation_id) :] + later
        later = invocations + later
    return None


def check_no_later_invocation(dbt_log: Path | None, build_invocation_id: str, build_db: Path) -> None:
    """Refuse when a dbt command logged after the one run_results.json describes wrote no results.

    dbt writes run_results.json only once it gets past start-up: a parse or compile error (or a kill)
    leaves the previous file, which would describe an older build than the database now holds.
    """
    if dbt_log is None:
        return
    logged = invocations_since(dbt_log, build_invocation_id) or []
    later = [invocation for invocation in logged if invocation.writes_results]
    if not later:
        return
    latest = later[-1]
    recorded = invocation_recorded(build_db, latest.invocation_id)
    if recorded is None:
        what = (
            "it stopped at start-up (a parse, compile or profile error?) or did not finish (killed or crashed "
            "half-way?)"
        )
    elif recorded:
        what = "it started writing the build database but did not finish (killed or crashed half-way?)"
    else:
        what = "it stopped at start-up, before running anything (a parse, compile or profile error?)"
    raise PublishRefused(
        f"the latest dbt command, `{latest.command}` (invocation {latest.invocation_id}, started "
        f"{latest.started}, {dbt_log}), wrote no run_results.json: {what}. run_results.json still "
        f"describes the earlier invocation {build_invocation_id}. See that command's output or {dbt_log}, "
        "fix the error and run `dbt build` again, then publish"
    )


def invocation_recorded(build_db: Path, invocation_id: str) -> bool | None:
    """Whether the build database's on-run-start hook recorded `invocation_id`; None when unreadable."""
    if not build_db.exists():
        return None
    try:
        with duckdb.connect(str(build_db), read_only=True) as connection:
            row = connection.execute(
                "select count(*) from build_meta.dbt_invocations where invocation_id = ?", [invocation_id]
            ).fetchone()
    except duckdb.Error:
        return None
    return bool(row and row[0])


def check_build_record(connection: duckdb.DuckDBPyConnection, catalog: str, build: BuildInfo) -> None:
    """The build database's latest dbt invocation must be the one run_results.json describes, finished."""
    try:
        latest = connection.execute(
            f"select invocation_id, command, finished_at from {sql_identifier(catalog)}.build_meta.dbt_invocations "
            "order by started_at desc limit 1"
        ).fetchone()
    except duckdb.CatalogException as error:
        raise PublishRefused(
            "the build database has no build_meta.dbt_invocations record (built by an older version of "
            "the project?); run `dbt build` again"
        ) from error
    if latest is None or latest[0] != build.invocation_id:
        found = f"`dbt {latest[1]}` {latest[0]}" if latest else "none"
        raise PublishRefused(
            f"run_results.json describes invocation {build.invocation_id}, but the latest dbt invocation "
            f"that wrote the build database is {found}"
            + (" and it did not finish (killed or crashed half-way?)" if latest and latest[2] is None else "")
            + ". Run `dbt build` again, then publish"
        )
    if latest[2] is None:
        raise PublishRefused(f"the build {build.invocation_id} never finished; run `dbt build` again")


# --------------------------------------------------------------------------------------------------
# 2. the published file
# --------------------------------------------------------------------------------------------------


def catalog_name(path: Path) -> str:
    """The catalog name DuckDB gives a database file: its name up to the first dot (leading dots dropped)."""
    return path.name.lstrip(".").split(".")[0]


@contextmanager
def publish_lock(publish_path: Path) -> Iterator[None]:
    """One publish at a time for a given target (a lock file beside it)."""
    lock_path = publish_path.with_name(publish_path.name + ".lock")
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise PublishRefused(f"another publish to {publish_path} is running") from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def attach_build(connection: duckdb.DuckDBPyConnection, build_db: Path) -> str:
    """Attach the build database read-only under dbt's catalog name (its views name it); return it."""
    if not build_db.exists():
        raise PublishRefused(f"no build database at {build_db}: run `dbt build` first")
    catalog = catalog_name(build_db)
    own_catalog = connection.execute("select current_database()").fetchone()
    if own_catalog is not None and own_catalog[0] == catalog:
        raise PublishRefused(
            f"the build database and the published file are both named {catalog!r}: give CS_PUBLISH_PATH "
            "another file name than CS_DUCKDB_PATH (DuckDB names a database after its file)"
        )
    try:
        connection.execute(f"attach {sql_string(str(build_db))} as {sql_identifier(catalog)} (read_only)")
    except duckdb.IOException as error:
        raise PublishRefused(f"cannot read {build_db} (is a dbt run still writing it?): {error}") from error
    return catalog


def row_count(connection: duckdb.DuckDBPyConnection, relation: Relation) -> int:
    """Rows of a table of the connection's own database."""
    rows = connection.execute(f"select count(*) from {relation.qualified}").fetchall()
    return int(rows[0][0])


def pseudonym(key: str, prefix: str, value: str) -> str:
    """The pseudonym the publish step gives `value` (Python twin of `published_column`'s SQL): lets an
    auditor holding the key find a known id in the published data."""
    digest = hashlib.sha256(f"{key}|{prefix}{value}".encode()).hexdigest()
    return prefix + digest[:PSEUDONYM_HEX_CHARS]


def published_column(column: str, personal_data: bool) -> str | None:
    """The select-list entry publishing `column` (None: not published). Pseudonyms read the key from
    the named parameter `$pseudonym_key`, so it never appears in SQL text."""
    quoted = sql_identifier(column)
    policy = PERSONAL_COLUMNS.get(column)
    if personal_data or policy is None:
        return quoted
    if policy.treatment is Treatment.DROP:
        return None
    if policy.treatment is Treatment.MASK:
        return f"{mask_evidence_sql(f'cast({quoted} as varchar)')} as {quoted}"
    prefix = sql_string(policy.prefix)
    digest = f"sha256($pseudonym_key || '|' || {prefix} || cast({quoted} as varchar))"
    return f"{prefix} || left({digest}, {PSEUDONYM_HEX_CHARS}) as {quoted}"  # null stays null


def source_columns(connection: duckdb.DuckDBPyConnection, catalog: str, relation: Relation) -> list[str]:
    """Column names of a relation of the attached build database."""
    rows = connection.execute(
        "select column_name from information_schema.columns where table_catalog = ? and table_schema = ? "
        "and table_name = ? order by ordinal_position",
        [catalog, relation.schema, relation.name],
    ).fetchall()
    if not rows:
        raise PublishRefused(f"{relation.label} is missing from the build database")
    return [row[0] for row in rows]


def copy_tables(
    connection: duckdb.DuckDBPyConnection,
    catalog: str,
    relations: Sequence[Relation],
    pseudonym_key: str | None,
) -> dict[str, int]:
    """Create each relation as a plain table of the same schema and name; return row counts.

    With `pseudonym_key` None, personal data is copied raw; otherwise each column named in
    `PERSONAL_COLUMNS` gets its treatment."""
    counts: dict[str, int] = {}
    for relation in relations:
        connection.execute(f"create schema if not exists {sql_identifier(relation.schema)}")
        columns = source_columns(connection, catalog, relation)
        selected = [entry for column in columns if (entry := published_column(column, pseudonym_key is None))]
        sql = (
            f"create table {relation.qualified} as select {', '.join(selected)} "
            f"from {sql_identifier(catalog)}.{relation.qualified}"
        )
        try:
            if "$pseudonym_key" in sql:
                connection.execute(sql, {"pseudonym_key": pseudonym_key})
            else:
                connection.execute(sql)
        except duckdb.CatalogException as error:
            raise PublishRefused(f"{relation.label} is missing from the build database: {error}") from error
        counts[relation.label] = row_count(connection, relation)
    return counts


def resolve_pseudonym_key(config: PublishConfig) -> str | None:
    """The pseudonym secret (None when publishing raw personal data): CS_PSEUDONYM_KEY, else the key
    file beside the build database, created once (random, mode 0600) so pseudonyms stay stable."""
    if config.personal_data:
        return None
    if config.pseudonym_key is not None:
        if len(config.pseudonym_key) < MIN_PSEUDONYM_KEY_LENGTH:
            raise PublishRefused(
                f"{PSEUDONYM_KEY_ENV} is shorter than {MIN_PSEUDONYM_KEY_LENGTH} characters: a short key lets "
                "anyone recompute the pseudonyms (`python -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        return config.pseudonym_key
    key_file = config.build_db.parent / PSEUDONYM_KEY_FILE
    config.build_db.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = key_file.read_text(encoding="utf-8").strip()
        if len(key) < MIN_PSEUDONYM_KEY_LENGTH:
            raise PublishRefused(
                f"the pseudonym key file {key_file} holds fewer than {MIN_PSEUDONYM_KEY_LENGTH} characters"
            ) from None
        return key
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def key_fingerprint(key: str | None) -> str | None:
    """A short digest of the pseudonym key: equal fingerprints, comparable pseudonyms across publishes."""
    return None if key is None else hashlib.sha256(f"fingerprint|{key}".encode()).hexdigest()[:8]


def rule_versions(connection: duckdb.DuckDBPyConnection, on_day: str) -> dict[str, list[str]]:
    """Rule-catalog versions in force on `on_day`, and those the published assessment applied."""
    in_force = connection.execute(
        "select rule_version_id from reference.rule_catalog where effective_from <= cast(? as date) "
        "and (effective_to is null or effective_to > cast(? as date)) order by clause, rule_version_id",
        [on_day, on_day],
    ).fetchall()
    applied = connection.execute(
        "select distinct rule_version_id from main.shop_monthly_rule_results order by rule_version_id"
    ).fetchall()
    return {"in_force": [row[0] for row in in_force], "applied": [row[0] for row in applied]}


def write_manifest_table(
    connection: duckdb.DuckDBPyConnection,
    build: BuildInfo,
    counts: dict[str, int],
    published_at: str,
    privacy: dict[str, Any],
) -> None:
    """main.publish_manifest: one row per published table with its row count, the build it came from
    and how personal data was published (`pseudonymised` or `raw`, and the key's fingerprint)."""
    versions = rule_versions(connection, build.finished_at[:10])
    connection.execute(
        f"create table main.{MANIFEST_TABLE} (table_schema varchar, table_name varchar, row_count bigint, "
        "dbt_invocation_id varchar, dbt_version varchar, build_started_at varchar, built_at varchar, "
        "published_at varchar, rule_versions_in_force varchar, rule_versions_applied varchar, "
        "personal_data varchar, pseudonym_key_fingerprint varchar)"
    )
    rows = [
        (
            *label.split(".", 1),
            count,
            build.invocation_id,
            build.dbt_version,
            build.started_at,
            build.finished_at,
            published_at,
            ", ".join(versions["in_force"]),
            ", ".join(versions["applied"]),
            privacy["mode"],
            privacy["pseudonym_key_fingerprint"],
        )
        for label, count in counts.items()
    ]
    connection.executemany(f"insert into main.{MANIFEST_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


# --------------------------------------------------------------------------------------------------
# 3. Parquet exports
# --------------------------------------------------------------------------------------------------


def table_columns(connection: duckdb.DuckDBPyConnection, relation: Relation) -> list[str]:
    """Column names of a table of the connection's own database."""
    rows = connection.execute(
        "select column_name from information_schema.columns where table_catalog = current_database() "
        "and table_schema = ? and table_name = ? order by ordinal_position",
        [relation.schema, relation.name],
    ).fetchall()
    return [row[0] for row in rows]


def export_relations(relations: Sequence[Relation]) -> list[Relation]:
    """The published tables that are also exported: BI-facing marts and the stored failures."""
    return [
        rel
        for rel in relations
        if (rel.schema == "main" and rel.name in EXPORTED_MARTS) or rel.schema == FAILURES_SCHEMA
    ]


def export_table(connection: duckdb.DuckDBPyConnection, relation: Relation, version_dir: Path) -> dict[str, Any]:
    """Write one table as Parquet under `version_dir`; describe it for manifest.json.

    A partitioned table goes to `<name>/month=YYYY-MM/*.parquet`: the folder key `month` is not a
    column of the table, so every file keeps all the table's columns (typed, `assessment_month`
    included) and hive-aware readers (DuckDB, Spark, pyarrow) merely gain a `month` column.
    """
    columns = table_columns(connection, relation)
    month_column = MONTH_COLUMN if relation.name in PARTITIONED_EXPORTS and MONTH_COLUMN in columns else None
    relative = Path(relation.name) if relation.schema == "main" else Path(relation.schema) / relation.name
    if month_column and PARTITION_KEY not in columns:
        target = version_dir / relative
        query = f"select *, strftime({month_column}, '%Y-%m') as {PARTITION_KEY} from {relation.qualified}"
        options = f"format parquet, partition_by ({PARTITION_KEY})"
        path_text = f"{relative.as_posix()}/{PARTITION_KEY}=*/*.parquet"
    else:
        month_column = None
        target = version_dir / relative.with_suffix(".parquet")
        query = f"select * from {relation.qualified}"
        options = "format parquet"
        path_text = relative.with_suffix(".parquet").as_posix()
    target.parent.mkdir(parents=True, exist_ok=True)
    connection.execute(f"copy ({query}) to {sql_string(str(target))} ({options})")
    rows = row_count(connection, relation)
    return {
        "path": path_text,
        "rows": rows,
        "partitioned_by": f"{PARTITION_KEY} (YYYY-MM of {month_column})" if month_column else None,
    }


def write_exports(
    connection: duckdb.DuckDBPyConnection,
    relations: Sequence[Relation],
    version_dir: Path,
    build: BuildInfo,
    published_at: str,
    privacy: dict[str, Any],
) -> dict[str, Any]:
    """Export the BI-facing tables and write manifest.json into `version_dir`; return the manifest."""
    version_dir.mkdir(parents=True)
    tables = {rel.label: export_table(connection, rel, version_dir) for rel in export_relations(relations)}
    manifest = {
        "format_version": 1,
        "dbt_invocation_id": build.invocation_id,
        "dbt_version": build.dbt_version,
        "build_started_at": build.started_at,
        "built_at": build.finished_at,
        "published_at": published_at,
        "rule_catalog_versions": rule_versions(connection, build.finished_at[:10]),
        "personal_data": privacy,
        "tables": tables,
    }
    (version_dir / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


# --------------------------------------------------------------------------------------------------
# 4. the swaps
# --------------------------------------------------------------------------------------------------


def versions_root(export_dir: Path) -> Path:
    """Hidden sibling folder holding the export versions `export_dir` points at."""
    return export_dir.with_name(f".{export_dir.name}.versions")


def swap_file(new_file: Path, publish_path: Path) -> None:
    """Atomically replace `publish_path` with `new_file` (same folder, so one rename)."""
    stale_wal = publish_path.with_name(publish_path.name + ".wal")
    if stale_wal.exists():
        # A WAL beside the old file belongs to it (only a read-write opener writes one) and would be
        # replayed onto the new file: it goes with the old file.
        stale_wal.unlink()
    os.replace(new_file, publish_path)


def swap_export_dir(version_dir: Path, export_dir: Path) -> None:
    """Point `export_dir` (a symlink) at `version_dir` in one rename; keep the latest versions only."""
    if export_dir.exists() and not export_dir.is_symlink():
        # First publish over a real folder: move it into the versions folder once.
        export_dir.rename(versions_root(export_dir) / f"moved-{time.time_ns()}")
    link_tmp = export_dir.with_name(f".{export_dir.name}.link-{os.getpid()}")
    link_tmp.unlink(missing_ok=True)
    link_tmp.symlink_to(os.path.relpath(version_dir, export_dir.parent))
    os.replace(link_tmp, export_dir)
    prune_export_versions(export_dir, keep=KEPT_EXPORT_VERSIONS)


def prune_export_versions(export_dir: Path, keep: int) -> None:
    """Delete all but the `keep` newest version folders (never the current one)."""
    current = export_dir.resolve()
    versions = sorted(versions_root(export_dir).iterdir(), key=lambda path: path.stat().st_mtime_ns, reverse=True)
    for old in versions[keep:]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------------------------------
# the whole step
# --------------------------------------------------------------------------------------------------


def publish(config: PublishConfig) -> PublishResult:
    """Gate, copy, export and swap; raise PublishRefused (nothing changed for readers) when unfit."""
    started = time.monotonic()
    run_results = load_run_results(config.run_results)
    check_no_later_invocation(config.dbt_log, str(run_results["metadata"]["invocation_id"]), config.build_db)
    build = read_build_info(run_results)
    pseudonym_key = resolve_pseudonym_key(config)
    privacy = privacy_manifest(pseudonym_key)
    config.publish_path.parent.mkdir(parents=True, exist_ok=True)
    config.export_dir.parent.mkdir(parents=True, exist_ok=True)
    versions_root(config.export_dir).mkdir(exist_ok=True)
    published_at = datetime.now(UTC).isoformat(timespec="seconds")
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{build.invocation_id[:8]}"
    new_file = config.publish_path.with_name(f".{config.publish_path.name}.{stamp}.tmp")
    version_dir = versions_root(config.export_dir) / stamp
    with publish_lock(config.publish_path):
        try:
            with duckdb.connect(str(new_file)) as connection:
                catalog = attach_build(connection, config.build_db)
                check_build_record(connection, catalog, build)
                counts = copy_tables(connection, catalog, build.relations, pseudonym_key)
                connection.execute(f"detach {sql_identifier(catalog)}")
                write_manifest_table(connection, build, counts, published_at, privacy)
                write_exports(connection, build.relations, version_dir, build, published_at, privacy)
                connection.execute("checkpoint")
            swap_file(new_file, config.publish_path)
        except BaseException:
            new_file.unlink(missing_ok=True)
            new_file.with_name(new_file.name + ".wal").unlink(missing_ok=True)
            shutil.rmtree(version_dir, ignore_errors=True)
            raise
        swap_export_dir(version_dir, config.export_dir)
    return PublishResult(config.publish_path, config.export_dir, counts, time.monotonic() - started)


def privacy_manifest(pseudonym_key: str | None) -> dict[str, Any]:
    """How this publish treats personal data, for both manifests."""
    return {
        "mode": RAW_MODE if pseudonym_key is None else PSEUDONYMISED_MODE,
        "pseudonym_key_fingerprint": key_fingerprint(pseudonym_key),
        "columns": {
            name: RAW_MODE if pseudonym_key is None else policy.treatment.value
            for name, policy in PERSONAL_COLUMNS.items()
        },
    }


def env_flag(name: str) -> bool:
    """A yes/no environment variable: 1/true/yes or 0/false/no/unset."""
    value = os.environ.get(name, "").strip().lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("", "0", "false", "no"):
        return False
    raise SystemExit(f"{name}={os.environ[name]!r}: use 1 (publish raw personal data) or 0")


def default_config() -> PublishConfig:
    """Paths and settings from the environment (README "Configuration"), relative to the working directory."""
    target_path = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    return PublishConfig(
        build_db=Path(os.environ.get("CS_DUCKDB_PATH", "warehouse/cs_rules.duckdb")),
        publish_path=Path(os.environ.get("CS_PUBLISH_PATH", "warehouse/cs_rules_published.duckdb")),
        export_dir=Path(os.environ.get("CS_EXPORT_DIR", "warehouse/exports")),
        run_results=target_path / "run_results.json",
        dbt_log=Path(os.environ.get("DBT_LOG_PATH", "logs")) / "dbt.log",
        personal_data=env_flag(PERSONAL_DATA_ENV),
        pseudonym_key=os.environ.get(PSEUDONYM_KEY_ENV) or None,
    )


def parse_args(argv: Sequence[str] | None) -> PublishConfig:
    """Command-line options; each defaults to its environment variable."""
    defaults = default_config()
    parser = argparse.ArgumentParser(prog="python -m cs_tools.publish", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=defaults.build_db, help="build database (CS_DUCKDB_PATH)")
    parser.add_argument(
        "--publish-path", type=Path, default=defaults.publish_path, help="file BI reads (CS_PUBLISH_PATH)"
    )
    parser.add_argument("--export-dir", type=Path, default=defaults.export_dir, help="Parquet folder (CS_EXPORT_DIR)")
    parser.add_argument(
        "--run-results",
        type=Path,
        default=defaults.run_results,
        help="dbt's run_results.json ($DBT_TARGET_PATH or target/)",
    )
    parser.add_argument(
        "--dbt-log", type=Path, default=defaults.dbt_log, help="dbt's log file ($DBT_LOG_PATH/dbt.log or logs/dbt.log)"
    )
    parser.add_argument(
        "--personal-data",
        action=argparse.BooleanOptionalAction,
        default=defaults.personal_data,
        help=f"publish raw ids, message text and evidence (default: pseudonymised; {PERSONAL_DATA_ENV}=1)",
    )
    args = parser.parse_args(argv)
    return PublishConfig(
        args.db,
        args.publish_path,
        args.export_dir,
        args.run_results,
        dbt_log=args.dbt_log,
        personal_data=args.personal_data,
        pseudonym_key=defaults.pseudonym_key,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Publish; exit 0 when published, 2 when refused (the published warehouse is left as it was)."""
    config = parse_args(argv)
    try:
        result = publish(config)
    except PublishRefused as refusal:
        print(f"publish refused: {refusal}", file=sys.stderr)
        print(f"{config.publish_path} and {config.export_dir} still hold the last published build.", file=sys.stderr)
        return 2
    total = sum(result.row_counts.values())
    personal = "RAW personal data" if config.personal_data else "ids pseudonymised, text dropped, evidence masked"
    print(
        f"published {len(result.row_counts)} tables ({total:,} rows; {personal}) to {result.publish_path} "
        f"and Parquet exports to {result.export_dir}/ in {result.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
