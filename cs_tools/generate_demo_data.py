"""Deterministic, vectorised demo-data generator for the merchant customer-service assessment.

It writes the raw chat log and the satisfaction ratings of a cross-border e-commerce platform, one
Parquet file per platform-local day (Asia/Shanghai, a fixed UTC+08:00, no daylight saving):

    OUT/messages/YYYY-MM-DD.parquet   message_id, conversation_id, shop_id, user_id, sender_role,
                                      sender_account_id, msg_type, content, sent_at_ms (epoch ms, UTC)
    OUT/ratings/YYYY-MM-DD.parquet    rating_id, shop_id, user_id, conversation_id, rating, source,
                                      rated_at_ms (epoch ms, UTC)
    OUT/manifest.json                 seed, arguments, row counts, per-shop profile truth, dirty-row and
                                      breach counts

A message file holds the conversations *started* on that local day, so a reply to a message sent at
23:59 can carry the next day's timestamp (and, on the last day, a timestamp after the window). A rating
file holds the ratings given on that local day.

Each shop gets a reply-speed profile and a satisfaction profile (see ``REPLY_PROFILES`` and
``SATISFACTION_PROFILES``) so that the marts tell a story: some shops pass the 80 % rules, some fail.
Conversations are simulated as rounds (a burst of user messages, maybe a robot auto-reply, then one or
more merchant messages from one of the shop's sub-accounts) entirely with numpy array operations; the
only Python loops are over days, shops and phrase templates. Same arguments and seed give
byte-identical files: every random draw comes from ``numpy.random.Generator(PCG64)`` streams derived
from the seed, and the Parquet files are written with fixed options and no varying metadata.

Usage::

    python -m cs_tools.generate_demo_data --out DIR [--seed 42] [--shops 30] [--days 61]
        [--start 2026-09-01] [--messages N] [--dirty-rate 0.002] [--force]
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import shutil
import string
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# --------------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------------
SECOND_MS: Final = 1_000
MINUTE_MS: Final = 60 * SECOND_MS
HOUR_MS: Final = 60 * MINUTE_MS
DAY_MS: Final = 24 * HOUR_MS
LOCAL_UTC_OFFSET_MS: Final = 8 * HOUR_MS  # Asia/Shanghai, no DST
ASSESSED_FROM_HOUR: Final = 8  # the rule assesses user messages sent 08:00-24:00 local
REPLY_WINDOW_MS: Final = 5 * MINUTE_MS

# Relative conversation starts per local hour 00..23: quiet night, rising at 08:00, busy evening and
# real traffic right up to midnight.
HOURLY_WEIGHTS: Final = np.array(
    [3.0, 1.5, 0.8, 0.5, 0.4, 0.5, 1.0, 2.0,
     4.0, 6.0, 7.0, 7.0, 6.0, 6.0, 7.0, 7.0,
     6.0, 6.0, 6.0, 7.0, 9.0, 10.0, 10.0, 8.0]
)
HOUR_P: Final = HOURLY_WEIGHTS / HOURLY_WEIGHTS.sum()
WEEKDAY_FACTOR: Final = np.array([0.95, 0.95, 0.97, 1.00, 1.05, 1.12, 1.10])  # Mon..Sun

# --------------------------------------------------------------------------------------------------
# Raw data contract
# --------------------------------------------------------------------------------------------------
MESSAGES_SCHEMA: Final = pa.schema([
    ("message_id", pa.string()),
    ("conversation_id", pa.string()),
    ("shop_id", pa.string()),
    ("user_id", pa.string()),
    ("sender_role", pa.string()),
    ("sender_account_id", pa.string()),
    ("msg_type", pa.string()),
    ("content", pa.string()),
    ("sent_at_ms", pa.int64()),
])
RATINGS_SCHEMA: Final = pa.schema([
    ("rating_id", pa.string()),
    ("shop_id", pa.string()),
    ("user_id", pa.string()),
    ("conversation_id", pa.string()),
    ("rating", pa.string()),
    ("source", pa.string()),
    ("rated_at_ms", pa.int64()),
])
PARQUET_OPTIONS: Final[dict[str, Any]] = {
    "compression": "zstd",
    "compression_level": 3,
    "version": "2.6",
    "data_page_version": "1.0",
    "use_dictionary": True,
    "write_statistics": True,
}

# Role labels: 0-3 are the clean ones; the rest are dirty variants (unknown, Chinese, messy case).
ROLE_LABELS: Final = (
    "user", "merchant", "robot", "system",
    "bot",
    "买家", "客服", "机器人", "系统",
    " User", " Merchant ", "ROBOT ", "System ",
)
ROLE_USER, ROLE_MERCHANT, ROLE_ROBOT, ROLE_SYSTEM = 0, 1, 2, 3
ROLE_UNKNOWN: Final = 4
ROLE_CHINESE_OFFSET: Final = 5
ROLE_MESSY_OFFSET: Final = 9

MSG_TYPES: Final = ("text", "image", "emoji", "product_card", "order_card", "system_notice")
T_TEXT, T_IMAGE, T_EMOJI, T_PRODUCT, T_ORDER, T_SYSTEM = range(6)
USER_TYPE_P: Final = np.array([0.78, 0.10, 0.05, 0.04, 0.03, 0.0])
MERCHANT_TYPE_P: Final = np.array([0.84, 0.05, 0.03, 0.06, 0.02, 0.0])

RATING_LABELS: Final = ("satisfied", "neutral", "disappointed", "great", "满意", "一般", "失望")
RATING_UNKNOWN: Final = 3
RATING_CHINESE_OFFSET: Final = 4
SOURCE_LABELS: Final = ("user_initiated", "merchant_invited", "system_pushed", "sms_pushed")
SOURCE_UNKNOWN: Final = 3
SOURCE_P: Final = np.array([0.45, 0.35, 0.20])

MESSAGE_DIRTY_KINDS: Final = (
    "exact_duplicate_same_file",
    "exact_duplicate_next_file",
    "conflicting_message_id",
    "null_message_id",
    "null_shop_id",
    "null_user_id",
    "null_sent_at_ms",
    "unknown_sender_role",
    "chinese_sender_role",
    "messy_sender_role",
)
RATING_DIRTY_KINDS: Final = ("unknown_rating", "unknown_source", "chinese_rating")

# --------------------------------------------------------------------------------------------------
# Conversation shape
# --------------------------------------------------------------------------------------------------
DEFAULT_MESSAGES_PER_SHOP_DAY: Final = 220
FOLLOW_UP_SHARE: Final = 0.06  # user comes back in a new conversation with the same shop
ROUNDS_GEOMETRIC_P: Final = 0.48
MAX_ROUNDS: Final = 7
BURST_P: Final = np.array([0.45, 0.30, 0.15, 0.10])  # 1..4 user messages before a reply
MERCHANT_BURST_P: Final = np.array([0.68, 0.26, 0.06])  # 1..3 merchant messages per reply
ACCOUNT_SWITCH_SHARE: Final = 0.12  # a round answered by another sub-account than the conversation's
ROBOT_SHARE: Final = 0.80  # of conversations in shops with a robot
SYSTEM_SHARE: Final = 0.12
SAME_MS_SHARE: Final = 0.004  # merchant reply at exactly the user's millisecond
NIGHT_IN_TIME_FACTOR: Final = 0.55  # 00:00-08:00 (not assessed) replies are slower everywhere
NIGHT_NEVER_FACTOR: Final = 3.0
BREACH_RATE: Final = 0.003  # share of a breaching shop's merchant text messages that breach the content rules
CLEAN_CONDUCT_SLOTS: Final = (1, 3)  # shop number - 1 modulo 5: shops that never breach (S002, S004, S007, ...)
NULL_CONVERSATION_RATING_SHARE: Final = 0.03
RE_RATING_SHARE: Final = 0.06
MAX_USER_POOL: Final = 9_000_000  # U + 7 digits, the rest is reserved for harassment targets


@dataclass(frozen=True)
class ReplyProfile:
    """How fast a shop answers a burst of user messages (latencies counted from the burst's first)."""

    name: str
    p_in_time: float  # daytime probability that the burst is answered by a merchant within 5 minutes
    p_never: float  # probability that it is never answered (the conversation ends there)
    in_time_mean_s: float  # scale of the truncated-exponential latency of in-time replies
    late_mean_s: float  # mean excess over 5 minutes of late replies
    absent_from_hour: int | None = None  # nobody answers from this local hour until 08:00


REPLY_PROFILES: Final = {
    "fast": ReplyProfile("fast", 0.96, 0.005, 25.0, 400.0),
    "ok": ReplyProfile("ok", 0.86, 0.02, 60.0, 600.0),
    "borderline": ReplyProfile("borderline", 0.80, 0.03, 90.0, 900.0),
    "slow": ReplyProfile("slow", 0.60, 0.06, 120.0, 1200.0),
    "night_absent": ReplyProfile("night_absent", 0.92, 0.01, 30.0, 500.0, absent_from_hour=22),
}
REPLY_PROFILE_CYCLE: Final = (
    "fast", "slow", "night_absent", "ok", "borderline", "fast", "ok", "slow", "borderline", "ok",
)


@dataclass(frozen=True)
class SatisfactionProfile:
    """Rating behaviour of a shop's users."""

    name: str
    shares: tuple[float, float, float]  # satisfied, neutral, disappointed
    rating_rate: float  # probability that a conversation is rated
    quiet_first_month: bool = False  # no ratings at all in the window's first calendar month


SATISFACTION_PROFILES: Final = {
    "delighted": SatisfactionProfile("delighted", (0.93, 0.05, 0.02), 0.12),
    "good": SatisfactionProfile("good", (0.86, 0.09, 0.05), 0.10),
    "borderline": SatisfactionProfile("borderline", (0.80, 0.12, 0.08), 0.10),
    "poor": SatisfactionProfile("poor", (0.66, 0.16, 0.18), 0.14),
    "quiet_start": SatisfactionProfile("quiet_start", (0.88, 0.08, 0.04), 0.08, quiet_first_month=True),
}
SATISFACTION_PROFILE_CYCLE: Final = (
    "good", "poor", "quiet_start", "delighted", "borderline", "good", "poor", "delighted", "good", "borderline",
)

# --------------------------------------------------------------------------------------------------
# Phrases (placeholders in braces are filled per day from a seeded random.Random)
# --------------------------------------------------------------------------------------------------
USER_TEXT_TEMPLATES: Final = (
    "在吗", "这个有货吗", "什么时候发货", "能便宜点吗", "尺码怎么选，我身高{height}",
    "订单号 {order} 什么时候到", "快递单号 {tracking} 怎么查不到物流", "这是正品吗 不会是高仿吧",
    "能开发票吗", "我想退货", "收到的东西坏了", "颜色和图片不一样", "有优惠券吗", "可以发顺丰吗",
    "{price}元能包邮吗", "这个usb接口是type-c吗", "滚筒洗衣机能用吗", "好的谢谢", "多久能到", "怎么还没发货",
    "可以改地址吗", "已经付款了", "保质期到什么时候", "是保税仓发货吗", "清关要身份证吗", "海外直邮要交税吗",
    "你们是sb吗 怎么还不发货",  # a user being rude is not a merchant breach
)
MERCHANT_TEXT_TEMPLATES: Final = (
    "亲，在的，请问有什么可以帮您", "亲，有货的哦，拍下就发", "今天{hour}点前下单当天发货",
    "亲，这是正品 不是高仿，支持专柜验货", "我们只卖正品，放心购买", "订单号 {order} 已经发出，快递单号 {tracking}",
    "亲，保税仓发货，预计{days}天到", "价格是 ¥{price}，已经是最低了", "亲，可以领店铺券再减{coupon}元",
    "请联系平台客服介入处理", "垃圾分类说明在包装背面", "这款滚筒洗衣机专用", "这款是usb-c接口",
    "好的亲，已为您备注", "亲，清关需要实名信息，请在订单页填写", "亲，退货请在订单页申请，我们尽快处理",
    "亲，尺码建议选{size}", "感谢支持，祝您生活愉快", "亲，图片仅供参考，以实物为准", "亲，物流显示已到{city}",
    "亲，订单 {order} 退款已处理，{days}个工作日到账", "亲，快递单号是 {tracking}", "亲，发票在订单详情页申请",
    "亲，滚动条拉到下面有尺码表", "平台规则要求七天无理由退货，我们支持",
)
EMOJI_TEXTS: Final = ("[微笑]", "[点赞]", "[疑问]", "[哭]", "[OK]", "[抱拳]", "[玫瑰]", "[捂脸]")
PRODUCT_CARD_TEMPLATES: Final = ("【{brand}】{product} 海外直邮 ¥{price}", "【{brand}】{product} 保税仓发货 ¥{price}")
ORDER_CARD_TEMPLATES: Final = ("订单 {order} 实付 ¥{price}", "订单 {order} 待发货")
ROBOT_TEMPLATES: Final = (
    "您好，欢迎光临，客服马上为您服务", "【自动回复】亲，咨询高峰期，请稍候", "【自动回复】发货时间：付款后48小时内",
    "您好，我是智能助手，请描述您的问题", "【自动回复】亲，保税仓商品预计{days}天送达",
)
SYSTEM_TEMPLATES: Final = (
    "【订单通知】订单 {order} 已付款", "【订单通知】订单 {order} 已发货", "【系统】买家已进入会话",
    "【物流通知】{tracking} 已签收", "【订单通知】订单 {order} 已申请退款",
)
HARASSMENT_TEXTS: Final = (
    "亲，在吗？", "亲，看到了回一下", "亲 上新了 来看看", "亲，给个好评呗", "亲 活动最后一天了", "亲？？", "亲 还要吗",
)
BREACH_TEMPLATES: Final[dict[str, tuple[str, ...]]] = {
    "outside_link": (
        "加我领券 weixin点com/{wx}", "去 t.cn/{code} 下单便宜{coupon}元", "淘宝搜 {wx}小店 更便宜",
        "www点{wx}点com 有现货", "别在这拍了 去 t.cn/{code}",
    ),
    "phone": ("有事打我电话 {phone_spaced}", "电话 {phone_cn_mixed}", "手机号：{phone_dashed}", "直接打 {phone_cn}"),
    "wechat": ("加v: {wx}", "加vx {wx} 发你优惠", "+微 {wx}", "薇信 {wx} 私聊", "v信{wx}"),
    "bank_card": ("直接转账到 {card_spaced} 便宜{coupon}", "卡号{card}，户名张三", "打款到 {card_spaced} 备注订单号"),
    "email": ("发邮件到 {mail_at}", "邮箱 {mail_fw}", "资料发 {mail} 就行"),
    "counterfeit": (
        "高仿的 质量很好", "精 仿 版本，和专柜一模一样", "A货 {price}元", "非正品但质量好", "复刻版 细节到位",
        "这是1:1复刻", "高 仿 包邮", "复印版 便宜",
    ),
    "abuse": ("傻逼", "你是sb吗 看不懂字？", "滚", "滚 别来烦我", "神经病吧你", "脑子有病"),
    "threat": ("小心点 我知道你住哪", "再给差评你等着", "信不信我找人收拾你"),
    "impersonation": (
        "我是平台客服，请按我说的操作退款", "平台官方保证 假一赔十", "【平台通知】您的账户异常，请加{wx}处理",
        "我们是平台官方合作，平台担保",
    ),
}
BREACH_CATEGORIES: Final = tuple(BREACH_TEMPLATES)
CARD_BINS: Final = ("622202", "621700", "622848", "622588", "621226", "436742")
BRANDS: Final = ("Swisse", "a2", "Blackmores", "SK-II", "Dyson", "Coach", "Kiehl's", "Aptamil")
PRODUCTS: Final = ("鱼油软胶囊", "奶粉3段", "护肝片", "神仙水230ml", "吹风机", "托特包", "高保湿面霜", "维生素C")
CITIES: Final = ("杭州转运中心", "上海", "广州", "北京分拨中心", "成都", "宁波保税区")
SIZES: Final = ("S", "M", "L", "XL", "38码", "40码")
CHINESE_DIGITS: Final = str.maketrans("0123456789", "零一二三四五六七八九")
TEMPLATE_VARIANTS: Final = 6  # variants of each template with placeholders, per day


# --------------------------------------------------------------------------------------------------
# Luhn
# --------------------------------------------------------------------------------------------------
def luhn_valid(digits: str) -> bool:
    """True if ``digits`` (ASCII digits only, at least 2) passes the Luhn check."""
    if len(digits) < 2 or not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    """Append the check digit that makes ``prefix`` + digit Luhn-valid."""
    if not (prefix.isascii() and prefix.isdigit()):
        raise ValueError(f"not a digit string: {prefix!r}")
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = ord(ch) - 48
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


# --------------------------------------------------------------------------------------------------
# Segment helpers (a "segment" = consecutive rows belonging to one conversation / round)
# --------------------------------------------------------------------------------------------------
def segment_offsets(counts: IntArray) -> IntArray:
    """Start row of each segment given segment lengths."""
    out = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=out[1:])
    return out


