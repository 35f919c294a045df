"""Incremental daily builds give exactly the marts a full refresh gives (issue: scale).

An export of several days is built in three steps into one database, as a platform delivers it:
the first days, then the next day's files, then a late file for an old day together with a
re-delivery of an already loaded file. After every step the marts must equal those of a full
build of the same files into a fresh database.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from cs_devtools.demo_data import generate
from tests.python.dbt_helpers import MESSAGE_SCHEMA, REPO_ROOT, copy_project, query, run_dbt, write_table

COMPARED_TABLES = [
    "staging.stg_cs_raw__messages",
    "audit.rejected_messages",
    "audit.duplicate_messages",
    "main.consult_reply_pairs",
    "main.shop_daily_reply_rate",
    "main.shop_monthly_reply_rate",
    "main.shop_monthly_rule_evidence",
    "main.shop_monthly_rule_results",
    "main.shop_monthly_assessment",
    "intermediate.int_merchant_messages__normalised",
    "intermediate.int_user_messages__stop_requests",
    "intermediate.int_content_rule_hits__lexicon",
    "intermediate.int_content_rule_hits__pattern",
    "intermediate.int_harassment__unsolicited_contact",
    "intermediate.int_harassment__contact_after_stop_request",
    "main.content_rule_hits",
    "main.harassment_incidents",
    "main.shop_monthly_satisfaction",
    "main.account_monthly_reply_performance",
    "main.shop_hourly_reply_profile",
    "main.shop_month_to_date_risk",
    "main.suspected_automation",
    "main.cold_outreach_messages",
    "main.shop_monthly_cold_outreach",
]


def copy_day(source: Path, target: Path, day: str, *, as_name: str | None = None) -> None:
    """Copy one day's message and rating files from one export folder to another."""
    for entity in ("messages", "ratings"):
        (target / entity).mkdir(parents=True, exist_ok=True)
        file = source / entity / f"{day}.parquet"
        if file.exists():
            shutil.copy(file, target / entity / (as_name or file.name))


def table_rows(db_path: Path, table: str) -> list[tuple[object, ...]]:
    return query(db_path, f"select * from {table} order by all")


def assert_same_marts(incremental_db: Path, full_db: Path) -> None:
    for table in COMPARED_TABLES:
        incremental_rows, full_rows = table_rows(incremental_db, table), table_rows(full_db, table)
        assert len(incremental_rows) == len(full_rows), table
        assert incremental_rows == full_rows, table


PLATFORM_TZ = ZoneInfo("Asia/Shanghai")
HARASSMENT_SHOP = "shop_incremental"


def local_ms(day: str, clock: str) -> int:
    """Epoch ms of a platform-local wall clock `clock` (HH:MM) on `day`."""
    local = datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=PLATFORM_TZ)
    return int(local.timestamp() * 1000)


def harassment_rows(days: list[str]) -> dict[str, list[dict[str, object]]]:
    """Hand-made threads whose 2.5 incidents depend on files before the incremental window, by day file.

    User A asks the shop to stop on days[-4] (before step 2's window) and gets one more message that day;
    on days[-1] the shop writes 7 more: contact after the stop request, and, as the shop still owes
    A 3 answers' worth of the run begun on days[-4], 5 unsolicited messages, not an incident. Only a run
    that carries the thread's history into the window gets both right.
    On days[2] the shop sends user B 8 messages unprompted (an incident), until the late file for
    days[1] brings B's question the evening before: 3 answers, 5 unsolicited, the incident is gone.
    """
    def message(key: str, user: str, role: str, day: str, clock: str, content: str) -> dict[str, object]:
        return {
            "message_id": f"m_incremental_{key}",
            "conversation_id": f"c_incremental_{user}",
            "shop_id": HARASSMENT_SHOP,
            "user_id": user,
            "sender_role": role,
            "sender_account_id": user if role == "user" else f"{HARASSMENT_SHOP}_agent",
            "msg_type": "text",
            "content": content,
            "sent_at_ms": local_ms(day, clock),
        }

    stop_day, last, late, busy = days[-4], days[-1], days[1], days[2]
    rows: dict[str, list[dict[str, object]]] = {day: [] for day in (stop_day, last, late, busy)}
    rows[stop_day] += [
        message("a01", "user_a", "user", stop_day, "10:00", "在吗"),
        message("a02", "user_a", "merchant", stop_day, "10:01", "您好，在的"),
        message("a03", "user_a", "user", stop_day, "10:02", "别再发了"),
        message("a04", "user_a", "merchant", stop_day, "10:30", "最后提醒您一下优惠"),
    ]
    rows[last] += [message(f"a1{i}", "user_a", "merchant", last, f"00:0{i + 1}", "限时优惠") for i in range(7)]
    rows[busy] += [message(f"b1{i}", "user_b", "merchant", busy, f"09:0{i}", "看看新品") for i in range(8)]
    rows[late] += [message("b01", "user_b", "user", late, "23:00", "这个有货吗")]
    return rows


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incremental_export")
    generate(root, seed=7, shops=6, days=6, start=date(2026, 1, 29), messages=None, dirty_rate=0.01)
    days = sorted(p.stem for p in (root / "messages").glob("*.parquet"))
    for day, rows in harassment_rows(days).items():
        file = root / "messages" / f"{day}.parquet"
        extra = pa.Table.from_pylist(rows, schema=MESSAGE_SCHEMA)
        pq.write_table(pa.concat_tables([pq.read_table(file), extra]), file)
    return root


