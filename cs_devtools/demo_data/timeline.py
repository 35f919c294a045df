"""Platform-local time (Asia/Shanghai, a fixed UTC+08:00): clock constants, the hourly and weekday
traffic shape, and the simulated days."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

import numpy as np

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


def day_infos(start: date, days: int) -> list[DayInfo]:
    return [
        DayInfo(i, start + timedelta(days=i), local_midnight_utc_ms(start + timedelta(days=i)), i == days - 1)
        for i in range(days)
    ]
