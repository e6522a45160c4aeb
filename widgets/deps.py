"""Typed dependencies: routes ask for what they use; tests swap in fakes with
app.dependency_overrides."""

from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.templating import Jinja2Templates

from knowledge.catalogue import Catalogue
from knowledge.search import Searcher, get_searcher
from widgets.chat import ChatService
from widgets.language import request_language
from widgets.metrics import Metrics
from widgets.rasa_client import RasaClient
from widgets.settings import WebSettings
from widgets.sms.gateway import SmsGateway
from widgets.sms.state import SmsState
from widgets.tracker_store import forget_conversation


def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def get_rasa(request: Request) -> RasaClient:
    rasa: RasaClient = request.app.state.rasa
    return rasa


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def get_searcher_factory() -> Callable[[], Searcher]:
    """The process-wide searcher (knowledge.search.get_searcher: loaded, never built, and tried
    again while the index is missing or broken); a callable, so a missing index is found (and
    answered kindly) when it is needed, and a repaired one is used from then on."""
    return get_searcher


def get_catalogue(
    searcher: Annotated[Callable[[], Searcher], Depends(get_searcher_factory)],
) -> Catalogue:
    return searcher().catalogue


def get_chat(
    request: Request,
    settings: Annotated[WebSettings, Depends(get_settings)],
    rasa: Annotated[RasaClient, Depends(get_rasa)],
    searcher: Annotated[Callable[[], Searcher], Depends(get_searcher_factory)],
    metrics: Annotated[Metrics, Depends(get_metrics)],
) -> ChatService:
    return ChatService(settings, rasa, searcher, metrics, request.app.state.limits)


def get_sms(
    request: Request,
    settings: Annotated[WebSettings, Depends(get_settings)],
    chat: Annotated[ChatService, Depends(get_chat)],
) -> SmsGateway:
    state: SmsState = request.app.state.sms_state
    return SmsGateway(settings, chat, state, partial(forget_conversation, settings))


def get_language(
    request: Request, language: Annotated[str | None, Query(max_length=20)] = None
) -> str:
    """The catalog to answer in: `?language=`, else the browser's Accept-Language, else Danish
    (one rule with the pages' templates: widgets/language.py). `language` is declared here so
    the API documents and checks it."""
    return request_language(request)


SettingsDep = Annotated[WebSettings, Depends(get_settings)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
SearcherDep = Annotated[Callable[[], Searcher], Depends(get_searcher_factory)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
ChatDep = Annotated[ChatService, Depends(get_chat)]
SmsDep = Annotated[SmsGateway, Depends(get_sms)]
LanguageDep = Annotated[str, Depends(get_language)]
