"""A Rasa NLU component that marks a crisis with certainty, whatever DIET guessed.

It runs in Rasa's own environment and uses knowledge.crisis, which needs only PyYAML; the
project root is on PYTHONPATH (see the Makefile and stack/).
"""

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.crisis import CrisisDetector

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
        return cls(CrisisDetector.from_file())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = self.detector.detect(message.get("text") or "")
            if found is None:
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
                        "value": found.kind,
                        "start": 0,
                        "end": len(message.get("text") or ""),
                        "extractor": "CrisisOverride",
                    },
                ],
                add_to_output=True,
            )
        return messages
