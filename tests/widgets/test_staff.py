"""The staff console (/staff) over the real catalogue and the real index in var/index.

One app per module: the searcher loads once (about 5 s), every test reuses it. `catalogue` is
the session fixture of tests/conftest.py: the same catalogue files the app reads.
"""

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from markupsafe import escape

from knowledge.catalogue import Catalogue
from knowledge.errors import KnowledgeError
from knowledge.search import QueryError, Searcher, get_searcher
from widgets.app import create_app
from widgets.deps import get_searcher_factory

POLICIES = Path(__file__).resolve().parents[2] / "knowledge" / "corpus" / "policies"
SERVICE_LINK = re.compile(r'href="/staff/service/([a-z0-9-]+)(?:\?[^"]*)?"')
FIELDS = re.compile(r"<(form|input|select|textarea|button)\b")


@pytest.fixture(scope="module")
def staff_client() -> Iterator[TestClient]:
    with TestClient(create_app()) as client:
        yield client


def policy_title(kommune: str) -> str:
    meta = next(POLICIES.glob(f"{kommune}-*.meta.yml"))
    return str(yaml.safe_load(meta.read_text(encoding="utf-8"))["title"])


def listed(page: str) -> list[str]:
    """The service ids a result page links to, in order."""
    return list(dict.fromkeys(SERVICE_LINK.findall(page)))


def open_now_ids(catalogue: Catalogue, kommune: str) -> set[str]:
    now = datetime.now().astimezone()
    summaries = [catalogue.summary(s.id, now, kommune) for s in catalogue.for_kommune(kommune)]
    return {s["id"] for s in summaries if s["open_now"] is True and catalogue.reachable(s)}


def test_a_bed_in_svendborg_lists_svendborg_or_national_housing_help(
    staff_client: TestClient, catalogue: Catalogue
) -> None:
    page = staff_client.get("/staff", params={"q": "ingen steder at sove", "kommune": "svendborg"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    found = [catalogue.services[i] for i in listed(page.text)]
    assert found
    assert all(s.kommune in ("svendborg", None) for s in found), [s.id for s in found]
    assert "bolig" in found[0].themes
    # Policy passages are cited from Svendborg's own policy, never another municipality's.
    cites = re.findall(r"<cite>([^<]+)</cite>", page.text)
    assert cites and set(cites) == {policy_title("svendborg")}
    assert "<blockquote>" in page.text


def test_the_theme_filter_keeps_only_that_theme(
    staff_client: TestClient, catalogue: Catalogue
) -> None:
    params = {"q": "ingen steder at sove", "kommune": "svendborg"}
    unfiltered = listed(staff_client.get("/staff", params=params).text)
    assert any("oekonomi" not in catalogue.services[i].themes for i in unfiltered)
    filtered = listed(staff_client.get("/staff", params=params | {"theme": "oekonomi"}).text)
    assert filtered
    assert all("oekonomi" in catalogue.services[i].themes for i in filtered)
    assert all(catalogue.services[i].kommune in ("svendborg", None) for i in filtered)


def test_without_a_question_the_catalogue_is_listed_for_the_filters(
    staff_client: TestClient, catalogue: Catalogue
) -> None:
    page = staff_client.get("/staff", params={"kommune": "norddjurs", "theme": "vold"})
    assert page.status_code == 200
    expected = {
        s.id
        for s in catalogue.for_kommune("norddjurs")
        if "vold" in s.themes and catalogue.reachable(catalogue.summary(s.id, None, "norddjurs"))
    }
    assert set(listed(page.text)) == expected
    assert "<blockquote>" not in page.text  # a listing has no policy passages


def test_open_now_lists_only_what_is_open(staff_client: TestClient, catalogue: Catalogue) -> None:
    before = open_now_ids(catalogue, "faxe")
    page = staff_client.get("/staff", params={"kommune": "faxe", "open_now": "1"})
    after = open_now_ids(catalogue, "faxe")
    shown = set(listed(page.text))
    # The crisis centres are open around the clock, so there is always something.
    assert shown and shown in (before, after)
    everything = set(listed(staff_client.get("/staff", params={"kommune": "faxe"}).text))
    assert shown < everything
    searched = staff_client.get("/staff", params={"q": "vold", "kommune": "faxe", "open_now": "1"})
    assert set(listed(searched.text)) <= before | after


def test_a_service_page_shows_legal_basis_and_its_policy(staff_client: TestClient) -> None:
    page = staff_client.get("/staff/service/svendborg-socialafdeling")
    assert page.status_code == 200
    assert "Serviceloven § 10 og § 12" in page.text
    assert 'href="tel:62233970"' in page.text
    assert "Hvad siger politikken" in page.text
    assert f"<cite>{policy_title('svendborg')}</cite>" in page.text
    assert "<blockquote>" in page.text
    assert "Hvor er oplysningerne tjekket?" in page.text and "kriminalforsorgen.dk" in page.text
    assert (
        'href="/staff/service/svendborg-socialafdeling/card?kommune=&amp;language=da"' in page.text
    )


def test_a_national_service_cites_the_chosen_municipalitys_policy(
    staff_client: TestClient,
) -> None:
    page = staff_client.get("/staff/service/national-reden", params={"kommune": "faxe"})
    assert page.status_code == 200
    assert set(re.findall(r"<cite>([^<]+)</cite>", page.text)) == {policy_title("faxe")}
    assert 'href="/staff/service/national-reden/card?kommune=faxe&amp;language=da"' in page.text


def test_the_card_has_the_phone_and_no_form_fields(staff_client: TestClient) -> None:
    page = staff_client.get("/staff/service/svendborg-socialafdeling/card")
    assert page.status_code == 200
    assert "62 23 39 70" in page.text and 'href="tel:62233970"' in page.text
    assert "Svinget 14, 5700 Svendborg" in page.text
    assert not FIELDS.search(page.text)
    # Who to call when it does not fit: the municipality's front door, with its checked phone.
    assert "Svendborg Kommune, omstilling og Borgerservice" in page.text
    assert "62 23 30 00" in page.text


def test_the_card_gives_weekly_hours_not_open_now(staff_client: TestClient) -> None:
    page = staff_client.get("/staff/service/faxe-krisecenter/card")
    assert page.status_code == 200
    assert "Alle dage: hele døgnet" in page.text
    assert "Åbent nu" not in page.text  # a printed card is read later


@pytest.mark.parametrize("path", ["/staff/service/findes-ikke", "/staff/service/findes-ikke/card"])
def test_an_unknown_service_is_a_kind_404_page(staff_client: TestClient, path: str) -> None:
    page = staff_client.get(path)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Vi kan ikke finde det sted" in page.text
    assert 'href="/staff"' in page.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "hjælp " * 4000}, "Søgningen var meget lang"),
        ({"q": "   "}, "Søgefeltet var tomt"),
        ({"q": "\x00\x07\u202e"}, "Søgefeltet var tomt"),
        ({"q": "gæld", "kommune": "xx"}, "Vi kender ikke kommunen »xx«"),
        ({"q": "gæld", "theme": "nope"}, "Vi kender ikke emnet »nope«"),
        ({"kommune": "<b>" * 100}, "Vi kender ikke kommunen »&lt;b&gt;"),
    ],
)
def test_bad_input_gets_a_kind_message(
    staff_client: TestClient, params: dict[str, str], message: str
) -> None:
    page = staff_client.get("/staff", params=params)
    assert page.status_code in (200, 400)
    assert page.headers["content-type"].startswith("text/html")
    assert message in page.text
    assert "<b>" not in page.text


