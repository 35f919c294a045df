"""Tests of the demo-data generator: contract, determinism, dirty-row bookkeeping and the story it tells."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cs_devtools.demo_data import (
    MESSAGES_SCHEMA,
    RATINGS_SCHEMA,
    Summary,
    generate,
    luhn_complete,
    luhn_valid,
    main,
)

ROOT = Path(__file__).resolve().parents[2]
START = date(2026, 9, 20)  # 14 days: crosses the September/October month end
DAYS = 14
SHOPS = 10
TARGET = 80_000
LOCAL_MS = 8 * 3600 * 1000
DAY_MS = 86_400_000


def local_midnight_ms(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() * 1000) - LOCAL_MS


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary]:
    out = tmp_path_factory.mktemp("demo")
    summary = generate(out, seed=7, shops=SHOPS, days=DAYS, start=START, messages=TARGET, dirty_rate=0.002)
    return out, summary


@pytest.fixture(scope="module")
def manifest(demo: tuple[Path, Summary]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((demo[0] / "manifest.json").read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def con(demo: tuple[Path, Summary]) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    c.execute(f"create view m as select * from read_parquet('{demo[0]}/messages/*.parquet')")
    c.execute(f"create view r as select * from read_parquet('{demo[0]}/ratings/*.parquet')")
    # clean view: drop dirty rows, local time helpers
    c.execute("""
        create view mc as
        select distinct *, (sent_at_ms + 28800000) % 86400000 as local_tod_ms,
               cast(epoch_ms(sent_at_ms + 28800000) as date) as local_day
        from m
        where message_id is not null and shop_id is not null and user_id is not null and sent_at_ms is not null
          and sender_role in ('user', 'merchant', 'robot', 'system')
    """)
    yield c
    c.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


# ------------------------------------------------------------------------------------------------ Luhn
def test_luhn_valid_known_numbers() -> None:
    assert luhn_valid("79927398713")
    assert luhn_valid("4539578763621486")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("4539578763621487")
    assert not luhn_valid("")
    assert not luhn_valid("7")
    assert not luhn_valid("7992 7398 713")
    assert not luhn_valid("７９９２７３９８７１３")  # full-width digits are not ASCII digits


def test_luhn_complete_makes_valid_numbers() -> None:
    assert luhn_complete("7992739871") == "79927398713"
    for prefix in ("622202123456789012", "621700", "0", "999999999999999", "6222021234567890"):
        full = luhn_complete(prefix)
        assert full.startswith(prefix) and len(full) == len(prefix) + 1
        assert luhn_valid(full)
        wrong = full[:-1] + str((int(full[-1]) + 1) % 10)
        assert not luhn_valid(wrong)
    with pytest.raises(ValueError):
        luhn_complete("12a4")


# ------------------------------------------------------------------------------------------------ contract
def test_exact_schemas(demo: tuple[Path, Summary]) -> None:
    out = demo[0]
    msg_files = sorted((out / "messages").glob("*.parquet"))
    rat_files = sorted((out / "ratings").glob("*.parquet"))
    expected_names = [(START + timedelta(days=i)).isoformat() + ".parquet" for i in range(DAYS)]
    assert [f.name for f in msg_files] == expected_names
    assert [f.name for f in rat_files] == expected_names
    for f in msg_files:
        assert pq.read_schema(f).remove_metadata().equals(MESSAGES_SCHEMA)
    for f in rat_files:
        assert pq.read_schema(f).remove_metadata().equals(RATINGS_SCHEMA)
    assert MESSAGES_SCHEMA.names == ["message_id", "conversation_id", "shop_id", "user_id", "sender_role",
                                     "sender_account_id", "msg_type", "content", "sent_at_ms"]
    assert [t for t in MESSAGES_SCHEMA.types] == [pa.string()] * 8 + [pa.int64()]
    assert RATINGS_SCHEMA.names == ["rating_id", "shop_id", "user_id", "conversation_id", "rating", "source",
                                    "rated_at_ms"]
    assert [t for t in RATINGS_SCHEMA.types] == [pa.string()] * 6 + [pa.int64()]


def test_counts_follow_target_and_manifest(demo: tuple[Path, Summary], manifest: dict[str, Any],
                                           con: duckdb.DuckDBPyConnection) -> None:
    _, summary = demo
    n_msg = scalar(con, "select count(*) from m")
    n_rat = scalar(con, "select count(*) from r")
    assert abs(n_msg - TARGET) / TARGET < 0.1
    assert n_msg == summary.messages == manifest["counts"]["messages"]
    assert n_rat == summary.ratings == manifest["counts"]["ratings"] > 0
    assert sum(f["messages"] for f in manifest["files"].values()) == n_msg
    per_file = dict(con.execute(
        "select regexp_extract(filename, '(\\d{4}-\\d{2}-\\d{2})', 1), count(*) "
        f"from read_parquet('{demo[0]}/messages/*.parquet', filename = true) group by 1").fetchall())
    assert per_file == {k: v["messages"] for k, v in manifest["files"].items()}
    assert manifest["seed"] == 7 and manifest["args"]["shops"] == SHOPS
    assert set(manifest["shops"]) == {f"S{i:03d}" for i in range(1, SHOPS + 1)}


@pytest.mark.parametrize(("view", "column", "pattern"), [
    ("m", "message_id", "m\\d{10}"), ("m", "conversation_id", "c\\d{9}"), ("m", "shop_id", "S\\d{3}"),
    ("m", "user_id", "U\\d{7}"), ("r", "rating_id", "r\\d{9}"), ("r", "conversation_id", "c\\d{9}"),
    ("r", "user_id", "U\\d{7}"),
])
def test_id_formats(con: duckdb.DuckDBPyConnection, view: str, column: str, pattern: str) -> None:
    bad = scalar(con, f"""select count(*) from {view}
                          where {column} is not null and not regexp_full_match({column}, '{pattern}')""")
    assert bad == 0


# ------------------------------------------------------------------------------------------------ determinism
def _file_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_deterministic_bytes(tmp_path: Path) -> None:
    kwargs: dict[str, Any] = dict(shops=4, days=3, start=date(2026, 9, 29), messages=6_000, dirty_rate=0.002)
    generate(tmp_path / "a", seed=123, **kwargs)
    generate(tmp_path / "b", seed=123, **kwargs)
    generate(tmp_path / "c", seed=124, **kwargs)
    a, b, c = (_file_bytes(tmp_path / x) for x in "abc")
    assert len(a) == 3 + 3 + 1
    assert a == b
    assert a.keys() == c.keys()
    assert all(a[k] != c[k] for k in a if k.endswith(".parquet"))


# ------------------------------------------------------------------------------------------------ dirty rows
def test_ids_unique_except_deliberate_dirt(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any]) -> None:
    d = manifest["dirty"]["messages"]
    assert all(v >= 1 for v in d.values()), d
    dups = d["exact_duplicate_same_file"] + d["exact_duplicate_next_file"]
    total = scalar(con, "select count(*) from m")
    assert scalar(con, "select count(*) from m where message_id is null") == d["null_message_id"]
    non_null = scalar(con, "select count(message_id) from m")
    distinct = scalar(con, "select count(distinct message_id) from m")
    assert non_null - distinct == dups + d["conflicting_message_id"]
    assert total - scalar(con, "select count(*) from (select distinct * from m)") == dups
    conflicts = scalar(con, """
        select count(*) from (select message_id from m where message_id is not null group by 1
                              having count(distinct coalesce(content, '<null>')) > 1)""")
    assert conflicts == d["conflicting_message_id"]
    assert scalar(con, "select count(*) - count(distinct rating_id) from r") == 0


def test_next_file_duplicates_are_redelivered(demo: tuple[Path, Summary], con: duckdb.DuckDBPyConnection,
                                              manifest: dict[str, Any]) -> None:
    n = scalar(con, f"""
        with f as (select *, regexp_extract(filename, '(\\d{{4}}-\\d{{2}}-\\d{{2}})', 1) as file_day
                   from read_parquet('{demo[0]}/messages/*.parquet', filename = true))
        select count(*) from f a join f b
          on a.message_id = b.message_id and a.content is not distinct from b.content
         and a.sent_at_ms is not distinct from b.sent_at_ms
         and cast(b.file_day as date) = cast(a.file_day as date) + 1""")
    assert n == manifest["dirty"]["messages"]["exact_duplicate_next_file"]


def test_dirty_labels_and_nulls_match_manifest(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any]) -> None:
    d = manifest["dirty"]["messages"]
    assert scalar(con, "select count(*) from m where shop_id is null") == d["null_shop_id"]
    assert scalar(con, "select count(*) from m where user_id is null") == d["null_user_id"]
    assert scalar(con, "select count(*) from m where sent_at_ms is null") == d["null_sent_at_ms"]
    assert scalar(con, "select count(*) from m where sender_role = 'bot'") == d["unknown_sender_role"]
    chinese = scalar(con, "select count(*) from m where sender_role in ('买家', '客服', '机器人', '系统')")
    assert chinese == d["chinese_sender_role"]
    messy = scalar(con, """select count(*) from m where sender_role <> lower(trim(sender_role))
                           and lower(trim(sender_role)) in ('user', 'merchant', 'robot', 'system')""")
    assert messy == d["messy_sender_role"]
    roles = {row[0] for row in con.execute("select distinct sender_role from m").fetchall()}
    assert {"user", "merchant", "robot", "system", "bot", "买家", "客服"} <= roles
    rd = manifest["dirty"]["ratings"]
    assert scalar(con, "select count(*) from r where rating = 'great'") == rd["unknown_rating"] >= 1
    assert scalar(con, "select count(*) from r where rating in ('满意', '一般', '失望')") == rd["chinese_rating"] >= 1
    unknown_source = scalar(con, """select count(*) from r
                                    where source not in ('user_initiated', 'merchant_invited', 'system_pushed')""")
    assert unknown_source == rd["unknown_source"] >= 1


# ------------------------------------------------------------------------------------------------ time
def test_timestamps_inside_window(con: duckdb.DuckDBPyConnection) -> None:
    lo, hi = local_midnight_ms(START), local_midnight_ms(START + timedelta(days=DAYS))
    assert scalar(con, "select min(sent_at_ms) from m") >= lo
    assert scalar(con, "select max(sent_at_ms) from m") < hi + DAY_MS
    # anything after the window is a reply in a conversation that started inside it
    late_orphans = scalar(con, f"""
        select count(*) from mc where sent_at_ms >= {hi}
           and conversation_id not in (select conversation_id from mc where sent_at_ms < {hi})""")
    assert late_orphans == 0
    assert scalar(con, f"select count(*) from m where sent_at_ms >= {hi} and sender_role = 'merchant'") > 0
    assert scalar(con, f"select count(*) from r where rated_at_ms < {lo} or rated_at_ms >= {hi}") == 0
    with_ms = scalar(con, "select count(*) from m where sent_at_ms % 1000 <> 0")
    assert with_ms > 0.9 * scalar(con, "select count(sent_at_ms) from m")  # millisecond precision


def test_night_messages_exist_and_day_shape(con: duckdb.DuckDBPyConnection) -> None:
    by_hour = dict(con.execute(
        "select local_tod_ms // 3600000, count(*) from mc where sender_role = 'user' group by 1").fetchall())
    assert set(by_hour) == set(range(24))
    night = sum(by_hour[h] for h in range(8))
    assert 0.03 < night / sum(by_hour.values()) < 0.15
    assert by_hour[3] < by_hour[9] < by_hour[21]
    near_midnight = "select count(*) from mc where sender_role = 'user' and local_tod_ms >= 23 * 3600000 + 50 * 60000"
    assert scalar(con, near_midnight) > 0


def test_replies_cross_month_end(con: duckdb.DuckDBPyConnection) -> None:
    n = scalar(con, """
        select count(*) from mc u join mc x on x.conversation_id = u.conversation_id
        where u.sender_role = 'user' and u.local_day = date '2026-09-30'
          and x.sender_role = 'merchant' and x.local_day = date '2026-10-01'
          and x.sent_at_ms - u.sent_at_ms between 0 and 300000""")
    assert n > 0


# ------------------------------------------------------------------------------------------------ story
REPLY_SQL = """
    with u as (select * from mc where sender_role = 'user' and local_tod_ms >= 8 * 3600000),
         x as (select conversation_id, sent_at_ms from mc where sender_role = 'merchant'),
         j as (select u.shop_id, u.message_id, min(x.sent_at_ms - u.sent_at_ms) as lat
               from u left join x on x.conversation_id = u.conversation_id and x.sent_at_ms >= u.sent_at_ms
               group by all)
    select shop_id, count(*), avg(case when lat <= 300000 then 1.0 else 0.0 end) from j group by 1 order by 1
