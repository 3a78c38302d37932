# booklet: the organiser's entry points. `make booklet` and `make test` do
# all the set-up they need on a fresh Debian/Ubuntu machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONTENT ?= content
OUT    ?= build

.PHONY: booklet test check lint clean distclean system-deps test-deps bench

booklet: system-deps $(VENV)/.installed
	$(BIN)/booklet build booklet --content $(CONTENT) --out $(OUT)

test: test-deps $(VENV)/.installed
	$(BIN)/ruff check src tests
	$(BIN)/python -m pytest -q

check: $(VENV)/.installed
	$(BIN)/booklet check --content $(CONTENT)

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests

system-deps:
	@tools/ensure-system-deps

test-deps:
	@tools/ensure-system-deps --tests

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf $(OUT)

distclean: clean
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# Benchmark on a synthetic conference (N = 100 and 1,000); writes bench/RESULTS.md.
bench: system-deps $(VENV)/.installed
	$(BIN)/python bench/run.py
