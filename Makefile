# Two commands on a fresh machine: `make run` and `make test`. Needs only python3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export GLAIVE_DATA_DIR ?= $(CURDIR)/data

.PHONY: run test test-quick ui bench install install-dev browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Stamps make reinstalls happen only when the dependency list changes.
$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The instance settings (one run at a time, run monitoring): dagster_instance.yaml. A dagster.yaml
# that make wrote (its first line says so, or it is the one-line queue setting of earlier versions)
# is brought up to date; one you wrote yourself is left alone.
OLD_INSTANCE_YAML := concurrency: runs: max_concurrent_runs: 1
$(DAGSTER_HOME)/dagster.yaml: dagster_instance.yaml
	@mkdir -p $(DAGSTER_HOME)
	@if [ ! -e $@ ] || head -n 1 $@ | grep -q '^# Written by make' \
		|| [ "$$(tr -s ' \n' ' ' < $@ | sed 's/ $$//')" = "$(OLD_INSTANCE_YAML)" ]; then \
		cp dagster_instance.yaml $@ && echo "wrote $@"; \
	else echo "keeping your own $@ (see dagster_instance.yaml for run monitoring)"; fi

## Materialize every asset and check on the offline sample (GLAIVE_SOURCE etc. override).
run: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster asset materialize -m glaive_assets --select '*'
	@$(BIN)/python -m glaive_assets.storage.outputs

## Install with the dev extras, then run the whole test suite.
test: install-dev browser
	$(BIN)/python -m pytest

## Everything but the end-to-end tests (dagster dev, Chromium).
test-quick: install-dev
	$(BIN)/python -m pytest -m "not e2e"

## The Dagster UI (webserver + daemon) on http://127.0.0.1:3000
ui: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -m glaive_assets -h 127.0.0.1 -p 3000

## Benchmarks: the core transform, the whole graph at 5k / 113k / 1M rows, the QA, the sources, the training stage.
bench: install-dev
	$(BIN)/python -m glaive_assets.benchmarks.core --rows 100000
	$(BIN)/python -m glaive_assets.benchmarks.graph
	$(BIN)/python -m glaive_assets.benchmarks.qa
	$(BIN)/python -m glaive_assets.benchmarks.sources
	$(BIN)/python -m glaive_assets.benchmarks.training

# The UI tests drive Debian's Chromium. Install it when we can (root, apt); otherwise say so loudly.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "!!! /usr/bin/chromium is missing and cannot be installed here: the browser tests will SKIP !!!"; fi

clean:
	rm -rf $(VENV) $(DAGSTER_HOME) data/raw data/processed data/training
