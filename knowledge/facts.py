"""Checked contact facts: the only source of a phone number, address or opening hours we show.

`facts/contacts.yml` is the facts team's sheet (copied from shared/facts). An entry counts only
when it is `verified: true`; `facts/field_checks.yml` can vouch for single fields of an otherwise
unverified entry, each with the reason.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.errors import KnowledgeError

CONTACT_FIELDS = ("phone", "address", "url", "email", "hours")


@dataclass(frozen=True)
class Fact:
    id: str
    name: str
    kommune: str | None
    verified: bool
    values: dict[str, str]  # contact field -> text as in the sheet; missing fields left out
    source: str
    checked_fields: frozenset[str] = frozenset()

    def is_verified(self, field: str) -> bool:
        return self.verified or field in self.checked_fields


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


class FactBook:
    """All facts by id, with the checks the catalogue needs."""

    def __init__(self, facts: dict[str, Fact]) -> None:
        self.facts = facts

    def get(self, fact_id: str) -> Fact | None:
        return self.facts.get(fact_id)

    def find(self, fact_ids: list[str], field: str, value: str) -> Fact | None:
        """The first listed fact whose `field` holds `value` (same digits for a phone)."""
        for fact_id in fact_ids:
            fact = self.facts.get(fact_id)
            if fact is None or field not in fact.values:
                continue
            held = fact.values[field]
            if field == "phone" and digits(held) == digits(value):
                return fact
            if field != "phone" and value.strip() and value.strip() in held:
                return fact
        return None


def _email_in(entry: dict[str, object]) -> str | None:
    found = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", f"{entry.get('what')} {entry.get('note')}")
    return found.group(0) if found else None


def load_facts(facts_dir: Path) -> FactBook:
    path = facts_dir / "contacts.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        checks = yaml.safe_load((facts_dir / "field_checks.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path.parent}: cannot read the facts ({exc})") from exc
    checked: dict[str, set[str]] = {}
    for check in (checks or {}).get("checks") or []:
        checked.setdefault(str(check["fact"]), set()).update(check["fields"])
    facts: dict[str, Fact] = {}
    for entry in data.get("contacts") or []:
        values = {f: str(entry[f]) for f in CONTACT_FIELDS if f in entry and entry[f] is not None}
        email = _email_in(entry)
        if email:
            values["email"] = email
        fact_id = str(entry["id"])
        facts[fact_id] = Fact(
            id=fact_id,
            name=str(entry.get("name") or fact_id),
            kommune=entry.get("kommune"),
            verified=entry.get("verified") is True,
            values=values,
            source=f"{entry.get('source_title')} ({entry.get('source_url_or_repo')})",
            checked_fields=frozenset(checked.get(fact_id, set())),
        )
    unknown = set(checked) - set(facts)
    if unknown:
        raise KnowledgeError(
            f"{facts_dir / 'field_checks.yml'}: unknown fact ids {sorted(unknown)}"
        )
    return FactBook(facts)
