"""POST /api/chat: one turn of the guidance conversation."""

from fastapi import APIRouter

from widgets.deps import ChatDep
from widgets.models import ChatReply, ChatRequest

router = APIRouter(prefix="/api", tags=["chat"])


@router.post("/chat")
async def chat(request: ChatRequest, service: ChatDep) -> ChatReply:
    """Send what the person wrote; get the bot's messages and the services, sources, themes,
    crisis flag and handover it found. Without a session_id a new anonymous one is made."""
    return await service.reply(request)
