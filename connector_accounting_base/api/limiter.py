"""Client-side rate limiting, shared by every caller of one token.

A server may block a token for minutes when it sees a burst (SmartBill blocks a V1 token
for 10 minutes after more than 30 calls in 10 s), so the limiter must never let one
through: it keeps the send time of the last calls (a sliding window, stricter than a
server's fixed windows), keeps a safety margin below the published limit, and waits
before a call rather than after an error. A block announced by the server (403/429,
``Retry-After``, ``X-RateLimit-Remaining: 0``) pauses the token for everyone until it
ends. A daily budget, reset at midnight in the server's zone, is kept per process and
aligned on the server's own count by its headers.

The window lives in this process (:class:`LocalWindow`: the threads of one process share
it) or in PostgreSQL (:class:`PostgresWindow`: every process of every machine using that
database shares one budget, and a process that is busy elsewhere leaves its share to
the others).
"""

import hashlib
import math
import threading
import time
from collections import deque
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import MAX_PAUSE, RateLimitedError, TransientError


@dataclass(frozen=True)
class RateLimit:
    """A published limit: ``calls`` per ``window`` seconds, optionally ``daily`` calls
    counted from midnight in ``day_zone`` (the server's own day); ``server`` names it in
    messages."""

    calls: int
    window: float
    daily: int | None = None
    day_zone: str = "UTC"
    server: str = "API"


class LocalWindow:
    """The send times of the calls of one process, and the token's block end."""

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._sent = deque()
        self._blocked_until = 0.0  # on self._clock

    def take(self, span, allowed):
        """Take a slot when one is free (returns 0), else the seconds to wait."""
        now = self._clock()
        while self._sent and self._sent[0] <= now - span:
            self._sent.popleft()
        wait = self._blocked_until - now
        if len(self._sent) >= allowed:
            wait = max(wait, self._sent[0] + span - now)
        if wait <= 0:
            self._sent.append(now)
        return max(wait, 0.0)

    def block_until(self, unix_time):
        deadline = self._clock() + max(0.0, unix_time - time.time())
        self._blocked_until = max(self._blocked_until, deadline)

    def state(self, span):
        """(calls sent in the window, block end as unix time or None)."""
        now = self._clock()
        blocked = self._blocked_until - now
        in_window = sum(1 for t in self._sent if t > now - span)
        return in_window, (time.time() + blocked if blocked > 0 else None)


class PostgresWindow:
    """The send times of the calls of every process using one PostgreSQL database.

    ``connect()`` returns a new psycopg2 connection (kept by this window and opened
    again when lost); ``key`` names the token. Each slot is taken in a short transaction
    of its own, under an advisory lock of the key, on PostgreSQL's clock (processes on
    several machines agree on it). The tables are created on first use.
    """

    TABLES = """
        CREATE TABLE IF NOT EXISTS connector_rate_call (
            key varchar NOT NULL, sent double precision NOT NULL);
        CREATE INDEX IF NOT EXISTS connector_rate_call_key ON connector_rate_call (key, sent);
        CREATE TABLE IF NOT EXISTS connector_rate_block (
            key varchar PRIMARY KEY, until double precision NOT NULL);
    """

    def __init__(self, connect, key):
        self._connect = connect
        self.key = key
        self._connection = None

    def _run(self, statements):
        """Run ``statements(cursor, now)`` in one transaction; its result. A database
        error is a :class:`TransientError` (the call is tried again later)."""
        try:
            if self._connection is None or self._connection.closed:
                self._connection = self._connect()
                with self._connection, closing(self._connection.cursor()) as cr:
                    cr.execute("SELECT pg_advisory_xact_lock(hashtext('connector_rate_tables'))")
                    cr.execute(self.TABLES)
            with self._connection, closing(self._connection.cursor()) as cr:
                cr.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.key,))
                cr.execute("SELECT extract(epoch FROM clock_timestamp())::float")
                return statements(cr, cr.fetchone()[0])
        except Exception as err:
            if self._connection is not None:
                self._connection.close()
            raise TransientError(f"Rate-limit window unavailable: {type(err).__name__}") from err

    def take(self, span, allowed):
        def statements(cr, now):
            cr.execute(
                "DELETE FROM connector_rate_call WHERE key = %s AND sent <= %s",
                (self.key, now - span),
            )
            cr.execute(
                "SELECT count(*), min(sent), (SELECT until FROM connector_rate_block"
                " WHERE key = %s) FROM connector_rate_call WHERE key = %s",
                (self.key, self.key),
            )
            count, first, until = cr.fetchone()
            wait = (until or 0.0) - now
            if count >= allowed:
                wait = max(wait, first + span - now)
            if wait <= 0:
                cr.execute(
                    "INSERT INTO connector_rate_call (key, sent) VALUES (%s, %s)", (self.key, now)
                )
            return max(wait, 0.0)

        return self._run(statements)

    def block_until(self, unix_time):
        def statements(cr, _now):
            cr.execute(
                "INSERT INTO connector_rate_block (key, until) VALUES (%s, %s) ON CONFLICT"
                " (key) DO UPDATE SET until = greatest(connector_rate_block.until, %s)",
                (self.key, unix_time, unix_time),
            )

        self._run(statements)

    def clear(self):
        """Forget the token's calls and block, and close the connection."""

        def statements(cr, _now):
            cr.execute("DELETE FROM connector_rate_call WHERE key = %s", (self.key,))
            cr.execute("DELETE FROM connector_rate_block WHERE key = %s", (self.key,))

        self._run(statements)
        self._connection.close()

    def state(self, span):
        def statements(cr, now):
            cr.execute(
                "SELECT count(*), (SELECT until FROM connector_rate_block WHERE key = %s)"
                " FROM connector_rate_call WHERE key = %s AND sent > %s",
                (self.key, self.key, now - span),
            )
            count, until = cr.fetchone()
            # unix time on PostgreSQL's clock, shown as it is
            return count, (until if until and until > now else None)

        return self._run(statements)


