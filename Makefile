# GridChain Lab. Two commands do all set-up:  make lab  |  make test
# Both install into the repo (.venv/, node_modules/) on first use and are
# no-ops the second time (stamp files track the lock files).

PYTHON      ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
VENV_STAMP  := $(VENV)/.installed
NODE_STAMP  := node_modules/.installed
# Slither needs web3 < 8, the toolkit web3 8: it gets a venv of its own inside .venv/.
SLITHER_VENV  := $(VENV)/tools/slither
SLITHER_STAMP := $(SLITHER_VENV)/.installed
PYTEST_ARGS ?=
APP_ARGS    ?=
CLASS_ARGS  ?=
LOAD_ARGS   ?=
BENCH_ARGS  ?=
# Offline at run time: no news feed, no update check, no PyPI extension manager.
LAB_FLAGS   := --LabApp.news_url=None \
               --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
               --LabApp.extension_manager=readonly \
               $(if $(filter 0,$(shell id -u)),--allow-root)

.DEFAULT_GOAL := help
.PHONY: help setup lab test demo node app class class-load bench simulate compile slither assignments grade lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV_STAMP): pyproject.toml requirements-lock.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# `npm ci` installs exactly the committed lock (which lists every platform's
# optional anvil build) and never rewrites it. --ignore-scripts: anvil's
# postinstall would try to download a binary; we run the pinned platform package.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(SLITHER_STAMP): requirements-slither.txt $(VENV_STAMP)
	@test -x $(SLITHER_VENV)/bin/python || $(PY) -m venv $(SLITHER_VENV)
	$(SLITHER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-slither.txt
	@touch $@

setup: $(VENV_STAMP) $(NODE_STAMP) $(SLITHER_STAMP)  ## install .venv/ and node_modules/ (idempotent)

lab: $(VENV_STAMP)  ## open JupyterLab on notebooks/ (embedded chain, works offline)
	@$(MAKE) --no-print-directory $(NODE_STAMP) || echo "note: npm step failed; the lab still runs on the embedded chain with the committed contract artifacts"
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(LAB_FLAGS)

test: setup  ## lint (ruff), then run the whole test suite
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

demo: setup  ## replay the thesis's section 5.2.2 on the embedded chain
	$(PY) -m grid demo

node: setup  ## run the private chain (anvil, chainId 666) for a class to share
	$(PY) -m grid node --state .cache/classroom-chain.json

app: setup  ## serve the manager and user platforms as web pages (Voila, class chain)
	$(PY) -m grid app $(APP_ARGS)

class: setup  ## a class on the classroom network: a link and QR code per student (CLASS_ARGS="--students 30")
	$(PY) -m grid class $(CLASS_ARGS)

class-load: setup  ## 30 simulated students open their pages and bid at once: page times, click to update, memory
	$(PY) -m grid class-load $(LOAD_ARGS)

bench: setup  ## the building blocks against their floors, then chapter 6's timing tables (BENCH_ARGS="--quick")
	$(PY) -m primitives.bench $(BENCH_ARGS)
	$(PY) -m grid bench $(BENCH_ARGS)

simulate: setup  ## a day on the LV feeder: market, power flow, dispatch (SIM_ARGS="--quick --chain anvil")
	$(PY) -m grid simulate $(SIM_ARGS)

compile: setup  ## recompile contracts/*.sol and rewrite the committed artifacts
	$(PY) -m grid compile

slither: setup  ## run Slither on the contracts and rewrite data/security/slither_findings.json
	$(PY) -m grid slither

assignments: $(VENV_STAMP)  ## the lessons as an nbgrader course in course/: source (solutions) and release
	$(PY) -m lab.course assignments

grade: $(VENV_STAMP)  ## autograde SUBMISSIONS=dir (dir/<student>/NN_name.ipynb) into course/grades.csv
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=dir (one folder per student)"; exit 2; }
	$(PY) -m lab.course grade $(SUBMISSIONS)

lock:  ## re-resolve the Python dependencies into requirements-lock.txt
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check ".[dev]"
	.lock-venv/bin/pip freeze --all --exclude gridchain-lab --exclude pip > requirements-lock.txt
	rm -rf .lock-venv

clean:  ## remove the installs and caches (not your notebooks)
	rm -rf $(VENV) node_modules .cache .pytest_cache .hypothesis
