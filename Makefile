# Gatewatch — `make run` serves a venue on this machine; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser || command -v google-chrome || true)

TLS ?=
SPEED ?= 60
SERVE_TLS := $(if $(TLS),--tls,)
SCHEME := $(if $(TLS),https,http)

.PHONY: run test bench bench-million install assets check clean demo

run: install assets ## Install everything, start the embedded Redis and serve (TLS=1: HTTPS, after `gatewatch tls init`)
	$(if $(TLS),test -s $${GATEWATCH_DATA_DIR:-var}/tls/server.pem || $(VENV)/bin/gatewatch tls init,)
	$(VENV)/bin/gatewatch serve --host $(HOST) --port $(PORT) $(SERVE_TLS)

demo: install assets ## Serve and drive a simulated congress day through the API (SPEED=60: a day in ~20 min)
	$(if $(TLS),test -s $${GATEWATCH_DATA_DIR:-var}/tls/server.pem || $(VENV)/bin/gatewatch tls init,)
	$(VENV)/bin/gatewatch serve --host $(HOST) --port $(PORT) $(SERVE_TLS) & server=$$!; \
	trap 'kill $$server' EXIT INT TERM; \
	$(VENV)/bin/gatewatch demo --url $(SCHEME)://127.0.0.1:$(PORT) --speed $(SPEED) $(if $(TLS),--insecure,)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

static/vendor/.built: package.json package-lock.json scripts/build_assets.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

assets: static/vendor/.built

test: install assets ## Run the whole suite (browser tests need Chromium)
	@if [ -n "$(CHROMIUM)" ]; then echo "Browser tests: using $(CHROMIUM)"; \
	elif [ "$$CI" = "true" ]; then echo "Browser tests: no Chromium found and CI=true — failing"; \
	else echo "Browser tests: SKIPPED — no Chromium found (apt-get install chromium to run them)"; fi
	CHROMIUM="$(CHROMIUM)" $(PY) -m pytest -q -p no:cacheprovider

bench: install ## Measure against a bare Flask-SocketIO+Redis app; prints ratios
	$(PY) bench/run.py $(BENCH_ARGS)

bench-million: install ## Fill 1,000,000 events of a realistic mix; time export, serve ready, timeline
	$(PY) bench/million.py $(MILLION_ARGS)

check: install ## Validate settings and the venue file
	$(VENV)/bin/gatewatch check-config

clean:
	rm -rf $(VENV) node_modules static/vendor
