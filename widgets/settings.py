"""The web app's settings: one class, read from ALLEDORE_* like the rest of the stack."""

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator

from stack.settings import StackSettings


class WebSettings(StackSettings):
    """Where the app listens and how long it waits for the parts behind it.

    It extends the stack's settings, so the app finds Rasa and the action server where the
    supervisor started them, from the same variables.
    """

    # "production" refuses to start with a development placeholder secret (widgets/security.py).
    mode: Literal["development", "production"] = "development"

    # A citizen waits for this long at most before the app answers from the knowledge base alone.
    chat_timeout: float = 8.0
    health_timeout: float = 2.0
    max_message_chars: int = 2000
    # A request body larger than this is refused (413) before it is read into memory.
    max_body_bytes: int = 64_000

    # The municipal sites that may embed the widget (JSON list, e.g.
    # ALLEDORE_CORS_ORIGINS='["https://www.svendborg.dk"]'). In development any port on this
    # machine may too; in production only the list counts.
    cors_origins: list[str] = Field(default_factory=list)
    dev_cors_origin_regex: str = r"^https?://(localhost|127\.0\.0\.1)(:\d+)?$"

    # Turns a minute, per conversation and per client address (0 turns a limit off). A drop-in
    # centre puts many citizens behind one address, so that limit is the larger.
    rate_session_per_minute: int = 20
    rate_address_per_minute: int = 240
    # "memory": each app worker counts on its own (one worker: exact). "redis": every worker
    # counts in the Redis of stack/settings.py, so several workers keep one limit.
    rate_limit_store: Literal["memory", "redis"] = "memory"

    # Retention: conversations and SMS state older than this are deleted (make purge, and the
    # app itself every purge_interval_s).
    retention_days: float = 30.0
    purge_interval_s: float = 3600.0

    # Tags the web conversation ids the app issues (an HMAC), so an id a client made up is
    # replaced, never stored (widgets/ids.py says how to rotate it).
    session_id_secret: str = "dev-session-id-secret"

    # SMS. Placeholders are for development only: production refuses them (widgets/security.py).
    # An empty secret turns that provider's webhook off.
    twilio_auth_token: str = "dev-twilio-token"
    # Keys a phone number's conversation (an HMAC, its id "sms-..."); change it to rotate, and
    # every number's conversation starts anew (widgets/ids.py).
    sms_number_secret: str = "dev-sms-number-secret"
    # The public base URL the SMS provider calls (Twilio signs the full URL); default: as received.
    sms_public_url: str | None = None
    sms_kommune: str | None = None  # the municipality of the SMS number, unless ?kommune= says
    sms_rate_limit: int = 20  # messages per number per window
    sms_rate_window_s: float = 600.0
    gatewayapi_jwt_secret: str = "dev-only-gatewayapi-jwt-secret-0000"
    # A GatewayAPI token's senttime may be this old (it retries a delivery for up to 12 hours);
    # message ids already seen are refused for good (widgets/sms/state.py).
    gatewayapi_max_age_s: float = 86400.0
    gatewayapi_token: str = ""
    gatewayapi_url: str = "https://gatewayapi.com/rest/mtsms"
    sms_sender: str = "AlleDoere"  # alphanumeric sender id, at most 11 characters

    @property
    def sms_db(self) -> Path:
        return self.var_dir / "sms" / "state.db"

    @model_validator(mode="after")
    def locks_outlast_turns(self) -> Self:
        # A turn the app gave up on is cancelled by Rasa; until then it must keep its lock, or
        # the conversation's next turn could run beside it (stack/settings.py).
        if self.lock_store == "redis" and self.rasa_lock_lifetime_s <= self.chat_timeout:
            raise ValueError("ALLEDORE_RASA_LOCK_LIFETIME_S must be longer than the chat timeout")
        return self


@lru_cache
def get_web_settings() -> WebSettings:
    return WebSettings()
