"""The FastAPI app: create_app() wires settings, clients and routes; nothing runs at import.

Run it: `uvicorn widgets.app:create_app --factory --host 127.0.0.1 --port 8000` (make run does,
with the timeouts of widgets/serving.py).
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope
from swagger_ui_bundle import swagger_ui_path

from actions.cards import first_sentence
from knowledge.errors import KnowledgeError
from knowledge.i18n import N_, text
from knowledge.logsafe import install
from knowledge.search import get_searcher
from widgets.language import request_language, template_context
from widgets.metrics import Metrics
from widgets.models import Problem
from widgets.rasa_client import RasaClient
from widgets.rate_limit import Limits, TooManyRequests, make_limits
from widgets.retention import purge_every
from widgets.routes import chat, health, pages, search, sms, staff
from widgets.security import BodyLimit, production_problems, security_headers
from widgets.settings import WebSettings, get_web_settings
from widgets.sms.state import SmsState

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
log = logging.getLogger("widgets")

# The answers a refused request can get, documented on every route that can give them.
REFUSALS: dict[int | str, dict[str, object]] = {
    413: {"model": Problem, "description": "The request body is too large"},
    429: {"model": Problem, "description": "Too many turns; try again after Retry-After seconds"},
}


class ProductionRefused(SystemExit):
    """The app will not start in production with a development secret (a message, no trace)."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Load the index before the first citizen waits for it; without one the app still runs,
    # /health says so, and the index is loaded once it is there (knowledge.search.get_searcher).
    try:
        await run_in_threadpool(get_searcher)
    except KnowledgeError as error:
        log.warning(
            "Starting without the search index (the chat answers with the bot and the front"
            " doors until it loads): %s",
            error,
        )
    settings: WebSettings = app.state.settings
    purging = asyncio.create_task(purge_every(settings))
    yield
    purging.cancel()
    await app.state.rasa.close()


def client_address(request: Request) -> str:
    # uvicorn puts the client's own address here, from X-Forwarded-For when the request comes
    # through a trusted proxy (--forwarded-allow-ips).
    return request.client.host if request.client else "unknown"


async def limit_address(request: Request) -> None:
    limits: Limits = request.app.state.limits
    limits.check_address(client_address(request))


def wants_page(request: Request) -> bool:
    """A browser's form post (the page without JavaScript) gets a page; everyone else JSON."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith("/api/")


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or get_web_settings()
    # Before anything is logged: no record of this process holds what a person wrote.
    install()
    if settings.mode == "production" and (problems := production_problems(settings)):
        raise ProductionRefused(
            "Alle Døre will not start in production mode:\n  - " + "\n  - ".join(problems)
        )
    app = FastAPI(
        title="Alle Døre",
        summary="Guidance for socially vulnerable citizens: chat, search, services.",
        lifespan=lifespan,
        # The docs page is served from local files (no CDN): see the /docs route below.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.rasa = RasaClient(
        settings.rasa_urls,
        settings.rasa_token,
        settings.chat_timeout,
        settings.actions_url,
        # A replica that is gone is passed over quickly (a connection here takes milliseconds).
        connect_timeout=settings.health_timeout,
        lock_lifetime_s=settings.rasa_lock_lifetime_s if settings.lock_store == "redis" else 0,
    )
    app.state.metrics = Metrics()
    app.state.sms_state = SmsState(settings.sms_db)
    app.state.templates = Jinja2Templates(
        directory=HERE / "templates", context_processors=[template_context]
    )
    # The one line on what a service is, as the bot writes it (actions/cards.py).
    app.state.templates.env.filters["first_sentence"] = first_sentence
    app.state.limits = make_limits(settings)
    production = settings.mode == "production"
    # The widget is embedded on municipal sites on other hosts (the allow-list); it sends no
    # cookies. In development any port on this machine may embed it too.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_origin_regex=None if production else settings.dev_cors_origin_regex,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        max_age=600,
    )

    async def too_large(scope: Scope) -> tuple[int, dict[str, str], bytes]:
        request = Request(scope)
        app.state.metrics.refused.labels("too_large").inc()
        response = refusal(request, 413, N_("limits.too_large"))
        headers = dict(response.headers)
        security_headers(headers, production, request.url.path)
        return 413, headers, bytes(response.body)

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, refuse=too_large)

    @app.middleware("http")
    async def measure_and_protect(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "other")
        app.state.metrics.latency.labels(path).observe(time.perf_counter() - started)
        security_headers(response.headers, production, request.url.path)
        return response

    def refusal(request: Request, status: int, key: str) -> Response:
        """A kind answer to a refused request, in the person's language, as a page or JSON."""
        language = request_language(request)
        detail = text(key, language)
        if wants_page(request):
            templates: Jinja2Templates = app.state.templates
            return templates.TemplateResponse(
                request, "notice.html", {"notice": detail}, status_code=status
            )
        return JSONResponse({"detail": detail}, status_code=status)

    @app.exception_handler(TooManyRequests)
    async def too_many(request: Request, error: TooManyRequests) -> Response:
        app.state.metrics.refused.labels("rate_limit").inc()
        response = refusal(request, 429, N_("limits.too_many"))
        response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> JSONResponse:
        # A kind sentence first; the details after, for the developer of a client.
        language = request_language(request)
        detail = text("chat.bad_request", language)
        errors = [{"loc": e.get("loc"), "msg": e.get("msg")} for e in error.errors()]
        return JSONResponse({"detail": detail, "errors": errors}, status_code=422)

    @app.exception_handler(KnowledgeError)
    async def knowledge_missing(request: Request, error: KnowledgeError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    # Every route a person or a client drives counts against the address's limit; SMS has its
    # own per-number limit (the provider's servers are few addresses), health and files none.
    limited = [Depends(limit_address)]
    for module in (chat, search, pages, staff):
        app.include_router(module.router, dependencies=limited, responses=REFUSALS)
    app.include_router(health.router)
    app.include_router(sms.router, responses={413: REFUSALS[413]})

    @app.get("/widget.js", include_in_schema=False)
    async def widget_js() -> FileResponse:
        return FileResponse(
            STATIC / "widget.js",
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=300"},
        )

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> Response:
        templates: Jinja2Templates = app.state.templates
        return templates.TemplateResponse(request, "docs.html", {})

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
