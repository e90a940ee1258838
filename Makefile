# Two commands for a newcomer: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Python 3.13 or 3.12, also when pyenv has them installed but not activated.
FIND_PYTHON = for c in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3.13 \
	$$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.13 /usr/local/bin/python3.12; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info[:2] < (3, 12))' >/dev/null 2>&1; then \
	echo $$c; break; fi; done

.PHONY: run test bench lint messages code clean help system-packages

help:
	@echo "make run    - install, migrate, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test   - ruff, import contracts, mypy, migration check and the test suite"
	@echo "make bench  - performance figures against the reference views"

$(STAMP): pyproject.toml
	@python=$$($(FIND_PYTHON)); \
	if [ -z "$$python" ]; then \
		echo "Python 3.12 or 3.13 is needed and was not found."; \
		echo "Install python3.13 (or python3.12), e.g. with pyenv or your package manager, then run make again."; \
		exit 1; \
	fi; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; $$python -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# Compiled translations; without gettext's msgfmt the committed .mo files are used.
messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "gettext (msgfmt) not installed: using the committed translations."; fi

run: messages
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Serving on http://127.0.0.1:8000 with one background worker. Ctrl-C stops both."
	@bash -c 'trap "kill 0" EXIT; \
		$(PY) manage.py qcluster & \
		$(PY) manage.py runserver 127.0.0.1:8000 --skip-checks'

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Debian packages the tests use: gettext (translation test), Chromium (browser tests) and
# poppler-utils (pdftotext reads the compliance PDF back).
# As root they are installed with apt-get; otherwise the tests that need them are skipped with a
# loud line saying how to install them (CI sets COOP_REQUIRE_ALL_TESTS=1, which fails instead).
system-packages:
	@missing=""; \
	command -v xgettext >/dev/null 2>&1 || missing="$$missing gettext"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing the Debian packages:$$missing"; \
			(apt-get update -qq && apt-get install -y -qq $$missing) >/dev/null \
				|| echo "!! apt-get could not install$$missing: the tests that need them will be SKIPPED"; \
		else \
			echo "!! Missing Debian packages:$$missing (install with: sudo apt-get install$$missing)"; \
			echo "!! the tests that need them will be SKIPPED"; \
		fi; \
	fi

test: system-packages messages lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

bench: messages
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null 2>&1; } || true
	$(PY) manage.py bench

# The current second-factor code of a demo account: make code EMAIL=bestuur@...
code: $(STAMP)
	@$(PY) manage.py demo_code $(EMAIL)

clean:
	rm -rf $(VENV) staticfiles bench-results bench.sqlite3* bench-10x.sqlite3*