def full_build(
    raw_dir: Path, db_path: Path, extra_args: Sequence[str] = (), *, project_dir: Path = REPO_ROOT
) -> None:
    """A reference build from scratch (models only: the incremental database runs the tests)."""
    args = ["build", "--resource-type", "seed", "--resource-type", "model", *extra_args]
    run_dbt(args, raw_dir=raw_dir, db_path=db_path, project_dir=project_dir)


def incremental_build(
    raw_dir: Path, db_path: Path, extra_args: Sequence[str] = (), *, project_dir: Path = REPO_ROOT
) -> None:
    """A plain `dbt build` (models and data tests) into a database that already holds earlier runs."""
    run_dbt(
        ["build", "--exclude", "test_type:unit", *extra_args],
        raw_dir=raw_dir,
        db_path=db_path,
        project_dir=project_dir,
    )


def test_incremental_runs_equal_full_refresh(export: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    db = tmp_path / "incremental.duckdb"
    days = sorted(p.stem for p in (export / "messages").glob("*.parquet"))
    late_day = days[1]

    # 1. the first days, but not the late day's file
    for day in days[:-1]:
        if day != late_day:
            copy_day(export, raw, day)
    incremental_build(raw, db)
    full_build(raw, tmp_path / "full_1.duckdb")
    assert_same_marts(db, tmp_path / "full_1.duckdb")

    # 2. the next day arrives (replies cross midnight and the month end from the previous file)
    copy_day(export, raw, days[-1])
    incremental_build(raw, db)
    window = query(db, "select pending_file_count, reprocess_from_date from raw.incremental_window")
    incidents_before_late_file = hand_made_incidents(db)
    full_build(raw, tmp_path / "full_2.duckdb")
    assert_same_marts(db, tmp_path / "full_2.duckdb")

    # 3. a late file for an old day, and yesterday's file delivered again under another name
    copy_day(export, raw, late_day)
    copy_day(export, raw, days[-1], as_name="redelivered.parquet")
    incremental_build(raw, db)
    full_build(raw, tmp_path / "full_3.duckdb")
    assert_same_marts(db, tmp_path / "full_3.duckdb")

    # step 2 was incremental: one new message file, and only the last days were recomputed (the
    # window opens reply_horizon_hours before the earlier of the old watermark less 5 minutes and the new
    # file's first event)
    (pending_file_count, reprocess_from_date), = window
    assert pending_file_count == 1
    assert date.fromisoformat(days[0]) < reprocess_from_date <= date.fromisoformat(days[-2])
    loaded = query(db, "select count(*) from audit.raw_file_loads")
    assert loaded == [(len(days) + 1,)]
    # the comparison above covered content-rule rows of every kind, not empty tables
    kinds = query(
        db,
        "select count(distinct detector), count(distinct activity_date) from main.content_rule_hits",
    )
    assert kinds[0][0] == 3 and kinds[0][1] >= len(days) - 1
    # the hand-made 2.5 threads: history carried into the window, and an incident undone by the late file
    assert incidents_before_late_file == [
        ("user_a", days[-4], "contact_after_stop_request", 1),
        ("user_a", days[-1], "contact_after_stop_request", 7),
        ("user_b", days[2], "repeated_unsolicited_contact", 8),
    ]
    assert hand_made_incidents(db) == incidents_before_late_file[:2]


def hand_made_incidents(db: Path) -> list[tuple[object, ...]]:
    return query(
        db,
        "select user_id, strftime(incident_date, '%Y-%m-%d'), incident_type, message_count "
        f"from main.harassment_incidents where shop_id = '{HARASSMENT_SHOP}' order by all",
    )


def test_withdrawn_rewritten_and_empty_files_equal_a_full_build(export: Path, tmp_path: Path) -> None:
    """A deleted file takes its rows with it, a rewritten file replaces its rows, an empty day file
    changes nothing: each next run equals a full build of the files then present."""
    raw = tmp_path / "raw"
    db = tmp_path / "db.duckdb"
    days = sorted(p.stem for p in (export / "messages").glob("*.parquet"))[:4]
    for day in days:
        copy_day(export, raw, day)
    incremental_build(raw, db)

    (raw / "messages" / f"{days[0]}.parquet").unlink()
    rewritten = raw / "messages" / f"{days[2]}.parquet"
    table = pq.read_table(rewritten)
    pq.write_table(table.slice(0, table.num_rows // 2), rewritten)
    incremental_build(raw, db)
    window = query(db, "select pending_file_count, withdrawn_file_count, is_full_recompute from raw.incremental_window")
    assert window == [(1, 2, False)]
    full_build(raw, tmp_path / "full_1.duckdb")
    assert_same_marts(db, tmp_path / "full_1.duckdb")
    assert query(db, "select count(distinct source_file) from staging.stg_cs_raw__messages") == [(3,)]

    # a day on which nothing was said: an empty file, and the run replaces nothing
    write_table(raw / "messages" / "2099-empty.parquet", [], MESSAGE_SCHEMA)
    incremental_build(raw, db)
    full_build(raw, tmp_path / "full_2.duckdb")
    assert_same_marts(db, tmp_path / "full_2.duckdb")


def test_changed_settings_recompute_the_whole_history(export: Path, tmp_path: Path) -> None:
    """A var changed between two daily runs: the incremental run recomputes everything, once."""
    raw = tmp_path / "raw"
    db = tmp_path / "db.duckdb"
    days = sorted(p.stem for p in (export / "messages").glob("*.parquet"))
    for day in days[:-1]:
        copy_day(export, raw, day)
    incremental_build(raw, db)

    copy_day(export, raw, days[-1])
    changed = ["--vars", "{reply_window_seconds: 60, harassment_unsolicited_message_threshold: 4}"]
    incremental_build(raw, db, changed)
    assert query(db, "select is_settings_change, reprocess_from_date from raw.incremental_window") == [
        (True, date(2000, 1, 1)),
    ]
    full_build(raw, tmp_path / "full.duckdb", changed)
    assert_same_marts(db, tmp_path / "full.duckdb")

    # the same settings again: back to the incremental window
    incremental_build(raw, db, changed)
    assert query(db, "select is_settings_change from raw.incremental_window") == [(False,)]


EXEMPTIONS_HEADER = "exemption_id,shop_id,clause,starts_at,ends_at,reason,approved_by\n"


def test_changed_exemptions_recompute_the_whole_history(export: Path, tmp_path: Path) -> None:
    """Rows added to seeds/assessment_exemptions.csv between two daily runs: the seed's checksum is in the
    settings fingerprint, so the run recomputes the whole history (an exemption may reach back to any
    day), and the result equals a full build with the same exemptions."""
    project = copy_project(tmp_path / "project")
    seed = project / "seeds" / "assessment_exemptions.csv"
    assert seed.read_text() == EXEMPTIONS_HEADER  # the repository ships a header and no rows
    raw = tmp_path / "raw"
    db = tmp_path / "db.duckdb"
    days = sorted(p.stem for p in (export / "messages").glob("*.parquet"))
    for day in days:
        copy_day(export, raw, day)
    incremental_build(raw, db, project_dir=project)
    (shop,), = query(db, "select min(shop_id) from main.consult_reply_pairs where is_assessed")

    # one shop's reply rate from the first day's evening to the second day's noon (crossing midnight),
    # and every shop's satisfaction on the first three days
    seed.write_text(
        EXEMPTIONS_HEADER
        + f"E1,{shop},3.1.1,{days[0]} 18:00:00,{days[1]} 12:00:00,platform outage,ops\n"
        + f"E2,,3.1.2,{days[0]} 00:00:00,{days[3]} 00:00:00,approved closure,ops\n"
    )
    incremental_build(raw, db, project_dir=project)
    assert query(db, "select is_settings_change, reprocess_from_date from raw.incremental_window") == [
        (True, date(2000, 1, 1)),
    ]
    full_build(raw, tmp_path / "full.duckdb", project_dir=project)
    assert_same_marts(db, tmp_path / "full.duckdb")
    exempt = query(
        db,
        "select sum(exempt_message_count) filter (where shop_id = ?), "
        "sum(exempt_message_count) filter (where shop_id <> ?), sum(exempt_rating_count) "
        "from main.shop_monthly_assessment".replace("?", f"'{shop}'"),
    )
    (shop_exempt, other_exempt, ratings_exempt), = exempt
    assert shop_exempt > 0 and other_exempt == 0 and ratings_exempt > 0


def test_every_var_is_in_the_settings_fingerprint_or_exempt() -> None:
    """A new var must be added to fingerprinted_vars() (or to incremental_exempt_vars(), with a reason)."""
    project_vars = set(yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"])
    macro = (REPO_ROOT / "macros" / "incremental" / "incremental_window.sql").read_text()

    def listed(macro_name: str) -> set[str]:
        body = macro.split(f"macro {macro_name}()", 1)[1].split("endmacro", 1)[0]
        return set(re.findall(r"'([a-z_]+)'", body))

    fingerprinted, exempt = listed("fingerprinted_vars"), listed("incremental_exempt_vars")
    assert not fingerprinted & exempt
    assert project_vars == fingerprinted | exempt


def test_an_incremental_build_tests_the_window_and_dbt_test_every_row(export: Path, tmp_path: Path) -> None:
    """docs/decisions.md "Tests in incremental runs": the data tests of an incremental `dbt build` read
    the days it replaced; a `dbt test` on its own, or var incremental_test_scope = 'all', every row."""
    raw = tmp_path / "raw"
    db = tmp_path / "incremental.duckdb"
    days = sorted(p.stem for p in (export / "messages").glob("*.parquet"))
    for day in days[:-1]:
        copy_day(export, raw, day)
    incremental_build(raw, db)
    raw_rows_test = "base_cs_raw__messages_one_row_per_raw_row.sql"
    pending_only = "_source_file in (select file_name from raw.pending_files)"
    # a first build tests every raw row
    assert pending_only not in next((db.parent / "dbt_target" / "compiled").rglob(raw_rows_test)).read_text()
    # behind dbt's back, a first-day message takes the id of another one (row counts unchanged): a
    # broken row before any later window
    with duckdb.connect(str(db)) as connection:
        connection.execute(
            """
            update staging.stg_cs_raw__message_deliveries set message_id = (
                select max(message_id) from staging.stg_cs_raw__messages
                where activity_date = (select min(activity_date) from staging.stg_cs_raw__messages)
            )
            where message_id = (
                select min(message_id) from staging.stg_cs_raw__messages
                where activity_date = (select min(activity_date) from staging.stg_cs_raw__messages)
            )
            and delivery_status = 'kept'
            """
        )
    copy_day(export, raw, days[-1])
    incremental_build(raw, db)  # passes: the first day is not in the window
    # the raw rows' test read the file this run loaded, not every file (its compiled SQL says so)
    assert pending_only in next((db.parent / "dbt_target" / "compiled").rglob(raw_rows_test)).read_text()

    unique_test = "unique_stg_cs_raw__messages_message_id"
    for args in (
        ["test", "--select", "stg_cs_raw__messages"],
        ["build", "--select", "stg_cs_raw__messages", "--vars", "{incremental_test_scope: all}"],
    ):
        result = run_dbt(args, raw_dir=raw, db_path=db, check=False)
        assert result.returncode != 0, result.stdout
        assert f"FAIL 1 {unique_test}" in result.stdout, result.stdout
