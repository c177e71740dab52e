# The two commands of the course; both set up .venv first if needed.
#   make lab    open the course in JupyterLab (make lab LAB_ARGS=--no-browser on a server)
#   make test   run the whole test suite: lint, unit tests and every notebook, executed
#               (make test LESSON=06: only what concerns lesson 06)
# and the course as a learner sees it:
#   make test-browser   JupyterLab from `make lab` driven by a real Chromium (installed
#                       from the distribution's packages when run as root on Debian/Ubuntu)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LAB_ARGS ?=
# Jupyter refuses to run as root (common in containers) unless told it is deliberate.
ROOT_ARGS := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
PYTEST_ARGS ?=
# make test LESSON=06 (or LESSON="03 06"): only what concerns those lessons.
LESSON ?=
# Kernels load the course's %%answer magic at start (.ipython/profile_default/).
export IPYTHONDIR := $(CURDIR)/.ipython

.PHONY: lab test test-browser notebooks clean

# Hidden from the file browser: build and cache folders learners have no use for.
HIDDEN := "['__pycache__', '*.pyc', '*.egg-info', '.ipynb_checkpoints', 'build', 'dist']"

lab: $(INSTALLED)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb --ContentsManager.hide_globs=$(HIDDEN) $(ROOT_ARGS) $(LAB_ARGS)

test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(foreach n,$(LESSON),--lesson=$(n)) $(PYTEST_ARGS)

# One JupyterLab and one browser, steps in order: no parallel workers.
test-browser: $(INSTALLED)
	bash tests/browser/install_chromium.sh
	$(BIN)/python -m pytest tests/browser --numprocesses=0 $(PYTEST_ARGS)

# After changing a lesson or an exercise: regenerate the exercise and solution notebooks and the
# lessons' Challenge cells from checker/content, then re-execute every notebook in place, so
# that the committed outputs are fresh. The notebooks save answers into an empty course store
# (COURSE_DIR), never into yours, as they do under make test.
notebooks: $(INSTALLED)
	$(BIN)/python -m checker notebooks
	store=$$(mktemp -d) && COURSE_DIR=$$store $(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb exercises/*.ipynb solutions/*.ipynb; status=$$?; rm -rf "$$store"; exit $$status

# JupyterLab as learners should get it (.jupyter/overrides.json): notebooks not marked modified
# on opening (the widget manager's own state saving would), no news pop-up.
$(INSTALLED): pyproject.toml .jupyter/overrides.json
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
	  echo "The course needs Python 3.10 or newer; '$(PYTHON)' is not. Try: make PYTHON=python3.12 $(MAKECMDGOALS)"; \
	  exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp .jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

clean:
	rm -rf $(VENV) notebooks/workspace
