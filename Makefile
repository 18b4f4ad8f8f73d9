# Two commands do everything on a fresh clone: `make book` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))

.PHONY: env book test unit nbval portability book-check browser lab lab-quick bench clean

# MathJax is served from the built site (not a CDN), so a downloaded copy of the book typesets
# math offline. It comes from the npm registry into _mathjax/mathjax (not committed).
MATHJAX_VERSION := 3.2.2
MATHJAX := _mathjax/mathjax/tex-chtml.js

# (Re)create the environment when it is missing or older than requirements.txt / pyproject.toml.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

env: $(STAMP)

$(MATHJAX):
	@mkdir -p _build/npm
	cd _build/npm && npm pack --silent mathjax@$(MATHJAX_VERSION) > /dev/null
	rm -rf _mathjax/mathjax && mkdir -p _mathjax/mathjax
	tar xzf _build/npm/mathjax-$(MATHJAX_VERSION).tgz -C _mathjax/mathjax --strip-components=2 package/es5

book: env $(MATHJAX)
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	@echo "The book is at _build/html/index.html"

unit: env
	$(PY) -m pytest tests -q -rs

# Every chapter re-executed and compared with its stored outputs, one notebook per CPU core
# (--dist loadfile keeps a notebook's cells together and in order on one worker).
NBVAL := -m pytest --nbval --nbval-current-env -q -p no:cacheprovider -n auto --dist loadfile
nbval: env
	$(PY) $(NBVAL) $(NOTEBOOKS)

# The portability run: nbval again, against the same stored outputs, under another OpenBLAS core
# type, one BLAS thread and numpy's run-time SIMD loops switched off (tests/other_kernel.py picks
# them for this machine; chapters/conftest.py checks in each kernel that they took effect). An
# output that holds only on the machine that stored it fails here. With `make nbval` it also
# covers determinism: two executions compared with one stored text.
portability: env
	$(PY) tests/other_kernel.py $(NBVAL) $(NOTEBOOKS)

book-check: env $(MATHJAX)
	rm -rf _build/html _build/.doctrees
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	$(PY) tests/numbering_check.py _build/html

# Every page of the built book in headless Chromium (console errors, failed requests, MathJax,
# images, no widget output, page weight, screenshots in _build/screenshots). Prints SKIPPED
# when /usr/bin/chromium is missing; .ci/run installs it and sets REQUIRE_BROWSER=1.
browser: env
	$(PY) tests/browser_check.py _build/html --screenshots _build/screenshots

# The chapters in JupyterLab (headless Chromium): run every cell, move each explorer's sliders,
# check that the figure redraws. `make lab` checks every chapter; `make test` three of them.
lab: env
	$(PY) tests/lab_check.py --screenshots _build/screenshots

lab-quick: env
	$(PY) tests/lab_check.py --quick --screenshots _build/screenshots

test: unit nbval portability book-check
	$(MAKE) browser
	$(MAKE) lab-quick

bench: env
	$(PY) benchmarks/run.py

clean:
	rm -rf _build
