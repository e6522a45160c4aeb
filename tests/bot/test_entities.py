"""The entity filter (bot/addons/entities.py), run in Rasa's environment: what DIET marked in a
street or a name never reaches the kommune slot, while the municipalities and themes do."""

import json
import os
import subprocess

from stack.settings import PROJECT_DIR, StackSettings

# Messages as they leave EntitySynonymMapper, given to the component; what it keeps is printed.
FILTER_RUN = """
import json, sys
from rasa.shared.nlu.training_data.message import Message
from addons.entities import KnownEntityValues, known_values

component = KnownEntityValues(known_values())
messages = [Message({"text": "x", "entities": entities}) for entities in json.loads(sys.argv[1])]
print(json.dumps([m.get("entities") for m in component.process(messages)]))
"""


def diet(entity: str, value: object) -> dict[str, object]:
    return {"entity": entity, "value": value, "start": 0, "end": 1, "extractor": "DIETClassifier"}


def test_only_known_municipalities_and_themes_are_kept() -> None:
    rasa_python = StackSettings().rasa_venv / "bin" / "python"
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": f"{PROJECT_DIR}{os.pathsep}{PROJECT_DIR / 'bot'}",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    sent = [
        [diet("kommune", "nyborg"), diet("kommune", "Rødtjørnevænget")],
        [diet("kommune", "anden"), diet("theme", "bolig")],
        [diet("kommune", "Mette Jensen"), diet("theme", "min husleje")],
        [diet("kommune", 150387), diet("crisis_kind", "suicide"), diet("navn", "Mette")],
        [],
    ]
    done = subprocess.run(
        [str(rasa_python), "-c", FILTER_RUN, json.dumps(sent, ensure_ascii=False)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=240,
    )
    kept = json.loads(done.stdout.strip().splitlines()[-1])
    assert [[e["value"] for e in entities] for entities in kept] == [
        ["nyborg"],
        ["anden", "bolig"],
        [],
        [],
        [],
    ]
