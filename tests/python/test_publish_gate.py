"""The publish gate on hand-written run_results.json files: what blocks a publish and what does not.

No dbt here: each case is the smallest run_results a real build would write for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cs_tools.publish import (
    REQUIRED_MARTS,
    PublishConfig,
    PublishRefused,
    Relation,
    check_no_later_invocation,
    invocations_since,
    load_run_results,
    main,
    parse_relation_name,
    read_build_info,
)


def model(name: str, schema: str = "main", status: str = "success") -> dict[str, Any]:
    """A model's entry in run_results.json."""
    return {
        "unique_id": f"model.cs_rules.{name}",
        "status": status,
        "message": "OK" if status == "success" else "Runtime Error: boom",
        "relation_name": f'"cs_rules"."{schema}"."{name}"',
    }


def data_test(name: str, status: str = "pass", stored_as: str | None = None) -> dict[str, Any]:
    """A data test's entry; `stored_as` is the failures table of a store_failures test."""
    return {
        "unique_id": f"test.cs_rules.{name}.abc123",
        "status": status,
        "message": None if status == "pass" else "Got 3 results, configured to fail if != 0",
        "relation_name": f'"cs_rules"."assessment_failures"."{stored_as}"' if stored_as else None,
    }


def run_results(*extra: dict[str, Any], which: str = "build", **args: Any) -> dict[str, Any]:
    """A successful full build's run_results.json plus `extra` results."""
    results = [model(name) for name in REQUIRED_MARTS]
    results += [
        model("rejected_messages", "audit"),
        model("duplicate_ratings", "audit"),
        model("stg_cs_raw__messages", "staging"),
    ]
    results += [{"unique_id": "seed.cs_rules.rule_catalog", "status": "success", "relation_name": None}]
    results += [data_test("unique_consult_reply_pairs_message_id")]
    return {
        "metadata": {
            "invocation_id": "inv-1",
            "dbt_version": "1.11.16",
            "invocation_started_at": "2026-03-01T00:00:00Z",
            "generated_at": "2026-03-01T00:01:00Z",
        },
        "args": {"which": which, "select": [], "exclude": [], "empty": False, **args},
        "results": results + list(extra),
    }


def labels(relations: tuple[Relation, ...]) -> list[str]:
    """`schema.name` of each relation."""
    return [relation.label for relation in relations]


def test_clean_build_publishes_marts_seed_audit_and_stored_failures() -> None:
    stored = data_test("shop_months_failing_3_1_1_reply_rate", "pass", stored_as="shop_months_failing_3_1_1_reply_rate")
    build = read_build_info(run_results(stored))
    published = labels(build.relations)
    assert published[: len(REQUIRED_MARTS)] == [f"main.{name}" for name in REQUIRED_MARTS]
    assert "reference.rule_catalog" in published
    assert "audit.rejected_messages" in published and "audit.duplicate_ratings" in published
    assert "assessment_failures.shop_months_failing_3_1_1_reply_rate" in published
    assert not any(label.startswith("staging.") for label in published)
    assert build.invocation_id == "inv-1"


def test_failing_warn_severity_threshold_tests_do_not_block() -> None:
    warned = data_test(
        "shop_months_failing_3_1_2_satisfaction", "warn", stored_as="shop_months_failing_3_1_2_satisfaction"
    )
    build = read_build_info(run_results(warned))
    assert build.warned == ("test.cs_rules.shop_months_failing_3_1_2_satisfaction.abc123",)
    assert "assessment_failures.shop_months_failing_3_1_2_satisfaction" in labels(build.relations)


@pytest.mark.parametrize(
    "problem",
    [
        data_test("consult_reply_pairs_reply_is_strictly_later", "fail"),
        data_test("assessment_rates_between_0_and_1", "error"),
        model("shop_monthly_assessment", status="error"),
        {**model("shop_monthly_rule_results"), "status": "skipped"},
        {
            "unique_id": "unit_test.cs_rules.shop_monthly_rule_results.second_version",
            "status": "fail",
            "relation_name": None,
        },
    ],
    ids=["error-severity test fails", "test errors", "model errors", "model skipped", "unit test fails"],
)
def test_any_error_failure_or_skip_refuses_and_names_the_node(problem: dict[str, Any]) -> None:
    with pytest.raises(PublishRefused, match="keeps the last good build") as refusal:
        read_build_info(run_results(problem))
    assert f"{problem['unique_id']}: {problem['status']}" in str(refusal.value)


@pytest.mark.parametrize(
    ("which", "args", "reason"),
    [
        ("run", {}, "not `dbt build`"),
        ("docs", {}, "not `dbt build`"),
        ("build", {"select": ["shop_daily_reply_rate"]}, "partial"),
        ("build", {"exclude": ["consult_reply_pairs"]}, "partial"),
        ("build", {"empty": True}, "partial"),
        ("build", {"exclude_resource_types": ["unit_test", "test"]}, "partial"),
        ("build", {"resource_types": ["model"]}, "partial"),
    ],
)
def test_only_a_full_build_is_published(which: str, args: dict[str, Any], reason: str) -> None:
    with pytest.raises(PublishRefused, match=reason):
        read_build_info(run_results(which=which, **args))


def test_a_build_without_unit_tests_is_full() -> None:
    """Production builds leave the unit tests out (docs/decisions.md, "Unit tests")."""
    build = read_build_info(run_results(exclude_resource_types=["unit_test"]))
    assert "main.shop_monthly_assessment" in labels(build.relations)


