"""`python -m knowledge build | search | validate | stats | prompt | eval | calibrate | bench |
redact-fuzz`."""

import argparse
import json
import sys
from collections import Counter
from typing import Any

from knowledge.errors import KnowledgeError
from knowledge.settings import get_settings


def _searcher() -> Any:
    # At a terminal a stale index is built first (a person waits and sees why); the app and the
    # action server only load it (knowledge.search.get_searcher).
    from knowledge.search import open_searcher

    return open_searcher(get_settings(), build=True)


def cmd_build(args: argparse.Namespace) -> int:
    from knowledge.embedding import make_embedder
    from knowledge.index import build_index

    settings = get_settings()
    embedder = make_embedder(settings.embed_backend, settings.embed_model)
    report = build_index(settings, embedder, progress=not args.quiet, force=args.force)
    if report.up_to_date:
        print(f"Index is up to date ({report.total} items, {embedder.name}).")
    else:
        print(
            f"Index built in {report.seconds:.1f} s: {report.total} items,"
            f" {report.embedded} embedded, {report.reused} reused ({embedder.name})."
        )
    return 0


def _print_human(response: Any) -> None:
    if response.no_good_match:
        print("(Ingen god match. Tal med et menneske: se kommunens hoveddør nedenfor.)")
    for result in response.results:
        if result.service:
            s = result.service
            where = s["kommune"] or "landsdækkende"
            print(f"\n● {s['name']}  [{where}]  score {result.score:.3f}")
            print(f"  {s['description']}")
            contact = [
                x for x in (s["phone"] and f"Tlf. {s['phone']}", s["address"], s["url"]) if x
            ]
            if contact:
                print("  " + " · ".join(contact))
            elif s["via"]:
                via = s["via"]
                door = [
                    x
                    for x in (via["phone"] and f"Tlf. {via['phone']}", via["address"], via["url"])
                    if x
                ]
                print(f"  Kontakt via {via['name']}: " + " · ".join(door))
            print(f"  {s['opening']}")
        elif result.source:
            src = result.source
            print(f"\n§ {src['document']} › {src['section']}  score {result.score:.3f}")
            print(f"  “{src['excerpt']}”")


