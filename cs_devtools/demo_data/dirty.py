"""Deliberately dirty rows: duplicates, conflicting ids, nulls and unknown / Chinese / messy labels."""

from __future__ import annotations

import numpy as np

from cs_devtools.demo_data.arrays import BoolArray, IntArray
from cs_devtools.demo_data.content import ContentPool
from cs_devtools.demo_data.rows import MessageRows, RatingRows
from cs_devtools.demo_data.schema import (
    MESSAGE_DIRTY_KINDS,
    RATING_CHINESE_OFFSET,
    RATING_DIRTY_KINDS,
    RATING_UNKNOWN,
    ROLE_CHINESE_OFFSET,
    ROLE_MESSY_OFFSET,
    ROLE_UNKNOWN,
    SOURCE_UNKNOWN,
    T_TEXT,
)


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
