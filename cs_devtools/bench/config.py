"""What to benchmark (BenchConfig), and the paths and names the harness relies on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FLOOR_SQL = Path(__file__).resolve().parent / "floor.sql"
VALUE_MAPPINGS_CSV = REPO_ROOT / "seeds" / "value_mappings.csv"
PAIRING_MODELS = ("consult_reply_pairs", "int_thread_state__window_start")
COMPARED_COLUMNS = ("consult_message_count", "replied_within_5min_count", "rating_count", "satisfied_count")
TOP_N = 10


@dataclass(frozen=True)
class BenchConfig:
    """What to benchmark and with which engine settings."""

    messages: int
    workdir: Path
    report: Path
    days: int = 61
    shops: int = 30
    start: date = date(2026, 9, 1)
    threads: int = 2
    memory_limit: str = "16GB"
    temp_dir: Path | None = None
    keep_data: bool = False
    dbt_args: tuple[str, ...] = ()  # extra `dbt build` arguments (default none: the plain build)
    repeat: int = 1  # full builds and floors, alternated; the fastest of each is reported
    spark: str = "off"  # auto (when Java, pyspark and dbt-spark are there) | on | off: the Spark column (spark.py)
    spark_masters: tuple[str, ...] = ("local[1]", "local[2]")  # one full Spark build each; the last one's
    # warehouse gets the incremental day
    spark_driver_memory: str = "3g"

    @property
    def generated_dir(self) -> Path:
        return self.workdir / "generated"

    @property
    def raw_dir(self) -> Path:
        return self.workdir / "raw"

    @property
    def db_path(self) -> Path:
        return self.workdir / "bench.duckdb"

    @property
    def duckdb_temp_dir(self) -> Path:
        return self.temp_dir or self.workdir / "duckdb_tmp"

    @property
    def added_day(self) -> date:
        """The extra generated day used by the incremental step."""
        return self.start + timedelta(days=self.days)
