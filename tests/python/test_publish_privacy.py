"""Privacy by default for BI, and publishing from awkward places, on a real build of the small demo.

The published file and the Parquet exports carry no raw user, account or conversation id and no
message text: ids are keyed pseudonyms (stable with one key, so BI still counts and joins), message
text is dropped and evidence masked; the build database keeps everything; `personal_data=True`
(CS_PUBLISH_PERSONAL_DATA=1) publishes the raw values. Also: paths holding a quote, and a dbt
command that stopped at start-up after the build being published.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from cs_tools.publish import (
    MANIFEST_TABLE,
    PERSONAL_COLUMNS,
    PSEUDONYM_KEY_FILE,
    PublishConfig,
    PublishRefused,
    Treatment,
    key_fingerprint,
    main,
    pseudonym,
    publish,
    resolve_pseudonym_key,
)
from cs_tools.sql import sql_identifier, sql_string
from tests.python.conftest import Warehouse
from tests.python.dbt_helpers import query, run_dbt

ID_COLUMNS = [name for name, policy in PERSONAL_COLUMNS.items() if policy.treatment is Treatment.PSEUDONYMISE]
TOKEN = r"[A-Za-z0-9_\-]+"  # an id-like token inside a longer text
MIN_CONTENT_CHARS = 6  # shorter message texts ("好的") may equal a legitimate value elsewhere


def published_tables(path: Path) -> list[tuple[str, str]]:
    """(schema, name) of every table of a published file but the manifest."""
    rows = query(path, "select table_schema, table_name from information_schema.tables order by all")
    return [(schema, name) for schema, name in rows if name != MANIFEST_TABLE]


def varchar_columns(connection: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    """The VARCHAR columns of `relation` (a table or a `read_parquet(...)`)."""
    described = connection.execute(f"describe select * from {relation}").fetchall()
    return [row[0] for row in described if row[1] == "VARCHAR"]


def raw_values(warehouse: Warehouse) -> tuple[set[str], set[str]]:
    """The raw ids (every id column of every published table, as built) and message texts of a build."""
    ids: set[str] = set()
    texts: set[str] = set()
    with duckdb.connect(str(warehouse.db_path), read_only=True) as connection:
        for schema, name in published_tables(warehouse.config.publish_path):
            relation = f"{sql_identifier(schema)}.{sql_identifier(name)}"
            columns = [row[0] for row in connection.execute(f"describe {relation}").fetchall()]
            for column in columns:
                values = connection.execute(f"select distinct {column} from {relation} where {column} is not null")
                if column in ID_COLUMNS:
                    ids |= {str(value) for (value,) in values.fetchall()}
                elif column == "content":
                    texts |= {text for (text,) in values.fetchall() if len(text) >= MIN_CONTENT_CHARS}
    return ids, texts


def leaks(connection: duckdb.DuckDBPyConnection, relation: str, ids: set[str], texts: set[str]) -> list[str]:
    """Raw ids (as a whole value or as a token inside one) and raw texts found in `relation`."""
    connection.execute("create or replace temp table raw_ids (v varchar)")
    connection.executemany("insert into raw_ids values (?)", [(value,) for value in ids])
    connection.execute("create or replace temp table raw_texts (v varchar)")
    connection.executemany("insert into raw_texts values (?)", [(value,) for value in texts])
    found: list[str] = []
    for column in varchar_columns(connection, relation):
        quoted = sql_identifier(column)
        hits = connection.execute(
            f"""
            with cells as (select distinct {quoted} as v from {relation} where {quoted} is not null),
            tokens as (select v, unnest(regexp_extract_all(v, {sql_string(TOKEN)})) as token from cells)
            select v from tokens where token in (select v from raw_ids)
            union select v from cells where v in (select v from raw_ids) or v in (select v from raw_texts)
            limit 3
            """
        ).fetchall()
        found += [f"{relation}.{column}: {value!r}" for (value,) in hits]
    return found


# --------------------------------------------------------------------------------------------------
# what BI gets by default
# --------------------------------------------------------------------------------------------------


def test_no_raw_id_or_message_text_in_the_published_file_or_exports(published_demo: Warehouse) -> None:
    ids, texts = raw_values(published_demo)
    assert len(ids) > 100 and len(texts) > 10, "the demo must have personal data to hide"
    found: list[str] = []
    with duckdb.connect() as connection:
        connection.execute(f"attach {sql_string(str(published_demo.config.publish_path))} as pub (read_only)")
        for schema, name in published_tables(published_demo.config.publish_path):
            found += leaks(connection, f"pub.{sql_identifier(schema)}.{sql_identifier(name)}", ids, texts)
        parquet_files = sorted(published_demo.config.export_dir.resolve().rglob("*.parquet"))
        assert len(parquet_files) >= 5
        for file in parquet_files:
            found += leaks(connection, f"read_parquet({sql_string(str(file))}, hive_partitioning = false)", ids, texts)
    assert not found, "raw personal data published:\n" + "\n".join(found[:20])


def test_message_text_is_not_published_and_evidence_is_masked(published_demo: Warehouse) -> None:
    published = published_demo.config.publish_path
    for table in ("audit.rejected_messages", "audit.duplicate_messages"):
        columns = [row[0] for row in query(published, f"describe {table}")]
        assert "content" not in columns and "message_id" in columns, table
        assert query(published, f"select count(*) from {table}") == query(
            published_demo.db_path, f"select count(*) from {table}"
        ), "every audit row is published, without its text"
    assert query(published_demo.db_path, "select count(content) from audit.rejected_messages")[0][0] > 0, (
        "the build database keeps the text for auditors"
    )
    sql = "select matched_text from main.content_rule_hits"
    evidence = [text for (text,) in query(published, sql)]
    raw_evidence = [text for (text,) in query(published_demo.db_path, sql)]
    assert any(re.search(r"\d{5}|[A-Za-z0-9]{2,}@", text) for text in raw_evidence)
    assert not any(re.search(r"\d{5}|[A-Za-z0-9]{2,}@", text) for text in evidence)
    kept = "select clause, rule_code, count(*) from main.content_rule_hits group by all order by all"
    assert query(published, kept) == query(published_demo.db_path, kept), "clause and rule stay as built"


def test_harassment_stop_phrase_is_the_seed_phrase_published_as_built(published_demo: Warehouse) -> None:
    """`stop_request_text` is the content_rule_stop_requests seed term that matched, not user text."""
    sql = "select distinct stop_request_text from main.harassment_incidents where stop_request_text is not null"
    published = {text for (text,) in query(published_demo.config.publish_path, sql)}
    terms = {term for (term,) in query(published_demo.db_path, "select term from reference.content_rule_stop_requests")}
    assert published == {text for (text,) in query(published_demo.db_path, sql)}
    assert published <= terms


JOINS = {
    "distinct users per shop": """
        select shop_id, count(distinct user_id), count(distinct conversation_id)
        from main.consult_reply_pairs group by all order by all""",
    "replies in the asking conversation": """
        select count(*) filter (where reply_conversation_id = conversation_id), count(reply_account_id)
        from main.consult_reply_pairs""",
    "hits joined to pairs by conversation": """
        select count(*) from main.content_rule_hits h
        join main.consult_reply_pairs p on p.conversation_id = h.conversation_id and p.user_id = h.user_id""",
    "reply accounts that also sent hits": """
        select count(distinct p.reply_account_id) from main.consult_reply_pairs p
        join main.content_rule_hits h on h.sender_account_id = p.reply_account_id""",
    "ratings joined to pairs by user": """
        select count(*) from audit.rejected_ratings r
        join (select distinct user_id from main.consult_reply_pairs) p on p.user_id = r.user_id""",
    "nulls stay null": """
        select count(*) filter (where user_id is null), count(*) filter (where conversation_id is null)
        from audit.rejected_messages""",
}


@pytest.mark.parametrize("sql", JOINS.values(), ids=JOINS.keys())
def test_pseudonyms_count_and_join_as_the_raw_ids_do(published_demo: Warehouse, sql: str) -> None:
    published = query(published_demo.config.publish_path, sql)
    assert published == query(published_demo.db_path, sql)
    assert published != [(0,)]


def test_pseudonym_format_and_python_twin(published_demo: Warehouse) -> None:
    key = (published_demo.db_path.parent / PSEUDONYM_KEY_FILE).read_text().strip()
    sql = (
        "select user_id, conversation_id, reply_account_id from main.consult_reply_pairs "
        "where reply_account_id is not null order by message_id limit 1"
    )
    raw = query(published_demo.db_path, sql)[0]
    published = query(published_demo.config.publish_path, sql)[0]
    assert published == (pseudonym(key, "u_", raw[0]), pseudonym(key, "c_", raw[1]), pseudonym(key, "a_", raw[2]))
    assert re.fullmatch(r"u_[0-9a-f]{16}", published[0])


def test_manifests_say_how_personal_data_was_published(published_demo: Warehouse) -> None:
    modes = query(published_demo.config.publish_path, f"select distinct personal_data from main.{MANIFEST_TABLE}")
    assert modes == [("pseudonymised",)]
    manifest = json.loads((published_demo.config.export_dir / "manifest.json").read_text())
    assert manifest["personal_data"]["mode"] == "pseudonymised"
    assert manifest["personal_data"]["columns"]["content"] == "drop"
    assert manifest["personal_data"]["columns"]["user_id"] == "pseudonymise"


# --------------------------------------------------------------------------------------------------
# keys and modes
# --------------------------------------------------------------------------------------------------


def user_pseudonyms(config: PublishConfig) -> set[str]:
    """The published user ids of a publish."""
    return {user for (user,) in query(config.publish_path, "select distinct user_id from main.consult_reply_pairs")}


def elsewhere(config: PublishConfig, folder: Path, **changes: object) -> PublishConfig:
    """`config` publishing into `folder` instead."""
    return replace(
        config, publish_path=folder / "published.duckdb", export_dir=folder / "exports", **changes  # type: ignore[arg-type]
    )


def test_pseudonyms_are_stable_with_one_key_and_differ_with_another(published_demo: Warehouse, tmp_path: Path) -> None:
    first = user_pseudonyms(published_demo.config)
    warehouse = published_demo.copy_to(tmp_path / "warehouse")  # the key file beside the database comes along
    publish(warehouse.config)
    assert user_pseudonyms(warehouse.config) == first, "same key: same pseudonyms, publish after publish"
    other = elsewhere(warehouse.config, tmp_path / "other", pseudonym_key="another key, 16+ characters")
    publish(other)
    assert len(user_pseudonyms(other)) == len(first) and not user_pseudonyms(other) & first
    sql = f"select any_value(pseudonym_key_fingerprint) from {MANIFEST_TABLE}"
    configs = (published_demo.config, warehouse.config, other)
    fingerprints = {config.publish_path: query(config.publish_path, sql) for config in configs}
    assert fingerprints[published_demo.config.publish_path] == fingerprints[warehouse.config.publish_path]
    assert fingerprints[other.publish_path] != fingerprints[warehouse.config.publish_path]


def test_personal_data_setting_publishes_raw_values(published_demo: Warehouse, tmp_path: Path) -> None:
    raw = elsewhere(published_demo.config, tmp_path / "auditor", personal_data=True)
    publish(raw)
    for table in ("audit.rejected_messages", "main.content_rule_hits", "main.consult_reply_pairs"):
        ordered = f"select * from {table} order by all"
        assert query(raw.publish_path, ordered) == query(published_demo.db_path, ordered), table
    assert query(raw.publish_path, f"select distinct personal_data from main.{MANIFEST_TABLE}") == [("raw",)]
    assert json.loads((raw.export_dir / "manifest.json").read_text())["personal_data"]["mode"] == "raw"
    ids, texts = raw_values(published_demo)
    with duckdb.connect() as connection:  # the scan of the default publish does find raw values here
        connection.execute(f"attach {sql_string(str(raw.publish_path))} as pub (read_only)")
        assert leaks(connection, "pub.audit.rejected_messages", ids, texts)
        assert leaks(connection, "pub.main.consult_reply_pairs", ids, texts)


def test_key_file_is_created_once_private_and_short_keys_are_refused(tmp_path: Path) -> None:
    config = PublishConfig(tmp_path / "db" / "b.duckdb", tmp_path / "p.duckdb", tmp_path / "e", tmp_path / "r.json")
    key = resolve_pseudonym_key(config)
    key_file = tmp_path / "db" / PSEUDONYM_KEY_FILE
    assert key is not None and len(key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert resolve_pseudonym_key(config) == key, "created once, then reused"
    assert resolve_pseudonym_key(replace(config, pseudonym_key="k" * 20)) == "k" * 20
    with pytest.raises(PublishRefused, match="CS_PSEUDONYM_KEY is shorter"):
        resolve_pseudonym_key(replace(config, pseudonym_key="short"))
    assert resolve_pseudonym_key(replace(config, personal_data=True)) is None


# --------------------------------------------------------------------------------------------------
# awkward paths, and a dbt command that stopped at start-up
# --------------------------------------------------------------------------------------------------


def test_publish_from_and_to_paths_with_a_quote(published_demo: Warehouse, tmp_path: Path) -> None:
    warehouse = published_demo.copy_to(tmp_path / "it's here")
    config = replace(warehouse.config, export_dir=warehouse.root / "bi" / "o'brien exports")
    result = publish(config)
    assert result.row_counts["main.consult_reply_pairs"] > 1000
    manifest = json.loads((config.export_dir / "manifest.json").read_text())
    entry = manifest["tables"]["main.consult_reply_pairs"]
    with duckdb.connect() as connection:
        files = sql_string(str(config.export_dir / entry["path"]))
        assert connection.execute(f"select count(*) from read_parquet({files})").fetchone() == (entry["rows"],)


def test_a_build_that_stopped_at_start_up_is_named_not_the_older_run(published_demo: Warehouse, tmp_path: Path) -> None:
    warehouse = published_demo.copy_to(tmp_path / "warehouse")
    older = json.loads(warehouse.config.run_results.read_text())["metadata"]["invocation_id"]
    before = query(warehouse.config.publish_path, f"select any_value(published_at) from {MANIFEST_TABLE}")
    failed = run_dbt(
        ["build", "--vars", "{rule_evidence_models: [no_such_model]}"],  # a compile error at parse time
        raw_dir=warehouse.raw_dir,
        db_path=warehouse.db_path,
        check=False,
    )
    assert failed.returncode != 0 and "no_such_model" in failed.stdout
    assert json.loads(warehouse.config.run_results.read_text())["metadata"]["invocation_id"] == older
    with pytest.raises(PublishRefused) as refusal:
        publish(warehouse.config)
    message = str(refusal.value)
    assert "`dbt build --vars {rule_evidence_models: [no_such_model]}`" in message
    assert "wrote no run_results.json: it stopped at start-up" in message
    assert f"still describes the earlier invocation {older}" in message
    assert query(warehouse.config.publish_path, f"select any_value(published_at) from {MANIFEST_TABLE}") == before
    assert os.path.exists(warehouse.config.export_dir / "manifest.json")


def test_cli_reads_the_key_and_the_personal_data_setting_from_the_environment(
    published_demo: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = published_demo.config
    target = elsewhere(config, tmp_path / "cli")
    argv = ["--db", str(config.build_db), "--publish-path", str(target.publish_path)]
    argv += ["--export-dir", str(target.export_dir), "--run-results", str(config.run_results)]
    argv += ["--dbt-log", str(config.dbt_log)]
    monkeypatch.setenv("CS_PSEUDONYM_KEY", "a production secret, long enough")
    monkeypatch.delenv("CS_PUBLISH_PERSONAL_DATA", raising=False)
    assert main(argv) == 0
    assert "ids pseudonymised" in capsys.readouterr().out
    fingerprint = query(target.publish_path, f"select distinct pseudonym_key_fingerprint from {MANIFEST_TABLE}")
    assert fingerprint == [(key_fingerprint("a production secret, long enough"),)]
    monkeypatch.setenv("CS_PUBLISH_PERSONAL_DATA", "1")
    assert main(argv) == 0
    assert "RAW personal data" in capsys.readouterr().out
    assert query(target.publish_path, f"select distinct personal_data from {MANIFEST_TABLE}") == [("raw",)]
    monkeypatch.setenv("CS_PSEUDONYM_KEY", "short")
    monkeypatch.setenv("CS_PUBLISH_PERSONAL_DATA", "0")
    assert main(argv) == 2
    assert "CS_PSEUDONYM_KEY is shorter than 16 characters" in capsys.readouterr().err
