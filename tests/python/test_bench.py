"""The benchmark harness and its floor (cs_devtools/bench/, cs_devtools/bench/floor.sql), on tiny data.

- the floor is an independent re-implementation of the reply-rate and satisfaction rules: on one
  generated export (with extra dirty rows) plus a hand-made edge-case shop, its per shop-month counts
  must equal main.shop_monthly_assessment exactly, and the edge shop's counts are known by hand;
- the harness runs end to end (generation, full build, floor, incremental build, report) on 20k
  messages and writes the expected rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest

from cs_devtools import bench
from cs_devtools.demo_data import generate
from tests.python.dbt_helpers import MESSAGE_SCHEMA, RATING_SCHEMA, query, run_dbt, write_table

PLATFORM = ZoneInfo("Asia/Shanghai")
EDGE = "SEDGE"
FEB = date(2026, 2, 1)
MAR = date(2026, 3, 1)
Counts = tuple[int, int, int, int]  # consult, replied within 5 min, ratings, satisfied


def ms(local: str) -> int:
    """Epoch milliseconds of a platform-local wall-clock time."""
    return int(datetime.fromisoformat(local).replace(tzinfo=PLATFORM).timestamp() * 1000)


def msg(message_id: str, user: str, role: str, local: str, *, shop: str = EDGE, conv: str | None = None,
        at_ms: int | None = None) -> dict[str, Any]:
    return {
        "message_id": message_id, "conversation_id": conv or f"c-{user}", "shop_id": shop, "user_id": user,
        "sender_role": role, "sender_account_id": f"{EDGE}-main" if role == "merchant" else None,
        "msg_type": "text", "content": "在吗", "sent_at_ms": at_ms if at_ms is not None else ms(local),
    }


def rating(rating_id: str, user: str, value: str, local: str, *, conv: str | None = None,
           source: str = "user_initiated") -> dict[str, Any]:
    return {"rating_id": rating_id, "shop_id": EDGE, "user_id": user, "conversation_id": conv,
            "rating": value, "source": source, "rated_at_ms": ms(local)}


def edge_messages() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Shop SEDGE: (file a, file b). Expected February 11 assessed / 7 within 5 min, March 2 / 1."""
    d = "2026-02-10"
    a = [
        msg("e-a-u", "U1", "user", f"{d} 10:00:00"), msg("e-a-m", "U1", "merchant", f"{d} 10:05:00"),  # 300.000 s hit
        msg("e-b-u", "U2", "user", f"{d} 10:00:00"), msg("e-b-m", "U2", "merchant", f"{d} 10:05:00.001"),  # miss
        # a merchant message in the same millisecond answers nothing: the reply is 6 minutes later, a miss
        msg("e-c-u", "U3", "user", f"{d} 11:00:00"), msg("e-c-m0", "U3", "merchant", f"{d} 11:00:00"),
        msg("e-c-m1", "U3", "merchant", f"{d} 11:06:00"),
        # 07:59:59.999 is outside the window; 08:00:00.000 inside, the robot does not answer, the merchant does
        msg("e-d-night", "U4", "user", f"{d} 07:59:59.999"), msg("e-d-u", "U4", "user", f"{d} 08:00:00"),
        msg("e-d-r", "U4", "robot", f"{d} 08:00:01"), msg("e-d-m", "U4", "merchant", f"{d} 08:01:00"),
        msg("e-e-u", "U5", "user", f"{d} 23:59:00"), msg("e-e-m", "U5", "merchant", "2026-02-11 00:03:00"),  # hit
        msg("e-f-u", "U6", "user", "2026-02-28 23:58:00"),
        msg("e-f-m", "U6", "merchant", "2026-03-01 00:02:00"),  # hit, in February
        msg("e-g-u", "U7", "user", f"{d} 12:00:00", conv="cA"),
        msg("e-g-m", "U7", "merchant", f"{d} 12:01:00", conv="cB"),  # reply in another conversation: hit
        # e-dup1: the earliest event is kept (13:00, a miss), not the later re-delivery in file b
        msg("e-dup1", "U8", "user", f"{d} 13:00:00"), msg("e-h-m", "U8", "merchant", f"{d} 13:12:00"),
        # e-dup2: same time in both files; the earlier file name (a) wins: a user message, answered (hit)
        msg("e-dup2", "U9", "user", f"{d} 14:00:00"), msg("e-i-m", "U9", "merchant", f"{d} 14:03:00"),
        msg("e-j-u", "U10", " User ", f"{d} 15:00:00"), msg("e-j-m", "U10", "商家", f"{d} 15:01:00"),  # labels: hit
        msg("e-k-u", "U11", "买家", f"{d} 16:00:00"),  # never answered: miss
        msg("e-bad1", "U12", "user", f"{d} 16:00:00", shop="  "),  # rejected: no shop
        msg("e-bad2", "U12", "bot", f"{d} 16:00:00"),  # rejected: unknown role
        # watermark 2026-03-01 12:00 (latest message): 11:58 unanswered is pending, 11:54 is a miss
        msg("e-w", "U99", "system", "2026-03-01 12:00:00"),
        msg("e-p-u", "U20", "user", "2026-03-01 11:58:00"),
        msg("e-q-u", "U21", "user", "2026-03-01 11:54:00"),
        msg("e-r-u", "U22", "user", "2026-03-01 11:59:00"), msg("e-r-m", "U22", "merchant", "2026-03-01 11:59:30"),
    ]
    b = [
        msg(" e-dup1 ", "U8", "user", f"{d} 13:10:00"),
        msg("e-dup2", "U9", "merchant", f"{d} 14:00:00"),
    ]
    return a, b


