"""GET /api/search and GET /api/services: the knowledge base and the catalogue, directly."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from starlette.concurrency import run_in_threadpool

from knowledge.i18n import text
from knowledge.search import QueryError
from widgets.deps import CatalogueDep, LanguageDep, SearcherDep
from widgets.models import INVALID_REQUEST, Problem, SearchReply, ServicesReply

router = APIRouter(prefix="/api", tags=["knowledge"], responses=INVALID_REQUEST)


@router.get("/search", responses={400: {"model": Problem}})
async def search(
    searcher: SearcherDep,
    language: LanguageDep,
    # As much as the search reads (max_query_chars): 2000 characters fit in a URL the server
    # takes even when every one is 4 bytes of UTF-8 (12 percent-encoded); 20 000 did not.
    q: Annotated[str, Query(max_length=2000)] = "",
    kommune: Annotated[str | None, Query(max_length=100)] = None,
    k: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SearchReply:
    """Services then policy passages for a question, best first; a municipality's own services
    and national ones, never another municipality's. `language` (else Accept-Language) picks
    the language of messages and opening hours."""

    def run() -> SearchReply:
        response = searcher().search(q, kommune or None, k=k)
        return SearchReply.model_validate(response.to_json())

    try:
        return await run_in_threadpool(run)
    except QueryError as error:
        raise HTTPException(status_code=400, detail=error.say(language)) from error


@router.get("/services", responses={400: {"model": Problem}})
async def services(
    catalogue: CatalogueDep,
    language: LanguageDep,
    kommune: Annotated[str | None, Query(max_length=100)] = None,
    theme: Annotated[str | None, Query(max_length=50)] = None,
) -> ServicesReply:
    """The catalogue for a municipality (its own and national services), with open now."""
    slug = (kommune or "").strip().lower() or None
    if slug is not None and slug not in catalogue.municipalities:
        known = ", ".join(sorted(catalogue.municipalities))
        detail = text("errors.unknown_kommune", language, kommune=slug, known=known)
        raise HTTPException(400, detail=detail)
    now = datetime.now().astimezone()
    found = [
        catalogue.summary(s.id, now, slug, language)
        for s in catalogue.for_kommune(slug)
        if theme is None or theme in s.themes
    ]
    return ServicesReply(services=[s for s in found if catalogue.reachable(s)])
