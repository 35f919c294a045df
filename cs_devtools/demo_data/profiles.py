"""Simulation parameters: the conversation shape, and the reply-speed and satisfaction profiles that
shops are given so that some pass the 80 % rules and some fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from cs_devtools.demo_data.timeline import ASSESSED_FROM_HOUR, HOURLY_WEIGHTS

# Conversation shape
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
MAX_USER_POOL: Final = 9_000_000  # U + 7 digits, the rest is reserved: harassment targets, then from
# AUTOMATION_BROADCAST_USER_BASE the bot's broadcast targets

# 2.11 suspected automation: one account of the first "fast" shop is operated by a bot (a plug-in on the
# tool). Around the clock it answers conversations of its own in about a second with one long text, and
# once a day it sends the same text to a batch of users within minutes. The shop's human accounts stay.
AUTOMATION_CONVERSATIONS_PER_HOUR: Final = 1  # every hour of the day, night included
AUTOMATION_REPLY_MS: Final = (900, 1_300)  # user message -> bot reply, uniform
AUTOMATION_BROADCAST_USERS: Final = 10
AUTOMATION_BROADCAST_GAP_MS: Final = 15_000
AUTOMATION_BROADCAST_HOUR: Final = 15
AUTOMATION_BROADCAST_USER_BASE: Final = 9_500_000  # strangers: users who never write (U + 7 digits, above the pool)
AUTOMATION_MESSAGES_PER_DAY: Final = 24 * AUTOMATION_CONVERSATIONS_PER_HOUR * 2 + AUTOMATION_BROADCAST_USERS

# message-type mix by schema.MSG_TYPES code, and rating-source mix by schema.SOURCE_LABELS code
USER_TYPE_P: Final = np.array([0.78, 0.10, 0.05, 0.04, 0.03, 0.0])
MERCHANT_TYPE_P: Final = np.array([0.84, 0.05, 0.03, 0.06, 0.02, 0.0])
SOURCE_P: Final = np.array([0.45, 0.35, 0.20])


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


def intended_reply_rate(profile: ReplyProfile) -> float:
    """Expected share of assessed (08:00-24:00) user messages answered by a merchant within 5 minutes."""
    if profile.absent_from_hour is None:
        return profile.p_in_time
    assessed = HOURLY_WEIGHTS[ASSESSED_FROM_HOUR:]
    present = HOURLY_WEIGHTS[ASSESSED_FROM_HOUR:profile.absent_from_hour]
    return profile.p_in_time * float(present.sum() / assessed.sum())
