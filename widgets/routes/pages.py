"""The pages: a demo municipal page with the widget, the chat without JavaScript, and the
widget's script and texts."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from knowledge.errors import KnowledgeError
from knowledge.i18n import direction, group, language_code, reply_language, ui_language
from knowledge.language import detect
from widgets.chat import clean_message
from widgets.deps import ChatDep, RasaDep, SearcherDep, SettingsDep, TemplatesDep
from widgets.history import Entry, history, place_cards
from widgets.ids import is_web_id, new_web_id, web_id
from widgets.models import ChatReply, ChatRequest
from widgets.rasa_client import RasaUnavailable
from widgets.staff_view import municipality_names

router = APIRouter(tags=["pages"])


def municipalities(searcher: SearcherDep) -> dict[str, str]:
    try:
        return municipality_names(searcher().catalogue)
    except KnowledgeError:
        return {}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def demo(
    request: Request,
    templates: TemplatesDep,
    searcher: SearcherDep,
    kommune: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """A plausible municipal page with the widget mounted by one script tag."""
    names = await run_in_threadpool(municipalities, searcher)
    slug = (kommune or "").strip().lower()
    slug = slug if slug in names else next(iter(names), "")
    return templates.TemplateResponse(
        request,
        "demo.html",
        {"kommune": slug, "name": names.get(slug, ""), "names": names},
    )


@router.get("/widget/texts.json", include_in_schema=False)
async def widget_texts(language: Annotated[str, Query(max_length=20)] = "da") -> JSONResponse:
    """The widget's words in the language it asks for (or the nearest we have), and which way
    that language is written."""
    shown = ui_language(language)
    texts = {"language": shown, "dir": direction(shown), **group("widget.", shown)}
    return JSONResponse(texts, headers={"Cache-Control": "public, max-age=300"})


def reply_entries(reply: ChatReply) -> list[Entry]:
    entries = [Entry("bot", m.text, [b.model_dump() for b in m.buttons]) for m in reply.messages]
    place_cards(
        entries,
        {"services": reply.services, "sources": reply.sources},
        reply_language(reply.language),
    )
    return entries


async def render_chat(
    request: Request,
    templates: TemplatesDep,
    searcher: SearcherDep,
    rasa: RasaDep,
    settings: SettingsDep,
    session: str,
    kommune: str,
    latest: ChatReply | None = None,
    from_rasa: bool = True,
    chosen_language: str = "",
) -> HTMLResponse:
    names = await run_in_threadpool(municipalities, searcher)
    if latest is not None:
        # The page is shown in the language the answer was given in.
        request.state.language = latest.language
    try:
        # Only a conversation this app issued the id of is read back (never an SMS one).
        issued = is_web_id(session, settings.session_id_secret)
        entries = history(await rasa.events(session)) if issued else []
    except RasaUnavailable:
        entries = []
    if latest is not None and (latest.limited or not from_rasa):
        # Rasa did not hold this turn, so its history lacks it: show the answer given now.
        entries += reply_entries(latest)
    context = {
        "session": session,
        "kommune": kommune if kommune in names else "",
        "names": names,
        "entries": entries,
        # The crisis lines stay in view for the rest of the conversation.
        "crisis": any(s.get("crisis") for e in entries for s in e.services)
        or bool(latest and latest.crisis),
        "limited": latest.limited if latest else False,
        "chosen_language": chosen_language,
    }
    return templates.TemplateResponse(request, "chat.html", context)


@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
async def chat_page(
    request: Request,
    templates: TemplatesDep,
    searcher: SearcherDep,
    rasa: RasaDep,
    settings: SettingsDep,
    kommune: Annotated[str, Query(max_length=100)] = "",
    s: Annotated[str, Query(max_length=200)] = "",
    language: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """The same conversation as the widget, as a plain form: for old browsers and locked-down
    machines. A reload shows the conversation again (read back from Rasa)."""
    session = web_id(s, settings.session_id_secret)
    chosen = ui_language(language) if language_code(language) else ""
    return await render_chat(
        request,
        templates,
        searcher,
        rasa,
        settings,
        session,
        kommune.lower(),
        chosen_language=chosen,
    )


@router.post("/chat", response_class=HTMLResponse, include_in_schema=False)
async def chat_post(
    request: Request,
    templates: TemplatesDep,
    searcher: SearcherDep,
    rasa: RasaDep,
    settings: SettingsDep,
    service: ChatDep,
    message: Annotated[str, Form(max_length=100_000)] = "",
    session: Annotated[str, Form(max_length=200)] = "",
    kommune: Annotated[str, Form(max_length=100)] = "",
    restart: Annotated[str, Form(max_length=10)] = "",
    language: Annotated[str, Form(max_length=20)] = "",
    detected: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse:
    # The language menu, else the language of this message, else the one found before.
    chosen = language_code(language)
    request.state.language = chosen or detected or None
    if restart:
        return await render_chat(
            request,
            templates,
            searcher,
            rasa,
            settings,
            new_web_id(settings.session_id_secret),
            kommune.lower(),
            chosen_language=chosen and ui_language(chosen),
        )
    writes = chosen or detect(message[:1000]) or language_code(detected) or None
    reply = await service.reply(
        ChatRequest(session_id=session, message=message, kommune=kommune or None, language=writes)
    )
    return await render_chat(
        request,
        templates,
        searcher,
        rasa,
        settings,
        reply.session_id,
        kommune.lower(),
        latest=reply,
        # An empty message is answered without Rasa (the same check the chat service makes).
        from_rasa=bool(clean_message(message)),
        chosen_language=chosen and ui_language(chosen),
    )
