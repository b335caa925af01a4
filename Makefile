# Run `make help` for the list of targets.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
LAB_VENV := .venv-lab
STAMP := $(VENV)/.synced
COMPILED := $(VENV)/.compiled
LAB_STAMP := $(LAB_VENV)/.synced
LAB_ARGS ?=
# pytest workers for make unit and make nbval on their own, and inside make test: the unit
# tests now run the notebooks under other parameters (some forty kernels), so two workers
# beat one even while lint, nbval and the site check share the cores (measured on 2 cores:
# make test 129 s with two, 196 s with one).
XDIST ?= -n auto
TEST_XDIST ?= -n 2
# nbval's own workers: inside make test none, so that its nine kernels run one after another
# from a single pytest process, on what the unit tests leave of the cores (two workers
# cost a second of CPU more, and finished no earlier than the unit tests anyway).
NBVAL_XDIST ?= $(XDIST)
# Inside make test the unit tests (the longest check) keep their priority and
# lint and the notebook and site checks yield to them, so that all four end together.
YIELD ?=
export UV_PYTHON_DOWNLOADS := never
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0
# Each module is compiled once, on first import, and its bytecode kept in .venv: with
# PYTHONDONTWRITEBYTECODE set (as some images do) every kernel, test worker and command
# recompiled pandas and matplotlib from source, about 5 s per process.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help env figures site site-check test unit nbval lint check audit bench lab lock clean

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(UV):
	@echo "== bootstrapping uv $(UV_VERSION) into $(TOOLS)/"
	@# pip --target costs a third of a fresh venv with its own pip; the venv is the fallback.
	@if $(PY) -m pip --version >/dev/null 2>&1; then \
		$(PY) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
			--target $(TOOLS) "uv==$(UV_VERSION)"; \
	else $(PY) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"; fi

$(STAMP): pyproject.toml uv.lock | $(UV)
	@echo "== creating $(VENV)/ from uv.lock (runtime + test extras)"
	@$(UV) sync --locked --extra test --python $(PY) --quiet
	@touch $@

# uv installs no bytecode (so that make env stays as quick as a bare uv sync): the first
# process to import a module compiles it. make test starts a dozen processes at once, and
# each compiled pandas and matplotlib for itself: on a fresh clone make test took 200 s of
# CPU, against 159 s (plus 7 s for this step) after one import of what the checks, kernels
# and tests load. make figures starts two kernels only and does without it; what its kernels
# compiled is not imported again here (scripts/compile_once.py), so after it this step
# compiles the test tools only.
$(COMPILED): $(STAMP)
	@echo "== compiling the test tools' bytecode once (first run only)"
	@$(VENV)/bin/python scripts/compile_once.py povlib.cli povlib.outputs.plots povlib.outputs.site \
		pandas matplotlib.pyplot IPython ipykernel.kernelapp \
		nbclient nbconvert pytest xdist nbval hypothesis frictionless
	@touch $@

env: $(STAMP) ## Create or update the environment in .venv (runs by itself when needed)

figures: $(STAMP) ## Execute every notebook in order and write every figure under figures/
	@$(VENV)/bin/povlib build

site: $(COMPILED) ## Build site/, a browsable offline report, from the executed notebooks
	@$(YIELD) $(VENV)/bin/povlib site

site-check: site ## Check site/: links, no outside loads, two builds equal, headless Chromium
	@POVLIB_SITE_DIR=site $(YIELD) $(VENV)/bin/pytest tests/test_site.py -q -rs

test: $(STAMP) ## Lint, unit tests, the site check, every notebook under nbval (run side by side)
	@# The four checks share no files, so they run at once; each one's output is printed
	@# whole when it finishes, and make stops with an error if any of them fails.
	@echo "== lint, unit, site-check and nbval, side by side (each reports when done)"
	@$(MAKE) --no-print-directory -j4 --output-sync=target XDIST="$(TEST_XDIST)" NBVAL_XDIST= YIELD="nice -n 10" \
		lint unit site-check nbval

unit: $(COMPILED) ## Unit and data tests only (the site's tests run in site-check)
	@# worksteal: a worker that runs out of tests takes some of the other's, so that neither
	@# ends alone on a queue of notebook runs (about 1 s of the unit tests' 47 on two workers).
	@$(VENV)/bin/pytest tests -q $(XDIST) $(if $(XDIST),--dist worksteal) --ignore=tests/test_site.py

nbval: $(COMPILED) ## Re-run every notebook and compare with its stored outputs
	@# Every figure is drawn and passes the layout guard; only PNG previews (100 dpi) are
	@# written, to a temporary folder: figures/ is for make figures to write (CI rebuilds it).
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	POVLIB_FIGURES_DIR=$$tmp POVLIB_FIGURE_FORMATS=png POVLIB_PNG_DPI=100 $(YIELD) $(VENV)/bin/pytest notebooks -q \
	$(NBVAL_XDIST) $(if $(NBVAL_XDIST),--dist loadfile) --ignore=notebooks/vi --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg

lint: $(STAMP) ## ruff (lint and format) and mypy over povlib/, tests/, scripts/ and the notebooks
	@$(YIELD) $(VENV)/bin/ruff check povlib tests scripts notebooks
	@$(YIELD) $(VENV)/bin/ruff format --check povlib tests scripts
	@$(YIELD) $(VENV)/bin/mypy

check: $(STAMP) ## Validate data/ (every figure re-parsed and looked up in its source)
	@$(VENV)/bin/povlib check

audit: $(STAMP) ## Print the consistency audit of the sources' figures
	@$(VENV)/bin/povlib audit

bench: $(STAMP) ## Time parsing, check and audit (10k-1M rows), the build and setup, each beside its baseline
	@$(VENV)/bin/python scripts/bench.py

$(LAB_STAMP): pyproject.toml uv.lock | $(UV)
	@echo "== creating $(LAB_VENV)/ (adds JupyterLab; kept apart so tests stay lean)"
	@UV_PROJECT_ENVIRONMENT=$(LAB_VENV) $(UV) sync --locked \
		--extra test --extra lab --python $(PY) --quiet
	@touch $@

lab: $(LAB_STAMP) ## JupyterLab on the notebooks; LAB_ARGS="--port 8899 --no-browser" passes options
	@$(LAB_VENV)/bin/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) $(LAB_ARGS)

lock: | $(UV) ## Re-resolve uv.lock after editing pyproject.toml
	@$(UV) lock --python $(PY)

clean: ## Remove the environments and caches (not figures or notebooks)
	rm -rf $(VENV) $(LAB_VENV) $(TOOLS) .pytest_cache .ruff_cache .hypothesis
