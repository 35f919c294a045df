"""Content rules 2.3-2.9: precision / recall on the labelled set, normalisation, Luhn, behavioural harassment.

One dbt build (module fixture) on a temporary raw folder holding
- the labelled merchant messages of tests/fixtures/content_rules_labelled.csv, one conversation and one user
  each, sent during the (platform-local) day, so the behavioural rule cannot fire on them;
- a few probe messages for the normaliser (shop `shop_probe`);
- a hand-built shop/user thread for the behavioural harassment rule (shop `shop_harass`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.python.dbt_helpers import REPO_ROOT, query, run_dbt, write_raw

LABELLED_CSV = REPO_ROOT / "tests" / "fixtures" / "content_rules_labelled.csv"
CLAUSES = ("2.3", "2.4", "2.5", "2.7", "2.8", "2.9")
MIN_SCORE = 0.97
SHANGHAI = timezone(timedelta(hours=8))

# the behavioural rule's defaults, restated here so a change of default is a visible test change
THRESHOLD = 6
REPLY_ALLOWANCE = 3
GRACE_MINUTES = 5


@dataclass(frozen=True)
class EvalBuild:
    """The one dbt build the tests of this module read."""

    db_path: Path
    raw_dir: Path
    cases: list[dict[str, str]]
    thread: dict[str, Any]


def epoch_ms(local: datetime) -> int:
    """Epoch milliseconds of a naive platform-local (Asia/Shanghai) wall clock."""
    return int(local.replace(tzinfo=SHANGHAI).timestamp() * 1000)


def load_labelled() -> list[dict[str, str]]:
    with LABELLED_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def message(message_id: str, *, shop: str, user: str, role: str, content: str | None, at: datetime) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "conversation_id": f"conv_{shop}_{user}",
        "shop_id": shop,
        "user_id": user,
        "sender_role": role,
        "sender_account_id": f"{shop}_agent" if role != "user" else user,
        "msg_type": "text",
        "content": content,
        "sent_at_ms": epoch_ms(at),
    }


def labelled_messages(cases: list[dict[str, str]]) -> list[dict[str, Any]]:
    start = datetime(2025, 12, 1, 9, 0, 0)
    return [
        message(
            case["case_id"],
            shop=f"shop_{index % 7}",
            user=f"user_{case['case_id']}",
            role="robot" if index % 11 == 0 else "merchant",
            content=case["content"],
            at=start + timedelta(seconds=37 * index),
        )
        for index, case in enumerate(cases)
    ]


# normaliser probes: (message_id, content, expected content_norm, expected content_compact, expected content_digits)
NORMALISATION_PROBES = [
    ("norm_fullwidth", "加ＶＸ：ＡＢＣ１２３", "加vx:abc123", "加vx:abc123", "加vx:abc123"),
    ("norm_circled", "电话①③⑧⑩", "电话13810", "电话13810", "电话13810"),
    ("norm_punctuation", "邮箱ａｂｃ＠ｑｑ。ｃｏｍ，谢谢！", "邮箱abc@qq.com,谢谢!", "邮箱abc@qqcom,谢谢!", "邮箱abc@qqcom,谢谢!"),  # noqa: E501
    ("norm_variants", "高倣貨 傻偪", "高仿货 傻逼", "高仿货傻逼", "高仿货傻逼"),
    ("norm_separators", "傻 * 逼 - 高_仿 | v/x ❤ 🌹", "傻 * 逼 - 高_仿 | v/x ❤ 🌹", "傻逼高仿vx", "傻逼高仿vx"),
    ("norm_numerals", "一三八 幺二三 零〇两", "一三八 幺二三 零〇两", "一三八幺二三零〇两", "138123002"),
    ("norm_plain", "您好，请问有什么可以帮您？", "您好,请问有什么可以帮您?", "您好,请问有什么可以帮您?", "您好,请问有什么可以帮您?"),  # noqa: E501
]


# slot-rule probes: (message_id, content, slot rule it exercises or "negated" / "trap", expected
# (clause, rule_code) pairs from int_content_rule_hits__slot). Written apart from the labelled set.
SLOT_PROBES: list[tuple[str, str, str, set[tuple[str, str]]]] = [
    ("slot_contempt_user", "就你这智商还来买东西", "contempt_for_the_user", {("2.4", "insult")}),
    ("slot_contempt_kind", "你们这种顾客最难伺候", "contempt_your_kind", {("2.4", "insult")}),
    ("slot_threat_trigger", "再投诉一次，保证让人后悔", "threat_after_trigger", {("2.5", "intimidation")}),
    ("slot_threat_user", "你会付出代价", "threat_to_the_user", {("2.5", "intimidation")}),
    ("slot_threat_known", "我清楚你单位在哪", "threat_personal_data_known", {("2.5", "intimidation")}),
    ("slot_threat_held", "你的手机号在我这", "threat_personal_data_held", {("2.5", "intimidation")}),
    ("slot_threat_data_menace", "你家那栋楼我去过，想清楚再评价", "threat_personal_data_menace",
     {("2.5", "intimidation")}),
    ("slot_threat_warning", "当心你家里人", "threat_warning_personal", {("2.5", "intimidation")}),
    ("slot_pyramid_recruit", "发展下级越多分红越多", "pyramid_recruit_payout", {("2.7", "pyramid_scheme")}),
    ("slot_pyramid_payout", "收益全靠拉新", "pyramid_payout_recruit", {("2.7", "pyramid_scheme")}),
    ("slot_review_reward", "追评就送现金", "review_for_reward", {("2.7", "platform_order")}),
    ("slot_grade_product", "5A做工，细节到位", "counterfeit_grade_product", {("2.8", "counterfeit")}),
    ("slot_product_grade", "专柜原版开模", "counterfeit_product_grade", {("2.8", "counterfeit")}),
    ("slot_identical_brand", "跟专柜一毛一样", "counterfeit_identical_to_brand", {("2.8", "counterfeit")}),
    ("slot_same_logo", "同样的商标", "counterfeit_same_logo", {("2.8", "counterfeit")}),
    ("slot_platform_notice", "快手客服中心通知：请今日内补缴运费", "platform_notice_demand",
     {("2.9", "platform_impersonation")}),
    ("slot_pay_instrument", "云闪付转过来就行", "payment_instrument_transfer", {("2.3", "payment_account")}),
    ("slot_pay_transfer", "直接打款到我的账户", "payment_transfer_instrument", {("2.3", "payment_account")}),
    ("slot_pay_scan", "扫这个码付尾款", "payment_scan_my_code", {("2.3", "payment_account")}),
    ("slot_pay_go_via", "这单走对公", "payment_go_via_instrument", {("2.3", "payment_account")}),
    ("slot_platform_disparaged", "这平台就是垃圾", "platform_disparaged_insult / platform_disparaged_order",
     {("2.4", "disparagement"), ("2.7", "disparagement")}),
    # session 6
    ("slot_circle_veiled_harm", "你家老人最近身体还好吧，别到时候出点啥事", "threat_circle_veiled_harm",
     {("2.5", "intimidation")}),
    ("slot_circle_visit", "改天我带两个朋友去你单位转转", "threat_circle_visit", {("2.5", "intimidation")}),
    ("slot_exposure_post", "你的真名我已经发到本地群了", "exposure_info_post", {("2.5", "intimidation")}),
    ("slot_exposure_ba", "再闹我就把你的资料公之于众", "exposure_ba_info_act", {("2.5", "intimidation")}),
    ("slot_exposure_act_first", "我们准备曝光你的聊天记录", "exposure_act_info", {("2.5", "intimidation")}),
    ("slot_offer_verb_object", "可以帮您搞到结婚证，包真", "illegal_offer_verb_object", {("2.7", "illegal_offer")}),
    ("slot_offer_object_verb", "病假条都能办，要几天写几天", "illegal_offer_object_verb", {("2.7", "illegal_offer")}),
    ("slot_cash_out", "借呗额度能帮你提出来", "cash_out_credit", {("2.7", "fraud")}),
    ("slot_gambling", "北京赛车内部计划，今晚包中", "gambling_sure_win", {("2.7", "gambling")}),
    ("slot_official_role", "审核专员通知：请于今晚前撤销投诉", "official_role_notice_demand",
     {("2.9", "platform_impersonation")}),
    ("slot_code_brand", "超A级卡地亚手镯", "counterfeit_code_brand", {("2.8", "counterfeit")}),
    ("slot_brand_code", "欧米茄海马，同厂出品", "counterfeit_brand_code", {("2.8", "counterfeit")}),
    ("slot_send_people", "叫几个兄弟过去会会你", "threat_send_people", {("2.5", "intimidation")}),
    ("slot_data_volume", "业主信息三千条，按条收费", "data_by_volume", {("2.7", "personal_data_trade")}),
    ("slot_exam_cheating", "雅思替考，本人不用去", "exam_cheating", {("2.7", "exam_cheating")}),
    ("slot_credential_no_exam", "大专文凭，免考，半年拿证", "credential_without_exam", {("2.7", "fake_documents")}),
    ("slot_negated_exposure", "我们绝不会把您的个人资料公布出去", "negated", set()),
    ("slot_negated_offer", "如果有人说能帮你办驾照，千万别信", "negated", set()),
    ("slot_trap_privacy", "您的个人信息不会被公开，请放心", "trap", set()),
    ("slot_trap_door", "您家门口的快递柜满了，我们改送驿站", "trap", set()),
    ("slot_trap_toy_gun", "批发玩具水枪，夏天必备", "trap", set()),
    ("slot_trap_brand", "欧米茄官方售后可以保养表带", "trap", set()),
    ("slot_negated_payment", "请勿用支付宝转账给任何人", "negated", set()),
    ("slot_negated_notice", "谨防冒充快手官方客服要求您点击链接", "negated", set()),
    ("slot_negated_pyramid", "如果有人让你发展下级赚分红请举报", "negated", set()),
    ("slot_negated_grade", "不是1:1版本，是正品", "negated", set()),
    ("slot_trap_hello", "你好，请问穷游背包要哪个颜色", "trap", set()),
    ("slot_trap_scan", "扫描包装上的二维码验真", "trap", set()),
    ("slot_trap_platform", "快手平台会在48小时内处理", "trap", set()),
    ("slot_trap_ratio", "丢件一比一赔付", "trap", set()),
    ("slot_trap_team", "我们团队会尽快处理您的问题", "trap", set()),
]


# disguise probes: (message_id, content, expected clauses in content_rule_hits). Pinyin in place of characters
# (whole or one character), zero-width / NUL characters and punctuation between characters, full-width and
# circled forms; and pinyin that only looks like a term.
DISGUISE_PROBES: list[tuple[str, str, set[str]]] = [
    ("dis_pinyin_whole", "这个是gaofang的", {"2.8"}),
    ("dis_pinyin_whole_spaced", "jia huo 也有便宜的", {"2.8"}),
    ("dis_pinyin_one_char", "可以用支fu宝转账", {"2.3"}),
    ("dis_pinyin_one_char_end", "这款高fang，细节好", {"2.8"}),
    ("dis_pinyin_wechat", "加我wei信聊", {"2.3"}),
    ("dis_zero_width", "高\u200b仿\u200d包包", {"2.8"}),
    ("dis_nul", "加\x00微\x00信", {"2.3"}),
    ("dis_punctuation", "傻.逼", {"2.4"}),
    ("dis_fullwidth", "ＡＡＡ级品质，和正品一样", {"2.8"}),
    ("dis_circled", "电话①③⑧①②③④⑤⑥⑦⑧", {"2.3"}),
    ("dis_pinyin_inside_word", "fangxiang盘套", set()),
    ("dis_pinyin_not_a_term", "gao fang zi jiu shi gao lou", set()),
]


def probe_messages() -> list[dict[str, Any]]:
    start = datetime(2025, 12, 2, 9, 0, 0)
    return [
        message(probe[0], shop="shop_probe", user=f"user_{probe[0]}", role="merchant", content=probe[1], at=start)
        for probe in NORMALISATION_PROBES
    ] + [
        message(probe[0], shop="shop_slot_probe", user=f"user_{probe[0]}", role="merchant", content=probe[1], at=start)
        for probe in SLOT_PROBES
    ] + [
        message(probe[0], shop="shop_disguise_probe", user=f"user_{probe[0]}", role="merchant", content=probe[1],
                at=start)
        for probe in DISGUISE_PROBES
    ]


def harassment_thread() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A shop/user thread with one burst and a stop request the shop ignores on two later days."""
    shop, user = "shop_harass", "user_harass"
    rows: list[dict[str, Any]] = []

    def add(message_id: str, role: str, content: str, at: datetime) -> None:
        rows.append(message(message_id, shop=shop, user=user, role=role, content=content, at=at))

    day1 = datetime(2025, 12, 3)
    add("h_u1", "user", "这个有货吗？", day1 + timedelta(hours=9))
    for i in range(1, 13):  # 12 shop messages after one question: 3 replies, then 9 unsolicited (one burst)
        role = "merchant" if i % 3 else "robot"
        add(f"h_b{i:02d}", role, f"亲，新品上架第{i}款", day1 + timedelta(hours=9, minutes=i))
    add("h_u2", "user", "好的我看看", day1 + timedelta(hours=10))
    for i in range(1, 4):  # a short answer after the user wrote: no burst
        add(f"h_r{i}", "merchant", f"好的亲，第{i}条说明", day1 + timedelta(hours=10, minutes=i))

    # an earlier local day: the shop writes first, five times: below the threshold
    day0 = datetime(2025, 12, 2)
    for i in range(1, THRESHOLD):
        add(f"h_n{i}", "merchant", f"亲，活动提醒{i}", day0 + timedelta(hours=14, minutes=i))

    day2 = datetime(2025, 12, 4)
    add("h_stop", "user", "别 再 发 了！！烦死了", day2 + timedelta(hours=10))
    add("h_ack", "merchant", "好的，抱歉打扰了", day2 + timedelta(hours=10, minutes=2))  # inside the grace window
    add("h_s1", "merchant", "亲，考虑一下这款吗", day2 + timedelta(hours=11))
    add("h_s2", "robot", "限时优惠最后一天", day2 + timedelta(hours=11, minutes=30))
    add("h_stop2", "user", "不要再联系我", day2 + timedelta(hours=12))  # a second stop request does not re-open
    add("h_s3", "merchant", "亲亲在吗", day2 + timedelta(hours=20))

    day3 = datetime(2025, 12, 5)
    add("h_s4", "merchant", "早上好亲", day3 + timedelta(hours=9))
    add("h_u3", "user", "我的快递到哪了", day3 + timedelta(hours=12))  # re-opens the conversation
    add("h_ok", "merchant", "亲，明天到", day3 + timedelta(hours=12, minutes=1))

    # night questions answered the next morning: 3 user messages allow 9 replies, 8 sent: no incident
    for i in range(1, 4):
        rows.append(message(f"n_q{i}", shop=shop, user="user_night", role="user", content=f"问题{i}",
                            at=day1 + timedelta(hours=23, minutes=i)))
    for i in range(1, 9):
        rows.append(message(f"n_a{i}", shop=shop, user="user_night", role="merchant", content=f"回复{i}",
                            at=day2 + timedelta(hours=8, minutes=i)))

    # a user who asked to stop and was left alone: no incident
    rows.append(message("q_stop", shop=shop, user="user_quiet", role="user", content="别烦我", at=day2))
    rows.append(
        message(
            "q_before", shop=shop, user="user_quiet", role="merchant", content="亲在吗", at=day2 - timedelta(hours=1)
        )
    )

    expected = {
        "burst_breach": f"h_b{REPLY_ALLOWANCE + THRESHOLD:02d}",
        "burst_first": f"h_b{REPLY_ALLOWANCE + 1:02d}",
        "burst_count": 12 - REPLY_ALLOWANCE,
        "after_stop": {("2025-12-04", "h_s1", 3), ("2025-12-05", "h_s4", 1)},
    }
    return rows, expected


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EvalBuild]:
    workspace = tmp_path_factory.mktemp("content_rules")
    raw_dir, db_path = workspace / "raw", workspace / "content_rules.duckdb"
    cases = load_labelled()
    thread, expected_thread = harassment_thread()
    write_raw(raw_dir, labelled_messages(cases) + probe_messages() + thread, [])
    run_dbt(
        [
            "build",
            "--select",
            "+content_rule_hits",
            "+harassment_incidents",
            "+content_rule_evidence",
            "--indirect-selection",
            "cautious",
        ],
        raw_dir=raw_dir,
        db_path=db_path,
    )
    yield EvalBuild(db_path=db_path, raw_dir=raw_dir, cases=cases, thread=expected_thread)


