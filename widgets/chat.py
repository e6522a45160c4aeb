"""One chat turn for the web: ask Rasa, or answer from the knowledge base when it cannot.

Rasa decides; this module only carries its answer to the JSON shape in DESIGN.md. When Rasa or
the action server is down or slow, the person still gets the best services for what they wrote,
their municipality's front door, and, for a crisis, 112 and the right line first.
"""

import logging
import unicodedata
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel.lists import format_list
from starlette.concurrency import run_in_threadpool

from actions.cards import text_form_of
from actions.payload import PAYLOAD_TYPE, public_service
from knowledge.crisis import Crisis, get_detector, get_lexicon
from knowledge.errors import KnowledgeError
from knowledge.i18n import N_, locale, reply_language, text, ui_language
from knowledge.language import language_metadata, resolve
from knowledge.logsafe import turn, withhold
from knowledge.payloads import AllowList, get_allow_list, guard
from knowledge.redact import READ_MARGIN, redact
from knowledge.search import Searcher
from knowledge.settings import get_settings
from widgets.ids import is_sms_id, web_id
from widgets.metrics import Metrics
from widgets.models import Button, ChatReply, ChatRequest, Message
from widgets.rasa_client import RasaClient, RasaUnavailable
from widgets.rate_limit import Limits
from widgets.settings import WebSettings

# The bot's own words for when nothing else answers, with verified doors per municipality.
FALLBACK_FILE = Path(__file__).resolve().parent.parent / "bot" / "addons" / "fallback.yml"
LIMITED_SERVICES = 3
# How the note on redaction names each kind (knowledge/redact.py).
KIND_NAMES = {
    "cpr": N_("privacy.kind.cpr"),
    "phone": N_("privacy.kind.phone"),
    "email": N_("privacy.kind.email"),
    "address": N_("privacy.kind.address"),
}
log = logging.getLogger(__name__)