def positions_within(counts: IntArray) -> IntArray:
    """0-based position of each row inside its segment."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(segment_offsets(counts), counts)


def segment_cumsum(values: IntArray, counts: IntArray) -> IntArray:
    """Inclusive cumulative sum restarting at each segment (zero-length segments allowed)."""
    cs: IntArray = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
    out: IntArray = cs[1:] - np.repeat(cs[segment_offsets(counts)], counts)
    return out


def segment_sum(values: IntArray, counts: IntArray) -> IntArray:
    """Sum of each segment (zero for empty segments)."""
    cs: IntArray = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
    starts = segment_offsets(counts)
    out: IntArray = cs[starts + counts] - cs[starts]
    return out


def truncated_exponential(rng: np.random.Generator, scale: FloatArray, cap: float) -> FloatArray:
    """Exponential samples with the given scales, conditioned on being below ``cap``."""
    u = rng.random(len(scale))
    return -scale * np.log1p(-u * (1.0 - np.exp(-cap / scale)))


def categorical(rng: np.random.Generator, p: FloatArray, n: int) -> IntArray:
    """``n`` draws from 0..len(p)-1 with probabilities ``p``."""
    return np.searchsorted(np.cumsum(p), rng.random(n) * np.sum(p), side="right").astype(np.int64)


# --------------------------------------------------------------------------------------------------
# World: shops, profiles, accounts
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class World:
    """Per-shop truth and parameter arrays (index = shop number - 1)."""

    shop_names: list[str]
    reply_profiles: list[ReplyProfile]
    sat_profiles: list[SatisfactionProfile]
    weight: FloatArray
    n_accounts: IntArray
    account_offset: IntArray
    robot_account: IntArray  # -1: the shop has no robot
    account_names: list[str]
    user_pool: int
    first_month_key: int
    breaching: BoolArray  # shops whose merchant messages break the content rules (the others never do)

    @property
    def shops(self) -> int:
        return len(self.shop_names)

    def reply_param(self, attr: str) -> FloatArray:
        return np.array([float(getattr(p, attr)) for p in self.reply_profiles])

    def absent_from_ms(self) -> IntArray:
        return np.array([(p.absent_from_hour or 24) * HOUR_MS for p in self.reply_profiles], dtype=np.int64)

    def sat_cumulative(self) -> FloatArray:
        return np.array([np.cumsum(p.shares)[:2] for p in self.sat_profiles]).reshape(-1, 2)


def build_world(rng: np.random.Generator, shops: int, start: date, user_pool: int) -> World:
    """Assign profiles, traffic weights and accounts to shops."""
    names = [f"S{i + 1:03d}" for i in range(shops)]
    reply = [REPLY_PROFILES[REPLY_PROFILE_CYCLE[i % len(REPLY_PROFILE_CYCLE)]] for i in range(shops)]
    sat = [SATISFACTION_PROFILES[SATISFACTION_PROFILE_CYCLE[i % len(SATISFACTION_PROFILE_CYCLE)]] for i in range(shops)]
    reply = [reply[i] for i in rng.permutation(shops)]
    sat = [sat[i] for i in rng.permutation(shops)]
    weight = rng.lognormal(0.0, 0.5, shops)
    # conduct: two shops in five never break the content rules, so the demo has compliant shops too
    breaching = np.array([i % 5 not in CLEAN_CONDUCT_SLOTS for i in range(shops)], dtype=np.bool_)
    n_accounts = rng.integers(2, 5, shops).astype(np.int64)  # main + 1..3 sub-accounts
    has_robot = rng.random(shops) < 0.7
    account_names: list[str] = []
    offsets = np.zeros(shops, dtype=np.int64)
    robot = np.full(shops, -1, dtype=np.int64)
    for s, name in enumerate(names):
        offsets[s] = len(account_names)
        account_names += [f"{name}-main"] + [f"{name}-sub{k}" for k in range(1, int(n_accounts[s]))]
        if has_robot[s]:
            robot[s] = len(account_names)
            account_names.append(f"{name}-robot")
    return World(
        shop_names=names, reply_profiles=reply, sat_profiles=sat, weight=weight / weight.sum(),
        n_accounts=n_accounts, account_offset=offsets, robot_account=robot, account_names=account_names,
        user_pool=user_pool, first_month_key=start.year * 12 + start.month, breaching=breaching,
    )


def intended_reply_rate(profile: ReplyProfile) -> float:
    """Expected share of assessed (08:00-24:00) user messages answered by a merchant within 5 minutes."""
    if profile.absent_from_hour is None:
        return profile.p_in_time
    assessed = HOURLY_WEIGHTS[ASSESSED_FROM_HOUR:]
    present = HOURLY_WEIGHTS[ASSESSED_FROM_HOUR:profile.absent_from_hour]
    return profile.p_in_time * float(present.sum() / assessed.sum())


# --------------------------------------------------------------------------------------------------
# Content pool (rebuilt per day; messages only carry an index into it)
# --------------------------------------------------------------------------------------------------
@dataclass
class ContentPool:
    """The day's distinct content strings, grouped in named contiguous segments."""

    strings: list[str] = field(default_factory=list)
    segments: dict[str, tuple[int, int]] = field(default_factory=dict)
    breach_category: list[int] = field(default_factory=list)

    def add(self, name: str, texts: Sequence[str]) -> None:
        self.segments[name] = (len(self.strings), len(texts))
        self.strings.extend(texts)

    def sample(self, rng: np.random.Generator, name: str, n: int) -> IntArray:
        start, length = self.segments[name]
        return start + rng.integers(0, length, n)