def scores(cases: list[dict[str, str]], hits: set[tuple[str, str]]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for clause in CLAUSES:
        tp = fp = fn = 0
        for case in cases:
            expected = clause in {c for c in case["expected_clauses"].split(";") if c}
            detected = (case["case_id"], clause) in hits
            tp += expected and detected
            fp += detected and not expected
            fn += expected and not detected
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        table[clause] = {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall}
    return table


def format_report(table: dict[str, dict[str, float]], cases: list[dict[str, str]], hits: set[tuple[str, str]]) -> str:
    lines = ["clause  tp   fp   fn   precision  recall"]
    for clause, row in table.items():
        lines.append(
            f"{clause:<7} {row['tp']:<4} {row['fp']:<4} {row['fn']:<4} {row['precision']:<10.3f} {row['recall']:.3f}"
        )
    errors = []
    for case in cases:
        expected = {c for c in case["expected_clauses"].split(";") if c}
        detected = {clause for (case_id, clause) in hits if case_id == case["case_id"]}
        if expected != detected:
            errors.append(
                f"  {case['case_id']} expected={sorted(expected)} detected={sorted(detected)} {case['content']!r}"
            )
    lines.append(f"cases: {len(cases)}, cases with a difference: {len(errors)}")
    return "\n".join(lines + errors)


def test_labelled_set_is_big_and_balanced() -> None:
    cases = load_labelled()
    assert len(cases) >= 300
    assert len({case["case_id"] for case in cases}) == len(cases)
    negatives = [case for case in cases if not case["expected_clauses"]]
    assert len([case for case in negatives if case["note"].startswith("hard negative")]) >= 100
    for clause in CLAUSES:
        assert sum(clause in case["expected_clauses"].split(";") for case in cases) >= 20, clause
    assert sum(";" in case["expected_clauses"] for case in cases) >= 10


def test_precision_and_recall_per_clause(built: EvalBuild) -> None:
    cases = built.cases
    rows = query(built.db_path, "select message_id, clause from main.content_rule_hits")
    case_ids = {case["case_id"] for case in cases}
    hits = {(message_id, clause) for message_id, clause in rows if message_id in case_ids}
    table = scores(cases, hits)
    report = format_report(table, cases, hits)
    print("\n" + report)
    failing = {
        clause: row for clause, row in table.items() if row["precision"] < MIN_SCORE or row["recall"] < MIN_SCORE
    }
    assert not failing, f"precision / recall below {MIN_SCORE}:\n{report}"


def test_hits_carry_the_chapter_4_category(built: EvalBuild) -> None:
    rows = query(
        built.db_path,
        "select distinct clause, violation_category from main.content_rule_hits order by clause",
    )
    categories = dict(rows)
    assert categories["2.3"] == "发布其他平台信息"
    assert categories["2.4"] == "骚扰他人"
    assert categories["2.5"] == "骚扰他人"
    assert categories["2.9"] == "扰乱电商平台秩序"
    assert categories["2.7"] is None
    assert categories["2.8"] is None


def test_normalisation_forms(built: EvalBuild) -> None:
    rows = query(
        built.db_path,
        "select message_id, content_norm, content_compact, content_digits "
        "from intermediate.int_merchant_messages__normalised where shop_id = 'shop_probe'",
    )
    actual = {row[0]: row[1:] for row in rows}
    for message_id, _content, norm, compact, digits in NORMALISATION_PROBES:
        assert actual[message_id] == (norm, compact, digits), message_id


def test_every_slot_rule_has_a_probe() -> None:
    with (REPO_ROOT / "seeds" / "content_rules" / "content_rule_slot_rules.csv").open(encoding="utf-8") as handle:
        rule_ids = {row["slot_rule_id"] for row in csv.DictReader(handle)}
    probed = {name.strip() for probe in SLOT_PROBES for name in probe[2].split("/")}
    assert rule_ids <= probed, sorted(rule_ids - probed)


def test_slot_rules_on_probes(built: EvalBuild) -> None:
    """Each slot family fires on a sentence written for it; negated uses are near-misses, not hits; traps give
    nothing."""
    rows = query(
        built.db_path,
        "select message_id, clause, rule_code, is_negated from intermediate.int_content_rule_hits__slot "
        "where message_id like 'slot_%'",
    )
    actual: dict[str, set[tuple[str, str]]] = {}
    near_misses: set[str] = set()
    for message_id, clause, rule_code, is_negated in rows:
        if is_negated:
            near_misses.add(message_id)
        else:
            actual.setdefault(message_id, set()).add((clause, rule_code))
    assert near_misses == {probe[0] for probe in SLOT_PROBES if probe[2] == "negated"}
    expected = {probe[0]: probe[3] for probe in SLOT_PROBES}
    differences = {
        message_id: (want, actual.get(message_id, set()))
        for message_id, want in expected.items()
        if actual.get(message_id, set()) != want
    }
    assert not differences, differences


def test_disguises_are_folded(built: EvalBuild) -> None:
    rows = query(built.db_path, "select message_id, clause from main.content_rule_hits where message_id like 'dis_%'")
    actual: dict[str, set[str]] = {}
    for message_id, clause in rows:
        actual.setdefault(message_id, set()).add(clause)
    differences = {
        message_id: (want, actual.get(message_id, set()))
        for message_id, _content, want in DISGUISE_PROBES
        if actual.get(message_id, set()) != want
    }
    assert not differences, differences


def test_luhn_macro(built: EvalBuild) -> None:
    numbers = {
        "4111111111111111": True,  # Visa test number
        "6222023074185296300": True,
        "5187307418529635": True,
        "79927398713": True,  # the textbook example
        "4111111111111112": False,
        "2412031234567890123": False,  # an order number
        "12a4": False,
        "": False,
    }
    values = ", ".join(f"('{number}')" for number in numbers)
    inline = (
        f"select card_number, {{{{ cr_is_luhn_valid('card_number') }}}} as is_valid "
        f"from (values {values}) as t(card_number)"
    )
    result = run_dbt(
        ["show", "--inline", inline, "--output", "json", "--limit", "50", "--log-format", "text", "--quiet"],
        raw_dir=built.raw_dir,
        db_path=built.db_path,
    )
    shown = json.loads(result.stdout[result.stdout.index("{") :])["show"]
    assert {row["card_number"]: row["is_valid"] for row in shown} == numbers


def test_behavioural_harassment(built: EvalBuild) -> None:
    expected = built.thread
    incidents = query(
        built.db_path,
        "select incident_type, cast(incident_date as varchar), breach_message_id, first_message_id, "
        "last_message_id, message_count, stop_request_message_id "
        "from main.harassment_incidents where shop_id = 'shop_harass' order by incident_type, incident_date",
    )
    bursts = [row for row in incidents if row[0] == "repeated_unsolicited_contact"]
    assert len(bursts) == 1
    assert bursts[0][2] == expected["burst_breach"]
    assert bursts[0][3:6] == (expected["burst_first"], "h_b12", expected["burst_count"])
    after_stop = {(row[1], row[2], row[5]) for row in incidents if row[0] == "contact_after_stop_request"}
    assert after_stop == expected["after_stop"]
    assert {row[6] for row in incidents if row[0] == "contact_after_stop_request"} == {"h_stop"}

    behaviour_hits = query(
        built.db_path,
        "select message_id, clause, rule_code, violation_category from main.content_rule_hits "
        "where detector = 'behaviour' order by message_id",
    )
    assert {row[0] for row in behaviour_hits} == {expected["burst_breach"], "h_s1", "h_s4"}
    assert {row[1] for row in behaviour_hits} == {"2.5"}
    assert {row[3] for row in behaviour_hits} == {"骚扰他人"}


def test_shop_monthly_rule_evidence(built: EvalBuild) -> None:
    rows = query(
        built.db_path,
        "select clause, metric, numerator_count, denominator_count, metric_value "
        "from main.content_rule_evidence where shop_id = 'shop_harass'",
    )
    assert rows == [("2.5", "hit_count_2_5", 3, None, 3.0)]
    totals = query(
        built.db_path,
        "select sum(numerator_count), (select count(distinct message_id || clause) from main.content_rule_hits) "
        "from main.content_rule_evidence",
    )
    assert totals[0][0] == totals[0][1]
