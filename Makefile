# Two commands do everything on a fresh machine: `make book` and `make test`.
# Both create .venv on first use and install requirements.txt and rnnlib (editable).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
STAMP  := $(VENV)/.installed
SITE   := _build/html

.PHONY: book test unit notebook-tests site-tests notebooks exercises lab bench clean

book: $(STAMP)  ## build the site (warnings are errors) from the committed notebooks
	$(JB) build -W -n --keep-going .
	@test -f $(SITE)/index.html || { echo "no $(SITE)/index.html: the build produced nothing"; exit 1; }
	@echo "The book is at $(CURDIR)/$(SITE)/index.html"

test: $(STAMP)  ## lint, unit tests + nbval (strict) on every chapter, then build and check the site
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n 2 --dist loadfile tests --ignore=tests/site --nbval book \
	  --nbval-current-env -p no:cacheprovider
	$(MAKE) --no-print-directory book
	$(PY) -m pytest tests/site --site $(SITE) -p no:cacheprovider

notebooks: $(STAMP)  ## re-execute every chapter in a fresh kernel and store its outputs
	$(PY) scripts/execute_notebooks.py

exercises: $(STAMP)  ## write the student notebooks (solutions replaced by stubs) into exercises/
	$(PY) scripts/make_student_notebooks.py exercises

lab: $(STAMP)  ## open the chapters in JupyterLab (work the exercises in exercises/)
	@echo "To work the exercises: run 'make exercises' and open the folder exercises/"
	@echo "(one student notebook per chapter). The chapters themselves are in book/."
	$(VENV)/bin/jupyter lab --notebook-dir=.

bench: $(STAMP)  ## time the reference implementation against rnnlib.fast (table of ratios)
	$(PY) benchmarks/bench_engines.py

$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt -e .
	touch $(STAMP)

clean:  ## remove the built site (keeps .venv)
	rm -rf _build
