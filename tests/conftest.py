"""Fixtures for the pure-Python layer: a SmartBill simulator on 127.0.0.1 with a 1-second
rate-limit window (SmartBill's is 10 s), and clients configured to match."""

from dataclasses import replace

import psycopg2
import pytest

from odoo.addons.connector_accounting_base.api.limiter import forget_limiters
from odoo.addons.connector_smartbill.api import (
    V1_LIMIT,
    V3_LIMIT,
    SmartBillV1Client,
    SmartBillV3Client,
)

from tests.smartbill_sim import SimServer, generate

WINDOW = 1.0
FAST_V1 = replace(V1_LIMIT, window=WINDOW)
FAST_V3 = replace(V3_LIMIT, window=WINDOW)
CLIENT_OPTIONS = {"timeout": (1.0, 1.0), "backoff": 0.05, "max_rate_wait": 5.0}


@pytest.fixture(scope="session")
def dataset():
    return generate("demo", seed=7)


@pytest.fixture(scope="session")
def server(dataset):
    sim = SimServer(dataset, window=WINDOW, v1_block_seconds=3.0).start()
    yield sim
    sim.stop()


@pytest.fixture
def sim(server):
    forget_limiters()
    server.reset_usage()
    yield server
    server.reset_usage()


@pytest.fixture
def v1(sim, dataset):
    return SmartBillV1Client(
        dataset.email,
        dataset.v1_token,
        dataset.cif,
        base_url=sim.url,
        limit=FAST_V1,
        **CLIENT_OPTIONS,
    )


@pytest.fixture
def v3(sim, dataset):
    return SmartBillV3Client(
        dataset.v3_token, dataset.cif, base_url=sim.url, limit=FAST_V3, **CLIENT_OPTIONS
    )


PYTEST_DB = "smartbill_pytest"


@pytest.fixture(scope="session")
def pg_connect():
    """A function returning a new connection to a PostgreSQL database of these tests
    (created when missing): where a shared rate-limit window is kept."""
    admin = psycopg2.connect(dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PYTEST_DB])
        if not cr.fetchone():
            cr.execute(f"CREATE DATABASE {PYTEST_DB}")
    admin.close()
    return lambda: psycopg2.connect(dbname=PYTEST_DB)
