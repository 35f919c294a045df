"""The dashboard's pages (Streamlit's AppTest) on small published files.

The published demo (conftest's `published_demo`) and files derived from it by deleting rows: one shop,
nothing at all, a month with activity but nothing assessed. Every figure is compared with SQL run here on
the published file: the pages must show what the marts say, rates for groups pooled from their counts.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import columns as c
from dashboard import queries
from dashboard.ui import pct
from tests.python.conftest import Warehouse
from tests.python.dbt_helpers import REPO_ROOT

APP = REPO_ROOT / "dashboard" / "app.py"
PAGES = ("views/month.py", "views/shop.py", "views/content_review.py", "views/data_health.py")
TIMEOUT = 60


# --------------------------------------------------------------------------------------------------
# helpers and derived published files
# --------------------------------------------------------------------------------------------------


def rows(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of `sql` on a published file, opened read-only."""
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql, params or []).fetchall()


def value(path: Path, sql: str, params: list[Any] | None = None) -> Any:
    """The single value of `sql`."""
    return rows(path, sql, params)[0][0]


def derive(source: Path, target: Path, *statements: str) -> Path:
    """A copy of a published file changed by `statements` (as a publish would have written it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    with duckdb.connect(str(target)) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.execute("checkpoint")
    return target


def data_tables(path: Path, with_column: str | None = None) -> list[str]:
    """Published tables (schema.name) other than the manifest and the rule catalog; those with a column."""
    found = rows(
        path,
        "select distinct table_schema || '.' || table_name from information_schema.columns "
        "where table_catalog = current_database() and (? is null or column_name = ?)",
        [with_column, with_column],
    )
    return sorted(name for (name,) in found if name not in (c.MANIFEST, c.RULE_CATALOG))


def app(publish_path: Path, **query_params: str) -> AppTest:
    """The dashboard as AppTest runs it, over `publish_path`, opened with `query_params` in the URL."""
    test = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    test.query_params.update(query_params)
    return test.run()


def page(test: AppTest, path: str) -> AppTest:
    """Switch to a page and run it; fail on any exception the page raised."""
    test.switch_page(path).run()
    assert not test.exception, [error.value for error in test.exception]
    return test


def metrics(test: AppTest) -> dict[str, str]:
    """The page's metrics: label -> shown value."""
    return {metric.label: str(metric.value) for metric in test.metric}


def unescape(text: Any) -> str:
    """A cell of st.table as typed (ui.show_table escapes Markdown)."""
    return re.sub(r"\\(.)", r"\1", str(text))


@pytest.fixture
def publish_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """CS_DUCKDB_PATH at a file that does not exist (the dashboard must never need it)."""
    monkeypatch.setenv("CS_DUCKDB_PATH", str(tmp_path / "never" / "cs_rules.duckdb"))
    yield monkeypatch


@pytest.fixture
def demo(published_demo: Warehouse, publish_env: pytest.MonkeyPatch) -> Path:
    """The published demo as CS_PUBLISH_PATH."""
    path = published_demo.config.publish_path
    publish_env.setenv("CS_PUBLISH_PATH", str(path))
    return path


def demo_months(path: Path) -> list[date]:
    """The demo's months, oldest first."""
    return [month for (month,) in rows(path, f"select distinct {c.ASSESSMENT_MONTH} from {c.ASSESSMENT} order by 1")]


# --------------------------------------------------------------------------------------------------
# the columns module names what is published
# --------------------------------------------------------------------------------------------------


def test_every_column_name_the_dashboard_uses_is_published(published_demo: Warehouse) -> None:
    published = {
        name
        for (name,) in rows(
            published_demo.config.publish_path,
            "select distinct column_name from information_schema.columns where table_catalog = current_database()",
        )
    }
    names = {
        value: name
        for name, value in vars(c).items()
        if name.isupper() and isinstance(value, str) and "." not in value and not value.endswith("_")
    }
    names.update({column: "HIT_COUNTS" for column in c.HIT_COUNTS.values()})
    names.pop(c.AUDIT_SCHEMA)
    names.pop(c.QUARANTINED_FILES_TABLE)
    missing = {column: constant for column, constant in names.items() if column not in published}
    assert not missing, f"columns.py names columns the published file lacks (renamed?): {missing}"


