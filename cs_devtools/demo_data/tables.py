"""Arrow conversion of the code arrays, and the Parquet writer (fixed options, no varying metadata)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cs_devtools.demo_data.arrays import BoolArray, IntArray
from cs_devtools.demo_data.content import ContentPool
from cs_devtools.demo_data.rows import MessageRows, RatingRows
from cs_devtools.demo_data.schema import (
    MESSAGES_SCHEMA,
    MSG_TYPES,
    PARQUET_OPTIONS,
    RATING_LABELS,
    RATINGS_SCHEMA,
    ROLE_LABELS,
    SOURCE_LABELS,
)
from cs_devtools.demo_data.world import World


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
