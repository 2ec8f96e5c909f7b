# Two entry points: `make reports` and `make test`. Both bootstrap .venv and system packages.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEBS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-open-sans poppler-utils chromium chromium-driver

.PHONY: reports test test-fast system venv sample verify benchmark screenshot clean

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
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	npm ci --no-audit --no-fund --silent   # axe-core for the accessibility tests (node_modules/)
	touch $(STAMP)

venv: system $(STAMP)

reports: venv
	$(PY) run_reports.py

test: venv
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
