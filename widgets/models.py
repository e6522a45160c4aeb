"""Request and response models of the JSON interface (DESIGN.md), named by role."""

from typing import Any

from pydantic import BaseModel, Field


class ChatRequest(BaseModel):
    # Anything goes in: a missing, odd or overlong id just starts a new anonymous session.
    session_id: str | None = Field(default=None, max_length=200)
    message: str = Field(default="", max_length=100_000)
    kommune: str | None = Field(default=None, max_length=100)
    language: str | None = Field(default=None, max_length=20)


class Button(BaseModel):
    title: str
    payload: str


class Message(BaseModel):
    text: str
    buttons: list[Button] = []
    # The services (ids in `services`) this message is the text form of: a channel that draws
    # cards draws their cards in its place.
    services: list[str] = []


class ChatReply(BaseModel):
    session_id: str
    messages: list[Message]
    services: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    themes: list[str] = []
    crisis: bool = False
    handover: dict[str, Any] | None = None
    kommune: str | None = None
    # True when Rasa or the action server could not answer and the reply came from search alone.
    limited: bool = False
    # The language to show the person the rest of the page in (da, en, uk or ar): the one asked
    # for, else the one the message was written in, or the nearest there are words for.
    language: str = "da"


class SearchResult(BaseModel):
    kind: str
    score: float
    service: dict[str, Any] | None = None
    source: dict[str, Any] | None = None


class SearchReply(BaseModel):
    results: list[SearchResult]
    no_good_match: bool


class ServicesReply(BaseModel):
    services: list[dict[str, Any]]


class PartHealth(BaseModel):
    ok: bool
    detail: str


class HealthReply(BaseModel):
    status: str  # "ok" or "degraded"
    parts: dict[str, PartHealth]


class Problem(BaseModel):
    """A kind error message for bad input."""

    detail: str


class FieldError(BaseModel):
    loc: list[str | int]  # where: ["body", "message"], ["query", "k"]
    msg: str


class InvalidRequest(BaseModel):
    """The answer to a request that does not fit the interface (422, from the app's handler for
    validation errors): a kind sentence first, then what did not fit, for a client's developer."""

    detail: str
    errors: list[FieldError]


# The 422 every route with parameters or a body can answer, in the shape the app really sends
# (FastAPI's own default documents a `detail` list instead).
INVALID_REQUEST: dict[int | str, dict[str, object]] = {422: {"model": InvalidRequest}}