# --------------------------------------------------------------------------------------------------
# page 1: a month
# --------------------------------------------------------------------------------------------------


def test_month_page_shows_the_marts_counts_and_pooled_rates(demo: Path) -> None:
    for month in demo_months(demo):
        test = app(demo, month=f"{month:%Y-%m}")
        assert not test.exception, [error.value for error in test.exception]
        assert test.title[0].value == f"Month overview · {month:%Y-%m}"
        expected = rows(
            demo,
            f"""
            select count(*) filter (where assessed_rule_count > 0), count(*) filter (where is_compliant),
                count(*) filter (where not is_compliant), count(*) filter (where not reply_rate_passed),
                count(*) filter (where not satisfaction_passed), count(*) filter (where not content_rules_passed),
                sum(replied_within_5min_count) / sum(consult_message_count), sum(consult_message_count),
                sum(satisfied_count) / sum(rating_count)
            from {c.ASSESSMENT} where assessment_month = ?
            """,
            [month],
        )[0]
        shown = metrics(test)
        assert [
            shown[label]
            for label in (
                "Shops assessed",
                "Compliant",
                "Non-compliant",
                "Failing 3.1.1",
                "Failing 3.1.2",
                "Failing 2.3–2.9",
            )
        ] == [f"{count:,}" for count in expected[:6]]
        assert shown["Reply rate, 5 min"] == pct(expected[6])
        assert shown["Assessed messages"] == f"{expected[7]:,}"
        assert shown["Satisfaction"] == pct(expected[8])

        clause_table = test.table[0].value
        failing = dict(
            rows(
                demo,
                f"select clause, count(*) filter (where not is_passed) from {c.RULE_RESULTS} "
                "where assessment_month = ? group by clause",
                [month],
            )
        )
        assert {
            unescape(clause): int(unescape(count).replace(",", ""))
            for clause, count in zip(clause_table["clause"], clause_table["shops_failing"], strict=True)
        } == failing
        shop_list = test.dataframe[0].value
        assert list(shop_list["shop_id"]) == [
            shop
            for (shop,) in rows(
                demo,
                f"select shop_id from {c.ASSESSMENT} where assessment_month = ? "
                "order by failed_rule_count desc, shop_id",
                [month],
            )
        ]
        assert len(test.get("vega_lite_chart")) == 2  # failing per clause, trend


def test_month_defaults_to_the_latest_with_assessed_messages_and_ignores_an_unknown_one(demo: Path) -> None:
    latest = value(
        demo, f"select max(assessment_month) from {c.ASSESSMENT} where consult_message_count + rating_count > 0"
    )
    for query in ({}, {"month": "1999-01"}):
        test = app(demo, **query)
        assert not test.exception
        assert test.title[0].value == f"Month overview · {latest:%Y-%m}"
        assert test.query_params["month"] == f"{latest:%Y-%m}"


def test_trend_pools_every_shop_of_each_month(demo: Path) -> None:
    with duckdb.connect(str(demo), read_only=True) as connection:
        trend = queries.monthly_trend(connection)
    for month, rate, satisfaction in zip(
        trend["month"], trend["reply_rate_5min"], trend["satisfaction_rate"], strict=True
    ):
        expected = rows(
            demo,
            f"select sum(replied_within_5min_count) / sum(consult_message_count), "
            f"sum(satisfied_count) / sum(rating_count) from {c.ASSESSMENT} where assessment_month = ?",
            [month.date()],
        )[0]
        assert (rate, satisfaction) == pytest.approx(expected)


# --------------------------------------------------------------------------------------------------
# page 2: one shop
# --------------------------------------------------------------------------------------------------


