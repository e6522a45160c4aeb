"""python -m stack run | train | check: the whole conversational stack on this machine."""

import argparse
import sys

from knowledge.embedding import make_embedder
from knowledge.errors import KnowledgeError
from knowledge.index import build_index, is_current
from knowledge.settings import get_settings as knowledge_settings
from stack.bench import add_arguments as add_bench_arguments
from stack.bench import main as bench_main
from stack.bench import options_from as bench_options
from stack.dialogue_eval import evaluate, meets_bars, report
from stack.model import train
from stack.settings import StackSettings, get_settings
from stack.supervisor import Supervisor, rasa_ready
from widgets.security import production_problems
from widgets.settings import get_web_settings


def build_index_if_stale() -> None:
    settings = knowledge_settings()
    embedder = make_embedder(settings.embed_backend, settings.embed_model)
    if not is_current(settings, embedder.name):
        print("Building the search index (the corpus or catalogue changed) ...", flush=True)
        build_index(settings, embedder)


def run_eval(settings: StackSettings) -> int:
    """Start the stack unless it is already running, hold every evaluation conversation, report."""
    supervisor = None if rasa_ready(settings) else Supervisor(settings)
    try:
        if supervisor is not None:
            supervisor.start()
            supervisor.wait_healthy()
        figures = evaluate(settings.rasa_url, settings.var_dir / "eval")
    finally:
        if supervisor is not None:
            supervisor.stop()
    print(report(figures))
    print(f"Misses: {settings.var_dir / 'eval' / 'dialogue_misses.json'}")
    return 0 if meets_bars(figures["dev"]) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack", description=__doc__)
    parser.add_argument(
        "command", choices=["run", "train", "prepare", "eval", "crisis-eval", "door-eval", "bench"]
    )
    parser.add_argument("--force", action="store_true", help="train even if bot/ is unchanged")
    add_bench_arguments(parser)
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.command == "run" and (problems := production_problems(get_web_settings())):
        # Before minutes of training: production with a development secret will not start.
        print("Alle Døre will not start in production mode:", *problems, sep="\n  - ")
        return 2
    try:
        if train(settings, force=args.force):
            print(f"Trained {settings.model_file}", flush=True)
        else:
            print("The Rasa model is current (bot/ unchanged).", flush=True)
        if args.command == "train":
            return 0
        build_index_if_stale()
    except KnowledgeError as error:
        print(f"Cannot build the index: {error}", file=sys.stderr)
        return 2
    if args.command == "prepare":
        return 0
    if args.command == "eval":
        return run_eval(settings)
    if args.command == "crisis-eval":
        from stack.crisis_eval import main as crisis_eval

        return crisis_eval(settings)
    if args.command == "door-eval":
        from stack.door_eval import main as door_eval

        return door_eval(settings)
    if args.command == "bench":
        return bench_main(bench_options(args))
    supervisor = Supervisor(settings)
    supervisor.start()
    try:
        supervisor.wait_healthy()
    except RuntimeError as error:
        supervisor.stop()
        print(error, file=sys.stderr)
        return 1
    print(
        f"\nAlle Døre is running: {settings.app_url}/\n"
        f"  the widget on a demo municipal page: {settings.app_url}/?kommune=svendborg\n"
        f"  without JavaScript: {settings.app_url}/chat   staff console: {settings.app_url}/staff\n"
        f"  API docs: {settings.app_url}/docs   in a terminal: .venv/bin/python -m stack.chat\n"
        "Stop with Ctrl-C.",
        flush=True,
    )
    return supervisor.watch()


if __name__ == "__main__":
    sys.exit(main())
