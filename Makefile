# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

.PHONY: install run test migrate demo prod check clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

## Start the product: site on http://127.0.0.1:8000, a Celery worker and beat on
## the embedded broker under var/, mail written to var/mail/.
run: install
	bash bin/run-dev

## The whole test suite on SQLite; needs nothing but Python 3.11. It runs in
## parallel, one process per core (pytest-xdist; each process has its own test
## database): `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## System checks, no missing migration, and the dependency rule (pyproject.toml's import-linter contracts).
check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

## The production stack on this machine (see README: gunicorn, PostgreSQL, Redis, workers, beat).
prod: install
	bash bin/run-prod

clean:
	rm -rf var/broker var/mail var/test-dbs