def test_shop_page_shows_the_shop_month_and_its_breakdowns_add_up(demo: Path) -> None:
    month = demo_months(demo)[0]
    shop, reply_rate, consult, replied, satisfaction, hits = rows(
        demo,
        f"""
        select shop_id, reply_rate_5min, consult_message_count, replied_within_5min_count, satisfaction_rate,
            content_hit_message_count
        from {c.ASSESSMENT} where assessment_month = ? order by content_hit_message_count desc, shop_id limit 1
        """,
        [month],
    )[0]
    test = page(app(demo, month=f"{month:%Y-%m}", shop=shop), "views/shop.py")
    assert test.title[0].value == f"Shop {shop} · {month:%Y-%m}"
    shown = metrics(test)
    assert shown["Reply rate, 5 min"] == pct(reply_rate)
    assert shown["Assessed messages"] == f"{consult:,}"
    assert shown["Satisfaction"] == pct(satisfaction)
    assert shown["Content-hit messages"] == f"{hits:,}"
    assert len(test.get("vega_lite_chart")) == 3  # daily rate, misses, ratings

    # the breakdowns aggregated from consult_reply_pairs agree with the mart's counts
    with duckdb.connect(str(demo), read_only=True) as connection:
        cells = queries.miss_heatmap(connection, shop, month)
        accounts = queries.account_speed(connection, shop, month)
    assert int(cells["assessed"].sum()) == consult
    assert int(cells["missed"].sum()) == consult - replied
    assert int(accounts["replied_within_5min"].sum()) == replied
    account_table = test.table[0].value
    assert [unescape(account) for account in account_table["account"]] == list(accounts["account"])

    evidence = test.dataframe[0].value
    assert len(evidence) == min(
        50, value(demo, f"select count(*) from {c.CONTENT_HITS} where shop_id = ? and {c.HIT_MONTH} = ?", [shop, month])
    )
    assert not any(re.search(r"\d{5}", text) for text in evidence["matched_text"]), "evidence must be masked"


def test_shop_choice_falls_back_to_the_shop_with_most_failed_rules(demo: Path) -> None:
    month = demo_months(demo)[0]
    worst = value(
        demo,
        f"select shop_id from {c.ASSESSMENT} where assessment_month = ? order by failed_rule_count desc, shop_id",
        [month],
    )
    test = page(app(demo, month=f"{month:%Y-%m}", shop="no-such-shop"), "views/shop.py")
    assert test.title[0].value == f"Shop {worst} · {month:%Y-%m}"


# --------------------------------------------------------------------------------------------------
# page 3: content-rule review
# --------------------------------------------------------------------------------------------------


def test_content_review_counts_filters_and_masks(demo: Path, published_demo: Warehouse) -> None:
    month = value(demo, f"select {c.HIT_MONTH} from {c.CONTENT_HITS} group by 1 order by count(*) desc limit 1")
    test = page(app(demo, month=f"{month:%Y-%m}"), "views/content_review.py")
    total = value(demo, f"select count(*) from {c.CONTENT_HITS} where {c.HIT_MONTH} = ?", [month])
    summary = test.table[0].value
    assert sum(int(unescape(hits).replace(",", "")) for hits in summary["hits"]) == total
    assert any(subheader.value == f"Hits ({total:,}, newest first)" for subheader in test.subheader)

    test.multiselect(key="review_clauses").set_value(["2.3"]).run()
    assert not test.exception
    in_2_3 = value(demo, f"select count(*) from {c.CONTENT_HITS} where {c.HIT_MONTH} = ? and clause = '2.3'", [month])
    assert any(subheader.value == f"Hits ({in_2_3:,}, newest first)" for subheader in test.subheader)
    hits = test.dataframe[0].value
    assert set(hits["clause"]) == {"2.3"}
    assert len(hits) == min(50, in_2_3)
    assert not any(re.search(r"\d{5}|[A-Za-z0-9]{2,}@", text) for text in hits["matched_text"])
    # The publish step masked the evidence already; the build database keeps it raw.
    build = published_demo.db_path
    raw = {text for (text,) in rows(build, f"select matched_text from {c.CONTENT_HITS} where clause = '2.3'")}
    assert any(re.search(r"\d{5}", text) for text in raw), "the demo should have numbers to mask"


