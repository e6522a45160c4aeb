"""The patterns redaction matches, over normalised text (knowledge/redact_normal.py): digits are
0-9, every dash is "-", every space is " ", ＠ is @.

Each errs towards taking out too much: a lost digit costs nothing in guidance, a kept CPR number
costs the person. No CPR check digit is used (the modulus-11 rule was dropped in 2007). What must
stay (amounts, dates, times, year ranges, the public lines a person repeats) is matched first and
protected. Plain `re` only (it runs in Rasa's Python 3.10 too).
"""

import re

_I = re.IGNORECASE
_SP = r"[ \t]"

# --- CPR: DDMMYY-SSSS, any or no separator (several dashes, dots, slashes, underscores, spaces),
# and the date maybe written in pairs. The date is not checked: any such number goes.
_PAIR = rf"(?:{_SP}?[-./_]?{_SP}?)"
_CPR_SEP = rf"(?:{_SP}{{0,2}}(?:[-./_\\|:]{{1,3}}{_SP}{{0,2}})?)"
# Not after +/00 (then it is "+45 12345678", a phone number).
_NOT_PREFIXED = r"(?<![0-9])(?<!\+)(?<!\+ )(?<!00 )(?<!00-)"
CPR = re.compile(
    rf"{_NOT_PREFIXED}[0-9]{{2}}{_PAIR}[0-9]{{2}}{_PAIR}[0-9]{{2}}{_CPR_SEP}[0-9]{{4}}(?![0-9])"
)

# --- E-mail: the @ in any form (＠ is normalised), "(at)", "[at]", "snabel-a", and written out
# ("ole at gmail dot com"). A bare " at " is a common Danish word, so it needs a written or tight
# dot and a known top-level domain after it.
_TLD = (
    r"(?:dk|com|net|org|se|no|de|eu|info|io|nu|me|uk|co|fi|is|gl|fo|nl|fr|es|it|pl|biz|online|"
    r"live|email|mail|app|dev|tv)(?![\w])"
)
_DOT_NAME = r"(?:dot|punktum|prik)"
_DOT_WORD = rf"(?:{_SP}*[(\[{{<]{_SP}*{_DOT_NAME}\.?{_SP}*[)\]}}>]{_SP}*|{_SP}+{_DOT_NAME}{_SP}+)"
# A space before a dot, not only after it: "ole@mail.dk. Se her" ends at "dk".
_DOT_ANY = rf"(?:{_SP}\.{_SP}?|\.|{_DOT_WORD})"
_DOT_TIGHT = rf"(?:\.|{_DOT_WORD})"
_ATOM = r"[\w+%'-]+"
_LOCAL = rf"(?<![\w+%'.-]){_ATOM}(?:{_DOT_TIGHT}{_ATOM})*"
_AT_SIGN = (
    rf"(?:{_SP}*(?:@|&#0*64;|&commat;){_SP}*"
    rf"|{_SP}*[(\[{{<]{_SP}*(?:at|snabel{_SP}?-?{_SP}?a|alfa){_SP}*[)\]}}>]{_SP}*"
    rf"|{_SP}+snabel{_SP}?-?{_SP}?a{_SP}+)"
)
_LABEL = r"[\w-]+"
_DOMAIN = rf"(?:{_LABEL}(?:{_DOT_ANY}{_LABEL})*{_DOT_ANY}{_TLD}|{_LABEL}(?:\.{_LABEL})+)"
_DOMAIN_BARE = rf"{_LABEL}(?:{_DOT_TIGHT}{_LABEL})*{_DOT_TIGHT}{_TLD}"
EMAIL = re.compile(
    rf"{_LOCAL}(?:{_AT_SIGN}{_DOMAIN}|{_SP}+at{_SP}+{_DOMAIN_BARE})",
    _I,
)

# --- What stays, matched before phone numbers and protected.
_AMOUNT_NUMBER = r"[0-9]{1,3}(?:[. ]?[0-9]{3})*(?:,[0-9]{1,2}|,-)?"
_DAY, _MONTH = r"(?:0?[1-9]|[12][0-9]|3[01])", r"(?:0?[1-9]|1[0-2])"
_YEAR, _CLOCK = r"(?:19|20)[0-9]{2}", r"[0-2]?[0-9][.:][0-5][0-9]"
KEEP = re.compile(
    "|".join(
        (
            # kr. 12.000, 1.500 kr, 12345678 kroner, € 40
            rf"(?:\b(?:kr|dkk|eur|usd)\.?|[€$£]){_SP}?{_AMOUNT_NUMBER}(?![0-9])",
            rf"(?<![0-9.,]){_AMOUNT_NUMBER}{_SP}?(?:kr\b|kroner|dkk\b|,-|€|euro)",
            # 12.03.2024, 1/2-2024, 2024-03-12
            rf"(?<![0-9]){_DAY}[./-]{_MONTH}[./-]{_YEAR}(?![0-9])",
            rf"(?<![0-9]){_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])(?![0-9])",
            # 10.30-12.00, 12.03 10.30, 2019-2021
            rf"(?<![0-9]){_CLOCK}{_SP}?-{_SP}?{_CLOCK}(?![0-9])",
            rf"(?<![0-9]){_DAY}[./]{_MONTH}\.?{_SP}+(?:kl\.?{_SP}*)?{_CLOCK}(?![0-9])",
            rf"(?<![0-9]){_YEAR}{_SP}?[-/]{_SP}?{_YEAR}(?![0-9])",
        )
    ),
    _I,
)

