# The two commands a new machine needs: `make run` (the demo on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test assets browser demo-county bench fuzz clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed
install-test: $(VENV)/.installed-test node_modules/.installed

# Debian's Chromium for the browser tests (Playwright's own browser download does not work offline),
# and a CJK font so screenshots show Chinese.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else echo "install Debian's chromium and fonts-wqy-microhei for the browser tests" >&2; exit 1; fi; }

run: install
	$(BIN)/gridgov migrate --noinput
	$(BIN)/gridgov demo --if-empty
	@echo "gridgov: http://$(HOST):$(PORT)/  (background worker started; Ctrl-C stops both)"
	@$(BIN)/gridgov worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/gridgov serve --host $(HOST) --port $(PORT)

test: install-test browser
	$(BIN)/pytest $(PYTEST_ARGS)

messages:
	cd src/gridgov && ../../$(BIN)/gridgov makemessages -l zh_Hans -l en --no-obsolete && ../../$(BIN)/gridgov compilemessages

demo-county: install
	$(BIN)/gridgov demo --scale county

bench: install
	$(BIN)/python benchmarks/bench_county.py

# The schemathesis run of `make test` at 4 examples an operation, here at 200 (about an hour; set
# DATABASE_URL for PostgreSQL).
fuzz: install-test
	GRIDGOV_FUZZ_EXAMPLES=200 $(BIN)/pytest -q tests/test_api_fuzz.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