def edge_ratings() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Shop SEDGE: February 5 effective ratings / 4 satisfied, March 1 / 0."""
    a = [
        rating("e-r1", "U1", "satisfied", "2026-02-10 12:00:00", conv="c1"),
        rating("e-r2", "U1", "disappointed", "2026-03-01 10:00:00", conv="c1"),  # replaces e-r1, in March
        rating("e-r3", "U2", "neutral", "2026-02-11 09:00:00"),  # no conversation: each counts
        rating("e-r4", "U2", "satisfied", "2026-02-11 09:30:00"),
        rating("e-r5", "U3", "satisfied", "2026-02-12 09:00:00", conv="c3"),
        rating("e-r6", "U4", "满意", "2026-02-13 09:00:00", conv="c4"),
        rating("e-r7", "U5", "satisfied", "2026-02-13 10:00:00", conv="c5", source="sms_pushed"),  # rejected
        # same conversation, same millisecond: the higher rating id is the later one
        rating("e-r8a", "U6", "neutral", "2026-02-14 09:00:00", conv="c6"),
        rating("e-r8b", "U6", "satisfied", "2026-02-14 09:00:00", conv="c6"),
    ]
    b = [rating(" e-r5", "U3", "disappointed", "2026-02-12 10:00:00", conv="c3")]  # later re-delivery: dropped
    return a, b


EDGE_EXPECTED: dict[tuple[str, date], Counts] = {(EDGE, FEB): (11, 7, 5, 4), (EDGE, MAR): (2, 1, 1, 0)}


def shop_month_counts(connection: duckdb.DuckDBPyConnection, relation: str) -> dict[tuple[str, date], Counts]:
    rows = connection.sql(
        f"select shop_id, assessment_month, {', '.join(bench.COMPARED_COLUMNS)} from {relation}"
    ).fetchall()
    return {(row[0], row[1]): (row[2], row[3], row[4], row[5]) for row in rows if any(row[2:])}


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated export (more dirty rows than the default) plus the edge-case shop's files."""
    raw = tmp_path_factory.mktemp("floor") / "raw"
    generate(raw, shops=6, days=40, start=date(2026, 1, 20), messages=15_000, dirty_rate=0.02)
    messages_a, messages_b = edge_messages()
    ratings_a, ratings_b = edge_ratings()
    write_table(raw / "messages" / "zz-edge-a.parquet", messages_a, MESSAGE_SCHEMA)
    write_table(raw / "messages" / "zz-edge-b.parquet", messages_b, MESSAGE_SCHEMA)
    write_table(raw / "ratings" / "zz-edge-a.parquet", ratings_a, RATING_SCHEMA)
    write_table(raw / "ratings" / "zz-edge-b.parquet", ratings_b, RATING_SCHEMA)
    return raw