def _digits(r: random.Random, n: int) -> str:
    return "".join(r.choice(string.digits) for _ in range(n))


def order_number(r: random.Random) -> str:
    """A 19-digit order number that is deliberately NOT Luhn-valid (a hard negative for card checks)."""
    s = r.choice("123456789") + _digits(r, 18)
    return s[:-1] + str((int(s[-1]) + 1) % 10) if luhn_valid(s) else s


def bank_card(r: random.Random) -> str:
    """A Luhn-valid 16- or 19-digit card number on a common Chinese BIN."""
    prefix = r.choice(CARD_BINS)
    length = r.choice((16, 19))
    return luhn_complete(prefix + _digits(r, length - 1 - len(prefix)))


def group4(s: str) -> str:
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def phone_number(r: random.Random) -> str:
    return "1" + r.choice("3456789") + _digits(r, 9)


PLACEHOLDER_FACTORIES: Final[dict[str, Callable[[random.Random], str]]] = {
    "order": order_number,
    "tracking": lambda r: r.choice(("SF", "YT", "JD", "ZTO")) + _digits(r, 12),
    "price": lambda r: f"{r.randint(9, 2999)}.{r.choice(('00', '90', '99', '50'))}",
    "height": lambda r: f"{r.randint(150, 190)}cm",
    "hour": lambda r: str(r.choice((14, 16, 17, 18))),
    "days": lambda r: str(r.randint(2, 12)),
    "coupon": lambda r: str(r.choice((5, 10, 20, 30, 50))),
    "size": lambda r: r.choice(SIZES),
    "city": lambda r: r.choice(CITIES),
    "brand": lambda r: r.choice(BRANDS),
    "product": lambda r: r.choice(PRODUCTS),
    "wx": lambda r: r.choice(("abc", "kf", "vip", "hk", "shop")) + _digits(r, r.randint(3, 6)),
    "code": lambda r: "".join(r.choice(string.ascii_letters + string.digits) for _ in range(r.randint(3, 7))),
    "card": bank_card,
    "card_spaced": lambda r: group4(bank_card(r)),
    "phone_spaced": lambda r: (lambda p: f"{p[:3]} {p[3:7]} {p[7:]}")(phone_number(r)),
    "phone_dashed": lambda r: (lambda p: f"{p[:3]}-{p[3:7]}-{p[7:]}")(phone_number(r)),
    "phone_cn": lambda r: phone_number(r).translate(CHINESE_DIGITS),
    "phone_cn_mixed": lambda r: (lambda p: f"{p[:3].translate(CHINESE_DIGITS)} {p[3:7]} {p[7:]}")(phone_number(r)),
    "mail": lambda r: f"kf{_digits(r, 4)}@qq.com",
    "mail_at": lambda r: f"kf{_digits(r, 4)} at {r.choice(('qq', '163', 'gmail'))} dot com",
    "mail_fw": lambda r: f"shop{_digits(r, 3)}＠163.com",
}


