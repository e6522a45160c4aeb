"""One inbound text message, whatever the provider: keywords, limits, a numbered choice, then the
same dialogue as the web (ChatService with channel "sms"), rendered for a small screen.

The phone number is used for one thing only: its HMAC key. It is not stored or logged.
"""

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.concurrency import run_in_threadpool

from actions.payload import public_service
from knowledge.errors import KnowledgeError
from knowledge.i18n import N_, text
from knowledge.language import detect
from knowledge.redact import READ_MARGIN
from knowledge.text import fold
from widgets.chat import ChatService
from widgets.models import ChatReply, ChatRequest, Message
from widgets.settings import WebSettings
from widgets.sms.render import render
from widgets.sms.state import Option, SmsState, number_key

# Whole-message keywords, compared folded (case, æøå and "ae/oe/aa" spellings alike).
KEYWORDS = {
    "help": {"hjalp", "help"},
    "stop": {"stop", "stopp"},
    "restart": {"ny", "start", "forfra", "new", "restart", "start over"},
}
# Keywords that also say the person writes English (HELP, NEW): the answer comes in English.
ENGLISH_KEYWORDS = {"help", "new", "restart", "start over"}
# An SMS is GSM-7 (knowledge of other scripts would cost 70 characters a segment and show as
# boxes on old phones), so the gateway writes Danish or English; others read English.
SMS_LANGUAGES = ("da", "en")
_PUNCTUATION = re.compile(r"[^\w\s]")
# A sender's number as providers write it: digits, maybe "+", spaces, dashes, brackets, and a
# scheme ("tel:", "whatsapp:"). An alphanumeric sender ("Anonymous", "Restricted") has none.
_NUMBER = re.compile(r"^(?:[a-z]+:)?\+?[0-9 ()-]+$")
log = logging.getLogger(__name__)


@dataclass
class Inbound:
    number: str
    text: str
    message_id: str
    kommune: str | None = None


def _word(text: str) -> str:
    return " ".join(_PUNCTUATION.sub("", fold(text)).split())


def keyword(text: str) -> str | None:
    word = _word(text)
    return next((name for name, words in KEYWORDS.items() if word in words), None)


def usable_number(number: str) -> bool:
    """Can this sender be answered, and told apart from others (3 to 15 digits)?"""
    digits = sum(ch.isdigit() for ch in number)
    return bool(_NUMBER.match(number.strip())) and 3 <= digits <= 15


def choice_number(text: str) -> int | None:
    """A reply that is a number ("2", "2.", "２", "②", "²", "٢"), or None. A long run of
    digits is not a choice (and is never turned into an int)."""
    folded = unicodedata.normalize("NFKC", text).strip().rstrip(".)")
    if not folded or len(folded) > 3:
        return None
    digits = [unicodedata.decimal(ch, None) for ch in folded]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def sms_language(language: str | None) -> str:
    return language if language in SMS_LANGUAGES else "en" if language else "da"


class SmsGateway:
    def __init__(
        self,
        settings: WebSettings,
        chat: ChatService,
        state: SmsState,
        forget_tracker: Callable[[str], object],
    ) -> None:
        self.settings = settings
        self.chat = chat
        self.state = state
        self.forget_tracker = forget_tracker

    async def handle(self, inbound: Inbound, provider: str) -> str | None:
        """The reply text, or None when nothing should be sent (a redelivered message, or a
        number that has already been told it is sending too fast). Whatever the message, and
        whatever breaks, the person gets a kind answer."""
        # Only what can be kept is read: the chat's limit and a margin.
        inbound.text = inbound.text[: self.settings.max_message_chars + READ_MARGIN]
        try:
            return await self._handle(inbound, provider)
        except Exception as error:
            # The type only: an error's message may quote what the person wrote.
            log.error("SMS turn failed (%s); answered kindly", type(error).__name__)
            return self.own_words(N_("sms.failed"), "da")

    async def _handle(self, inbound: Inbound, provider: str) -> str | None:
        if not await run_in_threadpool(self.state.first_time, provider, inbound.message_id):
            return None
        key = number_key(inbound.number, self.settings.sms_number_secret)
        verdict = await run_in_threadpool(
            self.state.allow, key, self.settings.sms_rate_limit, self.settings.sms_rate_window_s
        )
        if verdict == "silent":
            return None
        kommune = inbound.kommune or self.settings.sms_kommune
        language = await self.language(key, inbound.text)
        if verdict == "warn":
            return self.own_words(N_("sms.rate_limited"), language)
        said = keyword(inbound.text)
        if said == "stop":
            await run_in_threadpool(self.forget, key)
            return self.own_words(N_("sms.stop"), language)
        if said == "restart":
            await run_in_threadpool(self.forget, key)
            return self.own_words(N_("sms.restart"), language)
        if said == "help":
            return await self.help(kommune, language)
        message = inbound.text
        choice = choice_number(inbound.text)
        if choice is not None:
            options = await run_in_threadpool(self.state.options, key)
            if options and 1 <= choice <= len(options):
                message = options[choice - 1].payload
            elif options:
                return self.own_words(N_("sms.pick_number"), language)
        reply = await self.chat.reply(
            ChatRequest(session_id=key, message=message, kommune=kommune, language=language),
            channel="sms",
        )
        sms = render(reply, language=sms_language(language))
        chosen = [Option(b.title, b.payload) for b in sms.options]
        await run_in_threadpool(self.state.remember_options, key, chosen)
        return sms.text

    def forget(self, key: str) -> None:
        self.state.forget(key)
        self.forget_tracker(key)

    async def language(self, key: str, message: str) -> str:
        """The language this number writes in: kept from its first message that showed it (or an
        English keyword), Danish until then."""
        known = await run_in_threadpool(self.state.language, key)
        word = _word(message)
        found = "en" if word in ENGLISH_KEYWORDS else None if keyword(message) else detect(message)
        if found and found != known and (known is None or word in ENGLISH_KEYWORDS):
            await run_in_threadpool(self.state.remember_language, key, found)
            return found
        return known or "da"

    def own_words(
        self, key: str, language: str, services: list[dict[str, object]] | None = None
    ) -> str:
        """The gateway's own texts go through the same renderer: GSM-7, at most 3 segments."""
        language = sms_language(language)
        reply = ChatReply(session_id="-", messages=[Message(text=text(key, language))])
        reply.services = list(services or [])
        return render(reply, language=language).text

    async def help(self, kommune: str | None, language: str) -> str:
        def door() -> list[dict[str, object]]:
            try:
                catalogue = self.chat.searcher().catalogue
            except KnowledgeError:
                return []
            found = catalogue.front_door(kommune) if kommune else None
            if found is None:
                return []
            now = datetime.now().astimezone()
            return [
                public_service(catalogue.summary(found.id, now, kommune, sms_language(language)))
            ]

        return self.own_words(N_("sms.help"), language, await run_in_threadpool(door))
