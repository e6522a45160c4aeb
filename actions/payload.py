"""The structured part of every reply, so the web and SMS channels render it without parsing
text (DESIGN.md, POST /api/chat): services, sources, themes, the crisis flag and a handover."""

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

PAYLOAD_TYPE = "alle_doere"


def public_service(summary: dict[str, Any]) -> dict[str, Any]:
    """The service summary without the long policy text fields the channels never show."""
    keep = [
        "id",
        "name",
        "kommune",
        "themes",
        "description",
        "phone",
        "phones",
        "email",
        "address",
        "url",
        "open_now",
        "opening",
        "eligibility",
        "how_to_access",
        "fees",
        "anonymous",
        "legal_basis",
        "crisis",
        "front_door",
        "via",
    ]
    return {key: summary.get(key) for key in keep}


def public_source(source: dict[str, Any]) -> dict[str, Any]:
    keep = ("kommune", "document", "section", "excerpt")
    return {key: source.get(key) for key in keep}


def send_payload(
    dispatcher: CollectingDispatcher,
    *,
    services: list[dict[str, Any]] | None = None,
    sources: list[dict[str, Any]] | None = None,
    themes: list[str] | None = None,
    crisis: bool = False,
    handover: dict[str, Any] | None = None,
    kommune: str | None = None,
    out_of_scope: bool = False,
) -> None:
    dispatcher.utter_message(
        json_message={
            "type": PAYLOAD_TYPE,
            "services": [public_service(s) for s in services or []],
            "sources": [public_source(s) for s in sources or []],
            "themes": list(themes or []),
            "crisis": crisis,
            "handover": handover,
            "kommune": kommune,
            "out_of_scope": out_of_scope,
        }
    )
