"""A service as chat text: name, one line, how to get in touch, address, hours."""

from actions.cards import card_text, contact_line, first_sentence, has_door


def service(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": "Varmestuen",
        "description": "Et varmt sted om dagen. Der er kaffe.",
        "phone": None,
        "address": None,
        "url": None,
        "via": None,
        "opening": "Åbent nu til kl. 15.00",
    }
    return base | fields


def test_first_sentence() -> None:
    assert first_sentence("Et varmt sted.  Der er kaffe.") == "Et varmt sted."


def test_a_card_has_name_line_phone_address_and_hours() -> None:
    text = card_text(service(phone="62 23 30 00", address="Torvet 1"))
    assert text.splitlines() == [
        "Varmestuen",
        "Et varmt sted om dagen.",
        "Tlf. 62 23 30 00",
        "Adresse: Torvet 1",
        "Åbent nu til kl. 15.00",
    ]


def test_without_its_own_phone_the_front_door_is_the_contact() -> None:
    via = {"name": "Nyborg Kommune", "phone": None, "address": "Torvet 1, 5800 Nyborg"}
    assert contact_line(service(via=via)) == "Kontakt Nyborg Kommune, Torvet 1, 5800 Nyborg"
    assert has_door(service(via=via))
    assert not has_door(service(url="https://x.dk"))
