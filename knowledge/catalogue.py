"""The service catalogue: YAML per municipality, validated; only checked contact facts are shown.

See catalogue/README.md for the format. `load_catalogue` stops with one error that names every
file, record and field that is wrong; a record that merely cites an unverified fact loads, with that
field kept out of what a citizen sees.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledge.errors import KnowledgeError
from knowledge.facts import FactBook, load_facts
from knowledge.i18n import N_, text, ui_language
from knowledge.schedule import Schedule, describe, status
from knowledge.text import fold

Theme = Literal[
    "bolig",
    "misbrug",
    "oekonomi",
    "vold",
    "ensomhed",
    "sundhed",
    "psykisk",
    "beskaeftigelse",
    "unge",
    "kriminalitet",
    "prostitution",
    "paaroerende",
    "kontakt",
]
THEMES: tuple[str, ...] = Theme.__args__  # type: ignore[attr-defined]
# The keys of the theme labels, written out so that `make catalogs-extract` finds them.
THEME_LABELS = {
    "bolig": N_("themes.bolig"),
    "misbrug": N_("themes.misbrug"),
    "oekonomi": N_("themes.oekonomi"),
    "vold": N_("themes.vold"),
    "ensomhed": N_("themes.ensomhed"),
    "sundhed": N_("themes.sundhed"),
    "psykisk": N_("themes.psykisk"),
    "beskaeftigelse": N_("themes.beskaeftigelse"),
    "unge": N_("themes.unge"),
    "kriminalitet": N_("themes.kriminalitet"),
    "prostitution": N_("themes.prostitution"),
    "paaroerende": N_("themes.paaroerende"),
    "kontakt": N_("themes.kontakt"),
}
NATIONAL_FILE = "national"


def theme_label(theme: str, language: str = "da") -> str:
    """The name of a theme as a person reads it ("Bolig og hjemløshed")."""
    return text(THEME_LABELS[theme], language)


class Phone(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str
    type: Literal["voice", "text"] = "voice"


class Service(BaseModel):
    """A service record (Open Referral HSDS where it fits) as written in the catalogue."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=2)
    status: Literal["active", "inactive"] = "active"
    kommune: str | None
    themes: list[Theme] = Field(min_length=1)
    front_door: bool = False
    description: str = Field(min_length=10)
    keywords: list[str] = []
    eligibility: str | None = None
    how_to_access: str | None = None
    fees: str | None = None
    anonymous: bool | None = None
    legal_basis: str | None = None
    facts: list[str] = []
    phones: list[Phone] = []
    email: str | None = None
    url: str | None = None
    address: str | None = None
    schedule: Schedule | None = None
    # An emergency number (112) is answered at every hour by law, though the facts' sources
    # state no hours for it: it says "open day and night", never "ask when it is open". It is
    # for danger to life, never offered as someone to talk to.
    emergency: bool = False
    languages: list[str] = ["da"]
    crisis: bool = False


