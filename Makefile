# Two commands: `make up` runs the platform with a demo region, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up down test lint format bench install clean

$(STAMP): requirements.lock pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	# Node.js tools the tests run on the published contracts (package-lock.json; no install scripts).
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(STAMP)

install: $(STAMP)

up: $(STAMP)
	$(BIN)/wegwijs up

down: $(STAMP)
	$(BIN)/wegwijs down

# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get install -y --no-install-recommends chromium

# The unit tests run a second time on a clock 400 days ahead (libfaketime): a test whose fixed
# dates only hold while the real date is near them fails here, not on the day it passes them.
FAKETIME := /usr/bin/faketime

$(FAKETIME):
	apt-get install -y --no-install-recommends faketime

test: $(STAMP) $(CHROMIUM) $(FAKETIME)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest
	$(FAKETIME) -f +400d $(BIN)/python -m pytest -q tests/unit

bench: $(STAMP)
	$(BIN)/python -m bench.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: down
	rm -rf $(VENV) .run node_modules
