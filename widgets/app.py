"""The FastAPI app: create_app() wires settings, clients and routes; nothing runs at import.

Run it: `uvicorn widgets.app:create_app --factory --host 127.0.0.1 --port 8000` (make run does).
"""

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from swagger_ui_bundle import swagger_ui_path

from actions.cards import first_sentence
from knowledge.errors import KnowledgeError
from knowledge.i18n import text
from knowledge.search import get_searcher
from widgets.language import request_language, template_context
from widgets.metrics import Metrics
from widgets.rasa_client import RasaClient
from widgets.routes import chat, health, pages, search, sms, staff
from widgets.settings import WebSettings, get_web_settings
from widgets.sms.state import SmsState

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
log = logging.getLogger("widgets")

# Pages and the widget load nothing from any other host.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Load the index before the first citizen waits for it; without one the app still runs and
    # /health says so.
    try:
        await run_in_threadpool(get_searcher)
    except KnowledgeError as error:
        log.warning("Search index not loaded: %s", error)
    yield
    await app.state.rasa.close()


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or get_web_settings()
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
        settings.rasa_url, settings.rasa_token, settings.chat_timeout, settings.actions_url
    )
    app.state.metrics = Metrics()
    app.state.sms_state = SmsState(settings.sms_db)
    app.state.templates = Jinja2Templates(
        directory=HERE / "templates", context_processors=[template_context]
    )
    # The one line on what a service is, as the bot writes it (actions/cards.py).
    app.state.templates.env.filters["first_sentence"] = first_sentence
    # The widget is embedded on municipal sites on other hosts; it sends no cookies.
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"]
    )

    @app.middleware("http")
    async def measure_and_protect(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "other")
        app.state.metrics.latency.labels(path).observe(time.perf_counter() - started)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CSP)
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

    for module in (chat, search, health, pages, staff, sms):
        app.include_router(module.router)

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
