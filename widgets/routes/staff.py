"""The staff console (/staff): staff at a drop-in centre search services and policy for the
citizen in front of them, open one service in full, and print a referral card for the citizen.

Plain server-rendered HTML that works without JavaScript. Every input is answered with a page:
a bad value gets a kind message on the form (400), never a JSON error or a 500.
"""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from knowledge.errors import KnowledgeError
from knowledge.search import QueryError, Searcher
from widgets.deps import SearcherDep, TemplatesDep
from widgets.staff_view import (
    Found,
    card,
    check_choices,
    detail,
    find,
    municipality_names,
    staff_texts,
    theme_labels,
)

router = APIRouter(tags=["staff"])

# A search may hold words about a citizen's situation: no shared cache keeps the page.
NO_STORE = {"Cache-Control": "no-store"}


def _render(
    request: Request,
    templates: TemplatesDep,
    name: str,
    context: dict[str, Any],
    status: int = 200,
) -> HTMLResponse:
    base = {"t": staff_texts(), "theme_names": theme_labels()}
    response: HTMLResponse = templates.TemplateResponse(
        request, name, base | context, status_code=status, headers=NO_STORE
    )
    return response


def _message(
    request: Request, templates: TemplatesDep, title: str, text: str, status: int
) -> HTMLResponse:
    context = {"title": title, "text": text}
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
    q: str = "",
    kommune: str = "",
    theme: str = "",
    open_now: str = "",
) -> HTMLResponse:
    """The search form, and services with policy passages for a question; with no question, the
    catalogue for the chosen municipality, theme and open now."""
    t = staff_texts()
    loaded = await _searcher(searcher)
    if loaded is None:
        return _message(request, templates, t["unavailable_title"], t["no_index"], 503)
    choices = check_choices(
        q, kommune, theme, open_now, loaded.catalogue, loaded.settings.max_query_chars
    )
    found, status = Found(), 200
    if choices.errors:
        status = 400
    else:
        try:
            found = await run_in_threadpool(find, loaded, choices, _now())
        except QueryError as error:
            choices.errors["q"] = str(error)
            status = 400
    context = {
        "choices": choices,
        "found": found,
        "names": municipality_names(loaded.catalogue),
        "query": _query(choices.kommune),
    }
    return _render(request, templates, "staff.html", context, status)


def _query(kommune: str | None) -> str:
    """The chosen municipality carried on to a service's page (for national services' doors)."""
    return f"?kommune={kommune}" if kommune else ""


@router.get("/staff/service/{service_id}", response_class=HTMLResponse, include_in_schema=False)
async def staff_service(
    request: Request,
    templates: TemplatesDep,
    searcher: SearcherDep,
    service_id: str,
    kommune: str = "",
) -> HTMLResponse:
    """One service in full, with where each contact fact was checked and what the policy says."""
    t = staff_texts()
    loaded = await _searcher(searcher)
    if loaded is None:
        return _message(request, templates, t["unavailable_title"], t["no_index"], 503)
    chosen = _kommune(kommune, loaded)
    service = await run_in_threadpool(detail, loaded, service_id, chosen, _now())
    if service is None:
        return _message(request, templates, t["not_found_title"], t["not_found"], 404)
    context = {
        "s": service,
        "names": municipality_names(loaded.catalogue),
        "kommune": chosen,
        "query": _query(chosen),
    }
    return _render(request, templates, "staff_service.html", context)


@router.get(
    "/staff/service/{service_id}/card", response_class=HTMLResponse, include_in_schema=False
)
async def staff_card(
    request: Request,
    templates: TemplatesDep,
    searcher: SearcherDep,
    service_id: str,
    kommune: str = "",
) -> HTMLResponse:
    """A referral card to print and hand to the citizen: where to go, and nothing about them."""
    t = staff_texts()
    loaded = await _searcher(searcher)
    if loaded is None:
        return _message(request, templates, t["unavailable_title"], t["no_index"], 503)
    chosen = _kommune(kommune, loaded)
    found = card(loaded.catalogue, service_id, chosen, _now())
    if found is None:
        return _message(request, templates, t["not_found_title"], t["not_found"], 404)
    context = {"c": found, "query": _query(chosen)}
    return _render(request, templates, "staff_card.html", context)