def fill_templates(r: random.Random, templates: Sequence[str], variants: int) -> list[str]:
    """Expand each template: constants once, templates with placeholders ``variants`` times (no repeats)."""
    out: list[str] = []
    formatter = string.Formatter()
    for tpl in templates:
        keys = [k for _, k, _, _ in formatter.parse(tpl) if k]
        if not keys:
            out.append(tpl)
            continue
        for _ in range(variants):
            out.append(tpl.format(**{k: PLACEHOLDER_FACTORIES[k](r) for k in keys}))
    return list(dict.fromkeys(out))


def build_content_pool(r: random.Random) -> ContentPool:
    """All content strings messages of one day can carry."""
    pool = ContentPool()
    pool.add("user_text", fill_templates(r, USER_TEXT_TEMPLATES, TEMPLATE_VARIANTS))
    pool.add("merchant_text", fill_templates(r, MERCHANT_TEXT_TEMPLATES, TEMPLATE_VARIANTS))
    pool.add("emoji", list(EMOJI_TEXTS))
    pool.add("product_card", fill_templates(r, PRODUCT_CARD_TEMPLATES, 4 * TEMPLATE_VARIANTS))
    pool.add("order_card", fill_templates(r, ORDER_CARD_TEMPLATES, 4 * TEMPLATE_VARIANTS))
    pool.add("robot", fill_templates(r, ROBOT_TEMPLATES, 2))
    pool.add("system", fill_templates(r, SYSTEM_TEMPLATES, 2 * TEMPLATE_VARIANTS))
    pool.add("harassment", list(HARASSMENT_TEXTS))
    breaches: list[str] = []
    for cat, templates in enumerate(BREACH_TEMPLATES.values()):
        texts = fill_templates(r, templates, 3)
        breaches += texts
        pool.breach_category += [cat] * len(texts)
    pool.add("breach", breaches)
    return pool


# --------------------------------------------------------------------------------------------------
# Column batches
# --------------------------------------------------------------------------------------------------
@dataclass
class MessageRows:
    """Messages as code arrays; -1 means null where a column is nullable."""

    shop: IntArray
    user: IntArray
    conv: IntArray
    role: IntArray
    account: IntArray
    mtype: IntArray
    content: IntArray
    time: IntArray
    id_num: IntArray
    id_null: BoolArray
    time_null: BoolArray

    def __len__(self) -> int:
        return len(self.time)

    def take(self, idx: IntArray) -> MessageRows:
        return MessageRows(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    def copy(self) -> MessageRows:
        return MessageRows(**{f.name: getattr(self, f.name).copy() for f in fields(self)})

    @staticmethod
    def concat(parts: Sequence[MessageRows]) -> MessageRows:
        return MessageRows(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(MessageRows)})


def message_rows(shop: IntArray, user: IntArray, conv: IntArray, role: int, account: IntArray,
                 mtype: IntArray, content: IntArray, time_ms: IntArray) -> MessageRows:
    n = len(time_ms)
    return MessageRows(
        shop=shop.astype(np.int64), user=user.astype(np.int64), conv=conv.astype(np.int64),
        role=np.full(n, role, dtype=np.int64), account=account.astype(np.int64), mtype=mtype.astype(np.int64),
        content=content.astype(np.int64), time=time_ms.astype(np.int64), id_num=np.zeros(n, dtype=np.int64),
        id_null=np.zeros(n, dtype=bool), time_null=np.zeros(n, dtype=bool),
    )


@dataclass
class RatingRows:
    """Ratings as code arrays; conv -1 means a null conversation_id."""

    shop: IntArray
    user: IntArray
    conv: IntArray
    value: IntArray
    source: IntArray
    time: IntArray

    def __len__(self) -> int:
        return len(self.time)

    def take(self, idx: IntArray | BoolArray) -> RatingRows:
        return RatingRows(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    @staticmethod
    def concat(parts: Sequence[RatingRows]) -> RatingRows:
        return RatingRows(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(RatingRows)})

    @staticmethod
    def empty() -> RatingRows:
        return RatingRows(*(np.zeros(0, dtype=np.int64) for _ in fields(RatingRows)))


# --------------------------------------------------------------------------------------------------
# One day of traffic
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DayInfo:
    index: int
    day: date
    start_ms: int  # UTC epoch ms of local midnight
    is_last_day: bool

    @property
    def end_ms(self) -> int:
        return self.start_ms + DAY_MS

    @property
    def month_key(self) -> int:
        return self.day.year * 12 + self.day.month

    @property
    def is_month_end(self) -> bool:
        return self.day.day == calendar.monthrange(self.day.year, self.day.month)[1]


def local_midnight_utc_ms(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() * 1000) - LOCAL_UTC_OFFSET_MS


@dataclass
class Conversations:
    shop: IntArray
    user: IntArray
    start: IntArray
    drawn: int  # conversations drawn from the Poisson rates (before follow-ups and month-end extras)

    def __len__(self) -> int:
        return len(self.start)


