"""A Rasa NLU component that keeps only entity values the bot knows.

DIET learns where a municipality or a theme is named, and then also marks other words in the
same place ("jeg bor på Rødtjørnevænget", "jeg hedder Mette"): the `kommune` slot would hold a
street or a name. This component runs after EntitySynonymMapper (which turns "ullerslev" into
"nyborg") and drops every learned entity whose value is not one the bot has: a municipality
slug from the catalogue or "anden" (the "other / don't know" button), or a theme slug. Entities
the bot has no vocabulary for are dropped too: no slot takes free text. It runs before the
components that set entities from the channel and the crisis check, which it leaves alone.
"""

from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.payloads import PROJECT_DIR, get_allow_list

THEMES_FILE = PROJECT_DIR / "knowledge" / "corpus" / "themes.yml"


def theme_slugs(path: Path = THEMES_FILE) -> frozenset[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return frozenset(str(slug) for slug in (data.get("themes") or {}))


def known_values() -> dict[str, frozenset[str]]:
    """What DIET may set: municipalities (with "anden") and themes."""
    offered = get_allow_list().vocabulary
    return {
        "kommune": offered.get("kommune", frozenset()) | {"anden"},
        "theme": offered.get("theme", frozenset()) | theme_slugs(),
    }


def keep(entity: dict[str, Any], vocabulary: dict[str, frozenset[str]]) -> bool:
    value = entity.get("value")
    return isinstance(value, str) and value in vocabulary.get(str(entity.get("entity")), ())


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class KnownEntityValues(GraphComponent):
    def __init__(self, vocabulary: dict[str, frozenset[str]]) -> None:
        self.vocabulary = vocabulary

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KnownEntityValues":
        return cls(known_values())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = list(message.get("entities") or [])
            kept = [e for e in entities if keep(e, self.vocabulary)]
            if len(kept) != len(entities):
                message.set("entities", kept, add_to_output=True)
        return messages
