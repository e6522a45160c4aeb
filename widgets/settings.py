"""The web app's settings: one class, read from ALLEDORE_* like the rest of the stack."""

from functools import lru_cache
from pathlib import Path

from stack.settings import StackSettings


class WebSettings(StackSettings):
    """Where the app listens and how long it waits for the parts behind it.

    It extends the stack's settings, so the app finds Rasa and the action server where the
    supervisor started them, from the same variables.
    """

    # A citizen waits for this long at most before the app answers from the knowledge base alone.
    chat_timeout: float = 8.0
    health_timeout: float = 2.0
    max_message_chars: int = 2000

    # SMS. Placeholders are for development only (issue 7 makes production refuse them).
    twilio_auth_token: str = "dev-twilio-token"
    # Keys a phone number's conversation (an HMAC); change it and every conversation starts anew.
    sms_number_secret: str = "dev-sms-number-secret"
    # The public base URL the SMS provider calls (Twilio signs the full URL); default: as received.
    sms_public_url: str | None = None
    sms_kommune: str | None = None  # the municipality of the SMS number, unless ?kommune= says
    sms_rate_limit: int = 20  # messages per number per window
    sms_rate_window_s: float = 600.0
    gatewayapi_jwt_secret: str = "dev-only-gatewayapi-jwt-secret-0000"
    gatewayapi_token: str = ""
    gatewayapi_url: str = "https://gatewayapi.com/rest/mtsms"
    sms_sender: str = "AlleDoere"  # alphanumeric sender id, at most 11 characters

    @property
    def sms_db(self) -> Path:
        return self.var_dir / "sms" / "state.db"


@lru_cache
def get_web_settings() -> WebSettings:
    return WebSettings()