def draw_conversations(rng: np.random.Generator, world: World, day: DayInfo, lam: FloatArray,
                       *, month_end_traffic: bool) -> Conversations:
    """Conversation starts for one day, sorted by time: Poisson per shop, hourly shape, follow-ups."""
    counts = rng.poisson(lam)
    shop = np.repeat(np.arange(world.shops, dtype=np.int64), counts)
    n = len(shop)
    start = day.start_ms + categorical(rng, HOUR_P, n) * HOUR_MS + rng.integers(0, HOUR_MS, n)
    user = 1 + (world.user_pool * rng.random(n) ** 1.7).astype(np.int64)
    follow = rng.random(n) < FOLLOW_UP_SHARE
    f_start = start[follow] + rng.integers(20 * MINUTE_MS, 4 * HOUR_MS, int(follow.sum()))
    keep = f_start < day.end_ms
    parts_shop, parts_user, parts_start = [shop, shop[follow][keep]], [user, user[follow][keep]], [start, f_start[keep]]
    if month_end_traffic and day.is_month_end:  # a few conversations at 23:58-23:59 whose replies cross the month end
        k = max(8, n // 200)
        parts_shop.append(categorical(rng, world.weight, k))
        parts_user.append(1 + rng.integers(0, world.user_pool, k))
        parts_start.append(day.end_ms - rng.integers(2 * SECOND_MS, 90 * SECOND_MS, k))
    shop, user, start = (np.concatenate(p) for p in (parts_shop, parts_user, parts_start))
    order = np.argsort(start, kind="stable")
    return Conversations(shop=shop[order], user=user[order], start=start[order], drawn=n)


@dataclass
class DayTraffic:
    rows: MessageRows
    conv_shop: IntArray
    conv_user: IntArray
    conv_end: IntArray  # last message of each (regular) conversation
    harassment: list[dict[str, Any]]
    breaches: IntArray  # counts per breach category
    drawn_conversations: int


def draw_content(rng: np.random.Generator, pool: ContentPool, mtype: IntArray, text_segment: str) -> IntArray:
    """Content index per message given its type (images have none)."""
    n = len(mtype)
    content = np.full(n, -1, dtype=np.int64)
    for t, seg in ((T_TEXT, text_segment), (T_EMOJI, "emoji"), (T_PRODUCT, "product_card"), (T_ORDER, "order_card")):
        sel = np.flatnonzero(mtype == t)
        content[sel] = pool.sample(rng, seg, len(sel))
    return content


def simulate_rounds(rng: np.random.Generator, world: World, day: DayInfo, conv: Conversations,
                    conv_base: int, pool: ContentPool) -> tuple[MessageRows, MessageRows]:
    """User bursts and merchant replies of every conversation round; returns (user rows, merchant rows)."""
    nc = len(conv)
    n_rounds = np.minimum(rng.geometric(ROUNDS_GEOMETRIC_P, nc), MAX_ROUNDS).astype(np.int64)
    r_conv = np.repeat(np.arange(nc, dtype=np.int64), n_rounds)
    nr = len(r_conv)
    r_shop = conv.shop[r_conv]

    # user bursts: offsets from the round start
    burst = 1 + categorical(rng, BURST_P, nr)
    u_round = np.repeat(np.arange(nr, dtype=np.int64), burst)
    u_gap = np.where(positions_within(burst) == 0, 0, rng.integers(1_500, 25_000, len(u_round)))
    u_off = segment_cumsum(u_gap, burst)
    span = segment_sum(u_gap, burst)

    # reply latency (from the burst's first message), by shop profile, slower at night
    night = ((conv.start - day.start_ms) < ASSESSED_FROM_HOUR * HOUR_MS)[r_conv]
    p_in = world.reply_param("p_in_time")[r_shop] * np.where(night, NIGHT_IN_TIME_FACTOR, 1.0)
    p_never = world.reply_param("p_never")[r_shop] * np.where(night, NIGHT_NEVER_FACTOR, 1.0)
    u = rng.random(nr)
    never = (u >= p_in) & (u < p_in + p_never)
    in_time = u < p_in
    lat_in = 2_000 + truncated_exponential(rng, world.reply_param("in_time_mean_s")[r_shop] * 1000, 296_000.0)
    lat_late = REPLY_WINDOW_MS + 500 + rng.exponential(world.reply_param("late_mean_s")[r_shop] * 1000)
    latency = np.where(in_time, lat_in, lat_late).astype(np.int64)
    reply_off = np.maximum(latency, span + rng.integers(800, 4_000, nr))
    same_ms = rng.random(nr) < SAME_MS_SHARE
    reply_off = np.where(same_ms, span, reply_off)

    # merchant messages per round
    k = np.where(never, 0, 1 + categorical(rng, MERCHANT_BURST_P, nr))
    m_round = np.repeat(np.arange(nr, dtype=np.int64), k)
    m_gap = np.where(positions_within(k) == 0, 0, rng.integers(2_000, 40_000, len(m_round)))
    think = np.maximum(3_000, rng.lognormal(np.log(45_000), 1.0, nr)).astype(np.int64)
    duration = reply_off + segment_sum(m_gap, k) + think
    round_start = conv.start[r_conv] + segment_cumsum(duration, n_rounds) - duration

    # shops with a nobody-after-hours profile: replies falling off-hours wait until 08:00 the next morning
    # (the user keeps writing meanwhile, so the hourly shape of user messages is unchanged)
    absent_from = world.absent_from_ms()[r_shop]
    first_tod = (round_start + reply_off + LOCAL_UTC_OFFSET_MS) % DAY_MS
    local = round_start + reply_off + segment_sum(m_gap, k) + LOCAL_UTC_OFFSET_MS  # end of the reply block
    tod = local % DAY_MS
    eight = ASSESSED_FROM_HOUR * HOUR_MS
    off_hours = (tod >= absent_from) | (tod < eight) | (first_tod >= absent_from) | (first_tod < eight)
    deferred = off_hours & (absent_from < DAY_MS) & ~never
    morning = local - tod + np.where(tod >= eight, DAY_MS, 0) + eight
    deferred_abs = morning - LOCAL_UTC_OFFSET_MS + rng.integers(MINUTE_MS, 25 * MINUTE_MS, nr)
    reply_off = np.where(deferred, deferred_abs - round_start, reply_off)
    terminal = never.astype(np.int64)
    keep_round = (segment_cumsum(terminal, n_rounds) - terminal) == 0

    # user rows
    u_keep = keep_round[u_round]
    ur = u_round[u_keep]
    u_conv = r_conv[ur]
    u_type = categorical(rng, USER_TYPE_P, len(ur))
    users = message_rows(
        conv.shop[u_conv], conv.user[u_conv], conv_base + u_conv, ROLE_USER, np.full(len(ur), -1),
        u_type, draw_content(rng, pool, u_type, "user_text"), round_start[ur] + u_off[u_keep],
    )

    # merchant rows: the conversation's agent, sometimes another sub-account
    agent = (rng.random(nc) * world.n_accounts[conv.shop]).astype(np.int64)
    other = (rng.random(nr) * world.n_accounts[r_shop]).astype(np.int64)
    r_agent = np.where(rng.random(nr) < ACCOUNT_SWITCH_SHARE, other, agent[r_conv])
    m_keep = keep_round[m_round]
    mr = m_round[m_keep]
    m_conv = r_conv[mr]
    m_type = categorical(rng, MERCHANT_TYPE_P, len(mr))
    m_time = round_start[mr] + reply_off[mr] + segment_cumsum(m_gap, k)[m_keep]
    merchants = message_rows(
        conv.shop[m_conv], conv.user[m_conv], conv_base + m_conv, ROLE_MERCHANT,
        world.account_offset[conv.shop[m_conv]] + r_agent[mr], m_type,
        draw_content(rng, pool, m_type, "merchant_text"), m_time,
    )
    return users, merchants


def simulate_robot_and_system(rng: np.random.Generator, world: World, conv: Conversations, conv_base: int,
                              pool: ContentPool) -> list[MessageRows]:
    """Robot auto-replies a second or two after a conversation opens, and order notices."""
    nc = len(conv)
    ids = np.arange(nc, dtype=np.int64)
    robot = (world.robot_account[conv.shop] >= 0) & (rng.random(nc) < ROBOT_SHARE)
    rb = ids[robot]
    robots = message_rows(
        conv.shop[rb], conv.user[rb], conv_base + rb, ROLE_ROBOT, world.robot_account[conv.shop[rb]],
        np.full(len(rb), T_TEXT), pool.sample(rng, "robot", len(rb)),
        conv.start[rb] + rng.integers(300, 2_500, len(rb)),
    )
    sy = ids[rng.random(nc) < SYSTEM_SHARE]
    systems = message_rows(
        conv.shop[sy], conv.user[sy], conv_base + sy, ROLE_SYSTEM, np.full(len(sy), -1),
        np.full(len(sy), T_SYSTEM), pool.sample(rng, "system", len(sy)),
        conv.start[sy] + rng.integers(5 * SECOND_MS, 15 * MINUTE_MS, len(sy)),
    )
    return [robots, systems]


def simulate_harassment(rng: np.random.Generator, world: World, day: DayInfo, conv_base: int,
                        user_base: int, pool: ContentPool) -> tuple[MessageRows, list[dict[str, Any]]]:
    """A shop messaging one user 6+ times in a day with no user message in between."""
    episodes = int(rng.poisson(0.05 * max(1.0, world.shops / 10))) + (1 if day.index % 7 == 0 else 0)
    breaching_weight = world.weight * world.breaching
    shop = categorical(rng, breaching_weight / breaching_weight.sum(), episodes)
    user = user_base + np.arange(episodes, dtype=np.int64)
    k = rng.integers(6, 10, episodes).astype(np.int64)
    e = np.repeat(np.arange(episodes, dtype=np.int64), k)
    gaps = rng.integers(5 * MINUTE_MS, 60 * MINUTE_MS, len(e))  # 10:00-20:00, so absent-at-night shops stay absent
    t = day.start_ms + 10 * HOUR_MS + np.repeat(rng.integers(0, HOUR_MS, episodes), k) + segment_cumsum(gaps, k)
    rows = message_rows(
        shop[e], user[e], conv_base + e, ROLE_MERCHANT, world.account_offset[shop[e]], np.full(len(e), T_TEXT),
        pool.sample(rng, "harassment", len(e)), t,
    )
    info = [
        {"date": day.day.isoformat(), "shop_id": world.shop_names[int(shop[i])], "user_id": f"U{int(user[i]):07d}",
         "messages": int(k[i])}
        for i in range(episodes)
    ]
    return rows, info


def inject_breaches(
    rng: np.random.Generator, world: World, rows: MessageRows, pool: ContentPool, *, guarantee: bool
) -> IntArray:
    """Replace a few merchant texts of breaching shops with rule breaches; returns counts per category."""
    cand = np.flatnonzero((rows.role == ROLE_MERCHANT) & (rows.mtype == T_TEXT) & world.breaching[rows.shop])
    count = int(rng.binomial(len(cand), BREACH_RATE))
    if guarantee:
        count = max(count, len(BREACH_CATEGORIES))
    count = min(count, len(cand))
    chosen = rng.choice(cand, count, replace=False)
    start, length = pool.segments["breach"]
    pick = rng.integers(0, length, count)
    category = np.asarray(pool.breach_category, dtype=np.int64)
    if guarantee:  # one breach of every category on the first day, so small demos show all of them
        firsts = np.searchsorted(category, np.arange(len(BREACH_CATEGORIES)))
        m = min(count, len(firsts))
        pick[:m] = firsts[:m]
    rows.content[chosen] = start + pick
    return np.bincount(category[pick], minlength=len(BREACH_CATEGORIES)).astype(np.int64)


def simulate_day(rng: np.random.Generator, world: World, day: DayInfo, lam: FloatArray, conv_base: int,
                 harassment_user_base: int, pool: ContentPool, *, extras: bool) -> DayTraffic:
    """All messages of the conversations started on ``day`` (unsorted, ids not yet assigned)."""
    conv = draw_conversations(rng, world, day, lam, month_end_traffic=extras)
    users, merchants = simulate_rounds(rng, world, day, conv, conv_base, pool)
    parts = [users, merchants, *simulate_robot_and_system(rng, world, conv, conv_base, pool)]
    harassment: list[dict[str, Any]] = []
    if extras:
        h_rows, harassment = simulate_harassment(rng, world, day, conv_base + len(conv), harassment_user_base, pool)
        parts.append(h_rows)
    rows = MessageRows.concat(parts)
    breaches = inject_breaches(rng, world, rows, pool, guarantee=extras and day.index == 0)
    conv_end = conv.start.copy()
    talk = len(users) + len(merchants)
    np.maximum.at(conv_end, rows.conv[:talk] - conv_base, rows.time[:talk])
    return DayTraffic(rows, conv.shop, conv.user, conv_end, harassment, breaches, conv.drawn)


# --------------------------------------------------------------------------------------------------
# Ratings
# --------------------------------------------------------------------------------------------------
def draw_ratings(rng: np.random.Generator, world: World, day: DayInfo, traffic: DayTraffic,
                 conv_base: int) -> RatingRows:
    """Ratings (and some later re-ratings) for the day's conversations, per satisfaction profile."""
    nc = len(traffic.conv_end)
    shop = traffic.conv_shop
    rate = np.array([p.rating_rate for p in world.sat_profiles])[shop]
    if day.month_key == world.first_month_key:
        rate = rate * ~np.array([p.quiet_first_month for p in world.sat_profiles])[shop]
    rated = np.flatnonzero(rng.random(nc) < rate)
    n = len(rated)
    r_shop = shop[rated]
    source = categorical(rng, SOURCE_P, n)
    delay = np.select(
        [source == 0, source == 1],
        [5 * SECOND_MS + rng.exponential(10 * MINUTE_MS, n), rng.uniform(30 * SECOND_MS, 30 * MINUTE_MS, n)],
        rng.uniform(HOUR_MS, 48 * HOUR_MS, n),
    ).astype(np.int64)
    cum = world.sat_cumulative()
    value = satisfaction_values(rng, cum[r_shop])
    conv_id = np.where(rng.random(n) < NULL_CONVERSATION_RATING_SHARE, -1, conv_base + rated)
    first = RatingRows(r_shop, traffic.conv_user[rated], conv_id, value, source, traffic.conv_end[rated] + delay)
    again = np.flatnonzero((rng.random(n) < RE_RATING_SHARE) & (conv_id >= 0))
    second = first.take(again)
    second.time = second.time + rng.integers(HOUR_MS, 6 * DAY_MS, len(again))
    second.value = satisfaction_values(rng, cum[second.shop])
    return RatingRows.concat([first, second])


def satisfaction_values(rng: np.random.Generator, cum: FloatArray) -> IntArray:
    """0 satisfied / 1 neutral / 2 disappointed given per-row cumulative (satisfied, +neutral) shares."""
    u = rng.random(len(cum))
    return (u >= cum[:, 0]).astype(np.int64) + (u >= cum[:, 1]).astype(np.int64)


# --------------------------------------------------------------------------------------------------
# Dirty rows
# --------------------------------------------------------------------------------------------------
def dirty_counts(rng: np.random.Generator, n: int, rate: float, kinds: int, *, at_least_one: bool) -> IntArray:
    counts = rng.poisson(n * rate / kinds, kinds).astype(np.int64)
    if at_least_one and rate > 0:
        counts = np.maximum(counts, 1)
    scale = min(1.0, (n // 2) / max(1, int(counts.sum())))  # never dirty more than half of a tiny day
    return (counts * scale).astype(np.int64)


def make_messages_dirty(rng: np.random.Generator, rows: MessageRows, pool: ContentPool, rate: float,
                        protected: BoolArray, *, first_day: bool,
                        last_day: bool) -> tuple[MessageRows, MessageRows, dict[str, int]]:
    """Mutate/duplicate a few unprotected rows in place.

    Returns (rows incl. same-file extras, next-file duplicates, counts per dirty kind).
    """
    candidates = np.flatnonzero(~protected)
    counts = dirty_counts(rng, len(candidates), rate, len(MESSAGE_DIRTY_KINDS), at_least_one=first_day)
    if last_day:
        counts[MESSAGE_DIRTY_KINDS.index("exact_duplicate_next_file")] = 0
    picked = rng.choice(candidates, int(counts.sum()), replace=False)
    groups = dict(zip(MESSAGE_DIRTY_KINDS, np.split(picked, np.cumsum(counts)[:-1]), strict=True))
    same_dup = rows.take(groups["exact_duplicate_same_file"])
    next_dup = rows.take(groups["exact_duplicate_next_file"])
    conflict = rows.take(groups["conflicting_message_id"])
    start, length = pool.segments["merchant_text"]
    new = start + rng.integers(0, length, len(conflict))
    conflict.content = np.where(new == conflict.content, start + (new - start + 1) % length, new)
    conflict.mtype[:] = T_TEXT
    rows.id_null[groups["null_message_id"]] = True
    rows.shop[groups["null_shop_id"]] = -1
    rows.user[groups["null_user_id"]] = -1
    rows.time_null[groups["null_sent_at_ms"]] = True
    rows.role[groups["unknown_sender_role"]] = ROLE_UNKNOWN
    rows.role[groups["chinese_sender_role"]] += ROLE_CHINESE_OFFSET
    rows.role[groups["messy_sender_role"]] += ROLE_MESSY_OFFSET
    merged = MessageRows.concat([rows, same_dup, conflict])
    order = np.argsort(merged.time, kind="stable")  # extras land right next to their original
    return merged.take(order), next_dup, {k: int(c) for k, c in zip(MESSAGE_DIRTY_KINDS, counts, strict=True)}


def make_ratings_dirty(rng: np.random.Generator, rows: RatingRows, rate: float, *,
                       first_day: bool) -> dict[str, int]:
    """Unknown rating/source labels and Chinese rating labels, in place."""
    counts = dirty_counts(rng, len(rows), rate, len(RATING_DIRTY_KINDS), at_least_one=first_day and len(rows) >= 6)
    picked = rng.choice(len(rows), int(counts.sum()), replace=False)
    unknown, source, chinese = np.split(picked, np.cumsum(counts)[:-1])
    rows.value[unknown] = RATING_UNKNOWN
    rows.source[source] = SOURCE_UNKNOWN
    rows.value[chinese] += RATING_CHINESE_OFFSET
    return {k: int(c) for k, c in zip(RATING_DIRTY_KINDS, counts, strict=True)}


# --------------------------------------------------------------------------------------------------
# Arrow conversion
# --------------------------------------------------------------------------------------------------
def fixed_width_ids(prefix: str, numbers: IntArray, width: int, valid: BoolArray | None = None) -> pa.Array:
    """``prefix`` + zero-padded ``numbers`` as an Arrow string array, built straight from byte buffers."""
    n = len(numbers)
    head = prefix.encode()
    w = len(head) + width
    buf = np.empty((n, w), dtype=np.uint8)
    buf[:, :len(head)] = np.frombuffer(head, dtype=np.uint8)
    rem = np.maximum(numbers.astype(np.int64), 0)
    for col in range(w - 1, len(head) - 1, -1):
        buf[:, col] = rem % 10 + 48
        rem //= 10
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int32)
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf.reshape(-1)), bitmap)


