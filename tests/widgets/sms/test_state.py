"""The gateway's memory: keyed by an HMAC of the number, redeliveries, the rate limit."""

from pathlib import Path

from widgets.sms.state import Option, SmsState, number_key


def test_a_number_is_keyed_not_kept(tmp_path: Path) -> None:
    key = number_key("+45 12 34 56 78", "secret")
    assert key == number_key("4512345678", "secret")
    assert key != number_key("4512345678", "another secret")
    assert "12345678" not in key
    state = SmsState(tmp_path / "sms.db")
    state.remember_options(key, [Option("Flere muligheder", "/ask_more")])
    assert b"12345678" not in (tmp_path / "sms.db").read_bytes()
    assert state.options(key) == [Option("Flere muligheder", "/ask_more")]


def test_a_message_id_is_answered_once(tmp_path: Path) -> None:
    state = SmsState(tmp_path / "sms.db")
    assert state.first_time("twilio", "SM1") is True
    assert state.first_time("twilio", "SM1") is False
    assert state.first_time("gatewayapi", "SM1") is True  # another provider's id space


def test_over_the_limit_one_polite_reply_then_silence(tmp_path: Path) -> None:
    state = SmsState(tmp_path / "sms.db")
    verdicts = [state.allow("k", limit=3, window_s=60, now=100 + i) for i in range(6)]
    assert verdicts == ["ok", "ok", "ok", "warn", "silent", "silent"]
    assert state.allow("other", limit=3, window_s=60, now=106) == "ok"
    assert state.allow("k", limit=3, window_s=60, now=200) == "ok"  # the window has passed


def test_forget_removes_what_was_kept(tmp_path: Path) -> None:
    state = SmsState(tmp_path / "sms.db")
    state.remember_options("k", [Option("a", "/a")])
    state.allow("k", limit=1, window_s=60)
    state.forget("k")
    assert state.options("k") == []
    assert state.allow("k", limit=1, window_s=60) == "ok"