"""


def test_reply_rates_follow_profiles(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any]) -> None:
    rates = {shop: (n, rate) for shop, n, rate in con.execute(REPLY_SQL).fetchall()}
    assert set(rates) == set(manifest["shops"])
    for shop, truth in manifest["shops"].items():
        n, rate = rates[shop]
        assert n > 500
        assert abs(rate - truth["intended_reply_within_5min"]) < 0.05, (shop, truth, rate)
        if truth["reply_profile"] == "fast":
            assert rate > 0.9
        if truth["reply_profile"] == "slow":
            assert rate < 0.75
    profiles = {t["reply_profile"] for t in manifest["shops"].values()}
    assert {"fast", "ok", "borderline", "slow", "night_absent"} <= profiles
    assert sum(r < 0.8 for _, r in rates.values()) >= 2 and sum(r > 0.8 for _, r in rates.values()) >= 2


def test_night_absent_shops_miss_late_evening(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any]) -> None:
    shops = [s for s, t in manifest["shops"].items() if t["reply_profile"] == "night_absent"]
    assert shops
    late_replies = scalar(con, f"""
        select count(*) from mc where sender_role = 'merchant' and shop_id in {tuple(shops) + ('',)}
           and local_tod_ms >= 22 * 3600000""")
    assert late_replies == 0


def test_conversation_texture(con: duckdb.DuckDBPyConnection) -> None:
    # robot auto-replies within a few seconds of the conversation's first user message
    robot_fast = scalar(con, """
        with first_user as (select conversation_id, min(sent_at_ms) t from mc where sender_role = 'user' group by 1)
        select avg(case when r.sent_at_ms - f.t between 0 and 3000 then 1.0 else 0.0 end)
        from mc r join first_user f using (conversation_id) where r.sender_role = 'robot'""")
    assert robot_fast > 0.95
    assert scalar(con, """select count(*) from mc where sender_role = 'robot'
                          and sender_account_id not like '%-robot'""") == 0
    assert scalar(con, """select count(*) from mc where sender_role in ('user', 'system')
                          and sender_account_id is not null""") == 0
    assert scalar(con, """select count(*) from mc where sender_role = 'merchant'
                          and not regexp_full_match(sender_account_id, shop_id || '-(main|sub\\d)')""") == 0
    # several sub-accounts answer for a shop
    assert scalar(con, """select min(n) from (select shop_id, count(distinct sender_account_id) n from mc
                          where sender_role = 'merchant' group by 1)""") >= 2
    assert scalar(con, "select count(*) from mc where sender_role = 'merchant' and sender_account_id like '%-sub%'") > 0
    # bursts of user messages before a reply
    bursts = scalar(con, """
        select count(*) from (
            select sender_role,
                   lag(sender_role) over (partition by conversation_id order by sent_at_ms, message_id) as prev
            from mc where sender_role in ('user', 'merchant'))
        where sender_role = 'user' and prev = 'user'""")
    assert bursts > 1000
    # a merchant message at the exact millisecond of a user message
    assert scalar(con, """select count(*) from mc a join mc b on a.conversation_id = b.conversation_id
                          and a.sent_at_ms = b.sent_at_ms
                          where a.sender_role = 'user' and b.sender_role = 'merchant'""") > 0
    # users come back in new conversations with the same shop, and talk to several shops
    assert scalar(con, """select count(*) from (select shop_id, user_id from mc group by all
                          having count(distinct conversation_id) > 1)""") > 0
    assert scalar(con, """select count(*) from (select user_id from mc group by 1
                          having count(distinct shop_id) > 1)""") > 0
    assert scalar(con, "select count(*) from mc where sender_role = 'system' and msg_type = 'system_notice'") > 0
    assert scalar(con, "select count(*) from mc where msg_type = 'image' and content is null") > 0
    assert scalar(con, "select count(*) from mc where msg_type = 'text' and content is null") == 0


def test_some_user_messages_never_answered_or_late(con: duckdb.DuckDBPyConnection) -> None:
    sql = REPLY_SQL.replace(
        "avg(case when lat <= 300000 then 1.0 else 0.0 end)",
        "sum(case when lat is null then 1 else 0 end), sum(case when lat > 300000 then 1 else 0 end)")
    rows = con.execute(sql).fetchall()
    assert sum(r[2] for r in rows) > 0 and sum(r[3] for r in rows) > 0


def test_harassment_episodes(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any]) -> None:
    episodes = manifest["harassment"]
    assert episodes
    for e in episodes:
        merchant, user = con.execute(f"""
            select count(*) filter (where sender_role = 'merchant'), count(*) filter (where sender_role = 'user')
            from mc where shop_id = '{e['shop_id']}' and user_id = '{e['user_id']}'
              and local_day = date '{e['date']}'""").fetchone() or (0, 0)
        assert merchant >= 6 and user == 0, e


# ------------------------------------------------------------------------------------------------ ratings
def test_ratings_sources_rerates_and_nulls(con: duckdb.DuckDBPyConnection) -> None:
    sources = {row[0] for row in con.execute("select distinct source from r").fetchall()}
    assert {"user_initiated", "merchant_invited", "system_pushed"} <= sources
    rerated = scalar(con, """select count(*) from (select user_id, conversation_id from r
                             where conversation_id is not null group by all having count(*) > 1)""")
    assert rerated > 0
    assert scalar(con, "select count(*) from r where conversation_id is null") > 0
    # every rated conversation exists in the messages, with the same shop and user
    orphans = scalar(con, """select count(*) from r where conversation_id is not null and not exists
                             (select 1 from mc where mc.conversation_id = r.conversation_id
                              and mc.shop_id = r.shop_id and mc.user_id = r.user_id)""")
    assert orphans == 0


def test_satisfaction_profiles(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any]) -> None:
    rows = con.execute("""select shop_id, count(*), avg(case when rating = 'satisfied' then 1.0 else 0.0 end)
                          from r where rating in ('satisfied', 'neutral', 'disappointed') group by 1""").fetchall()
    by_profile: dict[str, list[tuple[int, float]]] = {}
    for shop, n, share in rows:
        by_profile.setdefault(manifest["shops"][shop]["satisfaction_profile"], []).append((n, share))
    pooled = {p: sum(n * s for n, s in v) / sum(n for n, _ in v) for p, v in by_profile.items()}
    assert pooled["poor"] < 0.75
    assert pooled["delighted"] > 0.85
    quiet = [s for s, t in manifest["shops"].items() if t["no_ratings_in_first_month"]]
    assert quiet
    for shop in quiet:
        sept = scalar(con, f"""select count(*) from r where shop_id = '{shop}'
                               and rated_at_ms < {local_midnight_ms(date(2026, 10, 1))}""")
        assert sept == 0


# ------------------------------------------------------------------------------------------------ content
DIGIT_RUN = re.compile(r"\d(?:[ -]?\d){10,22}")


def merchant_texts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "select content from mc where sender_role = 'merchant' and content is not null").fetchall()]


def test_luhn_valid_cards_and_order_number_negatives(con: duckdb.DuckDBPyConnection,
                                                    manifest: dict[str, Any]) -> None:
    cards = [d for t in merchant_texts(con) for run in DIGIT_RUN.findall(t)
             if 16 <= len(d := re.sub(r"\D", "", run)) <= 19 and luhn_valid(d)]
    assert len(cards) >= 1 and manifest["breaches"]["by_category"]["bank_card"] >= 1
    orders = [row[0] for row in con.execute(
        "select regexp_extract(content, '订单号? (\\d{19})', 1) from mc "
        "where regexp_matches(content, '订单号? \\d{19}')").fetchall()]
    assert len(orders) > 100
    assert not any(luhn_valid(o) for o in orders)


BREACH_MARKERS = {
    "outside_link": ("weixin点com", "t.cn/", "淘宝搜", "点com"),
    "phone": ("电话", "手机号", "打"),
    "wechat": ("加v:", "加vx", "+微", "薇信", "v信"),
    "email": (" at ", "＠", "@qq.com"),
    "counterfeit": ("高仿的", "精 仿", "A货", "非正品但", "复刻", "复印版", "高 仿"),
    "abuse": ("傻逼", "sb吗", "神经病", "脑子有病", "滚 别"),
    "threat": ("我知道你住哪", "你等着", "收拾你"),
    "impersonation": ("我是平台客服", "平台官方保证", "【平台通知】", "平台担保"),
}


def test_breaches_and_hard_negatives_present(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any]) -> None:
    texts = merchant_texts(con)
    counts = manifest["breaches"]["by_category"]
    assert all(v >= 1 for v in counts.values()), counts
    for category, markers in BREACH_MARKERS.items():
        assert any(any(m in t for m in markers) for t in texts), category
    n_merchant = len(texts)
    assert 0.001 < sum(counts.values()) / n_merchant < 0.01
    for negative in ("这是正品 不是高仿", "垃圾分类", "滚筒洗衣机", "请联系平台客服介入", "usb-c", "¥"):
        assert any(negative in t for t in texts), negative


def test_clean_shops_never_breach(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any]) -> None:
    """Two shops in five have a clean conduct profile: no breach text, no harassment episode."""
    clean = sorted(s for s, info in manifest["shops"].items() if info["conduct_profile"] == "clean")
    breaching = sorted(s for s, info in manifest["shops"].items() if info["conduct_profile"] == "breaching")
    assert clean and breaching
    all_markers = [m for markers in BREACH_MARKERS.values() for m in markers if len(m.strip()) > 1]
    clean_texts = [
        row[0]
        for row in con.execute(
            "select content from m where sender_role = 'merchant' and content is not null and shop_id in "
            "(select unnest(?::varchar[]))",
            [clean],
        ).fetchall()
    ]
    breach_texts = [t for t in clean_texts if any(m in t for m in all_markers) and "不是高仿" not in t]
    assert breach_texts == []
    assert all(episode["shop_id"] in breaching for episode in manifest["harassment"])


# ------------------------------------------------------------------------------------------------ CLI
def test_cli_keeps_existing_data_and_force_regenerates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    args = ["--out", str(out), "--shops", "3", "--days", "2", "--messages", "3000", "--seed", "5"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("wrote ") and "msg/s" in printed
    before = _file_bytes(out)
    proc = subprocess.run([sys.executable, "-m", "cs_devtools.demo_data", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "kept" in proc.stdout
    assert _file_bytes(out) == before
    assert main([*args, "--seed", "6", "--force"]) == 0
    after = _file_bytes(out)
    assert after.keys() == before.keys() and after != before