# --------------------------------------------------------------------------------------------------
# page 4: data health
# --------------------------------------------------------------------------------------------------


def test_data_health_shows_the_manifest_and_audit_counts(demo: Path) -> None:
    test = page(app(demo), "views/data_health.py")
    counts = {
        unescape(t): unescape(n) for t, n in zip(test.table[0].value["table"], test.table[0].value["rows"], strict=True)
    }
    manifest = rows(demo, f"select table_schema || '.' || table_name, row_count from {c.MANIFEST}")
    assert counts == {table: f"{count:,}" for table, count in manifest}
    reasons = test.table[1].value
    audit = [name for name in data_tables(demo) if name.startswith("audit.")]
    for table in audit:
        shown = sum(
            int(unescape(n).replace(",", ""))
            for t, n in zip(reasons["table"], reasons["rows"], strict=True)
            if unescape(t) == table
        )
        assert shown == value(demo, f"select count(*) from {table}"), table
    assert any(text.value == "none" for text in test.markdown), "no quarantined files table: none"


def test_data_health_lists_quarantined_files_when_published(
    demo: Path, tmp_path: Path, publish_env: pytest.MonkeyPatch
) -> None:
    path = derive(
        demo,
        tmp_path / "bi" / "quarantine.duckdb",
        "insert into audit.rejected_files (entity, file_name, reject_reason) "
        "values ('messages', 'messages/2026-01-30.parquet', 'missing required column \"sent_at_ms\"')",
    )
    publish_env.setenv("CS_PUBLISH_PATH", str(path))
    test = page(app(path), "views/data_health.py")
    quarantined = test.dataframe[0].value
    assert list(quarantined["file_name"]) == ["messages/2026-01-30.parquet"]
    assert all(unescape(t) != "audit.rejected_files" for t in test.table[1].value["table"])


# --------------------------------------------------------------------------------------------------
# edge cases: one shop, nothing, an empty month, a new publish, the wrong file
# --------------------------------------------------------------------------------------------------


def test_every_page_works_on_a_published_file_with_one_shop(
    demo: Path, tmp_path: Path, publish_env: pytest.MonkeyPatch
) -> None:
    shop = value(demo, f"select min(shop_id) from {c.ASSESSMENT}")
    path = derive(
        demo,
        tmp_path / "one_shop.duckdb",
        *(f"delete from {table} where shop_id is distinct from '{shop}'" for table in data_tables(demo, c.SHOP_ID)),
    )
    publish_env.setenv("CS_PUBLISH_PATH", str(path))
    test = app(path)
    assert not test.exception
    assert list(test.dataframe[0].value["shop_id"]) == [shop]
    for name in PAGES[1:]:
        page(test, name)
    page(test, "views/shop.py")
    assert test.title[0].value.startswith(f"Shop {shop} · ")


def test_every_page_works_on_a_published_file_with_no_rows(
    demo: Path, tmp_path: Path, publish_env: pytest.MonkeyPatch
) -> None:
    path = derive(demo, tmp_path / "empty.duckdb", *(f"delete from {table}" for table in data_tables(demo)))
    publish_env.setenv("CS_PUBLISH_PATH", str(path))
    test = app(path)
    assert not test.exception
    assert test.info[0].value == "The published file holds no assessed month yet."
    for name in PAGES[1:]:
        page(test, name)