def clean_message(message: str) -> str:
    """Control characters out (they are never meant), whitespace kept as the person wrote it."""
    kept = (ch for ch in message if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return "".join(kept).strip()


def from_rasa(session_id: str, said: list[dict[str, Any]], language: str = "da") -> ChatReply:
    """Rasa's REST messages as a ChatReply: texts with their buttons, and the structured payload
    the actions send (services, sources, themes, crisis, handover) merged over the turn."""
    reply = ChatReply(session_id=session_id, messages=[])
    seen: set[str] = set()
    for item in said:
        buttons = [
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in item.get("buttons") or []
            if isinstance(b, dict)
        ]
        if item.get("text"):
            reply.messages.append(Message(text=str(item["text"]), buttons=buttons))
        elif buttons and reply.messages:
            reply.messages[-1].buttons += buttons
        custom = item.get("custom")
        if not (isinstance(custom, dict) and custom.get("type") == PAYLOAD_TYPE):
            continue
        for service in custom.get("services") or []:
            if service.get("id") not in seen:
                seen.add(service.get("id"))
                reply.services.append(service)
        reply.sources += custom.get("sources") or []
        reply.themes = reply.themes or list(custom.get("themes") or [])
        reply.crisis = reply.crisis or bool(custom.get("crisis"))
        reply.handover = custom.get("handover") or reply.handover
        reply.kommune = custom.get("kommune") or reply.kommune
    for message in reply.messages:
        message.services = text_form_of(message.text, reply.services, language)
    return reply


class ChatService:
    def __init__(
        self,
        settings: WebSettings,
        rasa: RasaClient,
        searcher: Callable[[], Searcher],
        metrics: Metrics,
        limits: Limits | None = None,
    ) -> None:
        self.settings = settings
        self.rasa = rasa
        self.searcher = searcher
        self.metrics = metrics
        self.limits = limits

    def session_id(self, given: str | None, channel: str) -> str:
        """The conversation to continue: an SMS key from the gateway, or a web id this app
        issued; any other id a client sends is replaced, never stored (widgets/ids.py)."""
        if channel == "sms":
            if not is_sms_id(given):
                raise ValueError("an SMS turn without the gateway's key for the number")
            return str(given)
        return web_id(given, self.settings.session_id_secret)

    def allow_list(self) -> AllowList:
        """The payloads the bot's domain offers, with the catalogue's municipalities."""
        return get_allow_list(self.settings.bot_dir / "domain", get_settings().catalogue_dir)

    def known_kommune(self, kommune: str | None) -> str | None:
        slug = (kommune or "").strip().lower()
        try:
            known = set(self.searcher().catalogue.municipalities)
        except KnowledgeError:
            known = set(fallback_texts()["doors"])
        return slug if slug in known else None

    async def reply(self, request: ChatRequest, channel: str = "web") -> ChatReply:
        session_id = self.session_id(request.session_id, channel)
        if self.limits is not None and channel != "sms":
            # SMS has its own limit per number (widgets/sms/gateway.py).
            self.limits.check_session(session_id)
        # What the person writes: what the widget or client says, else what the message is in.
        language = resolve(request.language, request.message)
        # Whatever is logged during the turn, its text is not (knowledge/logsafe.py).
        with turn(request.message):
            try:
                return await self._reply(request, session_id, language, channel)
            except Exception:
                # Whatever broke, the person gets the verified doors, never an error page.
                log.exception("chat turn failed; answered with the fallback doors")
                self.metrics.turns.labels("failed").inc()
                kommune = (request.kommune or "").strip().lower()
                return doors_only(session_id, kommune, language, crisis=False)

    async def _reply(
        self, request: ChatRequest, session_id: str, language: str, channel: str
    ) -> ChatReply:
        kommune = await run_in_threadpool(self.known_kommune, request.kommune)
        # Rasa decodes `/intent{json}` itself: only the payloads the bot offers go on as one,
        # anything else starting with `/` as plain words (knowledge/payloads.py). Only what can
        # be kept is read (and redacted): the limit and a margin past it.
        allow = await run_in_threadpool(self.allow_list)
        limit = self.settings.max_message_chars
        message, is_payload = guard(clean_message(request.message[: limit + READ_MARGIN]), allow)
        if not message:
            self.metrics.turns.labels("empty").inc()
            return ChatReply(
                session_id=session_id,
                messages=[Message(text=text("chat.empty", language))],
                kommune=kommune,
                language=ui_language(language),
            )
        notes: list[Message] = []
        # Before Rasa sees it (its tracker store keeps every message): what identifies the person
        # goes, and they are told so, kindly, before the answer. Redacted first, then cut, so
        # the cut never leaves half a CPR number. A payload the bot offered holds only checked
        # slugs: it is sent as it is.
        private = redact(message, limit)
        if not is_payload:
            message = private.text
            if private.cut or len(request.message) > limit + READ_MARGIN:
                notes.append(Message(text=text("chat.too_long", language)))
        if private.changed and not is_payload:
            notes.append(Message(text=redacted_note(private.kinds, language)))
            self.metrics.redactions.inc()
        # The crisis net reads every turn here, whether Rasa answers or not, and Rasa is told
        # its verdict (bot/addons/crisis.py) so the message is read once.
        withhold(message)
        crisis = await run_in_threadpool(detect_crisis, message)
        metadata = {
            "kommune": kommune,
            **language_metadata(language),
            "channel": channel,
            "crisis": {"kind": crisis.kind if crisis else None},
        }
        try:
            said = await self.rasa.send(session_id, message, metadata)
        except RasaUnavailable:
            self.metrics.upstream_failures.labels("rasa").inc()
            reply = await self.limited(session_id, message, kommune, language, crisis)
        else:
            reply = from_rasa(session_id, said, reply_language(language))
            reply.kommune = reply.kommune or kommune
            if not any(isinstance(i.get("custom"), dict) for i in said):
                # No structured payload: normal for small talk, but also what Rasa sends when the
                # action server is down. Only then is the knowledge base asked directly.
                up, _ = await self.rasa.actions_ready(self.settings.health_timeout)
                if not up:
                    self.metrics.upstream_failures.labels("actions").inc()
                    extra = await self.limited(session_id, message, kommune, language, crisis)
                    reply = merge_limited(reply, extra)
        if crisis is not None and not crisis_first(reply):
            reply = await self.crisis_first(reply, crisis, kommune, language)
        # 112 stays first in a crisis; what was taken out of the message is said after it.
        first = reply.messages[:1] if reply.crisis else []
        reply.messages = first + notes + reply.messages[len(first) :]
        reply.language = ui_language(language)
        self.metrics.turns.labels("limited" if reply.limited else "full").inc()
        return reply

    async def crisis_first(
        self, reply: ChatReply, crisis: Crisis, kommune: str | None, language: str
    ) -> ChatReply:
        """112 and the line before anything else, whatever answered the turn."""
        reply.messages.insert(0, Message(text=text("chat.limited_crisis", language)))
        try:
            lines = await run_in_threadpool(self._lines, crisis, kommune, ui_language(language))
        except KnowledgeError:
            lines = []
        known = {s["id"] for s in lines}
        reply.services = lines + [s for s in reply.services if s["id"] not in known]
        reply.crisis = True
        return reply

    def _lines(self, crisis: Crisis, kommune: str | None, language: str) -> list[dict[str, Any]]:
        catalogue = self.searcher().catalogue
        now = datetime.now().astimezone()
        return [public_service(catalogue.summary(i, now, kommune, language)) for i in crisis.lines]

    async def limited(
        self,
        session_id: str,
        message: str,
        kommune: str | None,
        language: str,
        crisis: Crisis | None,
    ) -> ChatReply:
        """The answer without Rasa: crisis lines, the best services, the front door."""
        try:
            services = await run_in_threadpool(
                self._services, message, kommune, crisis, ui_language(language)
            )
        except KnowledgeError:
            return doors_only(session_id, kommune, language, crisis is not None)
        texts = [text("chat.limited_crisis", language)] if crisis else []
        texts.append(text("chat.limited", language))
        return ChatReply(
            session_id=session_id,
            messages=[Message(text=t) for t in texts],
            services=services,
            crisis=crisis is not None,
            kommune=kommune,
            limited=True,
        )

    def _services(
        self, message: str, kommune: str | None, crisis: Any, language: str
    ) -> list[dict[str, Any]]:
        searcher = self.searcher()
        catalogue = searcher.catalogue
        now = datetime.now().astimezone()
        chosen: list[dict[str, Any]] = []
        if crisis is not None:
            chosen += [catalogue.summary(i, now, kommune, language) for i in crisis.lines]
        found = searcher.search(message, kommune, k=8, passages=0, language=language).services
        # Own municipality and national only; no crisis lines unless the message was a crisis.
        fits = [s for s in found if not s["crisis"] and not s["front_door"]]
        chosen += fits[:LIMITED_SERVICES]
        door = catalogue.front_door(kommune) if kommune else None
        if door is not None:
            chosen.append(catalogue.summary(door.id, now, kommune, language))
        unique = {s["id"]: s for s in chosen}
        return [public_service(s) for s in unique.values()]


def detect_crisis(message: str) -> Crisis | None:
    """Both stages of the crisis net; the lexicon alone if the learned stage cannot run. A
    message neither can read is a need like any other: it goes on to be answered."""
    try:
        return get_detector().detect(message)
    except Exception:
        log.exception("the learned crisis stage failed; the lexicon alone decides")
    try:
        return get_lexicon().lexicon(message)
    except Exception:
        log.exception("the crisis lexicon failed on a message; it is answered as a need")
        return None


def crisis_first(reply: ChatReply) -> bool:
    """Does the reply already open with 112 (Rasa's crisis answer, or the limited one)?"""
    return reply.crisis and bool(reply.messages) and "112" in reply.messages[0].text


def redacted_note(kinds: tuple[str, ...], language: str) -> str:
    """ "I took out a CPR number and an address ...": what went, in the person's language."""
    names = [text(KIND_NAMES[kind], language) for kind in kinds]
    return text("privacy.redacted", language, what=format_list(names, locale=locale(language)))


def merge_limited(reply: ChatReply, extra: ChatReply) -> ChatReply:
    """Rasa's own words first (its fallback names 112), then what search found."""
    reply.messages += extra.messages
    reply.services += [
        s for s in extra.services if s["id"] not in {x["id"] for x in reply.services}
    ]
    reply.crisis = reply.crisis or extra.crisis
    reply.limited = True
    return reply


@lru_cache(maxsize=1)
def fallback_texts() -> dict[str, Any]:
    """The bot's own words for when nothing else answers (read once, on first need)."""
    data: dict[str, Any] = yaml.safe_load(FALLBACK_FILE.read_text(encoding="utf-8"))
    return data


def doors_only(session_id: str, kommune: str | None, language: str, crisis: bool) -> ChatReply:
    """When even the knowledge base is missing: the bot's verified fallback words."""
    data = fallback_texts()
    data = data.get(reply_language(language), data)
    door = data["doors"].get(kommune or "")
    texts = [data["limited"], door or data["any_door"]]
    return ChatReply(
        session_id=session_id,
        messages=[Message(text=t) for t in texts],
        crisis=crisis,
        kommune=kommune if door else None,
        limited=True,
        language=ui_language(language),
    )
