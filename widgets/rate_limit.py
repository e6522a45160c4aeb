"""Rate limits per conversation and per client address.

A sliding window of the last minute's turns per key, kept in one of two places
(ALLEDORE_RATE_LIMIT_STORE):

- "memory", this process's own: exact for one app worker. Memory stays bounded: keys whose window
  has passed are dropped as the limiter is used, and the number of keys is capped.
- "redis": every app worker counts in one Redis, so several workers keep one limit. Each key is a
  sorted set of turn times that expires with its window.
"""

import logging
import math
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from redis import Redis, RedisError
from redis.backoff import NoBackoff
from redis.retry import Retry

from widgets.settings import WebSettings

WINDOW_S = 60.0
# A hung Redis holds a request up this long at most, once, and is then not asked for a while
# (the client is synchronous: a round trip to a Redis nearby takes well under a millisecond).
REDIS_TIMEOUT_S = 0.5
REDIS_PAUSE_S = 5.0
log = logging.getLogger(__name__)

# Trim the window, count, and add the turn only when under the limit, as one step: two workers
# can never both let through the last allowed turn. Answers the seconds to wait, or 0 (as text:
# Redis would cut a Lua number to a whole one).
SLIDING_WINDOW = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return '0'
"""


class TooManyRequests(Exception):
    """Over a limit; `retry_after` seconds until the next turn is let through."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limit: retry after {retry_after:.0f} s")
        self.retry_after = max(1, math.ceil(retry_after))


class Limiter(Protocol):
    def wait_for(self, key: str) -> float:
        """0 and the turn is counted, or the seconds until one is allowed (nothing counted)."""
        ...


class RateLimiter:
    def __init__(
        self,
        per_window: int,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.per_window = per_window
        self.window_s = window_s
        self.clock = clock
        self.max_keys = max_keys
        self.hits: dict[str, deque[float]] = {}
        self._next_sweep = 0.0

    def wait_for(self, key: str) -> float:
        """0 and the turn is counted, or the seconds until one is allowed (nothing counted)."""
        if self.per_window <= 0:
            return 0.0
        now = self.clock()
        self._sweep(now)
        hits = self.hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        if len(hits) >= self.per_window:
            return hits[0] + self.window_s - now
        hits.append(now)
        return 0.0

    def _sweep(self, now: float) -> None:
        # Once a window, or when full: forget every key with no turn inside the window.
        if now < self._next_sweep and len(self.hits) < self.max_keys:
            return
        self._next_sweep = now + self.window_s
        for key in [k for k, h in self.hits.items() if not h or h[-1] <= now - self.window_s]:
            del self.hits[key]
        if len(self.hits) >= self.max_keys:
            # Still full of live keys: an attack with ever new keys. Start counting afresh
            # rather than grow without bound.
            self.hits.clear()


class RedisRateLimiter:
    """The same sliding window, counted in Redis by every app worker that uses `name`."""

    def __init__(
        self,
        redis: Redis,
        name: str,
        per_window: int,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.per_window = per_window
        self.window_s = window_s
        # Wall-clock time: the workers (on other machines too) must agree on it.
        self.clock = clock
        self.prefix = f"alledore:rate:{name}:"
        self.script = redis.register_script(SLIDING_WINDOW)
        self._paused_until = 0.0

    def wait_for(self, key: str) -> float:
        """0 and the turn is counted, or the seconds until one is allowed (nothing counted)."""
        if self.per_window <= 0 or time.monotonic() < self._paused_until:
            return 0.0
        now = self.clock()
        # Two turns in the same microsecond are still two.
        turn = f"{now:.6f}:{secrets.token_hex(4)}"
        try:
            wait = self.script(
                keys=[self.prefix + key], args=[now, self.window_s, self.per_window, turn]
            )
        except RedisError as error:
            # The limits protect the service and must not take it down: while Redis is away
            # every turn is let through, and the log says so.
            log.warning("Rate limits not counted for %g s, Redis: %s", REDIS_PAUSE_S, error)
            self._paused_until = time.monotonic() + REDIS_PAUSE_S
            return 0.0
        return float(wait)


class Limits:
    """The app's two limits; each check raises TooManyRequests when its limit is reached.

    Counted in this process, or in `redis` when one is given (shared by every app worker)."""

    def __init__(
        self, session_per_minute: int, address_per_minute: int, redis: Redis | None = None
    ) -> None:
        self.session: Limiter
        self.address: Limiter
        if redis is None:
            self.session = RateLimiter(session_per_minute)
            self.address = RateLimiter(address_per_minute)
        else:
            self.session = RedisRateLimiter(redis, "session", session_per_minute)
            self.address = RedisRateLimiter(redis, "address", address_per_minute)

    def check_address(self, address: str) -> None:
        if wait := self.address.wait_for(address):
            raise TooManyRequests(wait)

    def check_session(self, session_id: str) -> None:
        if wait := self.session.wait_for(session_id):
            raise TooManyRequests(wait)


def redis_client(settings: WebSettings) -> Redis:
    """The Redis of the settings (it connects on first use, not here)."""
    return Redis(
        host=settings.redis_host,
        port=settings.redis_port,
        db=settings.redis_db,
        password=settings.redis_password or None,
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
        # No retries with back-off (the client's default, seconds): a turn waits for no one.
        retry=Retry(NoBackoff(), 0),
    )


def make_limits(settings: WebSettings) -> Limits:
    shared = redis_client(settings) if settings.rate_limit_store == "redis" else None
    return Limits(settings.rate_session_per_minute, settings.rate_address_per_minute, shared)
