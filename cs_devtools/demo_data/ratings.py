"""Satisfaction ratings of the day's conversations (and some later re-ratings)."""

from __future__ import annotations

import numpy as np

from cs_devtools.demo_data.arrays import FloatArray, IntArray, categorical
from cs_devtools.demo_data.profiles import NULL_CONVERSATION_RATING_SHARE, RE_RATING_SHARE, SOURCE_P
from cs_devtools.demo_data.rows import RatingRows
from cs_devtools.demo_data.simulate import DayTraffic
from cs_devtools.demo_data.timeline import DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, DayInfo
from cs_devtools.demo_data.world import World


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