class Municipality(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    region: str
    out_of_hours_fact: str
    towns: list[str] = []


@dataclass
class Shown:
    """The contact facts of a service that a citizen may see, with where each was checked."""

    phones: list[Phone] = field(default_factory=list)
    email: str | None = None
    url: str | None = None
    address: str | None = None
    schedule: Schedule | None = None
    sources: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Unverified:
    kommune: str | None
    service: str
    field: str
    value: str
    fact: str


# The texts of a service a person reads, which translations/<language>.yml may give in another
# language. Names, numbers and addresses stay as they are: they are what a person says or dials.
TRANSLATED = ("description", "eligibility", "how_to_access", "fees")
TRANSLATIONS_DIR = "translations"


def dial(summary: dict[str, Any]) -> str | None:
    """The number a person dials for a service summary: its own, else its front door's."""
    return summary.get("phone") or (summary.get("via") or {}).get("phone")


@dataclass
class Catalogue:
    services: dict[str, Service]
    shown: dict[str, Shown]
    municipalities: dict[str, Municipality]
    unverified: list[Unverified]
    facts: FactBook
    # language -> service id -> field -> text
    translations: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def translated(self, service: Service, name: str, language: str) -> Any:
        """A field of `service` in `language` when there is a translation; else as written."""
        found = self.translations.get(ui_language(language), {}).get(service.id, {})
        return found.get(name) or getattr(service, name)

    def front_door(self, kommune: str | None) -> Service | None:
        for service in self.services.values():
            if service.front_door and service.kommune == kommune:
                return service
        return None

    def phone_of(self, service_id: str, asker: str | None = None) -> str | None:
        """The checked phone a person dials for a service: its own, else its front door's."""
        return dial(self.summary(service_id, asker=asker))

    def themes_without_phone(self, kommune: str) -> list[str]:
        """Themes for which no service a person in `kommune` can reach has a checked phone (its
        own, or through the front door): `make validate` lists them."""
        missing = []
        for theme in THEMES:
            fits = [s for s in self.for_kommune(kommune) if theme in s.themes and not s.crisis]
            if not any(self.phone_of(s.id, kommune) for s in fits):
                missing.append(theme)
        return missing

    def for_kommune(self, kommune: str | None) -> list[Service]:
        """Services open to a person in `kommune`: its own and the national ones (all when None)."""
        return [
            s
            for s in self.services.values()
            if s.status == "active" and (kommune is None or s.kommune in (kommune, None))
        ]

    def always_open(self, service_id: str) -> bool:
        """Open day and night, every day (a 24-hour line): open now, with no closing in sight."""
        if self.services[service_id].emergency:
            return True
        schedule = self.shown[service_id].schedule
        if schedule is None:
            return False
        is_open, closes, _ = status(schedule, datetime.now().astimezone())
        return is_open and closes is None

    def summary(
        self,
        service_id: str,
        now: datetime | None = None,
        asker: str | None = None,
        language: str = "da",
    ) -> dict[str, Any]:
        """The public view of a service: only checked contact facts, with open now.

        A service with no checked phone of its own hands the person on (`via`) to the front door
        of its municipality, or for a national service to the asker's municipality's front door.
        """
        service, shown = self.services[service_id], self.shown[service_id]
        when = now or datetime.now().astimezone()
        open_now, opening = describe(shown.schedule, when, language)
        if service.emergency:
            open_now, opening = True, text("opening.always_open", language)
        elif service.crisis and shown.schedule is None:
            # A crisis line whose hours are not checked: not "ask when it is open", but what
            # to do if nobody answers.
            opening = text("opening.crisis_unknown", language)
        voice = [p.number for p in shown.phones if p.type == "voice"]
        summary: dict[str, Any] = {
            "id": service.id,
            "name": service.name,
            "kommune": service.kommune,
            "themes": list(service.themes),
            "description": self.translated(service, "description", language),
            "phone": voice[0] if voice else None,
            "phones": [p.model_dump() for p in shown.phones],
            "email": shown.email,
            "address": shown.address,
            "url": shown.url,
            "open_now": open_now,
            "opening": opening,
            "eligibility": self.translated(service, "eligibility", language),
            "how_to_access": self.translated(service, "how_to_access", language),
            "fees": self.translated(service, "fees", language),
            "anonymous": service.anonymous,
            "legal_basis": service.legal_basis,
            "crisis": service.crisis,
            "front_door": service.front_door,
            "contact_sources": shown.sources,
            "via": None,
        }
        home = service.kommune or asker
        door = self.front_door(home) if home else None
        if summary["phone"] is None and door is not None and door.id != service.id:
            door_shown = self.shown[door.id]
            summary["via"] = {
                "id": door.id,
                "name": door.name,
                "phone": next((p.number for p in door_shown.phones), None),
                "address": door_shown.address,
                "url": door_shown.url,
            }
        return summary

    def place_phrases(self) -> set[tuple[str, ...]]:
        """Municipality and town names as folded token tuples ("Faxe Kommune", "Grenå", ...)."""
        names: set[str] = set()
        for m in self.municipalities.values():
            base = m.name.removesuffix(" Kommune")
            names.update({m.slug, m.name, base, f"{base} kommune", f"{base} kommunes", *m.towns})
        return {tuple(fold(name).split()) for name in names if fold(name)}

    @staticmethod
    def reachable(summary: dict[str, Any]) -> bool:
        """A person can get in touch: a checked phone, address or web page, or a door via."""
        return bool(summary["phone"] or summary["address"] or summary["url"] or summary["via"])


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read YAML ({exc})") from exc


def _where(path: Path, raw: list[Any], loc: tuple[Any, ...]) -> str:
    """'file: record 'id': field 'a.b'' for a pydantic error location inside `services`."""
    index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    record = raw[index] if index is not None and index < len(raw) else None
    rid = record.get("id") if isinstance(record, dict) else None
    name = f"record '{rid}'" if rid else f"record #{(index or 0) + 1}"
    fld = ".".join(str(p) for p in loc[2:]) or "(record)"
    return f"{path.name}: {name}: field '{fld}'"


def _check_contacts(
    service: Service, facts: FactBook, where: str, errors: list[str]
) -> tuple[Shown, list[Unverified]]:
    shown, unverified = Shown(), []
    for fact_id in service.facts:
        if facts.get(fact_id) is None:
            errors.append(f"{where}: field 'facts': unknown fact id '{fact_id}'")

    def check(fld: str, value: str) -> bool:
        fact = facts.find(service.facts, fld, value)
        if fact is None:
            errors.append(
                f"{where}: field '{fld}': {value!r} is in none of its facts {service.facts}"
                " (contact facts come from facts/contacts.yml, never from memory)"
            )
            return False
        if not fact.is_verified(fld):
            unverified.append(Unverified(service.kommune, service.id, fld, value, fact.id))
            return False
        shown.sources.append({"field": fld, "fact": fact.id, "source": fact.source})
        return True

    shown.phones = [p for p in service.phones if check("phone", p.number)]
    for fld in ("email", "url", "address"):
        value = getattr(service, fld)
        if value and check(fld, value):
            setattr(shown, fld, value)
    if service.schedule:
        fact = facts.get(service.schedule.source)
        if fact is None or not fact.is_verified("hours") or "hours" not in fact.values:
            errors.append(
                f"{where}: field 'schedule.source': '{service.schedule.source}' is not a verified"
                " fact with opening hours"
            )
        else:
            shown.schedule = service.schedule
            shown.sources.append({"field": "schedule", "fact": fact.id, "source": fact.source})
    return shown, unverified


def _load_municipalities(catalogue_dir: Path) -> dict[str, Municipality]:
    path = catalogue_dir / "municipalities.yml"
    raw = (_read_yaml(path) or {}).get("municipalities") or []
    try:
        found = [Municipality.model_validate(item) for item in raw]
    except ValidationError as exc:
        raise KnowledgeError(f"{path.name}: {exc}") from exc
    return {m.slug: m for m in found}


def load_catalogue(catalogue_dir: Path, facts_dir: Path) -> Catalogue:
    """Read and check every catalogue file; raise one KnowledgeError listing all problems."""
    facts = load_facts(facts_dir)
    municipalities = _load_municipalities(catalogue_dir)
    errors: list[str] = []
    services: dict[str, Service] = {}
    shown: dict[str, Shown] = {}
    unverified: list[Unverified] = []
    for path in sorted(catalogue_dir.glob("*.yml")):
        if path.stem == "municipalities":
            continue
        kommune = None if path.stem == NATIONAL_FILE else path.stem
        if kommune is not None and kommune not in municipalities:
            errors.append(f"{path.name}: '{kommune}' is not in municipalities.yml")
        data = _read_yaml(path)
        raw = data.get("services") if isinstance(data, dict) else None
        if not isinstance(raw, list):
            errors.append(f"{path.name}: needs a list under 'services:'")
            continue
        for index, item in enumerate(raw):
            try:
                service = Service.model_validate(item)
            except ValidationError as exc:
                for err in exc.errors():
                    loc = ("services", index, *err["loc"])
                    errors.append(f"{_where(path, raw, loc)}: {err['msg']}")
                continue
            where = f"{path.name}: record '{service.id}'"
            if service.kommune != kommune:
                errors.append(f"{where}: field 'kommune': must be {kommune!r} in this file")
            if service.id in services:
                errors.append(f"{where}: field 'id': the id is used twice")
            services[service.id] = service
            shown[service.id], found = _check_contacts(service, facts, where, errors)
            unverified.extend(found)
    errors.extend(_coverage_errors(services, municipalities))
    translations = _load_translations(catalogue_dir / TRANSLATIONS_DIR, services, errors)
    if errors:
        raise KnowledgeError("The service catalogue has errors:\n  " + "\n  ".join(errors))
    return Catalogue(services, shown, municipalities, unverified, facts, translations)


def _load_translations(
    folder: Path, services: dict[str, Service], errors: list[str]
) -> dict[str, dict[str, dict[str, str]]]:
    """translations/<language>.yml: services: {id: {field: text}}, for the fields in TRANSLATED."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        data = _read_yaml(path)
        raw = data.get("services") if isinstance(data, dict) else None
        if not isinstance(raw, dict):
            errors.append(f"{TRANSLATIONS_DIR}/{path.name}: needs a mapping under 'services:'")
            continue
        texts: dict[str, dict[str, str]] = {}
        for service_id, fields in raw.items():
            where = f"{TRANSLATIONS_DIR}/{path.name}: '{service_id}'"
            if service_id not in services:
                errors.append(f"{where}: no service has this id")
            elif not isinstance(fields, dict) or not set(fields) <= set(TRANSLATED):
                errors.append(f"{where}: only {', '.join(TRANSLATED)} can be translated")
            else:
                texts[service_id] = {k: " ".join(str(v).split()) for k, v in fields.items() if v}
        found[path.stem] = texts
    return found


def _coverage_errors(
    services: dict[str, Service], municipalities: dict[str, Municipality]
) -> list[str]:
    errors = []
    for slug in municipalities:
        doors = [s.id for s in services.values() if s.front_door and s.kommune == slug]
        if len(doors) != 1:
            errors.append(f"{slug}.yml: needs exactly one front_door record, has {doors}")
        covered = {t for s in services.values() if s.kommune in (slug, None) for t in s.themes}
        missing = [t for t in THEMES if t not in covered]
        if missing:
            errors.append(f"{slug}.yml: no service (own or national) for themes {missing}")
    return errors
