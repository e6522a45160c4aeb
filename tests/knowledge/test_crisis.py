"""The crisis check: direct statements in many spellings and languages, and the hard negatives
that a word list gets wrong (a Norwegian bot sent "slå plenen" to a violence service)."""

import pytest

from knowledge.catalogue import Catalogue
from knowledge.crisis import CrisisDetector, get_detector


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return get_detector()


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("jeg vil ikke leve mere", "suicide"),
        ("JEG VIL IKKE LEVE MERE!!!", "suicide"),
        ("jeg vil tage mit eget liv i aften", "suicide"),
        ("har taenkt paa selvmord hele dagen", "suicide"),
        ("jeg staar paa broen", "suicide"),
        ("i want to kill myself", "suicide"),
        ("хочу покінчити з собою", "suicide"),
        ("أريد أن أقتل نفسي", "suicide"),
        ("chcę się zabić", "suicide"),
        ("waxaan rabaa inaan dhinto", "suicide"),
        ("yaşamak istemiyorum", "suicide"),
        ("yasamak istemiyorum artik", "suicide"),
        ("I took too many pills", "overdose"),
        ("ninkeygu wuu i garaacaa", "violence"),
        ("min ven har taget en overdosis og vågner ikke", "overdose"),
        ("hun trækker ikke vejret", "overdose"),
        ("min far slår mig, jeg er 13 år", "child"),
        ("min nabo slår sit barn lige nu, det skriger", "child_other"),
        ("han slår mig lige nu", "violence"),
        ("hjælp han har en kniv", "violence"),
        ("he is hitting me right now", "violence"),
        ("він мене б'є зараз", "violence"),
    ],
)
def test_direct_statements_are_a_crisis(detector: CrisisDetector, message: str, kind: str) -> None:
    found = detector.detect(message)
    assert found is not None, message
    assert found.kind == kind
    assert found.lines[0] == "national-112"


@pytest.mark.parametrize(
    "message",
    [
        "skal slå græsplænen",
        "hvornår må man slå plænen om søndagen",
        "min telefon er død",
        "dræber tid med netflix",
        "jeg dør af grin",
        "slå et ord op i ordbogen",
        "hvad gør kommunen for at forebygge selvmord",
        "min bror begik selvmord for tre år siden, findes der en sorggruppe",
        "min chef slår mig ihjel hvis jeg kommer for sent haha",
        "hvor er der billig benzin",
        "står på broen og fisker",
        "han reagerer ikke på mine beskeder",
        "min kæreste slog mig for to år siden, nu vil jeg gerne tale med nogen",
        "",
        "🙂🙂🙂",
        "how many pills can I take a day, the doctor said two",
        "waxaan rabaa inaan shaqo helo",
        "yaşamak istiyorum ve bir ev arıyorum",
    ],
)
def test_hard_negatives_are_not_a_crisis(detector: CrisisDetector, message: str) -> None:
    assert detector.detect(message) is None


def test_every_line_is_a_crisis_service_in_the_catalogue(
    detector: CrisisDetector, catalogue: Catalogue
) -> None:
    for lines, _ in detector.kinds.values():
        for line in lines:
            assert line in catalogue.services, line
            assert catalogue.summary(line)["phone"], line
