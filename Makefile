# Two commands on a fresh machine: `make build`, then `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed

export CS_RAW_DIR ?= data/demo
export CS_DUCKDB_PATH ?= warehouse/cs_rules.duckdb
export CS_PUBLISH_PATH ?= warehouse/cs_rules_published.duckdb
export CS_EXPORT_DIR ?= warehouse/exports
export CS_DASHBOARD_PORT ?= 8501
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
# Production builds leave the unit tests out (docs/decisions.md, "Unit tests"); `make test-dbt` runs them.
PRODUCTION_BUILD_ARGS := --exclude-resource-type unit_test

.PHONY: help venv venv-spark demo-data build dbt-build publish summary dashboard docs test test-python test-dbt lint clean bench pinyin-seed \
	build-spark test-spark eval-heldout

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)  ## create .venv with the pinned requirements (quick when nothing changed)

# Spark (README "Spark"): dbt-spark + pyspark on top of the same environment, and Java 17.
SPARK_STAMP := $(VENV)/.requirements-spark-installed
export CS_SPARK_WAREHOUSE ?= warehouse/spark
SPARK_TARGET_PATH ?= target/spark
SPARK_STAGE_PATH ?= warehouse/spark_build.duckdb

$(SPARK_STAMP): requirements-spark.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-spark.txt -c requirements.txt
	touch $(SPARK_STAMP)

venv-spark: $(SPARK_STAMP)  ## add dbt-spark + pyspark (requirements-spark.txt) to .venv; needs Java 17
	@command -v java >/dev/null || { echo "Spark needs Java 17: apt-get install openjdk-17-jre-headless (README \"Spark\")" >&2; exit 1; }

demo-data: $(STAMP)  ## generate the demo export into $CS_RAW_DIR if it is missing
	@if [ -d "$(CS_RAW_DIR)/messages" ]; then echo "demo data: keeping $(CS_RAW_DIR)"; \
	else $(BIN)/python -m cs_devtools.demo_data --out "$(CS_RAW_DIR)"; fi

dbt-build: $(STAMP)
	@mkdir -p "$$(dirname "$(CS_DUCKDB_PATH)")"
	@$(BIN)/python -m cs_tools.preflight
	$(BIN)/dbt build $(PRODUCTION_BUILD_ARGS)

publish: $(STAMP)  ## swap the last good build into $CS_PUBLISH_PATH + Parquet in $CS_EXPORT_DIR (BI reads these)
	$(BIN)/python -m cs_tools.publish

summary: $(STAMP)  ## print the assessment summary of the built database
	$(BIN)/python -m cs_tools.summary --db "$(CS_DUCKDB_PATH)"

build: demo-data dbt-build publish summary  ## environment + demo data + dbt build + publish + summary

build-spark: demo-data venv-spark  ## the same build on Apache Spark (local session), published to the same files
	@mkdir -p "$(CS_SPARK_WAREHOUSE)"
	CS_DBT_TARGET=spark DBT_TARGET_PATH=$(SPARK_TARGET_PATH) $(BIN)/dbt build $(PRODUCTION_BUILD_ARGS)
	DBT_TARGET_PATH=$(SPARK_TARGET_PATH) $(BIN)/python -m cs_tools.spark_stage --db $(SPARK_STAGE_PATH)
	$(BIN)/python -m cs_tools.publish --db $(SPARK_STAGE_PATH) --run-results $(SPARK_TARGET_PATH)/run_results.json

dashboard: $(STAMP)  ## serve the operations dashboard over $CS_PUBLISH_PATH on 127.0.0.1:$CS_DASHBOARD_PORT (8501)
	$(BIN)/python -m dashboard --port "$(CS_DASHBOARD_PORT)"

docs: $(STAMP)  ## generate the dbt docs site (models, columns, clauses, exposures) into target/
	@mkdir -p "$$(dirname "$(CS_DUCKDB_PATH)")"
	$(BIN)/dbt docs generate
	@echo "docs site: $(CURDIR)/target/index.html (serve it with: $(BIN)/dbt docs serve)"

test: test-python test-dbt lint test-spark  ## everything that checks the project (about 28 min on 2 cores; test-spark: Java 17, about 12 min)

test-python: $(STAMP)  ## pytest: generator, end-to-end builds on generated data, evaluations, dashboard (AppTest, Chromium)
	$(BIN)/pytest -m "not spark and not heldout"

