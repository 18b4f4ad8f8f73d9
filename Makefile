# Two commands do everything on a fresh clone: `make book` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))

.PHONY: env book test unit nbval portability book-check browser lab lab-quick bench clean colab sync binder lock study

# MathJax is served from the built site (not a CDN), so a downloaded copy of the book typesets
# math offline. It comes from the npm registry into _mathjax/mathjax (not committed).
MATHJAX_VERSION := 3.2.2
MATHJAX := _mathjax/mathjax/tex-chtml.js
# axe-core, the accessibility engine the browser check runs on every page, from the npm registry.
AXE_VERSION := 4.14.1
AXE := _build/npm/axe-core-$(AXE_VERSION)/axe.min.js

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

$(AXE):
	@mkdir -p _build/npm
	cd _build/npm && npm pack --silent axe-core@$(AXE_VERSION) > /dev/null
	rm -rf $(dir $(AXE)) && mkdir -p $(dir $(AXE))
	tar xzf _build/npm/axe-core-$(AXE_VERSION).tgz -C $(dir $(AXE)) --strip-components=1 package/axe.min.js

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
	$(PY) tests/other_kernel.py -m pytest -q -p no:cacheprovider tests/test_study.py -k reproduces

book-check: env $(MATHJAX)
	rm -rf _build/html _build/.doctrees
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	$(PY) tests/numbering_check.py _build/html
	# the fresh site: no animation frame inline, no search index or whole icon fonts on chapter pages
	$(PY) -m pytest -q -p no:cacheprovider tests/test_lazy_frames.py tests/test_page_weight.py -k built

# The PDF edition: the whole book as one PDF through Jupyter Book's LaTeX (xelatex; fonts, the
# bbm shim and box titles in tools/latex), built afresh, then checked by tests/pdf_check.py
# (page count, no unresolved reference, no missing glyph). The next book build copies it into
# the site as optim-book.pdf and links it from every page's download menu. The LaTeX it needs
# comes from Debian's packages (about 400 MB), installed when a tool or font is missing.
PDF := _build/pdf/_build/latex/optim-book.pdf
LATEX_DEBS := texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended latexmk \
  tex-gyre texlive-xetex fonts-freefont-otf fonts-dejavu-core poppler-utils
.PHONY: pdf latex-deps

latex-deps:
	@missing=; for tool in xelatex latexmk pdftotext pdfinfo fc-list; do \
	  command -v $$tool > /dev/null || missing=1; done; \
	{ fc-list | grep -q "FreeSerif" && fc-list | grep -q "DejaVu Sans Mono"; } 2>/dev/null || missing=1; \
	if [ -n "$$missing" ]; then \
	  echo "make pdf: installing LaTeX from Debian's packages: $(LATEX_DEBS)"; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends $(LATEX_DEBS); \
	fi

pdf: env $(MATHJAX) latex-deps
	rm -rf _build/pdf
	$(VENV)/bin/jupyter-book build . --builder pdflatex --path-output _build/pdf -W -n --keep-going
	$(PY) tests/pdf_check.py $(PDF)

# Every page of the built book in headless Chromium at 390 px and 1280 px (console errors, failed
# requests, MathJax, images, no widget output; the menu and contents open, nothing scrolls
# sideways, figures at >= 1 px/pt, equations fit, first visit <= 2.5 MB, solution titles open
# their solution; axe-core's WCAG 2.1 AA rules at 1280 px in light and dark mode; screenshots in
# _build/screenshots/{390,1280}). Prints SKIPPED when /usr/bin/chromium is missing; .ci/run
# installs it and sets REQUIRE_BROWSER=1. BROWSER_FLAGS=--require-pdf (make test) also requires
# the PDF edition's link on every page and the file behind it.
browser: env $(AXE)
	$(PY) tests/browser_check.py _build/html --axe $(AXE) --screenshots _build/screenshots $(BROWSER_FLAGS)

# The chapters in JupyterLab (headless Chromium): run every cell, move each explorer's sliders,
# check that the figure redraws. `make lab` checks every chapter; `make test` three of them.
lab: env
	$(PY) tests/lab_check.py --screenshots _build/screenshots

