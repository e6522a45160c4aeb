"""A Rasa NLU component that carries the person's language from the channel into the slots.

The app resolves the language (the widget's setting, or detected in the first message) and sends
it in the message metadata as `language` (da or en: what the bot answers in) and
`user_language` (what the person writes). This component turns them into entities, which fill
the slots of the same names before any response is chosen, so even a greeting is answered in the
right language. A message in another language than Danish or English is not guessed at by the
classifier (trained on Danish and English): it becomes `nlu_fallback`, which the rules send to
the action server's multilingual search. The crisis check runs after this and still wins.
"""

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

REPLY_LANGUAGES = ("da", "en")
FALLBACK = "nlu_fallback"


def _code(value: Any) -> str:
    tag = str(value or "").strip().lower().replace("_", "-").split("-")[0]
    return tag if tag.isascii() and tag.isalpha() and 2 <= len(tag) <= 3 else ""


def _entity(name: str, value: str, text: str) -> dict[str, Any]:
    return {
        "entity": name,
        "value": value,
        "start": 0,
        "end": len(text),
        "extractor": "LanguageFromMetadata",
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageFromMetadata(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageFromMetadata":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            metadata = message.get("metadata") or {}
            if not isinstance(metadata, dict):
                continue
            reply = _code(metadata.get("language"))
            writes = _code(metadata.get("user_language")) or reply
            if not reply:
                continue
            reply = reply if reply in REPLY_LANGUAGES else "en"
            text = message.get("text") or ""
            entities = [
                *list(message.get("entities") or []),
                _entity("language", reply, text),
                _entity("user_language", writes, text),
            ]
            message.set("entities", entities, add_to_output=True)
            if writes not in REPLY_LANGUAGES and not text.startswith("/"):
                ranking = message.get("intent_ranking") or []
                message.set("intent", {"name": FALLBACK, "confidence": 1.0}, add_to_output=True)
                message.set(
                    "intent_ranking",
                    [{"name": FALLBACK, "confidence": 1.0}, *ranking],
                    add_to_output=True,
                )
        return messages
