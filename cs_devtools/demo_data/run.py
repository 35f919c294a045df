"""Orchestration: the world, the daily rates, day after day (simulate, dirty, write), and the manifest."""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from cs_devtools.demo_data.arrays import FloatArray, IntArray
from cs_devtools.demo_data.content import BREACH_CATEGORIES, build_content_pool
from cs_devtools.demo_data.dirty import make_messages_dirty, make_ratings_dirty
from cs_devtools.demo_data.profiles import (
    AUTOMATION_MESSAGES_PER_DAY,
    BREACH_RATE,
    DEFAULT_MESSAGES_PER_SHOP_DAY,
    MAX_USER_POOL,
    REPLY_PROFILES,
    SATISFACTION_PROFILES,
    intended_reply_rate,
)
from cs_devtools.demo_data.ratings import draw_ratings
from cs_devtools.demo_data.rows import RatingRows
from cs_devtools.demo_data.schema import MESSAGE_DIRTY_KINDS, RATING_DIRTY_KINDS
from cs_devtools.demo_data.simulate import simulate_automation, simulate_day
from cs_devtools.demo_data.tables import messages_table, ratings_table, write_parquet
from cs_devtools.demo_data.timeline import WEEKDAY_FACTOR, DayInfo, day_infos, local_midnight_utc_ms
from cs_devtools.demo_data.world import World, build_world, shop_accounts


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
    automation_messages: int = 0
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
    # 2.11: the bot-operated account's messages, from their own random stream (the rest of the day is as
    # without it), clean, with the next conversation and message numbers
    bot_rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, 211))))
    bot = simulate_automation(bot_rng, world, day, state.conv_next, pool)
    bot = bot.take(np.argsort(bot.time, kind="stable"))
    bot.id_num = state.message_next + np.arange(len(bot), dtype=np.int64)
    state.message_next += len(bot)
    state.conv_next += int(bot.conv.max() - bot.conv.min() + 1)
    state.automation_messages += len(bot)
    table = pa.concat_tables([messages_table(rows, world, pool), messages_table(bot, world, pool)])
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


def build_manifest(world: World, args: dict[str, Any], target: int, state: RunState) -> dict[str, Any]:
    return {
        "generator": "cs_devtools.demo_data",
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
        "automation": {
            "shop_id": world.shop_names[world.automation_shop],
            "account_id": world.account_names[world.automation_account],
            "messages": state.automation_messages,
            "human_accounts_of_the_shop": shop_accounts(world, world.automation_shop),
        },
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
    simulated_target = max(target - AUTOMATION_MESSAGES_PER_DAY * days, target // 2)  # the bot's messages come on top
    lams = daily_conversation_rates(world, infos, simulated_target, messages_per_conversation(seed, world, start))
    state = RunState()
    for info, lam, seq in zip(infos, lams, day_seqs, strict=True):
        run_day(out_dir, world, info, lam, seq, dirty_rate, state)
    args = {"seed": seed, "shops": shops, "days": days, "start": start.isoformat(), "messages": messages,
            "dirty_rate": dirty_rate}
    manifest = build_manifest(world, args, target, state)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return Summary(out_dir, state.messages, state.ratings, time.perf_counter() - t0)
