from knowledge.text import clean, fold, lix, strip_phrases, word_count


def test_fold_meets_spellings_without_aeoeaa() -> None:
    assert fold("Hjælp") == fold("hjaelp") == fold("hjalp") == "hjalp"
    assert fold("Gæld til SKAT") == fold("gaeld til skat")
    assert fold("børn") == fold("boern") == fold("born")
    assert fold("Pårørende") == fold("paaroerende") == fold("parorende")


def test_clean_removes_control_and_invisible_characters() -> None:
    assert clean("hej\x00\x07 med\u200b dig\n\n") == "hej med dig"


def test_fold_drops_emoji_and_punctuation_but_keeps_words() -> None:
    assert fold("Hjælp!!! 😢😢 nu") == "hjalp nu"
    assert fold("😢😢") == ""


def test_word_count() -> None:
    assert word_count("Mål: Færre unge ender i kriminalitet.") == 6


def test_lix_of_known_texts() -> None:
    # 8 words, 1 sentence, 3 long words ("forsorgshjem", "hjemløse", "mennesker").
    assert lix("Et forsorgshjem er et sted for hjemløse mennesker.") == 8 + 100 * 3 / 8
    assert lix("") == 0.0


def test_strip_phrases_removes_places_however_spelt() -> None:
    places = {("grena",), ("faxe", "ladeplads"), ("faxe",), ("kommune",)}
    assert strip_phrases("afvænning i Grenå?", places) == "afvænning i ?"
    assert strip_phrases("bor i grenaa og har gæld", places) == "bor i og har gæld"
    assert strip_phrases("Faxe Ladeplads hjemløs", places) == "hjemløs"
    assert strip_phrases("Faxe Kommune", places) == ""
    assert strip_phrases("faxer ikke", places) == "faxer ikke"