def lookup(table: pa.Array, codes: IntArray) -> pa.Array:
    """``table[codes]`` with -1 as null."""
    return table.take(pa.array(codes.astype(np.int32), mask=codes < 0))


def messages_table(rows: MessageRows, world: World, pool: ContentPool) -> pa.Table:
    return pa.Table.from_arrays([
        fixed_width_ids("m", rows.id_num, 10, ~rows.id_null),
        fixed_width_ids("c", rows.conv, 9),
        lookup(pa.array(world.shop_names, pa.string()), rows.shop),
        fixed_width_ids("U", rows.user, 7, rows.user >= 0),
        lookup(pa.array(ROLE_LABELS, pa.string()), rows.role),
        lookup(pa.array(world.account_names, pa.string()), rows.account),
        lookup(pa.array(MSG_TYPES, pa.string()), rows.mtype),
        lookup(pa.array(pool.strings, pa.string()), rows.content),
        pa.array(rows.time, pa.int64(), mask=rows.time_null),
    ], schema=MESSAGES_SCHEMA)


def ratings_table(rows: RatingRows, id_base: int, world: World) -> pa.Table:
    n = len(rows)
    return pa.Table.from_arrays([
        fixed_width_ids("r", id_base + np.arange(n, dtype=np.int64), 9),
        lookup(pa.array(world.shop_names, pa.string()), rows.shop),
        fixed_width_ids("U", rows.user, 7),
        fixed_width_ids("c", rows.conv, 9, rows.conv >= 0),
        lookup(pa.array(RATING_LABELS, pa.string()), rows.value),
        lookup(pa.array(SOURCE_LABELS, pa.string()), rows.source),
        pa.array(rows.time, pa.int64()),
    ], schema=RATINGS_SCHEMA)


