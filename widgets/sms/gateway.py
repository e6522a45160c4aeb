"""One inbound text message, whatever the provider: keywords, limits, a numbered choice, then the
same dialogue as the web (ChatService with channel "sms"), rendered for a small screen.

The phone number is used for one thing only: its HMAC key. It is not stored or logged.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.concurrency import run_in_threadpool

from actions.payload import public_service
from knowledge.errors import KnowledgeError
from knowledge.text import fold
from widgets.chat import ChatService
from widgets.models import ChatReply, ChatRequest, Message
from widgets.settings import WebSettings
from widgets.sms.render import render
from widgets.sms.state import Option, SmsState, number_key
from widgets.texts import ui_text

# Whole-message keywords, compared folded (case, æøå and "ae/oe/aa" spellings alike).
KEYWORDS = {
    "help": {"hjalp", "help"},
    "stop": {"stop", "stopp"},
    "restart": {"ny", "start", "forfra"},
}
_PUNCTUATION = re.compile(r"[^\w\s]")


@dataclass
class Inbound:
    number: str
    text: str
    message_id: str
    kommune: str | None = None


def keyword(text: str) -> str | None:
    word = _PUNCTUATION.sub("", fold(text)).strip()
    return next((name for name, words in KEYWORDS.items() if word in words), None)


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
        number that has already been told it is sending too fast)."""
        if not await run_in_threadpool(self.state.first_time, provider, inbound.message_id):
            return None
        key = number_key(inbound.number, self.settings.sms_number_secret)
        verdict = await run_in_threadpool(
            self.state.allow, key, self.settings.sms_rate_limit, self.settings.sms_rate_window_s
        )
        if verdict == "silent":
            return None
        kommune = inbound.kommune or self.settings.sms_kommune
        if verdict == "warn":
            return self.own_words("sms.rate_limited")
        said = keyword(inbound.text)
        if said == "stop":
            await run_in_threadpool(self.forget, key)
            return self.own_words("sms.stop")
        if said == "restart":
            await run_in_threadpool(self.forget, key)
            return self.own_words("sms.restart")
        if said == "help":
            return await self.help(kommune)
        message = inbound.text
        choice = inbound.text.strip().rstrip(".")
        if choice.isdigit():
            options = await run_in_threadpool(self.state.options, key)
            if options and 1 <= int(choice) <= len(options):
                message = options[int(choice) - 1].payload
            elif options:
                return self.own_words("sms.pick_number")
        reply = await self.chat.reply(
            ChatRequest(session_id=key, message=message, kommune=kommune, language="da"),
            channel="sms",
        )
        sms = render(reply)
        chosen = [Option(b.title, b.payload) for b in sms.options]
        await run_in_threadpool(self.state.remember_options, key, chosen)
        return sms.text

    def forget(self, key: str) -> None:
        self.state.forget(key)
        self.forget_tracker(key)

    def own_words(self, name: str, services: list[dict[str, object]] | None = None) -> str:
        """The gateway's own texts go through the same renderer: GSM-7, at most 3 segments."""
        reply = ChatReply(session_id="-", messages=[Message(text=ui_text(name))])
        reply.services = list(services or [])
        return render(reply).text

    async def help(self, kommune: str | None) -> str:
        def door() -> list[dict[str, object]]:
            try:
                catalogue = self.chat.searcher().catalogue
            except KnowledgeError:
                return []
            found = catalogue.front_door(kommune) if kommune else None
            now = datetime.now().astimezone()
            return [public_service(catalogue.summary(found.id, now, kommune))] if found else []

        return self.own_words("sms.help", await run_in_threadpool(door))
