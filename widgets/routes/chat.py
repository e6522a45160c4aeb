"""POST /api/chat: one turn of the guidance conversation."""

from fastapi import APIRouter

from widgets.deps import ChatDep
from widgets.models import INVALID_REQUEST, ChatReply, ChatRequest, Problem

router = APIRouter(prefix="/api", tags=["chat"], responses=INVALID_REQUEST)


# 400: a body that is not text at all (not UTF-8), refused by FastAPI before the route runs.
@router.post("/chat", responses={400: {"model": Problem}})
async def chat(request: ChatRequest, service: ChatDep) -> ChatReply:
    """Send what the person wrote; get the bot's messages and the services, sources, themes,
    crisis flag and handover it found. Without a session_id a new anonymous one is made."""
    return await service.reply(request)