def test_a_script_in_the_question_is_shown_escaped(staff_client: TestClient) -> None:
    page = staff_client.get("/staff", params={"q": "<script>alert(1)</script> gæld"})
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script" not in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/staff",
        "/staff?q=gæld&kommune=norddjurs",
        "/staff/service/svendborg-socialafdeling",
        "/staff/service/svendborg-socialafdeling/card",
    ],
)
def test_pages_keep_to_the_content_security_policy(staff_client: TestClient, path: str) -> None:
    page = staff_client.get(path)
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", page.text)
    assert '<main id="main"' in page.text and '<html lang="da" dir="ltr">' in page.text
    assert page.headers["cache-control"] == "no-store"


class RefusingSearcher:
    """The real searcher whose search refuses the question, as the knowledge base may."""

    def __init__(self, real: Searcher) -> None:
        self.catalogue = real.catalogue
        self.settings = real.settings

    def search(self, *args: object, **kwargs: object) -> None:
        raise QueryError("Skriv et par ord om, hvad du har brug for hjælp til.")


def _app_with(factory: Callable[[], object]) -> TestClient:
    app = create_app()
    app.dependency_overrides[get_searcher_factory] = lambda: factory
    return TestClient(app)


def test_a_refused_question_shows_the_searchers_kind_message(staff_client: TestClient) -> None:
    refusing = RefusingSearcher(get_searcher())
    page = _app_with(lambda: refusing).get("/staff", params={"q": "gæld"})
    assert page.status_code == 400
    assert "Skriv et par ord om, hvad du har brug for hjælp til." in page.text


def test_a_missing_index_is_a_kind_page_not_json() -> None:
    def missing() -> Searcher:
        raise KnowledgeError("no index")

    for path in ("/staff", "/staff/service/svendborg-socialafdeling"):
        page = _app_with(missing).get(path)
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert "Søgningen virker ikke lige nu" in page.text


def test_the_console_in_english_and_in_arabic(
    staff_client: TestClient, catalogue: Catalogue
) -> None:
    english = staff_client.get("/staff", params={"language": "en", "kommune": "svendborg"})
    assert english.status_code == 200
    assert '<html lang="en" dir="ltr">' in english.text
    assert "Find help" in english.text and "Find hjælp" not in english.text
    assert "Housing and homelessness" in english.text  # the theme menu
    # The service's own texts come in English too (knowledge/catalogue/translations/en.yml).
    service = staff_client.get(
        "/staff/service/svendborg-socialafdeling", params={"language": "en"}
    ).text
    record = catalogue.services["svendborg-socialafdeling"]
    eligibility = catalogue.translated(record, "eligibility", "en")
    assert eligibility != record.eligibility and str(escape(eligibility)) in service
    assert 'href="/staff?kommune=&amp;language=en"' in service
    arabic = staff_client.get("/staff", params={"language": "ar"})
    assert '<html lang="ar" dir="rtl">' in arabic.text
    # The menu offers each language, named in itself.
    for name in ("Dansk", "English", "Українська", "العربية"):
        assert name in english.text


def test_the_browser_language_picks_the_console_language(staff_client: TestClient) -> None:
    page = staff_client.get("/staff", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"})
    assert '<html lang="uk" dir="ltr">' in page.text
    bad = staff_client.get("/staff", params={"kommune": "xx", "language": "en"})
    assert bad.status_code == 400 and "municipality" in bad.text.lower()