lab-quick: env
	$(PY) tests/lab_check.py --quick --screenshots _build/screenshots

# The chapters on Colab's versions (tests/colab_pins.txt). .venv-colab is made once from the pins
# and what the chapters' install cell adds (tests/colab_check.py --install runs that cell), and
# remade when the pins, the cell or pyproject.toml change; optim_lib is reinstalled into it when
# its code changes. Then every chapter with an explorer runs from first cell to last.
COLAB_VENV := .venv-colab
# Colab runs Python 3.12: `rm -rf .venv-colab; make colab COLAB_PYTHON=python3.12` checks on it
# (tried: the install cell, gradient_descent and which_optimizer pass). The default is python3.
COLAB_PYTHON ?= $(PYTHON)
COLAB_PY   := $(COLAB_VENV)/bin/python
$(COLAB_VENV)/.installed: tests/colab_pins.txt tools/sync_install_cell.py pyproject.toml
	rm -rf $(COLAB_VENV)
	$(COLAB_PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_PY) -m pip install --quiet -r tests/colab_pins.txt
	$(COLAB_PY) tests/colab_check.py --install
	@touch $@

$(COLAB_VENV)/.optim_lib: $(COLAB_VENV)/.installed $(wildcard optim_lib/*.py optim_lib/*/*.py)
	$(COLAB_PY) tests/colab_check.py --reinstall-library
	@touch $@

colab: $(COLAB_VENV)/.optim_lib
	$(COLAB_PY) tests/colab_check.py

# Every chapter's install cell, written from _config.yml's repository url and branch.
sync: env
	$(PY) tools/sync_install_cell.py

# Binder installs binder/requirements.txt: exact pins compiled by pip-compile from the ranges of
# binder/requirements.in (`make lock` refreshes them, on the Python of binder/runtime.txt).
# pip-compile writes the repository as an absolute file:// URL; Binder needs `-e .`.
lock: env
	@test "python-$$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = "$$(cat binder/runtime.txt)" \
	  || { echo "make lock: compile with the Python of binder/runtime.txt ($$(cat binder/runtime.txt))"; exit 1; }
	$(PY) -m pip install --quiet "pip-tools>=7.4,<8"
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --upgrade --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file binder/requirements.txt binder/requirements.in
	sed -i 's|^-e file://.*$$|-e .|' binder/requirements.txt

# A venv made from binder/requirements.txt alone, as Binder makes its image, remade when the
# file's hash changes; a chapter with an explorer runs in it from first cell to last.
BINDER_VENV := .venv-binder
BINDER_STAMP := $(BINDER_VENV)/.installed-$(shell sha256sum binder/requirements.txt | cut -c1-16)
$(BINDER_STAMP):
	rm -rf $(BINDER_VENV)
	$(PYTHON) -m venv $(BINDER_VENV)
	$(BINDER_VENV)/bin/python -m pip install --quiet -r binder/requirements.txt
	@touch $@

binder: $(BINDER_STAMP)
	$(BINDER_VENV)/bin/python tests/binder_check.py

# pdf before book-check: the site is built with the fresh PDF in it.
test: unit nbval portability pdf book-check
	$(MAKE) colab
	$(MAKE) binder
	$(MAKE) browser BROWSER_FLAGS=--require-pdf
	$(MAKE) lab-quick

bench: env
	$(PY) benchmarks/run.py

# The studies of chapters/which_optimizer.ipynb, with a progress line on stderr: the optimizer study
# rewrites studies/optimizer_comparison/results.csv (and curves.csv), one batched run per problem and
# optimizer; the baselines rewrite studies/mnist1d_baselines/baselines.csv (and baselines_curves.csv);
# rounding.py retrains every row of results.csv under the portability kernel into rounding.csv.
study: env
	nice -n 5 $(PY) studies/optimizer_comparison/run.py
	nice -n 5 $(PY) studies/mnist1d_baselines/run.py
	nice -n 5 $(PY) tests/other_kernel.py studies/optimizer_comparison/rounding.py

clean:
	rm -rf _build
