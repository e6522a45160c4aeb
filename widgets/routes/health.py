"""GET /health (each part: Rasa, action server, index) and GET /metrics (Prometheus)."""

import asyncio

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from knowledge.errors import KnowledgeError
from widgets.deps import MetricsDep, RasaDep, SearcherDep, SettingsDep
from widgets.models import HealthReply, PartHealth

router = APIRouter(tags=["operations"])


@router.get("/health")
async def health(settings: SettingsDep, rasa: RasaDep, searcher: SearcherDep) -> HealthReply:
    """Always 200 while the app itself runs; `status` is "degraded" when a part is down, and
    `detail` says what is wrong. The chat still answers: from the knowledge base when Rasa or
    the action server is down, with the front doors when the index is."""

    def index() -> PartHealth:
        try:
            loaded = searcher()
        except KnowledgeError as error:
            return PartHealth(ok=False, detail=str(error))
        return PartHealth(ok=True, detail=f"{len(loaded.index.items)} items")

    # Asked together: a part that hangs costs health_timeout once, not once per part.
    (rasa_ok, rasa_detail), (actions_ok, actions_detail), index_health = await asyncio.gather(
        rasa.ready(settings.health_timeout),
        rasa.actions_ready(settings.health_timeout),
        run_in_threadpool(index),
    )
    parts = {
        "rasa": PartHealth(ok=rasa_ok, detail=rasa_detail),
        "actions": PartHealth(ok=actions_ok, detail=actions_detail),
        "index": index_health,
    }
    status = "ok" if all(p.ok for p in parts.values()) else "degraded"
    return HealthReply(status=status, parts=parts)


@router.get("/metrics", response_class=Response)
async def metrics(metrics: MetricsDep) -> Response:
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
