"""The world: shops, their profiles, traffic weights and accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from cs_devtools.demo_data.arrays import BoolArray, FloatArray, IntArray
from cs_devtools.demo_data.profiles import (
    CLEAN_CONDUCT_SLOTS,
    REPLY_PROFILE_CYCLE,
    REPLY_PROFILES,
    SATISFACTION_PROFILE_CYCLE,
    SATISFACTION_PROFILES,
    ReplyProfile,
    SatisfactionProfile,
)
from cs_devtools.demo_data.timeline import HOUR_MS


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
    automation_shop: int  # 2.11: the shop one of whose accounts a bot operates
    automation_account: int  # index of that account in account_names (a sub-account name, like a human's)

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
    # 2.11: the first shop with the fast reply profile gets a bot-operated sub-account (no random draw)
    automation_shop = next((s for s, p in enumerate(reply) if p.name == "fast"), 0)
    automation_account = len(account_names)
    account_names.append(f"{names[automation_shop]}-sub9")
    return World(
        shop_names=names, reply_profiles=reply, sat_profiles=sat, weight=weight / weight.sum(),
        n_accounts=n_accounts, account_offset=offsets, robot_account=robot, account_names=account_names,
        user_pool=user_pool, first_month_key=start.year * 12 + start.month, breaching=breaching,
        automation_shop=automation_shop, automation_account=automation_account,
    )


def shop_accounts(world: World, s: int) -> list[str]:
    """The human accounts (main + sub-accounts) of shop number ``s``."""
    first = int(world.account_offset[s])
    return world.account_names[first:first + int(world.n_accounts[s])]