def test_floor_agrees_with_the_mart_per_shop_month(export: Path) -> None:
    floor_out = export.parent / "floor.parquet"
    bench.run_floor_script(export, floor_out, threads=2, memory_limit="2GB", temp_dir=export.parent / "tmp")
    db_path = export.parent / "cs_rules.duckdb"
    # unit tests do not read the export (and are run by `make test-dbt`): only what the comparison needs
    run_dbt(["build", "--exclude", "test_type:unit"], raw_dir=export, db_path=db_path)

    with duckdb.connect() as connection:
        floor = shop_month_counts(connection, f"read_parquet('{floor_out}')")
    with duckdb.connect(str(db_path), read_only=True) as connection:
        mart = shop_month_counts(connection, "main.shop_monthly_assessment")

    assert {key: floor[key] for key in EDGE_EXPECTED} == EDGE_EXPECTED, "floor vs hand-computed edge shop"
    assert {key: mart[key] for key in EDGE_EXPECTED} == EDGE_EXPECTED, "mart vs hand-computed edge shop"
    differences = {key: (floor.get(key), mart.get(key)) for key in floor.keys() | mart.keys()
                   if floor.get(key) != mart.get(key)}
    assert not differences, f"floor vs mart (floor, mart) per shop-month: {differences}"
    assert len(floor) > 10  # several shops over two months besides the edge shop
    assert query(db_path, "select count(*) from audit.duplicate_messages")[0][0] > 0  # dirty rows were there


def test_bench_runs_end_to_end_and_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "benchmark.md"
    workdir = tmp_path / "bench"
    # unit tests are data-independent and run by `make test-dbt`; leaving them out keeps this test fast
    exit_code = bench.main(["--messages", "20000", "--shops", "6", "--workdir", str(workdir),
                            "--report", str(report), "--threads", "2", "--memory-limit", "2GB",
                            "--dbt-args=--exclude test_type:unit", "--repeat", "2", "--spark", "off"])
    text = report.read_text(encoding="utf-8")
    assert exit_code == 0, text
    for row in (
        "## N = 20,000 messages",
        "| generation time",
        "| build wall time (full `dbt build`) |",
        "| floor time (`cs_devtools/bench/floor.sql`, own process) |",
        "| ratio build / floor (wall time) |",
        "| CPU time build / floor (user + system) |",
        "| peak memory, build",
        "| messages per second (full build) |",
        "| pairing model `int_thread_state__window_start` |",
        "| pairing model `consult_reply_pairs` |",
        "| incremental `dbt build` after adding 1 day",
        "| incremental: summed node times, models / data tests / unit tests |",
        "agree on all",
        ", fastest of ",
        "Top 10 models, full build:",
        "Top 10 tests (data and unit), full build:",
        "command `dbt build --exclude test_type:unit`",
        "dbt-core 1.11",
        "Where the time goes, full build",
        "Where the time goes, incremental build",
        "| parse and set-up (-> first hook or node) |",
        "| data tests |",
        "Top 10 nodes (any kind), incremental build:",
        "Spark: not run (off (--spark off)).",
    ):
        assert row in text, row
    assert "| 1 | `" in text  # the per-model table has rows
    assert not (workdir / "raw").exists() and not (workdir / "bench.duckdb").exists()  # data deleted


def test_report_keeps_the_sections_of_other_sizes(tmp_path: Path) -> None:
    report = tmp_path / "benchmark.md"
    environment = {key: "x" for key in ("cpu", "cores", "memory", "os", "python", "dbt-core", "dbt-duckdb", "duckdb")}
    for messages, marker in ((1000, "first"), (2000, "other"), (1000, "second")):
        config = bench.BenchConfig(messages=messages, workdir=tmp_path, report=report, memory_limit=marker)
        bench.write_report(bench.BenchResult(config, environment), report)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark")
    assert text.count("## N = 1,000 messages") == 1 and "memory_limit second" in text and "first" not in text
    assert text.count("## N = 2,000 messages") == 1


def run_result(unique_id: str, start: float, end: float) -> dict[str, Any]:
    """One run_results.json entry whose compile + execute span [start, end] seconds after 12:00:00 UTC."""

    def at(seconds: float) -> str:
        return (datetime(2026, 3, 1, 12, 0, 0) + timedelta(seconds=seconds)).isoformat() + "Z"

    middle = (start + end) / 2
    return {"unique_id": unique_id, "status": "success", "execution_time": end - start,
            "timing": [{"name": "compile", "started_at": at(start), "completed_at": at(middle)},
                       {"name": "execute", "started_at": at(middle), "completed_at": at(end)}]}


