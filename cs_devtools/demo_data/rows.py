"""Column batches: messages and ratings as code arrays (-1 means null where a column is nullable)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from cs_devtools.demo_data.arrays import BoolArray, IntArray


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