# --- Phone numbers. Danish: 8 digits, whole or grouped 2-2-2-2, 4-4, 2-2-4, 4-2-2 or 3-3-2 (a
# group break may come after the 2nd, 3rd, 4th and 6th digit), with any of the separators, and
# an optional +45 / 0045 / (+45). Foreign: a + and 8 to 15 more digits.
_GROUP = rf"(?:{_SP}{{1,2}}|{_SP}?[-./]{_SP}?)?"
_PREFIX = rf"(?:(?:\({_SP}?)?(?:\+|00){_SP}?45{_SP}?\)?{_SP}?[-.]?{_SP}?)?"
PHONE = re.compile(
    rf"(?<![0-9]){_PREFIX}[0-9]{{2}}{_GROUP}[0-9]{_GROUP}[0-9]{_GROUP}[0-9]{{2}}{_GROUP}[0-9]{{2}}"
    rf"(?![0-9])"
    rf"|\+{_SP}?[0-9]{{1,3}}{_SP}?-?{_SP}?[0-9](?:{_SP}?-?{_SP}?[0-9]){{6,13}}(?![0-9])"
)
# Public lines a person may repeat back (national.yml; a test keeps this in step with it).
PUBLIC_NUMBERS = frozenset(
    {
        *("70201201", "33330047", "80200500", "70229330", "33411200"),
        *("70232750", "70802580", "72217221"),
    }
)

# --- Addresses: a street name and a house number, maybe a floor and side, postcode and town.
_STREET_WORDS = (
    r"vej|vejen|gade|gaden|allé|alle|alléen|stræde|strædet|plads|pladsen|torv|torvet|"
    r"vænge|vænget|vang|vangen|boulevard|kaj|kajen|sti|stien|park|parken|have|haven|bakke|"
    r"bakken|toften|løkke|løkken|engen|gyde|gyden|høj|højen|dal|dalen|lund|lunden|marken|"
    r"straße|strasse|street|road|avenue|lane"
)
# A number followed by a unit of time, money or amount is not a house number ("i Danmark 10 år").
_NOT_A_COUNT = (
    rf"(?!{_SP}*(?:år|års|måned|uge|dag|døgn|nat|nætter|time|minut|sekund|gang|kr|kroner|"
    r"procent|%|stk|person|barn|børn|km|kilo|kg|gram|liter|mg|ml|pille|tablet|værelse|vær\b|"
    r"øl|genstand|sms|mail|timer|x\b|year|month|week|day|night|hour|minute|time|pills?|room))"
)
_LETTER = rf"(?:(?-i:[A-Za-z])(?![\w])|{_SP}(?-i:[A-Z])(?![\w]))"
_FLOOR = (
    rf"(?:,?{_SP}*(?:(?:st|kl)(?![^\W\d_])|[0-9]{{1,2}}(?![0-9]))\.?(?:{_SP}*sal\b)?"
    rf"(?:,?{_SP}*(?:th|tv|mf)\b\.?|{_SP}+[0-9]{{1,4}}\b)?)?"
)
_TOWN = r"(?-i:[A-ZÆØÅ][a-zæøåé-]+)(?:[ \t](?-i:[A-ZÆØÅ]{1,2}\b|[A-ZÆØÅ][a-zæøå-]+))?"
_POST = rf"(?:,?{_SP}*(?:dk-)?[1-9][0-9]{{3}}{_SP}+{_TOWN})?"
# Not a decimal or a time ("12,5", "10.30"); a comma and a postcode may follow ("7,5700").
_NOT_DECIMAL = r"(?![0-9]|[.:][0-9]{2}|,[0-9]{1,2}(?![0-9]))"
_NUMBER = rf"[0-9]{{1,4}}(?:{_SP}?-{_SP}?[0-9]{{1,4}})?{_LETTER}?{_NOT_DECIMAL}"
_HOUSE = rf"{_SP}*{_NUMBER}{_NOT_A_COUNT}{_FLOOR}{_POST}"
_WORD = r"[^\W\d_][\w'-]*"

