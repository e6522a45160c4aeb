"""The sliding-window limiter, on a clock the test moves."""

import pytest

from widgets.rate_limit import Limits, RateLimiter, TooManyRequests


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_lets_through_its_count_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(3, window_s=60, clock=clock)
    for step in range(3):
        clock.now += 1
        assert limiter.wait_for("a") == 0, step
    clock.now += 1
    assert limiter.wait_for("a") == pytest.approx(57)  # the first turn leaves the window at 1061
    assert limiter.wait_for("b") == 0  # each key counts on its own


def test_the_window_slides() -> None:
    clock = Clock()
    limiter = RateLimiter(2, window_s=60, clock=clock)
    assert limiter.wait_for("a") == 0
    clock.now += 30
    assert limiter.wait_for("a") == 0
    assert limiter.wait_for("a") > 0  # refused turns are not counted
    clock.now += 31
    assert limiter.wait_for("a") == 0


def test_zero_turns_the_limit_off() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.wait_for("a") == 0 for _ in range(1000))
    assert limiter.hits == {}


def test_memory_stays_bounded_by_the_keys_in_the_window() -> None:
    clock = Clock()
    limiter = RateLimiter(5, window_s=60, clock=clock, max_keys=1000)
    for n in range(900):
        limiter.wait_for(f"old-{n}")
    clock.now += 61
    limiter.wait_for("new")
    assert set(limiter.hits) == {"new"}
    for n in range(5000):  # ever new keys inside one window: capped, not grown
        limiter.wait_for(f"flood-{n}")
    assert len(limiter.hits) <= 1000


def test_limits_raise_with_whole_seconds_to_wait() -> None:
    limits = Limits(session_per_minute=1, address_per_minute=2)
    limits.check_session("s")
    with pytest.raises(TooManyRequests) as error:
        limits.check_session("s")
    assert error.value.retry_after >= 1 and isinstance(error.value.retry_after, int)
    limits.check_address("1.2.3.4")
    limits.check_address("1.2.3.4")
    with pytest.raises(TooManyRequests):
        limits.check_address("1.2.3.4")
