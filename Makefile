# Two entry points: `make reports` and `make test`. Both bootstrap .venv and system packages.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEBS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-open-sans poppler-utils chromium chromium-driver

.PHONY: reports test test-fast lint system venv notebook-filter sample verify benchmark screenshot clean

system:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip uninstall -q -y smartcity 2>/dev/null || true   # this project's distribution name up to 0.1.0
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	npm ci --no-audit --no-fund --silent   # axe-core for the accessibility tests (node_modules/)
	touch $(STAMP)

# Notebooks stay clean in git (docs/installing.md): the output filter named in .gitattributes (keys beyond
# nbstripout's defaults: what a kernel or papermill adds to the metadata), and a JupyterLab pre-save hook
# that saves notebooks as the filter leaves them. Outside a git checkout there is no filter to set up.
NBSTRIPOUT := "$(abspath $(PY))" -m nbstripout --extra-keys "metadata.language_info metadata.papermill cell.metadata.papermill"
JUPYTER_HOOK := $(VENV)/etc/jupyter/jupyter_server_config.json
notebook-filter:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean '$(NBSTRIPOUT)' && \
	  git config filter.nbstripout.smudge cat && \
	  git config filter.nbstripout.required true && \
	  git config diff.ipynb.textconv '$(NBSTRIPOUT) -t'; \
	fi
	@mkdir -p $(dir $(JUPYTER_HOOK))
	@echo '{"ContentsManager": {"pre_save_hook": "smartcity.notebook_filter.strip_on_save"}}' > $(JUPYTER_HOOK)

venv: system $(STAMP) notebook-filter

reports: venv
	$(PY) run_reports.py

# ruff (lint and format, configured in pyproject.toml) and mypy; the first step of `make test`
lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test: lint
	$(PY) -m pytest -p no:cacheprovider -n 2 --timeout 900

test-fast: venv
	$(PY) -m pytest -p no:cacheprovider -m "not slow"

sample: venv
	$(PY) -m smartcity.sample build

verify: venv
	$(PY) -m smartcity.sample verify

benchmark: venv
	$(PY) benchmarks/bench_suite.py

screenshot: venv
	$(PY) -m smartcity.screenshot

clean:
	rm -rf reports .pytest_cache
