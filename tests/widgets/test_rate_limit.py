"""The sliding-window limiter, on a clock the test moves; in memory and in a real Redis."""

from collections.abc import Iterator

import pytest

from tests.services import RedisServer
from widgets.rate_limit import Limits, RateLimiter, RedisRateLimiter, TooManyRequests, make_limits
from widgets.settings import WebSettings


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


@pytest.fixture
def shared(redis_server: RedisServer) -> Iterator[RedisServer]:
    """The session's real Redis, empty for each test (its database 1: the stack tests use 0)."""
    redis_server.client(db=1).flushdb()
    yield redis_server
    redis_server.client(db=1).flushdb()


def test_two_app_workers_keep_one_count_in_redis(shared: RedisServer) -> None:
    # Two workers: two processes' own clients and limits, one Redis.
    first = Limits(session_per_minute=3, address_per_minute=4, redis=shared.client(db=1))
    second = Limits(session_per_minute=3, address_per_minute=4, redis=shared.client(db=1))
    first.check_session("s")
    second.check_session("s")
    first.check_session("s")
    with pytest.raises(TooManyRequests) as error:
        second.check_session("s")  # the fourth turn, whichever worker takes it
    assert 1 <= error.value.retry_after <= 60
    with pytest.raises(TooManyRequests):
        first.check_session("s")
    second.check_session("t")  # each conversation counts on its own
    for limits in (first, second, first, second):
        limits.check_address("1.2.3.4")
    with pytest.raises(TooManyRequests):
        first.check_address("1.2.3.4")
    # What Redis holds: the turns let through, under keys that expire with their window.
    client = shared.client(db=1)
    assert client.zcard("alledore:rate:session:s") == 3
    assert 0 < client.pttl("alledore:rate:session:s") <= 60_000


def test_the_redis_window_slides_as_the_one_in_memory(shared: RedisServer) -> None:
    clock = Clock()
    in_redis = RedisRateLimiter(shared.client(db=1), "slide", 2, window_s=60, clock=clock)
    in_memory = RateLimiter(2, window_s=60, clock=clock)
    waits = []
    for step in (0, 30, 0, 0, 29, 1.5, 0, 0, 61):
        clock.now += step
        waits.append((in_redis.wait_for("a"), in_memory.wait_for("a")))
    assert [r for r, _ in waits] == pytest.approx([m for _, m in waits])
    assert [r > 0 for r, _ in waits] == [False, False, True, True, True, False, True, True, False]


def test_without_redis_every_turn_is_let_through_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Nothing listens on port 1: the limits must not take the chat down with them.
    limits = make_limits(WebSettings(rate_limit_store="redis", redis_port=1))
    for _ in range(3):
        limits.check_session("s")
        limits.check_address("1.2.3.4")
    assert "Rate limits not counted" in caplog.text
    # Asked once per limit, then left alone for a while.
    assert len([r for r in caplog.records if r.name == "widgets.rate_limit"]) == 2


def test_the_settings_choose_where_the_limits_count(shared: RedisServer) -> None:
    assert isinstance(make_limits(WebSettings()).session, RateLimiter)
    settings = WebSettings(rate_limit_store="redis", **shared.settings(db=1))
    limits = make_limits(settings)
    assert isinstance(limits.session, RedisRateLimiter)
    limits.check_session("u")
    assert shared.client(db=1).zcard("alledore:rate:session:u") == 1