def test_missing_mart_refuses() -> None:
    results = run_results()
    results["results"] = [r for r in results["results"] if r["unique_id"] != "model.cs_rules.consult_reply_pairs"]
    with pytest.raises(PublishRefused, match="consult_reply_pairs"):
        read_build_info(results)


def test_optional_marts_are_published_when_the_project_builds_them() -> None:
    without = labels(read_build_info(run_results()).relations)
    with_it = labels(read_build_info(run_results(model("harassment_incidents"))).relations)
    assert "main.harassment_incidents" not in without and "main.harassment_incidents" in with_it
    assert "main.content_rule_hits" in without, "content_rule_hits is a required mart"


def test_relation_names_are_parsed_with_quotes() -> None:
    assert parse_relation_name('"cs_rules"."audit"."rejected_messages"') == Relation("audit", "rejected_messages")
    assert parse_relation_name('"db"."we""ird"."t"') == Relation('we"ird', "t")


def test_no_run_results_refuses(tmp_path: Path) -> None:
    with pytest.raises(PublishRefused, match="run `dbt build`"):
        load_run_results(tmp_path / "run_results.json")


def test_cli_refusal_exits_2_and_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "run_results.json").write_text(json.dumps(run_results(data_test("not_null_x", "fail"))))
    config = PublishConfig(
        tmp_path / "b.duckdb", tmp_path / "p.duckdb", tmp_path / "exports", tmp_path / "run_results.json"
    )
    argv = [
        "--db",
        str(config.build_db),
        "--publish-path",
        str(config.publish_path),
        "--export-dir",
        str(config.export_dir),
    ]
    assert main([*argv, "--run-results", str(config.run_results)]) == 2
    err = capsys.readouterr().err
    assert "publish refused" in err and "test.cs_rules.not_null_x.abc123: fail" in err
    assert not config.publish_path.exists() and not config.export_dir.exists()


# --------------------------------------------------------------------------------------------------
# a later dbt command that wrote no run_results.json (dbt.log)
# --------------------------------------------------------------------------------------------------


def logged(invocation_id: str, command: str) -> str:
    """One invocation as dbt writes it to dbt.log: a header, then the arguments line."""
    return (
        f"\x1b[0m\n============================== 08:30:01.123456 | {invocation_id} ==============================\n"
        f"\x1b[0m08:30:01.123456 [info ] [MainThread]: Running with dbt=1.11.0\n"
        f"\x1b[0m08:30:01.123457 [debug] [MainThread]: running dbt with arguments {{'printer_width': '80', "
        f"'invocation_command': {command!r}, 'quiet': 'False'}}\n"
    )


BUILD_ID = "11111111-1111-1111-1111-111111111111"
LATER_ID = "22222222-2222-2222-2222-222222222222"


@pytest.mark.parametrize(
    ("later_command", "refused"),
    [
        ("dbt build", True),
        ("dbt run --select shop_daily_reply_rate", True),
        ("dbt docs generate", True),
        ("dbt build --vars \"{as_of: '2026-01-01'}\"", True),
        ("dbt ls -s tag:clause_3_1_1", False),  # writes no run_results.json when it works either
        ("dbt parse", False),
        ("dbt docs serve", False),
    ],
)
def test_a_later_dbt_command_without_results_refuses(tmp_path: Path, later_command: str, refused: bool) -> None:
    log = tmp_path / "dbt.log"
    log.write_text(logged("00000000-0000-0000-0000-000000000000", "dbt seed") + logged(BUILD_ID, "dbt build"))
    check_no_later_invocation(log, BUILD_ID, tmp_path / "no.duckdb")  # nothing after the build
    log.write_text(log.read_text() + logged(LATER_ID, later_command))
    if not refused:
        check_no_later_invocation(log, BUILD_ID, tmp_path / "no.duckdb")
        return
    with pytest.raises(PublishRefused, match="wrote no run_results.json") as refusal:
        check_no_later_invocation(log, BUILD_ID, tmp_path / "no.duckdb")
    assert f"`{later_command}` (invocation {LATER_ID}" in str(refusal.value)
    assert f"earlier invocation {BUILD_ID}" in str(refusal.value)


def test_the_build_is_found_in_rotated_logs_and_an_unknown_one_is_not_judged(tmp_path: Path) -> None:
    (tmp_path / "dbt.log.1").write_text(logged(BUILD_ID, "dbt build"))
    (tmp_path / "dbt.log").write_text(logged(LATER_ID, "dbt build"))
    assert [i.invocation_id for i in invocations_since(tmp_path / "dbt.log", BUILD_ID) or []] == [LATER_ID]
    with pytest.raises(PublishRefused, match="wrote no run_results.json"):
        check_no_later_invocation(tmp_path / "dbt.log", BUILD_ID, tmp_path / "no.duckdb")
    # run_results from an invocation these logs never saw (another DBT_LOG_PATH): no judgement
    assert invocations_since(tmp_path / "dbt.log", "33333333-3333-3333-3333-333333333333") is None
    check_no_later_invocation(tmp_path / "dbt.log", "33333333-3333-3333-3333-333333333333", tmp_path / "no.duckdb")
    check_no_later_invocation(tmp_path / "missing.log", BUILD_ID, tmp_path / "no.duckdb")
    check_no_later_invocation(None, BUILD_ID, tmp_path / "no.duckdb")
