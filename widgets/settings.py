"""The web app's settings: one class, read from ALLEDORE_* like the rest of the stack."""

from functools import lru_cache

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


@lru_cache
def get_web_settings() -> WebSettings:
    return WebSettings()
