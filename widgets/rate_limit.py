"""Rate limits per conversation and per client address, in this process's memory.

A sliding window of the last minute's turns per key. Memory stays bounded: keys whose window has
passed are dropped as the limiter is used, and the number of keys is capped. Several app workers
each count on their own; a shared store (Redis) is for a deployment that runs several.
"""

import math
import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0


class TooManyRequests(Exception):
    """Over a limit; `retry_after` seconds until the next turn is let through."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limit: retry after {retry_after:.0f} s")
        self.retry_after = max(1, math.ceil(retry_after))


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


class Limits:
    """The app's two limits; each check raises TooManyRequests when its limit is reached."""

    def __init__(self, session_per_minute: int, address_per_minute: int) -> None:
        self.session = RateLimiter(session_per_minute)
        self.address = RateLimiter(address_per_minute)

    def check_address(self, address: str) -> None:
        if wait := self.address.wait_for(address):
            raise TooManyRequests(wait)

    def check_session(self, session_id: str) -> None:
        if wait := self.session.wait_for(session_id):
            raise TooManyRequests(wait)
