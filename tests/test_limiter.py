"""The client-side rate limiter: never a burst, one budget per token, blocks honoured."""

import multiprocessing
import threading
import time
import uuid
from contextlib import closing

import psycopg2
import pytest
import requests

from odoo.addons.connector_accounting_base.api.limiter import PostgresWindow, forget_limiters
from odoo.addons.connector_smartbill.api import (
    RateLimit,
    RateLimitedError,
    RateLimiter,
    SmartBillV1Client,
    TransientError,
    shared_limiter,
)

from tests.conftest import CLIENT_OPTIONS, FAST_V1, PYTEST_DB, WINDOW


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_margin_and_sliding_window():
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(30, 10.0), margin=0.1, pad=0.0, clock=clock, sleep=clock.sleep)
    assert limiter.allowed == 27
    waits = [limiter.acquire() for _ in range(27)]
    assert waits == [0.0] * 27
    assert limiter.acquire() == pytest.approx(10.0)  # the 28th waits for the 1st to age out
    assert clock.now == pytest.approx(1010.0)
    assert limiter.state()["waits"] == 1


def test_wait_longer_than_accepted_raises_with_retry_time():
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(2, 10.0), margin=0.0, pad=0.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    limiter.acquire()
    with pytest.raises(RateLimitedError) as err:
        limiter.acquire(max_wait=1.0)
    assert err.value.retry_at == pytest.approx(time.time() + 10, abs=1)
    assert clock.now == 1000.0  # it did not sleep


def test_block_and_headers_pause_the_token():
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(30, 10.0), clock=clock, sleep=clock.sleep)
    limiter.observe(remaining=0, reset_at=time.time() + 4)
    assert limiter.acquire() == pytest.approx(4, abs=0.1)
    limiter.block_until(time.time() + 600)
    with pytest.raises(RateLimitedError):
        limiter.acquire(max_wait=30)


def test_daily_budget_is_spent_then_refused_until_midnight():
    limiter = RateLimiter(RateLimit(60, 10.0, daily=50_000))
    limiter.observe(daily_remaining=1)
    limiter.acquire()
    with pytest.raises(RateLimitedError, match="Daily budget") as err:
        limiter.acquire()
    assert 0 < err.value.retry_at - time.time() <= 24 * 3600


def test_shared_limiter_is_per_token_and_api():
    limit = RateLimit(30, 10.0)
    assert shared_limiter("v1", "token-a", limit) is shared_limiter("v1", "token-a", limit)
    assert shared_limiter("v1", "token-a", limit) is not shared_limiter("v1", "token-b", limit)
    assert shared_limiter("v1", "token-a", limit) is not shared_limiter("v3", "token-a", limit)


def test_200_calls_never_exceed_the_limit_seen_by_smartbill(v1, sim, dataset):
    started = time.monotonic()
    for _ in range(200):
        v1.payment_status("FCT", "0001")
    elapsed = time.monotonic() - started
    usage = sim.usage_for(dataset.v1_token)
    assert usage.calls == 200
    assert usage.blocks == 0 and usage.rejected == 0
    assert usage.max_in_window <= 30
    # close to the allowed rate: 27 calls per window (+2 % pad) -> about 7.3 windows
    assert elapsed < 200 / 27 * WINDOW * 1.3


def test_two_threads_share_one_budget(v1, sim, dataset):
    errors = []

    def work():
        try:
            for _ in range(60):
                v1.taxes()
        except Exception as err:  # noqa: BLE001 - collected for the assertion below
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = sim.usage_for(dataset.v1_token)
    assert errors == []
    assert usage.calls == 120 and usage.blocks == 0 and usage.max_in_window <= 30


def test_without_limiter_smartbill_blocks_the_token(sim, dataset):
    """Control: a burst of 31 calls is what SmartBill punishes with a 10-minute block."""
    session = requests.Session()
    session.auth = (dataset.email, dataset.v1_token)
    answers = [
        session.get(f"{sim.url}/tax", params={"cif": dataset.cif}, timeout=2) for _ in range(31)
    ]
    assert [a.status_code for a in answers[:30]] == [200] * 30
    assert answers[30].status_code == 403
    assert "blocat" in answers[30].json()["errorText"]
    assert sim.usage_for(dataset.v1_token).blocks == 1


# -- one window for every process: kept in PostgreSQL -------------------------------------
def _calls_in_a_process(url, dataset, calls, queue):
    """A separate OS process: its own limiter and connection, the window in PostgreSQL."""
    forget_limiters()  # the parent's limiters are not this process's
    client = SmartBillV1Client(
        dataset.email,
        dataset.v1_token,
        dataset.cif,
        base_url=url,
        limit=FAST_V1,
        limiter_connect=lambda: psycopg2.connect(dbname=PYTEST_DB),
        **CLIENT_OPTIONS,
    )
    for _ in range(calls):
        client.taxes()
    queue.put(client.limiter.state()["calls"])


def test_processes_share_one_window_kept_in_postgresql(sim, dataset, pg_connect):
    with closing(pg_connect()) as conn, conn, conn.cursor() as cr:
        cr.execute("DROP TABLE IF EXISTS smartbill_rate_call, smartbill_rate_block")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [
        context.Process(target=_calls_in_a_process, args=(sim.url, dataset, 60, queue))
        for _ in range(3)
    ]
    started = time.monotonic()
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    elapsed = time.monotonic() - started
    assert sorted(queue.get(timeout=1) for _ in processes) == [60, 60, 60]
    usage = sim.usage_for(dataset.v1_token)
    # 3 processes, each allowed the whole budget, never went over it together...
    assert (usage.calls, usage.blocks, usage.rejected) == (180, 0, 0)
    assert usage.max_in_window <= 30
    # ... and used it: 180 calls at 27 per window (+2 % pad) is about 6.8 windows
    assert elapsed < 180 / 27 * WINDOW * 1.02 * 1.3


def test_a_block_seen_by_one_process_pauses_the_others(pg_connect):
    key = f"test-{uuid.uuid4().hex}"
    limit = RateLimit(30, 10.0)
    first = RateLimiter(limit, window=PostgresWindow(pg_connect, key))
    second = RateLimiter(limit, window=PostgresWindow(pg_connect, key))  # another process
    first.acquire()
    assert second.state()["calls_left"] == 26
    first.block_until(time.time() + 600)
    with pytest.raises(RateLimitedError, match="possible in 6"):
        second.acquire(max_wait=30)
    assert second.state()["blocked_until"] == pytest.approx(time.time() + 600, abs=5)


def test_window_store_down_is_a_transient_error():
    def refused():
        raise psycopg2.OperationalError("connection refused")

    limiter = RateLimiter(RateLimit(30, 10.0), window=PostgresWindow(refused, "down"))
    with pytest.raises(TransientError, match="Rate-limit window unavailable: OperationalError"):
        limiter.acquire()