def write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **PARQUET_OPTIONS)


# --------------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    """What a run wrote (or found)."""

    out_dir: Path
    messages: int
    ratings: int
    seconds: float
    kept_existing: bool = False

    @property
    def messages_per_second(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        if self.kept_existing:
            return (f"{self.out_dir} already has demo data ({self.out_dir / 'manifest.json'}); "
                    "kept it (use --force to regenerate)")
        return (f"wrote {self.messages:,} messages and {self.ratings:,} ratings in {self.seconds:.1f} s "
                f"({self.messages_per_second / 1000:.0f}k msg/s) to {self.out_dir}")


def day_infos(start: date, days: int) -> list[DayInfo]:
    return [
        DayInfo(i, start + timedelta(days=i), local_midnight_utc_ms(start + timedelta(days=i)), i == days - 1)
        for i in range(days)
    ]


def messages_per_conversation(seed: int, world: World, start: date) -> float:
    """Pilot simulation (own seed stream) measuring messages per drawn conversation, to hit --messages."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 0xCA11B])))
    day = DayInfo(0, start, local_midnight_utc_ms(start), False)
    pilot_conversations = 50_000
    traffic = simulate_day(rng, world, day, world.weight * pilot_conversations, 0, 0,
                           build_content_pool(random.Random(seed)), extras=False)
    return len(traffic.rows) / max(1, traffic.drawn_conversations)


def daily_conversation_rates(world: World, infos: Sequence[DayInfo], target_messages: int,
                             per_conversation: float) -> list[FloatArray]:
    """Expected conversations per shop for each day (weekday shape, total ~= target)."""
    factor = np.array([WEEKDAY_FACTOR[d.day.weekday()] for d in infos])
    per_day = target_messages / per_conversation * factor / factor.sum()
    return [world.weight * x for x in per_day]


def prepare_out_dir(out_dir: Path, force: bool) -> bool:
    """Return False if existing data must be kept; otherwise clear previous outputs."""
    if (out_dir / "manifest.json").exists() and not force:
        return False
    for sub in ("messages", "ratings"):
        if (out_dir / sub).is_dir():
            shutil.rmtree(out_dir / sub)
    (out_dir / "manifest.json").unlink(missing_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    return True


@dataclass
class RunState:
    """Counters carried from day to day."""

    conv_next: int = 1
    message_next: int = 1
    rating_next: int = 1
    harassment_user_next: int = 0
    pending: RatingRows = field(default_factory=RatingRows.empty)
    carry: pa.Table | None = None
    files: dict[str, dict[str, int]] = field(default_factory=dict)
    dirty_messages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MESSAGE_DIRTY_KINDS, 0))
    dirty_ratings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RATING_DIRTY_KINDS, 0))
    breaches: IntArray = field(default_factory=lambda: np.zeros(len(BREACH_CATEGORIES), dtype=np.int64))
    harassment: list[dict[str, Any]] = field(default_factory=list)
    messages: int = 0
    ratings: int = 0


def add_counts(total: dict[str, int], new: dict[str, int]) -> None:
    for k, v in new.items():
        total[k] += v


def run_day(out_dir: Path, world: World, day: DayInfo, lam: FloatArray, seq: np.random.SeedSequence,
            dirty_rate: float, state: RunState) -> None:
    """Simulate, dirty, and write one day of messages plus the ratings given that day."""
    rng = np.random.Generator(np.random.PCG64(seq))
    pool = build_content_pool(random.Random(int(rng.integers(0, 2**63))))
    conv_base = state.conv_next
    traffic = simulate_day(rng, world, day, lam, conv_base,
                           world.user_pool + 1 + state.harassment_user_next, pool, extras=True)
    state.conv_next += len(traffic.conv_end) + len(traffic.harassment)
    state.harassment_user_next += len(traffic.harassment)
    state.harassment += traffic.harassment
    state.breaches += traffic.breaches

    rows = traffic.rows.take(np.argsort(traffic.rows.time, kind="stable"))
    rows.id_num = state.message_next + np.arange(len(rows), dtype=np.int64)
    state.message_next += len(rows)
    harassment_rows = rows.conv >= conv_base + len(traffic.conv_end)  # keep the manifest's episodes exact
    rows, next_dup, dirty = make_messages_dirty(rng, rows, pool, dirty_rate, harassment_rows,
                                                first_day=day.index == 0, last_day=day.is_last_day)
    add_counts(state.dirty_messages, dirty)
    table = messages_table(rows, world, pool)
    if state.carry is not None:
        table = pa.concat_tables([table, state.carry])
    state.carry = messages_table(next_dup, world, pool) if len(next_dup) else None
    write_parquet(table, out_dir / "messages" / f"{day.day.isoformat()}.parquet")

    ratings = RatingRows.concat([state.pending, draw_ratings(rng, world, day, traffic, conv_base)])
    due = ratings.time < day.end_ms
    today = ratings.take(np.flatnonzero(due))
    state.pending = ratings.take(np.flatnonzero(~due))
    today = today.take(np.argsort(today.time, kind="stable"))
    add_counts(state.dirty_ratings, make_ratings_dirty(rng, today, dirty_rate, first_day=day.index == 0))
    write_parquet(ratings_table(today, state.rating_next, world),
                  out_dir / "ratings" / f"{day.day.isoformat()}.parquet")
    state.rating_next += len(today)
    state.messages += table.num_rows
    state.ratings += len(today)
    state.files[day.day.isoformat()] = {"messages": table.num_rows, "ratings": len(today)}


def shop_accounts(world: World, s: int) -> list[str]:
    """The human accounts (main + sub-accounts) of shop number ``s``."""
    first = int(world.account_offset[s])
    return world.account_names[first:first + int(world.n_accounts[s])]


def build_manifest(world: World, args: dict[str, Any], target: int, state: RunState) -> dict[str, Any]:
    return {
        "generator": "cs_tools.generate_demo_data",
        "seed": args["seed"],
        "args": args,
        "target_messages": target,
        "timezone": "Asia/Shanghai (fixed UTC+08:00)",
        "window": {"start": args["start"],
                   "end_exclusive": (date.fromisoformat(args["start"]) + timedelta(days=args["days"])).isoformat()},
        "counts": {"messages": state.messages, "ratings": state.ratings, "conversations": state.conv_next - 1},
        "files": state.files,
        "shops": {
            name: {
                "reply_profile": world.reply_profiles[s].name,
                "intended_reply_within_5min": round(intended_reply_rate(world.reply_profiles[s]), 4),
                "satisfaction_profile": world.sat_profiles[s].name,
                "intended_satisfied_share": world.sat_profiles[s].shares[0],
                "no_ratings_in_first_month": world.sat_profiles[s].quiet_first_month,
                "accounts": shop_accounts(world, s),
                "robot_account": (world.account_names[int(world.robot_account[s])]
                                  if world.robot_account[s] >= 0 else None),
                "traffic_share": round(float(world.weight[s]), 4),
                "conduct_profile": "breaching" if world.breaching[s] else "clean",
            }
            for s, name in enumerate(world.shop_names)
        },
        "reply_profiles": {k: vars(v) for k, v in REPLY_PROFILES.items()},
        "satisfaction_profiles": {k: {**vars(v), "shares": list(v.shares)} for k, v in SATISFACTION_PROFILES.items()},
        "dirty": {"messages": state.dirty_messages, "ratings": state.dirty_ratings},
        "breaches": {"rate": BREACH_RATE,
                     "by_category": dict(zip(BREACH_CATEGORIES, map(int, state.breaches), strict=True))},
        "harassment": state.harassment,
    }


def generate(out_dir: Path, *, seed: int = 42, shops: int = 30, days: int = 61, start: date = date(2026, 9, 1),
             messages: int | None = None, dirty_rate: float = 0.002, force: bool = False) -> Summary:
    """Generate the demo data set into ``out_dir``; returns counts and timing."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    if shops < 1 or days < 1 or not 0 <= dirty_rate < 0.5:
        raise ValueError("need shops >= 1, days >= 1 and 0 <= dirty_rate < 0.5")
    if not prepare_out_dir(out_dir, force):
        return Summary(out_dir, 0, 0, 0.0, kept_existing=True)
    target = messages if messages is not None else DEFAULT_MESSAGES_PER_SHOP_DAY * shops * days
    root = np.random.SeedSequence(seed)
    world_seq, *day_seqs = root.spawn(days + 1)
    per_conv_guess = 7.5
    user_pool = int(min(MAX_USER_POOL, max(200, target / per_conv_guess / 2.5)))
    world = build_world(np.random.Generator(np.random.PCG64(world_seq)), shops, start, user_pool)
    infos = day_infos(start, days)
    lams = daily_conversation_rates(world, infos, target, messages_per_conversation(seed, world, start))
    state = RunState()
    for info, lam, seq in zip(infos, lams, day_seqs, strict=True):
        run_day(out_dir, world, info, lam, seq, dirty_rate, state)
    args = {"seed": seed, "shops": shops, "days": days, "start": start.isoformat(), "messages": messages,
            "dirty_rate": dirty_rate}
    manifest = build_manifest(world, args, target, state)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return Summary(out_dir, state.messages, state.ratings, time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m cs_tools.generate_demo_data", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--shops", type=int, default=30)
    p.add_argument("--days", type=int, default=61)
    p.add_argument("--start", type=date.fromisoformat, default=date(2026, 9, 1), help="first local day (YYYY-MM-DD)")
    p.add_argument("--messages", type=int, default=None,
                   help=f"approximate total messages (default {DEFAULT_MESSAGES_PER_SHOP_DAY} per shop per day)")
    p.add_argument("--dirty-rate", type=float, default=0.002, help="share of deliberately dirty rows")
    p.add_argument("--force", action="store_true", help="regenerate even if OUT already has data")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    a = parse_args(argv)
    summary = generate(a.out, seed=a.seed, shops=a.shops, days=a.days, start=a.start, messages=a.messages,
                       dirty_rate=a.dirty_rate, force=a.force)
    print(summary.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