eval-heldout: $(STAMP)  ## score the frozen held-out content-rule set (a report; docs/content_rules.md)
	$(BIN)/pytest -m heldout -s -q tests/python/test_content_rules_heldout.py

test-spark: venv-spark  ## Spark parity: every mart and audit table built on Spark equals the DuckDB build
	$(BIN)/pytest -m spark --basetemp=warehouse/test-spark -p no:cacheprovider

test-dbt: $(STAMP)  ## dbt seeds, models, unit and data tests on small generated data, then publish them
	@rm -rf warehouse/test && mkdir -p warehouse/test
	$(BIN)/python -m cs_devtools.demo_data --out warehouse/test/raw --shops 8 --days 35 --start 2026-01-20 --force
	CS_RAW_DIR=warehouse/test/raw CS_DUCKDB_PATH=warehouse/test/cs_rules.duckdb $(BIN)/dbt build
	CS_DUCKDB_PATH=warehouse/test/cs_rules.duckdb CS_PUBLISH_PATH=warehouse/test/cs_rules_published.duckdb \
		CS_EXPORT_DIR=warehouse/test/exports $(BIN)/python -m cs_tools.publish

# sqlfluff compiles every model; the assessment pivots over the rule catalog, so lint against a
# database holding the seeds (its own, so it never touches a build).
LINT_DB := warehouse/lint/cs_rules.duckdb

pinyin-seed: $(STAMP)  ## regenerate seeds/content_rules/content_rule_pinyin.csv (pypinyin) from the lexicon's characters
	$(BIN)/python -m cs_devtools.pinyin_seed

lint: $(STAMP)  ## ruff + mypy --strict on the Python, sqlfluff (dbt templater) on every model
	$(BIN)/ruff check cs_tools cs_devtools dashboard tests/python
	$(BIN)/mypy
	@mkdir -p "$$(dirname "$(LINT_DB)")"
	CS_DUCKDB_PATH=$(LINT_DB) $(BIN)/dbt seed --quiet
	CS_DUCKDB_PATH=$(LINT_DB) $(BIN)/sqlfluff lint models analyses

# Benchmark (a report, not a test): N messages, full dbt build vs cs_devtools/bench/floor.sql, incremental step.
BENCH_MESSAGES ?= 10000000
BENCH_THREADS ?= 2
BENCH_MEMORY ?= 16GB
BENCH_WORKDIR ?= warehouse/bench
BENCH_TEMP_DIR ?=
BENCH_REPORT ?= docs/benchmark.md
BENCH_DBT_ARGS ?= $(PRODUCTION_BUILD_ARGS)
BENCH_REPEAT ?= 1
# Spark column (issue 12): off by default, a 1M build takes 5-6 minutes per master on Spark here (10M: ~10x);
# `make bench BENCH_MESSAGES=1000000 BENCH_SPARK=on` (auto: when Java, pyspark and dbt-spark are installed)
BENCH_SPARK ?= off
BENCH_SPARK_MASTERS ?= local[1],local[2]

bench: $(STAMP)  ## benchmark report into docs/benchmark.md (BENCH_MESSAGES, _THREADS, _MEMORY, _TEMP_DIR, _SPARK)
	nice -n 10 $(BIN)/python -m cs_devtools.bench --messages $(BENCH_MESSAGES) --threads $(BENCH_THREADS) \
		--memory-limit $(BENCH_MEMORY) --workdir $(BENCH_WORKDIR) \
		$(if $(BENCH_TEMP_DIR),--temp-dir $(BENCH_TEMP_DIR)) --report $(BENCH_REPORT) \
		--dbt-args "$(BENCH_DBT_ARGS)" --repeat $(BENCH_REPEAT) \
		--spark $(BENCH_SPARK) --spark-masters "$(BENCH_SPARK_MASTERS)"

clean:  ## remove build products (not .venv, not data)
	rm -rf target logs warehouse/spark warehouse/spark_build.duckdb warehouse/*.duckdb warehouse/*.wal warehouse/*.lock warehouse/duckdb_tmp warehouse/test
	rm -rf "$(CS_EXPORT_DIR)" "$$(dirname "$(CS_EXPORT_DIR)")/.$$(basename "$(CS_EXPORT_DIR)").versions"
