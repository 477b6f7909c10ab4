# connector_smartbill: `make demo` and `make test` are the two commands a newcomer needs.
# Everything else here is what those two install and run, idempotently, on a fresh machine.

# an Odoo 19.0 tree: /opt/odoo19 when there is one, else a shallow clone made in .cache/
ODOO_SRC ?= $(if $(wildcard /opt/odoo19/odoo-bin),/opt/odoo19,$(CURDIR)/.cache/odoo19)
ODOO_GIT ?= https://github.com/odoo/odoo.git
VENV ?= .venv
PYTHON ?= python3
DEMO_DB ?= smartbill_demo
FRESHBOOKS_DEMO_DB ?= freshbooks_demo
TEST_DB ?= smartbill_test
SIM_PORT ?= 8787

PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEB_PACKAGES := libpq-dev libldap2-dev libsasl2-dev libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev \
	chromium
OCA_WHEELS := odoo-addon-queue_job==19.0.2.4.0.1 odoo-addon-component==19.0.1.0.1.6 \
	odoo-addon-component_event==19.0.1.0.0.9 odoo-addon-connector==19.0.1.0.0.5

export ODOO_SRC

BENCH_DB ?= smartbill_bench

.PHONY: help demo demo-freshbooks test pytest odoo-test lint sim bench bench-quick bench-chaos bench-freshbooks venv check-odoo debs db-up clean

help:
	@echo "make demo   the SmartBill demo in '$(DEMO_DB)', then the FreshBooks demo in '$(FRESHBOOKS_DEMO_DB)'"
	@echo "make demo-freshbooks  the FreshBooks demo alone"
	@echo "make test   run the pure-Python tests and the Odoo tests (fresh database '$(TEST_DB)')"
	@echo "make lint   ruff and pylint-odoo, as pre-commit runs them"
	@echo "make sim    start the SmartBill simulator on 127.0.0.1:$(SIM_PORT)"
	@echo "make bench  the benchmark at 1k and 10k invoices (make bench-quick: 150 invoices)"
	@echo "make bench-chaos  1k invoices clean, then in chaos: the final states compared"
	@echo "make bench-freshbooks  FreshBooks at 1k clients and 10k invoices, and the webhook path"

check-odoo:
	@test -f "$(ODOO_SRC)/odoo-bin" || { \
	  echo "No Odoo tree at ODOO_SRC=$(ODOO_SRC): cloning Odoo 19.0 (shallow) from $(ODOO_GIT)"; \
	  mkdir -p "$$(dirname "$(ODOO_SRC)")" && rm -rf "$(ODOO_SRC).part" && \
	  timeout 1800 git clone -q --depth 1 --branch 19.0 "$(ODOO_GIT)" "$(ODOO_SRC).part" && \
	  mv "$(ODOO_SRC).part" "$(ODOO_SRC)"; \
	} || { \
	  rm -rf "$(ODOO_SRC).part"; \
	  echo "ERROR: no Odoo 19.0 tree at ODOO_SRC=$(ODOO_SRC) and it could not be fetched: clone 19.0 of $(ODOO_GIT) there, or set ODOO_SRC to a tree (README.rst)." >&2; \
	  exit 1; }

debs:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# PostgreSQL is started by the machine; start it if it is not (CI on a fresh machine).
db-up:
	@pg_isready -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt tools/constraints-build.txt | check-odoo debs
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# setuptools 75+: an older pkg_resources cannot find zope.interface 7+ (zope_interface
	@# dist-info), and Odoo's gevent process then dies at start and is spawned again forever
	$(PY) -m pip install -q "pip==24.3.1" "setuptools>=75,<81" wheel
	PIP_CONSTRAINT=$(CURDIR)/tools/constraints-build.txt \
	  $(PY) -m pip install -q -r $(ODOO_SRC)/requirements.txt
	$(PY) -m pip install -q --no-deps -e $(ODOO_SRC) --config-settings editable_mode=compat
	$(PY) -m pip install -q $(OCA_WHEELS) -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

pytest: $(STAMP) db-up
	$(PY) -m pytest tests/

odoo-test: $(STAMP) db-up
	$(PY) tools/run_odoo.py test --db $(TEST_DB)

# Both layers run even when the first fails; the target fails if either did.
test: $(STAMP) db-up
	@rc=0; \
	$(PY) -m pytest tests/ | tee $(VENV)/pytest.log || rc=1; \
	$(PY) tools/run_odoo.py test --db $(TEST_DB) || rc=1; \
	echo "== summary =="; \
	echo "pytest: $$(tail -n 1 $(VENV)/pytest.log | tr -d '=')"; \
	cat $(VENV)/odoo-test.summary 2>/dev/null || echo "odoo: no result"; \
	exit $$rc

demo: $(STAMP) db-up
	$(PY) tools/run_odoo.py demo --db $(DEMO_DB) --sim-port $(SIM_PORT) --freshbooks-db $(FRESHBOOKS_DEMO_DB)

demo-freshbooks: $(STAMP) db-up
	$(PY) tools/run_odoo.py demo --db $(DEMO_DB) --only freshbooks --freshbooks-db $(FRESHBOOKS_DEMO_DB)

# Benchmarks: a fresh database, the simulator and Odoo with queue_job's runner; one table
bench: $(STAMP) db-up
	$(PY) bench/run.py --db $(BENCH_DB) --size 1k --size 10k

# The chaos backfill: 1k invoices twice, clean then with faults, a killed worker and a
# PostgreSQL restart; the final databases compared
bench-chaos: $(STAMP) db-up
	$(PY) bench/chaos.py --db smartbill_chaos --size 1k

bench-freshbooks: $(STAMP) db-up
	$(PY) bench/freshbooks.py --db freshbooks_bench --size 1k

bench-quick: $(STAMP) db-up
	$(PY) bench/run.py --db $(BENCH_DB) --size quick

sim: $(STAMP)
	$(PY) -m tests.smartbill_sim --port $(SIM_PORT) --dataset demo

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	$(VENV)/bin/pylint --rcfile=.pylintrc --disable=consider-merging-classes-inherited connector_accounting_base connector_smartbill connector_smartbill_stock connector_freshbooks tests/addons/connector_ledgerly
	$(PY) tools/gen_addon_readme.py --check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
