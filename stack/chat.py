"""python -m stack.chat [--kommune faxe]: talk to the running bot in the terminal."""

import argparse
import uuid

from stack.conversation import send
from stack.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m stack.chat", description=__doc__)
    parser.add_argument("--kommune", default=None)
    args = parser.parse_args()
    settings = get_settings()
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    metadata = {"kommune": args.kommune, "channel": "rest"} if args.kommune else {}
    buttons: list[dict[str, str]] = []
    print("Skriv til Alle Døre. Et tal vælger en knap. Ctrl-D slutter.")
    while True:
        try:
            message = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if message.strip().isdigit() and 0 < int(message) <= len(buttons):
            message = buttons[int(message) - 1]["payload"]
        try:
            reply = send(settings.rasa_url, sender, message, metadata)
        except OSError as error:
            print(f"(kan ikke nå Rasa på {settings.rasa_url}: {error}. Kører make run?)")
            continue
        for text in reply.texts:
            print(text, "\n")
        buttons = reply.buttons
        for number, button in enumerate(buttons, 1):
            print(f"  [{number}] {button['title']}")


if __name__ == "__main__":
    main()