def test_phase_profile_splits_the_wall_time_of_a_fake_build() -> None:
    noon = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC).timestamp()
    run_results = {
        "metadata": {"invocation_started_at": "2026-03-01T12:00:02Z"},
        "results": [
            run_result("operation.cs_rules.cs_rules-on-run-start-0", 6.0, 6.5),
            run_result("operation.cs_rules.cs_rules-on-run-start-1", 6.5, 8.0),
            run_result("seed.cs_rules.value_mappings", 8.0, 9.0),
            run_result("model.cs_rules.stg_a", 9.0, 15.0),
            run_result("model.cs_rules.stg_b", 9.0, 12.0),  # side by side with stg_a (2 threads)
            run_result("test.cs_rules.unique_stg_a_id.abc", 15.0, 17.0),
            run_result("unit_test.cs_rules.stg_a.case_one", 15.0, 16.0),
            run_result("operation.cs_rules.cs_rules-on-run-end-0", 17.0, 17.5),
            {"unique_id": "model.cs_rules.skipped", "status": "skipped", "execution_time": 0, "timing": []},
        ],
    }
    profile = bench.phase_profile(run_results, noon, noon + 19.0)
    phases = {name.split(" (")[0]: round(seconds, 3) for name, seconds in profile.phases}
    assert phases == {"interpreter start and imports": 2.0, "parse and set-up": 4.0, "on-run-start hooks": 2.0,
                      "nodes": 9.0, "on-run-end hooks": 0.5, "exit": 1.5}
    assert round(sum(seconds for _, seconds in profile.phases), 3) == 19.0  # the phases tile the wall time
    summed = {name: (round(seconds, 3), count) for name, seconds, count in profile.summed}
    assert summed == {"hooks (on-run-start and -end)": (2.5, 3), "seeds": (1.0, 1), "models": (9.0, 2),
                      "data tests": (2.0, 1), "unit tests": (1.0, 1)}
    text = "\n".join(bench.render_profile("full build", profile, 19.0))
    assert "| nodes (first node start -> last node end) | 9.0 s | 47% |" in text


def small_db(path: Path, rows: list[tuple[str, float]], amount_type: str = "double") -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema audit; create schema build_meta")
        connection.execute(f"create table main.marts_a (id varchar, amount {amount_type})")
        connection.executemany("insert into main.marts_a values (?, ?)", rows)
        connection.execute("create table audit.rejected as select 'r1' as id")
        connection.execute(f"create table build_meta.dbt_invocations as select '{path.stem}' as invocation_id")
    return path


def test_spark_parity_check_names_the_differing_tables(tmp_path: Path) -> None:
    reference = small_db(tmp_path / "duckdb.duckdb", [("a", 0.1 + 0.2), ("b", 1.0), ("b", 1.0)])
    # summation order may differ in the last bits of a double: equal after rounding; the build record is skipped
    same = small_db(tmp_path / "spark_same.duckdb", [("b", 1.0), ("a", 0.3), ("b", 1.0)])
    assert bench.compare_with_duckdb(same, reference) == bench.Parity(2, [])
    assert bench.compare_with_duckdb(same, reference).describe() == "equal (2 tables)"

    one_duplicate_lost = small_db(tmp_path / "spark_lost.duckdb", [("a", 0.3), ("b", 1.0)])
    parity = bench.compare_with_duckdb(one_duplicate_lost, reference)
    assert parity.differing == ["main.marts_a: 0 rows only on Spark, 1 only on DuckDB"] and not parity.equal

    retyped = small_db(tmp_path / "spark_type.duckdb", [("a", 0.3)], amount_type="decimal(10, 2)")
    assert bench.compare_with_duckdb(retyped, reference).differing == [
        "main.marts_a: types differ: amount DECIMAL(10,2) vs DOUBLE"]


def test_spark_column_is_skipped_not_failed_without_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cs_devtools.bench.spark.shutil.which", lambda _: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    config = bench.BenchConfig(messages=1000, workdir=tmp_path, report=tmp_path / "r.md", spark="auto")
    result = bench.run_spark_full_builds(config, tmp_path / "unused.duckdb")
    assert result.skipped is not None and result.skipped.startswith("no Java on PATH") and result.ok
    assert bench.render_spark_table(result, None, None)[0].startswith("Spark: not run (no Java on PATH")
