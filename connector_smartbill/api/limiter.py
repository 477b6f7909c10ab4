"""Client-side rate limiting, shared by every caller of one token in this process.

SmartBill blocks a V1 token for 10 minutes when it sees more than 30 calls in 10 s, so
the limiter must never let a burst through: it keeps the send time of the last calls
(a sliding window, stricter than SmartBill's fixed windows), keeps a safety margin below
the published limit, and waits before a call rather than after an error. A block
announced by SmartBill (403/429, ``Retry-After``, ``X-RateLimit-Remaining: 0``) pauses the
token for everyone until it ends. V3 also has a daily budget, reset at midnight in
Bucharest.
"""

import hashlib
import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import RateLimitedError

BUCHAREST = ZoneInfo("Europe/Bucharest")


@dataclass(frozen=True)
class RateLimit:
    """A published limit: ``calls`` per ``window`` seconds, optionally ``daily`` calls."""

    calls: int
    window: float
    daily: int | None = None


V1_LIMIT = RateLimit(calls=30, window=10.0)
V3_LIMIT = RateLimit(calls=60, window=10.0, daily=50_000)


class RateLimiter:
    """Sliding-window limiter for one token.

    ``margin`` is the share of the published limit kept in reserve (0.1 -> 27 of 30);
    ``pad`` the seconds added to the window to absorb network jitter between our send
    time and SmartBill's arrival time.
    """

    def __init__(self, limit, *, margin=0.1, pad=None, clock=time.monotonic, sleep=time.sleep):
        self.limit = limit
        self.margin = margin
        self.allowed = max(1, math.floor(limit.calls * (1 - margin)))
        self.span = limit.window + (pad if pad is not None else limit.window * 0.02)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._sent = deque()
        self._blocked_until = 0.0  # monotonic
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
                now = self._clock()
                self._check_daily_budget()
                while self._sent and self._sent[0] <= now - self.span:
                    self._sent.popleft()
                wait = self._blocked_until - now
                if len(self._sent) >= self.allowed:
                    wait = max(wait, self._sent[0] + self.span - now)
                if wait <= 0:
                    self._sent.append(now)
                    self._day_count += 1
                    self.calls += 1
                    if waited:
                        self.waits += 1
                        self.waited_seconds += waited
                    return waited
                if max_wait is not None and waited + wait > max_wait:
                    raise RateLimitedError(
                        f"Rate limit: next SmartBill call possible in {wait:.1f} s",
                        retry_at=time.time() + wait,
                    )
            self._sleep(wait)
            waited += wait

    def _roll_day(self):
        """Start a new daily count at midnight in Bucharest; return today."""
        today = datetime.now(BUCHAREST).date()
        if today != self._day:
            self._day, self._day_count = today, 0
        return today

    def _check_daily_budget(self):
        if not self.limit.daily:
            return
        today = self._roll_day()
        if self._day_count >= self.limit.daily:
            midnight = datetime.combine(today + timedelta(days=1), datetime.min.time(), BUCHAREST)
            raise RateLimitedError(
                f"Daily budget of {self.limit.daily} SmartBill calls is spent",
                retry_at=midnight.timestamp(),
            )

    # -- what SmartBill told us ---------------------------------------------
    def block_until(self, unix_time):
        """Pause the token until ``unix_time`` (a block announced by SmartBill)."""
        with self._lock:
            deadline = self._clock() + max(0.0, unix_time - time.time())
            self._blocked_until = max(self._blocked_until, deadline)

    def observe(self, *, remaining=None, reset_at=None, daily_remaining=None):
        """Align with SmartBill's own counters from the answer's headers."""
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
            now = self._clock()
            in_window = sum(1 for t in self._sent if t > now - self.span)
            blocked = self._blocked_until - now
            return {
                "calls_left": max(0, self.allowed - in_window),
                "blocked_until": time.time() + blocked if blocked > 0 else None,
                "calls": self.calls,
                "waits": self.waits,
                "waited_seconds": round(self.waited_seconds, 3),
            }


_registry = {}
_registry_lock = threading.Lock()


def token_key(token):
    """A stable, non-reversible name for a token (the token itself is never a key)."""
    return hashlib.sha256((token or "").encode()).hexdigest()[:16]


def shared_limiter(api, token, limit, margin=0.1):
    """The process-wide limiter of ``token`` on ``api`` ("v1" or "v3").

    Every client built for the same token gets the same limiter, so two threads (or two
    backends configured with one token) share one budget. A changed limit or margin
    replaces the limiter.
    """
    key = (api, token_key(token))
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None or limiter.limit != limit or limiter.margin != margin:
            limiter = RateLimiter(limit, margin=margin)
            _registry[key] = limiter
        return limiter


def forget_limiters():
    """Drop every shared limiter (their history and blocks): a fresh process's state."""
    with _registry_lock:
        _registry.clear()
