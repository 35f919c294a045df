"""The semantic layer answers with the marts' figures: real `mf query` runs on the shared demo build.

`mf` reads `<project>/target/semantic_manifest.json` (not $DBT_TARGET_PATH) and the profile of the
directory it runs in, so the queries run in a scratch project folder that links the repository's dbt
files and has its own target/: the developer's target/ is left alone.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from tests.python.conftest import Warehouse
from tests.python.dbt_helpers import REPO_ROOT, dbt_env, query, run_dbt

PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses")


@pytest.fixture(scope="module")
def mf_project(published_demo: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch dbt project folder linking the repository's files, parsed against the demo build."""
    project = tmp_path_factory.mktemp("mf_project")
    for name in PROJECT_FILES:
        (project / name).symlink_to(REPO_ROOT / name)
    run_dbt(
        ["parse", "--project-dir", str(project), "--profiles-dir", str(project)],
        raw_dir=published_demo.raw_dir,
        db_path=published_demo.db_path,
        extra_env={"DBT_TARGET_PATH": str(project / "target")},
    )
    return project


def mf_query(
    project: Path, warehouse: Warehouse, metrics: Sequence[str], group_by: Sequence[str]
) -> list[dict[str, str]]:
    """Rows of `mf query --metrics ... --group-by ...` (its CSV output)."""
    out = project / f"{'_'.join(metrics)}__{'_'.join(group_by)}.csv"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "mf"),
            "query",
            "--metrics",
            ",".join(metrics),
            "--group-by",
            ",".join(group_by),
            "--csv",
            str(out),
        ],
        cwd=project,
        env=dbt_env(warehouse.raw_dir, warehouse.db_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and out.exists(), f"mf query failed:\n{result.stdout}\n{result.stderr}"
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def day_of(text: str) -> date:
    """The date of mf's `metric_time__*` value (`2026-01-01 00:00:00`)."""
    return date.fromisoformat(text[:10])


def test_monthly_reply_rate_and_satisfaction_are_pooled_ratios_of_the_marts(
    mf_project: Path, published_demo: Warehouse
) -> None:
    rows = mf_query(
        mf_project, published_demo, ["reply_rate_5min", "satisfaction_rate", "consult_messages"], ["metric_time__month"]
    )
    answered = {day_of(row["metric_time__month"]): row for row in rows}
    reply = query(
        published_demo.db_path,
        """
        select assessment_month, sum(replied_within_5min_count) / sum(consult_message_count), sum(consult_message_count)
        from main.shop_monthly_reply_rate
        group by all
        """,
    )
    satisfaction = dict(
        query(
            published_demo.db_path,
            "select assessment_month, sum(satisfied_count) / sum(rating_count) "
            "from main.shop_monthly_satisfaction group by all",
        )
    )
    assert set(answered) == {month for month, _, _ in reply} and len(answered) == 2
    for month, pooled_rate, consult in reply:
        assert float(answered[month]["reply_rate_5min"]) == pytest.approx(pooled_rate, abs=1e-12)
        assert int(answered[month]["consult_messages"]) == consult
        assert float(answered[month]["satisfaction_rate"]) == pytest.approx(satisfaction[month], abs=1e-12)
    averaged = query(
        published_demo.db_path,
        "select avg(reply_rate_5min) from main.shop_monthly_reply_rate group by assessment_month",
    )
    assert {round(float(row["reply_rate_5min"]), 9) for row in rows}.isdisjoint({round(a, 9) for (a,) in averaged})


def test_daily_reply_rate_by_shop_equals_the_daily_mart(mf_project: Path, published_demo: Warehouse) -> None:
    rows = mf_query(mf_project, published_demo, ["reply_rate_5min", "consult_messages"], ["shop", "metric_time__day"])
    answered = {(row["shop"], day_of(row["metric_time__day"])): row for row in rows}
    mart = query(
        published_demo.db_path,
        "select shop_id, activity_date, reply_rate_5min, consult_message_count from main.shop_daily_reply_rate",
    )
    assert set(answered) == {(shop, day) for shop, day, _, _ in mart}
    for shop, day, rate, consult in mart:
        row = answered[(shop, day)]
        assert int(row["consult_messages"]) == consult
        assert (
            (row["reply_rate_5min"] == "")
            if rate is None
            else float(row["reply_rate_5min"]) == pytest.approx(rate, abs=1e-12)
        )


def test_content_rule_hits_by_shop_and_month_equal_the_assessment(mf_project: Path, published_demo: Warehouse) -> None:
    rows = mf_query(
        mf_project, published_demo, ["content_rule_hits", "content_hit_messages"], ["shop", "metric_time__month"]
    )
    mart = query(
        published_demo.db_path,
        """
        select
            shop_id,
            assessment_month,
            hit_count_2_3 + hit_count_2_4 + hit_count_2_5 + hit_count_2_7 + hit_count_2_8 + hit_count_2_9,
            content_hit_message_count
        from main.shop_monthly_assessment
        where content_hit_message_count > 0
        """,
    )
    answered = {
        (row["shop"], day_of(row["metric_time__month"])): (
            int(row["content_rule_hits"]),
            int(row["content_hit_messages"]),
        )
        for row in rows
    }
    assert answered == {(shop, month): (hits, messages) for shop, month, hits, messages in mart}
    assert sum(hits for hits, _ in answered.values()) >= sum(messages for _, messages in answered.values()) > 0


def test_content_rule_hits_by_day_and_clause_count_messages_once_per_clause(
    mf_project: Path, published_demo: Warehouse
) -> None:
    rows = mf_query(mf_project, published_demo, ["content_rule_hits"], ["metric_time__day", "content_rule_hit__clause"])
    answered = {
        (day_of(row["metric_time__day"]), row["content_rule_hit__clause"]): int(row["content_rule_hits"])
        for row in rows
    }
    mart = query(
        published_demo.db_path,
        "select activity_date, clause, count(distinct message_id) from main.content_rule_hits group by all",
    )
    assert answered == {(day, clause): hits for day, clause, hits in mart}
    assert len({clause for _, clause in answered}) >= 2