# Words that stand before a street's name ("Store Kongensgade", "H.C. Andersens Boulevard").
_BEFORE_STREET = (
    r"(?:(?:store|lille|nørre|søndre|østre|vestre|gammel|gamle|ny|nye|sankt|skt|sct|øvre|"
    r"nedre|indre|ydre)\.?|(?-i:[A-ZÆØÅ])[\w.]*s|(?-i:[A-ZÆØÅ])\.(?:[A-ZÆØÅ]\.)+)"
    rf"{_SP}"
)
_END = r"(?![^\W\d_])"  # the street word ends the name; a number may follow at once
SUFFIXED = re.compile(
    rf"(?:(?<![\w-])(?:{_BEFORE_STREET})?{_WORD}(?:{_STREET_WORDS}){_END}"
    rf"|(?<![\w-]){_BEFORE_STREET}(?:{_STREET_WORDS}){_END}"
    rf"|(?<![\w-])(?-i:[A-ZÆØÅ])[\w-]+(?:{_SP}(?-i:[A-ZÆØÅ])[\w.-]+)?{_SP}(?:{_STREET_WORDS}){_END})"
    + _HOUSE,
    _I,
)
# "jeg bor på Skovbrynet 4", "bor i Svendborg på Ådalen 7", "adresse: skovbrynet 4": after such
# words a name and a number is an address, whatever its ending. The words before it stay.
_NOT_NAME = r"(?:på|paa|i|til|er|siden|fra|med|om|for|indtil|hos|efter|før)(?![\w])"
_NAME = rf"(?!{_NOT_NAME}){_WORD}"
LIVES_AT = re.compile(
    r"(?P<keep>\b(?:bor|boede|bosat|bopæl|adresse|adressen|flytter|flyttet|flyttede)"
    rf"(?:{_SP}+er)?{_SP}*(?:på|paa|i|til|:)?{_SP}+(?:{_TOWN},?{_SP}+(?:på|paa){_SP}+)?)"
    rf"(?P<x>{_NAME}(?:{_SP}{_NAME}){{0,2}}(?!{_SP}*{_YEAR}(?![0-9])){_HOUSE})",
    _I,
)
# A capitalised name and a house number ("Skovbrynet 4"), unless the word is one that often
# stands before a number ("Side 4", "Januar 12", "Ring 112"), or the number is a crisis line.
_NOT_STREETS = (
    r"eller|hvis|hvor|hvad|hvem|hvordan|hvorfor|skal|bliver|mine|vores|jeres|deres|hans|hendes|"
    r"ikke|også|bare|efter|siden|inden|over|under|uden|mellem|omkring|cirka|okay|hver|alle|"
    r"hele|lige|næsten|mindst|højst|klokken|nummer|side|sider|kapitel|afsnit|bilag|klasse|ugen|"
    r"uge|trin|fase|runde|niveau|punkt|version|windows|android|iphone|linje|rute|spor|perron|"
    r"etage|lokale|værelse|blok|opgang|gange|dage|måneder|timer|grader|procent|point|kroner|"
    r"euro|januar|februar|marts|april|juni|juli|august|september|oktober|november|december|"
    r"mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|ring|ringe|ringer|ringede|tryk|"
    r"skriv|vælg|svar|send|tast|tlf|telefon|mobil|about|since|after|only|just|around|almost|"
    r"maybe|page|room|level|step|chapter|call|press|from|with|have|were|that|this|than|"
    r"paragraf|stk|lov|loven|serviceloven|covid|corona|top|max|ca|kun|omkring|godt|knap|"
    r"over|cirka|sidst|første|anden|tredje|flere|mange|nogle|disse|dette|denne|fordi|selvom|"
    r"sammen|tilbage|igen|stadig|endnu|allerede|måske|nok|hjælp|barn|børn|søn|datter|"
    r"mor|far|kone|mand|kæreste|dreng|pige|alder|årig|gammel|politi|politiet|alarm|"
    r"alarmcentralen|nødnummer|nødnummeret|livslinien|livslinjen|børnetelefonen|alkolinjen|"
    r"akuttelefonen|danner|nummeret|nummer|telefonnummer|vagten|døgnvagt|lægevagt|lægevagten"
)
# The emergency and crisis numbers, and years ("Nyborg 2024"), are not house numbers here.
_LINES = rf"(?:112|114|1813|1888|{_YEAR}|[0-9]{{3}}{_SP}[0-9]{{3}})(?![\w-])"
_CAP = r"(?-i:[A-ZÆØÅ][a-zæøåé]{3,})"
CAPITALISED = re.compile(
    rf"(?<![\w-])(?!(?:{_NOT_STREETS})(?![\w])){_CAP}(?:{_SP}{_CAP})?"
    rf"{_SP}+(?!{_LINES}){_NUMBER}{_NOT_A_COUNT}{_FLOOR}{_POST}",
    _I,
)
# "5700 Svendborg" alone.
POST_TOWN = re.compile(
    rf"(?<![0-9])(?<![0-9][.,])(?:dk-)?[1-9][0-9]{{3}}{_SP}+(?!(?:{_NOT_STREETS})(?![\w])){_TOWN}",
    _I,
)

# In order: the longest and most certain first, so that a CPR number is not half a phone number.
RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", EMAIL),
    ("cpr", CPR),
    ("keep", KEEP),
    ("phone", PHONE),
    ("address", SUFFIXED),
    ("address", LIVES_AT),
    ("address", CAPITALISED),
    ("address", POST_TOWN),
)


def is_public(number: str) -> bool:
    """A national line's number (70 201 201), with or without +45."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits[-8:] in PUBLIC_NUMBERS and len(digits) in (8, 10, 12)