def cmd_search(args: argparse.Namespace) -> int:
    searcher = _searcher()
    if args.jsonl:
        return _search_lines(searcher)
    response = searcher.search(
        args.query, args.kommune, k=args.k, passages=args.passages, method=args.method
    )
    if args.json:
        print(json.dumps(response.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_human(response)
    return 0


def _search_lines(searcher: Any) -> int:
    """One query object a line in, one result object a line out; a bad line gets an error line."""
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            query = json.loads(line)
            if not isinstance(query, dict):
                raise ValueError('a line must be a JSON object like {"q": "..."}')
            k = int(query.get("k") or 5)
            kommune = query.get("kommune")
            response = searcher.search(str(query.get("q") or ""), kommune, k=k)
            out: dict[str, Any] = response.to_json()
        except (ValueError, TypeError, KnowledgeError) as exc:
            out = {"error": str(exc), "results": [], "no_good_match": True}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from knowledge.catalogue import load_catalogue

    settings = get_settings()
    catalogue = load_catalogue(settings.catalogue_dir, settings.facts_dir)
    print(
        f"Catalogue OK: {len(catalogue.services)} services in"
        f" {len(catalogue.municipalities)} municipalities + national."
    )
    by_kommune: dict[str | None, list[Any]] = {}
    for item in catalogue.unverified:
        by_kommune.setdefault(item.kommune, []).append(item)
    # Every reply ends at a door a person can phone: a municipality whose front door has no
    # checked phone fails the check (and `make test`); a theme without one is listed.
    no_phone = []
    for slug in [*sorted(catalogue.municipalities), None]:
        door = catalogue.front_door(slug) if slug else None
        print(f"\n{slug or 'national'}:")
        if slug is not None and (door is None or not catalogue.shown[door.id].phones):
            no_phone.append(slug)
            print(f"  ERROR: the front door of {slug} has no verified phone number")
        if slug is not None:
            for theme in catalogue.themes_without_phone(slug):
                print(f"  no door with a verified phone for theme '{theme}'")
        items = by_kommune.get(slug, [])
        if not items:
            print("  no unverified contact facts")
        for item in items:
            print(
                f"  unverified {item.field} {item.value!r} in '{item.service}' (fact {item.fact})"
            )
    return 1 if no_phone else 0


def cmd_stats(args: argparse.Namespace) -> int:
    searcher = _searcher()
    kinds = Counter(item.kind for item in searcher.index.items)
    docs = {item.meta["path"] for item in searcher.index.items if item.kind == "policy"}
    by_kommune = Counter(s.kommune or "national" for s in searcher.catalogue.services.values())
    print(f"model: {searcher.index.manifest['model']} (dim {searcher.index.manifest['dim']})")
    print(f"documents: {len(docs)}, policy chunks: {kinds['policy']}, services: {kinds['service']}")
    print(
        "services by municipality: " + ", ".join(f"{k} {v}" for k, v in sorted(by_kommune.items()))
    )
    return 0


def cmd_prompt(args: argparse.Namespace) -> int:
    searcher = _searcher()
    kommune = args.kommune
    print("Alle Døre: skriv hvad du har brug for hjælp til (tom linje afslutter).")
    print("Skriv 'kommune faxe' for at vælge kommune.")
    while True:
        try:
            line = input(f"[{kommune or 'alle'}]> ").strip()
        except EOFError:
            break
        if not line:
            break
        if line.lower().startswith("kommune "):
            kommune = line.split(maxsplit=1)[1].strip().lower() or None
            continue
        try:
            _print_human(searcher.search(line, kommune))
        except KnowledgeError as exc:
            print(exc)
        print()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from knowledge.evaluation import evaluate_all, print_table
    from knowledge.index import background_queries

    settings = get_settings()
    background = background_queries(settings)
    sets = [settings.devset_file, settings.devset_file.with_name("heldout.yml")]
    reports = [evaluate_all(_searcher(), path, background) for path in sets if path.exists()]
    for report in reports:
        print_table(report, misses=args.misses)
        print()
    if args.json:
        print(json.dumps(reports, indent=2))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from knowledge.evaluation import calibrate

    calibrate(_searcher(), get_settings())
    return 0


def cmd_crisis_train(args: argparse.Namespace) -> int:
    from knowledge.crisis_training import train

    info = train()
    print(json.dumps(info, indent=2))
    return 0


def cmd_crisis_eval(args: argparse.Namespace) -> int:
    """Each crisis stage alone and both together, in this process, on the dev or blind set."""
    from knowledge.crisis import get_detector
    from knowledge.crisis_eval import detector_judge, format_table, stages, tally
    from knowledge.crisis_sets import blind_cases, dev_cases

    cases = blind_cases() if args.set == "blind" else dev_cases()
    results = {
        name: tally(cases, detector_judge(detect))
        for name, detect in stages(get_detector()).items()
    }
    print(f"crisis, {args.set} set ({len(cases)} cases), this process")
    print(format_table(results))
    if args.set == "dev":
        for name, figures in results.items():
            print(f"{name} missed: {' '.join(figures['all']['missed'])}")
            print(f"{name} false alarms: {' '.join(figures['all']['alarmed'])}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from knowledge.bench import run_bench

    run_bench(get_settings())
    return 0


def cmd_redact_fuzz(args: argparse.Namespace) -> int:
    from knowledge.redact_fuzz import main as fuzz

    return fuzz(count=args.count, seed=args.seed)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build or update the index")
    build.add_argument("--force", action="store_true", help="re-embed everything")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.set_defaults(func=cmd_build)
    search = sub.add_parser("search", help="search services and policy passages")
    search.add_argument("query", nargs="?", default="")
    search.add_argument("--kommune", default=None)
    search.add_argument("--k", type=int, default=5, help="services to return")
    search.add_argument("--passages", type=int, default=2, help="policy passages to return")
    search.add_argument("--method", choices=["hybrid", "dense", "lexical"], default="hybrid")
    search.add_argument("--json", action="store_true", help="print the result as JSON")
    search.add_argument("--jsonl", action="store_true", help="read {q, kommune, k} lines on stdin")
    search.set_defaults(func=cmd_search)
    sub.add_parser("validate", help="check the catalogue").set_defaults(func=cmd_validate)
    sub.add_parser("stats", help="corpus and index sizes").set_defaults(func=cmd_stats)
    prompt = sub.add_parser("prompt", help="interactive search")
    prompt.add_argument("--kommune", default=None)
    prompt.set_defaults(func=cmd_prompt)
    ev = sub.add_parser("eval", help="retrieval quality on the development set")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--misses", action="store_true", help="list the hybrid top-1 misses")
    ev.set_defaults(func=cmd_eval)
    sub.add_parser("calibrate", help="calibrate no_good_match").set_defaults(func=cmd_calibrate)
    sub.add_parser("bench", help="speed and memory").set_defaults(func=cmd_bench)
    crisis_train = sub.add_parser("crisis-train", help="train the learned crisis stage")
    crisis_train.set_defaults(func=cmd_crisis_train)
    crisis_eval = sub.add_parser("crisis-eval", help="crisis stages alone and together")
    crisis_eval.add_argument("--set", choices=["dev", "blind"], default="dev")
    crisis_eval.set_defaults(func=cmd_crisis_eval)
    fuzz = sub.add_parser("redact-fuzz", help="redaction misses and false redactions")
    fuzz.add_argument("--count", type=int, default=10_000, help="messages of each kind")
    fuzz.add_argument("--seed", type=int, default=16)
    fuzz.set_defaults(func=cmd_redact_fuzz)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KnowledgeError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