class RateLimiter:
    """Sliding-window limiter for one token.

    ``margin`` is the share of the published limit kept in reserve (0.1 -> 27 of 30);
    ``pad`` the seconds added to the window to absorb network jitter between our send
    time and the server's arrival time; ``window`` where the send times are kept (this
    process's :class:`LocalWindow` by default).
    """

    def __init__(
        self,
        limit,
        *,
        margin=0.1,
        pad=None,
        clock=time.monotonic,
        sleep=time.sleep,
        window=None,
    ):
        self.limit = limit
        self.margin = margin
        self.allowed = max(1, math.floor(limit.calls * (1 - margin)))
        self.span = limit.window + (pad if pad is not None else limit.window * 0.02)
        self.window = window or LocalWindow(clock)
        self._sleep = sleep
        self._lock = threading.Lock()
        self._day = None
        self._day_count = 0
        self.calls = 0
        self.waits = 0
        self.waited_seconds = 0.0

    # -- waiting for a slot -------------------------------------------------
    def acquire(self, max_wait=None):
        """Take one call slot, sleeping while needed. Returns the seconds waited.

        Raises :class:`RateLimitedError` instead of sleeping when the wait is longer
        than ``max_wait`` seconds, or when the daily budget is spent.
        """
        waited = 0.0
        while True:
            with self._lock:
                self._check_daily_budget()
                wait = self.window.take(self.span, self.allowed)
                if wait <= 0:
                    self._day_count += 1
                    self.calls += 1
                    if waited:
                        self.waits += 1
                        self.waited_seconds += waited
                    return waited
                if max_wait is not None and waited + wait > max_wait:
                    raise RateLimitedError(
                        f"Rate limit: next {self.limit.server} call possible in {wait:.1f} s",
                        retry_at=time.time() + wait,
                    )
            self._sleep(wait)
            waited += wait

    def _roll_day(self):
        """Start a new daily count at midnight in the server's zone; return today."""
        today = datetime.now(ZoneInfo(self.limit.day_zone)).date()
        if today != self._day:
            self._day, self._day_count = today, 0
        return today

    def _check_daily_budget(self):
        if not self.limit.daily:
            return
        today = self._roll_day()
        if self._day_count >= self.limit.daily:
            midnight = datetime.combine(
                today + timedelta(days=1), datetime.min.time(), ZoneInfo(self.limit.day_zone)
            )
            raise RateLimitedError(
                f"Daily budget of {self.limit.daily} {self.limit.server} calls is spent",
                retry_at=midnight.timestamp(),
            )

    # -- what the server told us ---------------------------------------------
    def block_until(self, unix_time):
        """Pause the token until ``unix_time`` (a block announced by the server), an hour
        at most: a longer pause announced is the caller's to report, not to wait."""
        with self._lock:
            self.window.block_until(min(unix_time, time.time() + MAX_PAUSE))

    def observe(self, *, remaining=None, reset_at=None, daily_remaining=None):
        """Align with the server's own counters from the answer's headers."""
        if remaining is not None and remaining <= 0 and reset_at:
            self.block_until(reset_at)
        if daily_remaining is not None and self.limit.daily:
            with self._lock:
                self._roll_day()
                self._day_count = max(self._day_count, self.limit.daily - daily_remaining)

    # -- for dashboards -----------------------------------------------------
    def state(self):
        """Calls left in the current window and the block end (unix time or None)."""
        with self._lock:
            in_window, blocked_until = self.window.state(self.span)
            return {
                "calls_left": max(0, self.allowed - in_window),
                "blocked_until": blocked_until,
                "calls": self.calls,
                "waits": self.waits,
                "waited_seconds": round(self.waited_seconds, 3),
            }


_registry = {}
_registry_lock = threading.Lock()


def token_key(token):
    """A stable, non-reversible name for a token (the token itself is never a key)."""
    return hashlib.sha256((token or "").encode()).hexdigest()[:16]


def shared_limiter(api, token, limit, margin=0.1, limiter_connect=None):
    """The process-wide limiter of ``token`` on ``api`` (a name such as "v1").

    Every client built for the same token gets the same limiter, so two threads (or two
    backends configured with one token) share one budget; with ``limiter_connect`` (a function
    returning a new psycopg2 connection), the window is kept in that database and shared
    by every process using it. A changed limit, margin or store replaces the limiter.
    """
    key = (api, token_key(token))
    shared = limiter_connect is not None
    with _registry_lock:
        limiter = _registry.get(key)
        if (
            limiter is None
            or limiter.limit != limit
            or limiter.margin != margin
            or isinstance(limiter.window, PostgresWindow) != shared
        ):
            window = PostgresWindow(limiter_connect, f"{api}:{key[1]}") if shared else None
            limiter = RateLimiter(limit, margin=margin, window=window)
            _registry[key] = limiter
        return limiter


def forget_limiters():
    """Drop every shared limiter (their history and blocks, in this process and in their
    database): a fresh start."""
    with _registry_lock:
        for limiter in _registry.values():
            if isinstance(limiter.window, PostgresWindow):
                limiter.window.clear()
        _registry.clear()
