"""A chat reply as one text message for an old phone: GSM-7, at most a few segments, the doors
first, and the quick replies as numbers to answer with.

The reply is laid out in reading order as pieces, each with a priority; pieces are taken in order
of priority while they fit, so what is dropped is the least needed, and what stays keeps its place:
  1 crisis: the first message ("Ring 112 nu") and the crisis lines' names and phones
  2 the first message   3 the numbered options   4 the first card (name and phone)
  5 further cards       6 openings and addresses  7 other messages   8 the source line
A first message too long to fit whole is cut at a word boundary after 1-4 are in, never inside a
phone number. Lines are joined by one newline; blocks (a message, a card, the options) get a blank
line between them only when the whole text still fits with them.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from knowledge import i18n
from knowledge.i18n import N_
from widgets.models import Button, ChatReply, Message
from widgets.sms.gsm import PART_GSM7, SINGLE_GSM7, segments, septets, shorten, to_gsm7

NAME_LIMIT = 60  # septets of a name or option title; longer ones are cut with "..."
TITLE_LIMIT = 40
LINE_LIMIT = 100  # an address, an opening, the source line
URL_LIMIT = 100  # a longer link is useless cut, and too costly whole: left out
MIN_ROOM = 60  # septets a cut first message keeps, dropping the options and first card if need be
# Danish numbers as the bot writes them ("62 23 30 00", "70 201 201", "+45 ..."): written as one
# run of digits, which an old phone offers to dial.
_PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+45 ?)?(?:\d{2}(?: \d{2}){3}|\d{2} \d{3} \d{3})(?!\d)")


@dataclass
class SmsText:
    text: str  # GSM-7, at most max_segments segments
    options: list[Button]  # the quick replies, numbered 1..n in the text, in this order


@dataclass
class _Piece:
    text: str
    priority: int
    block: int
    pulls: list[int] = field(default_factory=list)  # pieces that come with this one
    requires: int | None = None  # only with this piece
    pulled_only: bool = False  # shown only with a piece that pulls it (a shared contact line)
    cuttable: bool = False


def dial(phone: str) -> str:
    """A phone number as one run of digits; +45 and 0045 go, other country codes keep +."""
    digits = re.sub(r"\D", "", phone)
    start = phone.strip()
    if start.startswith(("+45", "0045")) and len(digits) in (10, 12):
        return digits[-8:]
    return "+" + digits if start.startswith("+") and digits else digits


def _clean(text: str) -> str:
    """GSM-7, one space between words, no empty lines, phone numbers as digits."""
    text = to_gsm7(text).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return _PHONE_IN_TEXT.sub(lambda m: dial(m.group()), "\n".join(line for line in lines if line))


def _say(key: str, language: str, **values: str) -> str:
    """A text of the catalogs, kept GSM-7 whatever a translator writes there."""
    return _clean(i18n.text(key, language, **values))


def _clip(text: str, limit: int) -> str:
    return shorten(" ".join(_clean(text).split()), limit)


def _card(service: dict[str, Any], language: str) -> tuple[str, str, list[str]]:
    """Name, how to get in touch, and the extras shown only when there is room."""
    name = _clip(str(service.get("name") or ""), NAME_LIMIT)
    phones = [p.get("number") for p in service.get("phones") or [] if isinstance(p, dict)]
    phone = dial(str(service.get("phone") or next((p for p in phones if p), "")))
    via: dict[str, Any] = service["via"] if isinstance(service.get("via"), dict) else {}
    via_name = _clip(str(via.get("name") or ""), NAME_LIMIT)
    via_phone = dial(str(via.get("phone") or ""))
    address = _clip(str(service.get("address") or ""), LINE_LIMIT)
    via_address = _clip(str(via.get("address") or ""), LINE_LIMIT)
    url = _clean(str(service.get("url") or ""))
    extras = []
    if phone:
        contact = _say(N_("sms_render.phone"), language, phone=phone)
    elif via_phone and via_name:
        contact = _say(N_("sms_render.via_phone"), language, name=via_name, phone=via_phone)
    elif via_phone:
        contact = _say(N_("sms_render.phone"), language, phone=via_phone)
    elif address:
        contact, address = _say(N_("sms_render.address"), language, address=address), ""
    elif via_name and via_address:
        contact = _say(N_("sms_render.via_address"), language, name=via_name, address=via_address)
    elif url and len(url) <= URL_LIMIT and " " not in url:  # links only where nothing else will do
        contact = _say(N_("sms_render.url"), language, url=url)
    else:
        contact = _say(N_("sms_render.via_only"), language, name=via_name) if via_name else ""
    if address:
        extras.append(_say(N_("sms_render.address"), language, address=address))
    opening = _clip(str(service.get("opening") or ""), LINE_LIMIT)
    # A crisis line with unchecked hours says "if nobody answers, call 112": on an SMS, 112 is
    # already the first line, so that sentence is left out (a line's known hours are kept).
    if service.get("crisis") and service.get("open_now") is None:
        opening = ""
    extras = [*extras, opening] if opening else extras
    # A name with nothing left in GSM-7 (another script): the contact line stands in for it.
    return (name, contact, extras) if name else (contact, "", [])


def _items(reply: ChatReply) -> list[tuple[str, Any, int]]:
    """The reply in reading order: ("text", text, priority) and ("card", service, priority)."""
    by_id = {str(s.get("id")): s for s in reply.services}
    placed: set[str] = set()
    items: list[tuple[str, Any, int]] = []

    def cards(services: list[dict[str, Any]], priority: int) -> None:
        for service in services:
            if str(service.get("id")) not in placed:
                placed.add(str(service.get("id")))
                items.append(("card", service, priority))

    def message(m: Message, priority: int) -> None:
        shown = [by_id[i] for i in m.services if i in by_id]
        if shown:  # the text form of cards: compact cards in its place
            cards(shown, 0)
        else:
            items.append(("text", m.text, priority))

    messages = list(reply.messages)
    if reply.crisis:
        # "Ring 112 nu", then the crisis lines, before anything else. A first message that is
        # the text form of cards comes after them, and a reply without messages starts with them.
        if messages and not any(i in by_id for i in messages[0].services):
            message(messages.pop(0), 1)
        cards([s for s in reply.services if s.get("crisis")], 1)
    for index, m in enumerate(messages):
        message(m, 2 if index == 0 and not reply.crisis else 7)
    cards(reply.services, 0)  # what no message refers to: crisis lines, the limited mode
    # Cards placed with priority 0 get theirs now: the first one 4, further ones 5.
    unranked = [i for i, (kind, _, priority) in enumerate(items) if priority == 0]
    for i in unranked:
        items[i] = (items[i][0], items[i][1], 4 if i == unranked[0] else 5)
    return items


def _options(reply: ChatReply, language: str) -> tuple[list[Button], str]:
    last = next((m for m in reversed(reply.messages) if m.buttons), None)
    options = []
    for button in last.buttons if last else []:
        title = _clip(button.title, TITLE_LIMIT)
        if title:  # a title with nothing left in GSM-7 cannot be chosen by its number
            options.append(Button(title=title, payload=button.payload))
    if not options:
        return [], ""
    lines = [
        _say(N_("sms_render.option"), language, number=str(n), title=b.title)
        for n, b in enumerate(options, 1)
    ]
    numbers = ", ".join(str(n) for n in range(1, len(options)))
    key = N_("sms_render.answer_many") if numbers else N_("sms_render.answer_one")
    lines.append(_say(key, language, numbers=numbers, last=str(len(options))))
    return options, "\n".join(lines)


def _source(reply: ChatReply, language: str) -> str:
    for source in reply.sources:
        document, section = source.get("document"), source.get("section")
        if document:
            key = N_("sms_render.source") if section else N_("sms_render.source_document")
            return _clip(
                _say(key, language, document=str(document), section=str(section)), LINE_LIMIT
            )
    return ""


def _pieces(reply: ChatReply, source: str, options: str, language: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    items = _items(reply)
    block, i = 0, 0
    while i < len(items):
        kind, value, priority = items[i]
        block += 1
        if kind == "text":
            pieces.append(_Piece(_clean(value), priority, block, cuttable=priority <= 2))
            i += 1
            continue
        # Consecutive cards reached the same way (often the municipality's switchboard) share one
        # contact line and its extras: three names and one number instead of the number 3 times.
        name, contact, extras = _card(value, language)
        names = [(name, priority)]
        i += 1
        while i < len(items) and items[i][0] == "card":
            other = _card(items[i][1], language)
            if other[1:] != (contact, extras):
                break
            names.append((other[0], items[i][2]))
            i += 1
        first = len(pieces)
        contact_at = first + len(names) if contact else None
        pulls = [contact_at] if contact_at is not None else []
        pieces += [_Piece(n, p, block, pulls=pulls) for n, p in names]
        if contact:
            pieces.append(_Piece(contact, min(p for _, p in names), block, pulled_only=True))
            pieces += [_Piece(e, 6, block, requires=contact_at) for e in extras]
    pieces.append(_Piece(source, 8, block + 1))
    pieces.append(_Piece(options, 3, block + 2))
    return pieces


def _join(pieces: list[_Piece], chosen: set[int], spacious: bool = False) -> str:
    out: list[str] = []
    last = -1
    for i in sorted(chosen):
        if pieces[i].text:
            if out:
                out.append("\n\n" if spacious and pieces[i].block != last else "\n")
            out.append(pieces[i].text)
            last = pieces[i].block
    return "".join(out)


def _with(pieces: list[_Piece], chosen: set[int], i: int) -> set[int]:
    return chosen | {i, *pieces[i].pulls}


def _room(pieces: list[_Piece], chosen: set[int], budget: int) -> int:
    """Septets left beside the chosen pieces for one more, counting the newline before it."""
    used = _join(pieces, chosen)
    return budget - septets(used) - (1 if used else 0)


def _place_first(pieces: list[_Piece], chosen: set[int], deferred: list[int], budget: int) -> None:
    """Place the must-have messages after the crisis lines, the options and the first card: whole
    when they fit, else cut into the room left, which is at least MIN_ROOM septets when dropping
    the first card, then the options, makes it."""
    for i in deferred:
        need = septets(pieces[i].text)
        # A card goes with its contact line: the line itself is never dropped on its own (its
        # name would pull it straight back, for ever).
        while (room := _room(pieces, chosen, budget)) < min(need, MIN_ROOM) and (
            droppable := [
                c for c in chosen if pieces[c].priority in (3, 4) and not pieces[c].pulled_only
            ]
        ):
            drop = max(droppable, key=lambda c: (pieces[c].priority, c))
            chosen -= {drop, *pieces[drop].pulls}
            chosen |= {x for c in chosen for x in pieces[c].pulls}
        pieces[i].text = shorten(pieces[i].text, room)
        if pieces[i].text:
            chosen.add(i)


def render(reply: ChatReply, max_segments: int = 3, language: str = "da") -> SmsText:
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    budget = SINGLE_GSM7 if max_segments == 1 else PART_GSM7 * max_segments
    options, options_text = _options(reply, language)
    pieces = _pieces(reply, _source(reply, language), options_text, language)
    chosen: set[int] = set()
    deferred: list[int] = []
    for i in sorted(range(len(pieces)), key=lambda i: (pieces[i].priority, i)):
        piece = pieces[i]
        if piece.priority >= 5 and deferred:
            _place_first(pieces, chosen, deferred, budget)
            deferred = []
        if not piece.text or piece.pulled_only:
            continue
        if piece.requires is not None and piece.requires not in chosen:
            continue
        if piece.cuttable:  # placed once 1-4 are in: it must fit beside them, not just alone
            deferred.append(i)
            continue
        trial = _with(pieces, chosen, i)
        if septets(_join(pieces, trial)) <= budget:
            chosen = trial
    _place_first(pieces, chosen, deferred, budget)
    text = _join(pieces, chosen, spacious=True)
    if segments(text) > max_segments:
        text = _join(pieces, chosen)
    if not text:
        text = _say(N_("sms_render.nothing"), language)
    # The options piece is always the last one: options count only when their lines are shown.
    return SmsText(text=text, options=options if len(pieces) - 1 in chosen else [])
