"""One day of traffic: conversation starts, rounds of user bursts and merchant replies, robot and system
messages, harassment episodes and content-rule breaches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cs_devtools.demo_data.arrays import (
    FloatArray,
    IntArray,
    categorical,
    positions_within,
    segment_cumsum,
    segment_sum,
    truncated_exponential,
)
from cs_devtools.demo_data.content import BREACH_CATEGORIES, ContentPool
from cs_devtools.demo_data.profiles import (
    ACCOUNT_SWITCH_SHARE,
    AUTOMATION_BROADCAST_GAP_MS,
    AUTOMATION_BROADCAST_HOUR,
    AUTOMATION_BROADCAST_USER_BASE,
    AUTOMATION_BROADCAST_USERS,
    AUTOMATION_CONVERSATIONS_PER_HOUR,
    AUTOMATION_REPLY_MS,
    BREACH_RATE,
    BURST_P,
    FOLLOW_UP_SHARE,
    MAX_ROUNDS,
    MERCHANT_BURST_P,
    MERCHANT_TYPE_P,
    NIGHT_IN_TIME_FACTOR,
    NIGHT_NEVER_FACTOR,
    ROBOT_SHARE,
    ROUNDS_GEOMETRIC_P,
    SAME_MS_SHARE,
    SYSTEM_SHARE,
    USER_TYPE_P,
)
from cs_devtools.demo_data.rows import MessageRows, message_rows
from cs_devtools.demo_data.schema import (
    ROLE_MERCHANT,
    ROLE_ROBOT,
    ROLE_SYSTEM,
    ROLE_USER,
    T_EMOJI,
    T_ORDER,
    T_PRODUCT,
    T_SYSTEM,
    T_TEXT,
)
from cs_devtools.demo_data.timeline import (
    ASSESSED_FROM_HOUR,
    DAY_MS,
    HOUR_MS,
    HOUR_P,
    LOCAL_UTC_OFFSET_MS,
    MINUTE_MS,
    REPLY_WINDOW_MS,
    SECOND_MS,
    DayInfo,
)
from cs_devtools.demo_data.world import World


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


def simulate_automation(rng: np.random.Generator, world: World, day: DayInfo, conv_base: int,
                        pool: ContentPool) -> MessageRows:
    """2.11: the bot-operated account's day. Every hour, night included, a user writes and the bot answers
    in about a second with the same long text; at 15:00 it sends one text to a batch of users who never
    wrote to the shop (2.6 cold outreach), within minutes. Conversations are numbered from ``conv_base``;
    uses its own random stream."""
    shop, account = world.automation_shop, world.automation_account
    n = 24 * AUTOMATION_CONVERSATIONS_PER_HOUR
    start = day.start_ms + np.arange(n, dtype=np.int64) * HOUR_MS // AUTOMATION_CONVERSATIONS_PER_HOUR
    start = start + rng.integers(0, 50 * MINUTE_MS, n)
    users = 1 + rng.integers(0, world.user_pool, n)
    conv = conv_base + np.arange(n, dtype=np.int64)
    reply_text, broadcast_text = pool.segments["automation"][0], pool.segments["automation"][0] + 1
    asked = message_rows(
        np.full(n, shop), users, conv, ROLE_USER, np.full(n, -1), np.full(n, T_TEXT),
        pool.sample(rng, "user_text", n), start,
    )
    answered = message_rows(
        np.full(n, shop), users, conv, ROLE_MERCHANT, np.full(n, account), np.full(n, T_TEXT),
        np.full(n, reply_text), start + rng.integers(*AUTOMATION_REPLY_MS, n),
    )
    k = AUTOMATION_BROADCAST_USERS
    broadcast = message_rows(
        np.full(k, shop), AUTOMATION_BROADCAST_USER_BASE + day.index * k + np.arange(k, dtype=np.int64),
        conv_base + n + np.arange(k, dtype=np.int64),
        ROLE_MERCHANT, np.full(k, account), np.full(k, T_TEXT), np.full(k, broadcast_text),
        day.start_ms + AUTOMATION_BROADCAST_HOUR * HOUR_MS + np.arange(k, dtype=np.int64) * AUTOMATION_BROADCAST_GAP_MS,
    )
    return MessageRows.concat([asked, answered, broadcast])
