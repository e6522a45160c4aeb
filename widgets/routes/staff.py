"""The staff console (/staff): staff at a drop-in centre search services and policy for the
citizen in front of them, open one service in full, and print a referral card for the citizen.

Plain server-rendered HTML that works without JavaScript. Every input is answered with a page:
a bad value gets a kind message on the form (400), never a JSON error or a 500.
"""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from knowledge.errors import KnowledgeError
from knowledge.i18n import N_, UI_LANGUAGES, text
from knowledge.search import QueryError, Searcher
from widgets.deps import LanguageDep, SearcherDep, TemplatesDep
from widgets.language import request_language
from widgets.staff_view import (
    Found,
    card,
    check_choices,
    detail,
    find,
    municipality_names,
    theme_labels,
)

router = APIRouter(tags=["staff"])

# A search may hold words about a citizen's situation: no shared cache keeps the page.
NO_STORE = {"Cache-Control": "no-store"}
UNAVAILABLE, NO_INDEX = N_("staff.unavailable_title"), N_("staff.no_index")
NOT_FOUND_TITLE, NOT_FOUND = N_("staff.not_found_title"), N_("staff.not_found")


def _render(
    request: Request,
    templates: TemplatesDep,
    name: str,
    context: dict[str, Any],
    status: int = 200,
) -> HTMLResponse:
    language = request_language(request)
    base = {"theme_names": theme_labels(language), "language_links": _language_links(request)}
    response: HTMLResponse = templates.TemplateResponse(
        request, name, base | context, status_code=status, headers=NO_STORE
    )
    return response


def _language_links(request: Request) -> dict[str, str]:
    """This page in each language: the same query with another `language`."""
    params = {k: v for k, v in request.query_params.items() if k != "language"}
    return {
        code: f"{request.url.path}?{urlencode(params | {'language': code})}"
        for code in UI_LANGUAGES
    }


def _message(
    request: Request, templates: TemplatesDep, title_key: str, text_key: str, status: int
) -> HTMLResponse:
    language = request_language(request)
    context = {"title": text(title_key, language), "text": text(text_key, language)}
    return _render(request, templates, "staff_message.html", context, status)


async def _searcher(searcher: SearcherDep) -> Searcher | None:
    """The loaded searcher, or None when the index is missing (the page says so kindly)."""
    try:
        return await run_in_threadpool(searcher)
    except KnowledgeError:
        return None


def _kommune(value: str, searcher: Searcher) -> str | None:
    """The staff's chosen municipality on the detail pages; an unknown one is just not used."""
    slug = value.strip().lower()
    return slug if slug in searcher.catalogue.municipalities else None


def _now() -> datetime:
    return datetime.now().astimezone()


@router.get("/staff", response_class=HTMLResponse, include_in_schema=False)
async def staff_search(
    request: Request,
    templates: TemplatesDep,
    searcher: SearcherDep,
    language: LanguageDep,
    q: str = "",
    kommune: str = "",
    theme: str = "",
    open_now: str = "",
) -> HTMLResponse:
    """The search form, and services with policy passages for a question; with no question, the
    catalogue for the chosen municipality, theme and open now."""
    loaded = await _searcher(searcher)
    if loaded is None:
        return _message(request, templates, UNAVAILABLE, NO_INDEX, 503)
    choices = check_choices(
        q, kommune, theme, open_now, loaded.catalogue, loaded.settings.max_query_chars, language
    )
    found, status = Found(), 200
    if choices.errors:
        status = 400
    else:
        try:
            found = await run_in_threadpool(find, loaded, choices, _now(), language)
        except QueryError as error:
            choices.errors["q"] = error.say(language)
            status = 400
    context = {
        "choices": choices,
        "found": found,
        "names": municipality_names(loaded.catalogue),
        "query": _query(choices.kommune, language),
    }
    return _render(request, templates, "staff.html", context, status)


def _query(kommune: str | None, language: str) -> str:
    """The chosen municipality (for national services' doors) and language, carried on."""
    return "?" + urlencode({"kommune": kommune or "", "language": language})


@router.get("/staff/service/{service_id}", response_class=HTMLResponse, include_in_schema=False)
async def staff_service(
    request: Request,
    templates: TemplatesDep,
    searcher: SearcherDep,
    language: LanguageDep,
    service_id: str,
    kommune: str = "",
) -> HTMLResponse:
    """One service in full, with where each contact fact was checked and what the policy says."""
    loaded = await _searcher(searcher)
    if loaded is None:
        return _message(request, templates, UNAVAILABLE, NO_INDEX, 503)
    chosen = _kommune(kommune, loaded)
    service = await run_in_threadpool(detail, loaded, service_id, chosen, _now(), language)
    if service is None:
        return _message(request, templates, NOT_FOUND_TITLE, NOT_FOUND, 404)
    context = {
        "s": service,
        "names": municipality_names(loaded.catalogue),
        "kommune": chosen,
        "query": _query(chosen, language),
    }
    return _render(request, templates, "staff_service.html", context)


@router.get(
    "/staff/service/{service_id}/card", response_class=HTMLResponse, include_in_schema=False
)
async def staff_card(
    request: Request,
    templates: TemplatesDep,
    searcher: SearcherDep,
    language: LanguageDep,
    service_id: str,
    kommune: str = "",
) -> HTMLResponse:
    """A referral card to print and hand to the citizen: where to go, and nothing about them."""
    loaded = await _searcher(searcher)
    if loaded is None:
        return _message(request, templates, UNAVAILABLE, NO_INDEX, 503)
    chosen = _kommune(kommune, loaded)
    found = card(loaded.catalogue, service_id, chosen, _now(), language)
    if found is None:
        return _message(request, templates, NOT_FOUND_TITLE, NOT_FOUND, 404)
    context = {"c": found, "query": _query(chosen, language)}
    return _render(request, templates, "staff_card.html", context)