def test_a_month_with_activity_but_nothing_assessed(
    demo: Path, tmp_path: Path, publish_env: pytest.MonkeyPatch
) -> None:
    month = demo_months(demo)[-1]
    cleared = ", ".join(
        f"{column} = {'0' if column.endswith('count') else 'null'}"
        for column in (
            c.CONSULT_COUNT,
            c.REPLIED_5MIN_COUNT,
            c.REPLY_RATE,
            c.REPLY_RATE_PASSED,
            c.RATING_COUNT,
            c.SATISFIED_COUNT,
            c.NEUTRAL_COUNT,
            c.DISAPPOINTED_COUNT,
            c.USER_INITIATED_COUNT,
            c.MERCHANT_INVITED_COUNT,
            c.SYSTEM_PUSHED_COUNT,
            c.SATISFACTION_RATE,
            c.SATISFACTION_PASSED,
            c.CONTENT_RULES_PASSED,
            c.ASSESSED_RULE_COUNT,
            c.FAILED_RULE_COUNT,
            c.FAILED_CLAUSES,
            c.VIOLATION_CATEGORIES,
            c.IS_COMPLIANT,
            c.CONTENT_HIT_MESSAGES,
            *c.HIT_COUNTS.values(),
        )
    )
    where = f"where {c.ASSESSMENT_MONTH} = '{month}'"
    path = derive(
        demo,
        tmp_path / "quiet_month.duckdb",
        f"update {c.ASSESSMENT} set {cleared} {where}",
        f"delete from {c.RULE_RESULTS} {where}",
        f"delete from {c.REPLY_PAIRS} {where}",
        f"delete from {c.CONTENT_HITS} where {c.HIT_MONTH} = '{month}'",
        f"delete from {c.DAILY_REPLY_RATE} where date_trunc('month', {c.ACTIVITY_DATE}) = '{month}'",
    )
    publish_env.setenv("CS_PUBLISH_PATH", str(path))
    test = app(path, month=f"{month:%Y-%m}")
    assert not test.exception
    shown = metrics(test)
    assert (shown["Shops assessed"], shown["Reply rate, 5 min"], shown["Satisfaction"]) == ("0", "—", "—")
    for name in PAGES[1:]:
        page(test, name)
    page(test, "views/shop.py")
    assert shown and metrics(test)["Reply rate, 5 min"] == "—"


def test_reads_a_new_publish_and_holds_no_connection(
    demo: Path, tmp_path: Path, publish_env: pytest.MonkeyPatch
) -> None:
    path = derive(demo, tmp_path / "bi" / "cs_rules_published.duckdb")
    publish_env.setenv("CS_PUBLISH_PATH", str(path))
    month = demo_months(demo)[0]
    before = metrics(app(path, month=f"{month:%Y-%m}"))["Shops assessed"]

    # Nothing is held open between runs: a writer (a publish, a build) can open the file at once.
    with duckdb.connect(str(path)) as writer:
        writer.execute("select 1")
    # A publish renames a new file over the old one; the next run reads it (the cache keys on its mtime).
    shop = value(
        path, f"select min(shop_id) from {c.ASSESSMENT} where assessment_month = ? and assessed_rule_count > 0", [month]
    )
    new = derive(path, tmp_path / "bi" / ".new.tmp", f"delete from {c.ASSESSMENT} where shop_id = '{shop}'")
    os.utime(new, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    os.replace(new, path)
    after = metrics(app(path, month=f"{month:%Y-%m}"))["Shops assessed"]
    assert int(after) == int(before) - 1


def test_refuses_the_build_database_and_explains_a_missing_file(
    published_demo: Warehouse, publish_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    publish_env.setenv("CS_DUCKDB_PATH", str(published_demo.db_path))
    publish_env.setenv("CS_PUBLISH_PATH", str(published_demo.db_path))
    test = app(published_demo.db_path)
    assert not test.exception
    assert "never the database dbt writes" in test.warning[0].value
    assert not test.metric

    publish_env.setenv("CS_PUBLISH_PATH", str(tmp_path / "nothing.duckdb"))
    test = app(tmp_path / "nothing.duckdb")
    assert not test.exception
    assert test.warning[0].value.startswith("No published file at")
