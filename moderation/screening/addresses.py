"""Street addresses of many countries, on one line or several, as one span.

An address is found from its street part, which must carry a house number
(or a flat, unit or PO box, or follow a lead-in such as "I live at"):

- number first, type after: "1208 West Maple Avenue", "Unit 4/22 Smith St",
  "No. 88 Jianguo Road" (English-speaking, Indian, romanised Chinese);
- type first, number after: "Calle de Alcalá 123", "Rua Augusta, 1500",
  "Via Roma 25", "ul. Polna 7", "Carrera 7 # 50-47";
- French: "12 rue des Lilas"; German and Dutch compounds: "Hauptstraße 5";
- US military: "PSC 1234, Box 5678", "Unit 2050 Box 4190", "USNS Comfort",
  each with its "APO/FPO/DPO AE 09012" line;
- Indian sectors: "Flat 12B, Sector 21"; Japanese blocks: "1-2-3 Shibuya".

The span then grows over what follows, separated by commas, new lines or
dashes: units ("3º B", "apto 42", "Flat 2"), postcodes of many formats,
cities, states ("VIC", "(MI)", "- SP") and countries. Street types come
from Faker's gazetteers (see `gazetteers.py`) and a few abbreviations here.
"""

import re
from collections.abc import Iterator
from functools import cache

from moderation.screening import gazetteers

_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_CAP = rf"[{_UPPER}][\w'’.]*(?:-[\w'’.]+)*"
_NUMBER = r"\d{1,6}[A-Za-z]?(?:[-/–](?:\d{1,5}[A-Za-z]?|[A-Z](?![\w])))?"
_UNIT_WORDS = (
    r"Apt|Apartment|Unit|Suite|Ste|Flat|Fl|Floor|Level|Lvl|Room|Rm|Shop|Bldg|Building|Piso|Puerta|"
    r"Pta|Apto|apto|Ap|Depto|Dpto|Departamento|Interior|Int|Edif|Oficina|Local|Appartamento|"
    r"Interno|Scala|Etage|Stock|Bloco|Bloque|Casa|Sala|Wohnung|Whg|Porte|Bât|Bat|Escalera|Esc|Box|"
    r"Dto|Torre|[Aa]partamento|Bodega|Piano|Studio|Lote|Manzana|Mz|Andar|Conjunto|Bl|Plot|"
    r"Appartement|Appt|casa|sala|piso|depto|of(?=\.)|oficina|apt|apartamento|puerta|local"
)
_UNIT = (
    rf"(?:(?:{_UNIT_WORDS})\.?\s*(?:n[º°o]\.?\s*)?\#?\s*[\w/-]*\d[\w/-]*"
    r"|\#\s*\d[\w-]*"
    r"|\d{1,2}\.?\s*[º°ª]\s*(?:[A-Z]\b|piso|andar|izq\w*\.?|dcha\.?|der\w*|[Ee]sq\.?|[Dd]to\.?"
    r"|[Dd]t\.?|[Dd]ir\.?)?"
    r"|\d{1,2}(?:st|nd|rd|th)\s+[Ff]loor)"
)
_DIRECTION = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?"
_SHORT_TYPES = (
    "St", "Ave", "Av", "Rd", "Ln", "Dr", "Blvd", "Ct", "Pl", "Ter", "Terr", "Cir", "Pkwy", "Hwy",
    "Sq", "Cres", "Cl", "Pde", "Hts", "Mt", "Trl", "Nagar", "Marg", "Chowk", "Ganj", "Zila", "Lu",
    "Jie", "Dajie", "Hutong", "Dori", "Tori", "Dōri", "Street", "Road", "Lane", "Drive", "Way",
)  # fmt: skip
_BEFORE_EXTRA = (
    "Calle", "C/", "Carrer", "Avenida", "Avda.", "Av.", "Rua", "R.", "Travessa", "Estrada",
    "Rodovia", "Largo", "Praça", "Alameda", "Paseo", "Camino", "Carrera", "Cra.", "Kra.",
    "Ronda", "Rambla", "Plaza", "Via", "Viale", "Piazza", "Piazzale", "Corso", "Vicolo", "Rue",
    "Boulevard", "Chemin", "Allée", "Impasse", "Quai", "Route", "ul.", "al.", "pl.", "Jalan", "Jl.",
)  # fmt: skip
_NOT_BEFORE = {
    "Campo", "Lago", "Vale", "Feira", "Morro", "Parque", "Setor", "Área", "Vila", "Jardim",
    "Distrito", "Conjunto", "Residencial", "Recanto", "Sítio", "Fazenda",
}  # fmt: skip
_FRENCH_TYPES = (
    r"rue|avenue|av\.|boulevard|bd|chemin|allée|impasse|place|quai|route|cours|square|passage"
)
_POSTCODE = (
    r"(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"  # UK
    r"|[A-Z]\d[A-Z]\s?\d[A-Z]\d"  # Canada
    r"|\d{5}-\d{3,4}|\d{4}-\d{3}|\d{3}-\d{4}|\d{2}-\d{3}"  # BR, US+4, PT, JP, PL
    r"|\d{4}\s?[A-Z]{2}(?![\w])"  # NL
    r"|[A-Z]\d{4}[A-Z]{0,3}"  # AR
    r"|\d{3}\s\d{3}|\d{4,6}|\d{8})(?![\w-])"
)
_STATE = r"(?:\(\s*[A-Z]{2,4}\s*\)|[A-Z]{2,4}(?![\w'’]))"
_CITY_WORD = rf"[{_UPPER}][^\W\d_]+(?:['’-][^\W\d_]+)*(?![\w])"
_CITY_PARTICLE = r"(?:de|da|do|del|la|le|sur|upon|am|an|der|los|las)"
_CITY = (
    rf"(?:(?:de|da|do|del|la|le|los|las)[ \t]+)?{_CITY_WORD}"
    rf"(?:[ \t-](?:{_CITY_PARTICLE}[ \t-])?{_CITY_WORD}){{0,3}}"
)
_COUNTRY = (
    r"(?:USA|U\.S\.A\.|US|United\s+States|UK|United\s+Kingdom|England|Scotland|Wales|Ireland|"
    r"Canada|Australia|New\s+Zealand|India|Japan|China|Spain|España|France|Germany|Deutschland|"
    r"Italy|Italia|Brazil|Brasil|Portugal|Mexico|México|Argentina|Colombia|Chile|Perú|Peru|"
    r"Philippines|Netherlands|Nederland|Belgium|Belgique|Switzerland|Schweiz|Suisse|Austria|"
    r"Österreich|Poland|Polska)(?![\w])"
)
_MILITARY_LINE = r"(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}(?:-\d{4})?"

_SEPARATOR = re.compile(r"[ \t]*(?:,[ \t]*\n?|\n|[ \t]+[-–/][ \t]+|[ \t]+)[ \t]*")
_TAILS = [
    ("unit", re.compile(_UNIT)),
    (
        "district",
        re.compile(
            rf"(?:Col\.|Colonia|Barrio|Bairro|Fracc\.|Fraccionamiento|Urb\.|Urbanizaci[oó]n"
            rf"|Quartier|Ortsteil|Distrito|District)[ \t]+{_CITY}"
        ),
    ),
    ("military", re.compile(_MILITARY_LINE)),
    ("state postcode", re.compile(rf"[A-Z]{{2,4}},?\s+{_POSTCODE}")),
    ("postcode city", re.compile(rf"(?:[A-Z]{{1,2}}-)?{_POSTCODE},?[ \t]+{_CITY}")),
    ("postcode", re.compile(_POSTCODE)),
    ("city postcode", re.compile(rf"{_CITY},?[ \t]+{_POSTCODE}")),
    ("city pin", re.compile(rf"{_CITY}-\d{{6}}(?!\d)")),
    (
        "city state postcode",
        re.compile(
            rf"{_CITY}(?:(?:,\s*|[ \t]+-[ \t]+|[ \t]*/[ \t]*|[ \t]+){_STATE})?"
            rf"(?:,?[ \t]+{_POSTCODE})?"
        ),
    ),
    ("state", re.compile(_STATE)),
    ("country", re.compile(_COUNTRY)),
]
_ENDS_HERE = re.compile(r"[ \t]*(?:$|\n|[.;!?)](?:\s|$))")


@cache
def _cores() -> list[re.Pattern[str]]:
    after = sorted(gazetteers.street_types_after() | set(_SHORT_TYPES), key=len, reverse=True)
    after_types = "|".join(re.escape(t) for t in after)
    before = (set(gazetteers.street_types_before()) | set(_BEFORE_EXTRA)) - _NOT_BEFORE
    before_types = "|".join(
        re.escape(t) if not t[:1].islower() else f"(?i:{re.escape(t)})"
        for t in sorted(before, key=len, reverse=True)
    )
    endings = "|".join(re.escape(t) for t in sorted(gazetteers.street_endings(), key=len))
    particles = (
        r"(?:de|del|de\s+la|de\s+las|de\s+los|da|das|do|dos|di|della|delle|dei|des|du|la|le|l'|d')"
    )
    unit = rf"(?:(?:{_UNIT_WORDS})\.?\s*\#?\s*[\w/-]*\d[\w/-]*)"
    unit_first = rf"(?:{unit},?\s+)"
    return [
        # 1208 West Maple Avenue; Flat 2, 14 Harcourt Road; Unit 4/22 Smith St; No. 88 Jianguo Road
        re.compile(
            rf"""(?<![\w$.,/-]){unit_first}?(?:(?:No|H\.[ \t]?No)\.?[ \t]*)?
            {_NUMBER},?[ \t]*\n?[ \t]*
            (?:{_DIRECTION}\s+)?(?:(?:{_CAP}|\d+(?:st|nd|rd|th))[ \t]+){{1,3}}
            (?:{after_types})(?![\w-])\.?(?:[ \t]+{_DIRECTION}(?![\w]))?""",
            re.X,
        ),
        # Flat 37 / Bennett Mall (a unit, then a street without a number)
        re.compile(
            rf"""(?<![\w]){unit},?[ \t]*\n?[ \t]*
            (?:{_CAP}[ \t]+){{1,3}}(?:{after_types})(?![\w-])\.?""",
            re.X,
        ),
        # Calle de Alcalá 123; Rua Augusta, 1500; Via Roma 25; Carrera 7 # 50-47
        re.compile(
            rf"""(?<![\w])(?:{before_types})(?![\w])[ \t]*
            (?:(?:{particles}|{_CAP})[ \t]+){{0,5}}(?:{particles}[ \t]+)?{_CAP}
            ,?[ \t]*(?:n[º°o]\.?[ \t]*|N[º°][ \t]*)?
            (?:\d{{1,5}}[A-Za-z]?(?:/\d{{1,4}})?|S/N)(?![\d/])""",
            re.X,
        ),
        # Carrera 7 # 50-47 Este; Calle 5A Bis No. 12-30 (Colombia)
        re.compile(
            rf"""(?<![\w])(?:Calle|Cl\.|Carrera|Cra\.|Cr\.|Kra\.|Diagonal|Dg\.|Transversal|Tv\.
              |Tr\.|Avenida|Av\.|Camino)(?:[ \t]+(?:calle|carrera))?[ \t]+
            (?:\d{{1,3}}[A-Z]?[ªº]?(?:[ \t]+Bis)?(?:[ \t]+[A-Z](?![\w]))?
              |{_CAP}(?:[ \t]+{_CAP}){{0,4}})
            (?:[ \t]+(?:Este|Sur|Norte|Oeste))?[ \t]*
            (?:\#|No\.?|N[º°])[ \t]*\d{{1,4}}[A-Z]?(?:-\d{{1,3}})?(?![\w/])
            (?:[ \t]+(?:Este|Sur|Norte|Oeste))?""",
            re.X,
        ),
        # avenue de Noël / 47331 Lecomte: no house number, but a postcode and
        # a city right after it
        re.compile(
            rf"""(?<![\w])(?:{before_types})(?![\w])[ \t]*
            (?:(?:{particles}|{_CAP})[ \t]+){{0,4}}(?:{particles}[ \t]+)?{_CAP}
            (?=,?[ \t]*\n?[ \t]*(?:\d{{5}}|\d{{4}}-\d{{3}}|\d{{2}}-\d{{3}})[ \t]+{_CAP})""",
            re.X,
        ),
        # 12 rue des Lilas; 5 bis, avenue Foch
        re.compile(
            rf"""(?<![\w$]){unit_first}?\d{{1,5}}(?:[ \t]?bis|[ \t]?ter)?,?[ \t]+
            (?i:{_FRENCH_TYPES})[ \t]+
            (?:{particles}[ \t]*)*{_CAP}(?:[ \t]+(?:{particles}[ \t]+)?{_CAP}){{0,3}}""",
            re.X,
        ),
        # Hauptstraße 5; Kerkstraat 12a; Murat-Heinrich-Allee 7740
        re.compile(
            rf"""(?<![\w])(?:[{_UPPER}][\wäöüß'-]*(?:{endings})
              |{_CAP}[ \t-](?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer|Chaussee))
            [ \t]+\d{{1,4}}[a-z]?(?:[-/]\d{{1,4}}[a-z]?){{0,2}}(?![\w])""",
            re.X,
        ),
        # US military: PSC 1234, Box 5678 / Unit 2050 Box 4190 / USNS Comfort, then APO AE 09012
        re.compile(
            rf"""(?<![\w])(?:(?:PSC|CMR|Unit)[ \t]+\d{{3,5}},?[ \t]+Box[ \t]+\d{{2,5}}
            |(?:USS|USNS|USNV|USCGC)[ \t]+{_CAP}(?:[ \t]+{_CAP})?(?=,?\s*{_MILITARY_LINE}))""",
            re.X,
        ),
        # Flat 12B, Sector 21 (India)
        re.compile(
            rf"(?<![\w]){unit_first}?(?:Sector|Sec\.|Phase|Block)[ \t]+\d{{1,3}}[A-Z]?(?![\w])"
        ),
        # 1-2-3 Shibuya; 3-chome-5-2 Roppongi (Japan)
        re.compile(
            rf"(?<![\w-])\d{{1,2}}(?:-chome)?-\d{{1,3}}(?:-\d{{1,3}})?,?[ \t]+{_CAP}"
            rf"(?=,?[ \t]+{_CAP}-(?:ku|shi|cho|machi|gun)\b)"
        ),
    ]


# The cores whose street ends with its type ("Kramer Court", "Bennett Mall").
_TYPE_AFTER_CORES = (0, 1)

_LEAD_IN = re.compile(
    r"""(?ix)\b(?:
        i\s+live\s+(?:at|on|in)|i'm\s+at|lives?\s+at|living\s+at|resides?\s+at|located\s+at
      | my\s+(?:home\s+)?address\s+is
      | (?:delivery|shipping|mailing|billing|forwarding|home)\s+address
      | address\s*:|mail\s+(?:it\s+)?to|ship\s+(?:it\s+)?to|deliver\s+(?:it\s+)?to
      | return\s+to\s+sender|pop\s+by|drop\s+by|find\s+me\s+at
      | send\s+(?:it|them|everything|the\s+(?:package|parcel|forms?|letter))\s+to
      | envie(?:\s+a\s+encomenda)?\s+para
      | vivo\s+en|mi\s+direcci[oó]n\s+es|direcci[oó]n\s*:|env[ií]e(?:\s+el\s+paquete)?\s+a
      | enviar\s+a|entregar\s+(?:a|en|para)|domicilio\s*:
      | moro\s+(?:na|no|em)|meu\s+endere[cç]o\s+[ée]|endere[cç]o\s*:|morada\s*:
      | enviar\s+para
      | j'habite(?:\s+au|\s+à|\s+a)?|mon\s+adresse\s+est|adresse\s*:|livrer\s+à|envoyer\s+à
      | ich\s+wohne\s+(?:in\s+der|in|am|an\s+der)|meine\s+adresse\s+ist|lieferadresse\s*:?
      | anschrift\s*:?|(?:paket|brief|sendung)\s+an|zustellen\s+an|schicken\s+an|wohnhaft\s+in
      | abito\s+(?:in|a)|il\s+mio\s+indirizzo\s+[èe]|indirizzo\s*:|consegnare\s+a|spedire\s+a
    )\s*:?\s*"""
)
# After a lead-in, a street without a type word: "I live at 45 Kingsbridge",
# "vivo en Alcalá 123", "abito in Roma 5".
_LED_CORE = re.compile(
    rf"(?:{_NUMBER},?[ \t]+{_CAP}(?:[ \t]+{_CAP}){{0,3}}"
    rf"|{_CAP}(?:[ \t]+(?:de|del|da|do|di)?[ \t]*{_CAP}){{0,3}}[ \t]+{_NUMBER}(?![\w]))"
)


def _tail_end(text: str, end: int) -> int:
    """Where the address whose street part ends at `end` really ends.

    A city alone ("Leeds", "Pisba, Boyacá") counts when it closes the line
    or the sentence, or when a postcode, state or country follows it."""
    taken: list[tuple[int, bool]] = [(end, False)]
    after_postcode = False
    while len(taken) < 8:
        separator = _SEPARATOR.match(text, end)
        if separator is None:
            break
        gap = separator.group(0)
        if gap.count("\n") > 1:
            break
        position = separator.end()
        plain = not any(mark in gap for mark in ",\n-–/")
        for kind, pattern in _TAILS:
            found = pattern.match(text, position)
            if found is None or found.end() == position:
                continue
            bare = kind == "city state postcode" and found.group(0) == _city_only(found.group(0))
            if bare and plain and not (after_postcode and _ENDS_HERE.match(text, found.end())):
                continue
            if kind == "state" and plain and not found.group(0).startswith("("):
                continue
            end = found.end()
            taken.append((end, bare))
            after_postcode = kind in ("postcode", "state postcode", "city postcode")
            break
        else:
            break
    while len(taken) > 1 and taken[-1][1] and not _ENDS_HERE.match(text, taken[-1][0]):
        taken.pop()
    return taken[-1][0]


def _city_only(value: str) -> str:
    return re.match(_CITY, value).group(0)  # type: ignore[union-attr]


# A full stop that belongs to the address: "Smith St.", "Apt. 4B." does not.
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:St|Ave|Av|Rd|Ln|Dr|Blvd|Ct|Pl|Ter|Cir|Pkwy|Hwy|Sq|Cres|Cl|Mt|Jr|Sr|[A-Z])|\.[A-Z]{1,3})\.$"
)
# Street types that are everyday words too ("5 Star Service All Round",
# "Top", "Point", "View"): without a city or postcode after them they are
# no evidence of a street. The classic types below are.
_CLASSIC_TYPES = frozenset(_SHORT_TYPES) | {
    "Avenue", "Boulevard", "Court", "Place", "Terrace", "Crescent", "Close", "Parkway",
    "Highway", "Square", "Circle", "Alley", "Grove", "Gardens", "Mews", "Row", "Plaza", "Trail",
    "Pike", "Expressway", "Freeway", "Motorway", "Esplanade", "Promenade", "Parade", "Laneway",
    "Causeway", "Turnpike", "Heights", "Wynd", "Lanes", "Streets", "Roads",
}  # fmt: skip


def _weak_type_end(street: str) -> bool:
    return street.rstrip(".").split()[-1] not in _CLASSIC_TYPES


_COUNTED = re.compile(r"\d{1,2}\s+[A-Z][a-z]+s\s+\S+$")


def _counted_things(street: str, text: str, end: int) -> bool:
    """ "10 Blocks Way", "3 Sessions Dr Lee": a count of things, or a title
    before a name, not a street with no city after it."""
    if _COUNTED.fullmatch(street):
        return True
    return street.rstrip(".").endswith((" Dr", " St")) and bool(
        re.match(r"\.?\s+[A-Z]", text[end:])
    )


# After a delivery lead-in ("Ship to:", "Entregar para", "Bitte das Paket an")
# an address of any country or script: the words that follow, while they
# look like parts of an address, on up to four lines.
_ADDRESS_WORD = re.compile(r"\S+")
_NAME_BEFORE = re.compile(r"[^\d,\n:]{2,40}?(?:,[ \t]*|[ \t]*\n)(?=[^\n]*\d)")
_LOWER_ADDRESS_WORDS = {
    "de", "da", "do", "dos", "das", "del", "la", "le", "les", "des", "du", "di", "della", "der",
    "den", "am", "an", "nad", "pod", "upon", "sur", "bis", "ter", "y", "e", "i", "utca", "ut",
    "rang", "allé", "rue", "avenue", "boulevard", "chemin", "impasse", "place", "quai", "route",
    "apto", "apt", "piso", "andar", "esq", "dto", "r/c", "ul", "al", "pl", "aleja", "ulica",
    "los", "las", "el", "altos", "bajos", "norte", "este", "oeste", "im", "in",
    # Cyrillic and Greek street words and abbreviations
    "вулиця", "вул", "площа", "проспект", "просп", "провулок", "пров", "буд", "кв", "г", "ул",
    "д", "наб", "пер", "пр", "ш", "улица", "дом", "корп", "стр", "οδός", "οδ",
}  # fmt: skip


def _address_word(word: str) -> bool:
    core = word.strip(",;:()[]")
    if not core:
        return word.strip() in (",", "-", "–", "/")
    if any(ch.isdigit() for ch in core):
        return True
    first = core[0]
    if first.isalpha() and not first.isascii() and first.lower() == first.upper():
        return True  # a script without capitals: Han, Thai, Arabic, Hebrew, Hangul
    if first.isupper():
        return True
    lowered = core.rstrip(".").lower()
    return (
        lowered in _LOWER_ADDRESS_WORDS
        or lowered in _lower_street_types()
        or core in ("#", "-", "–", "/")
    )


@cache
def _lower_street_types() -> frozenset[str]:
    return frozenset(
        word.rstrip(".").lower()
        for word in gazetteers.street_types_before() | set(_BEFORE_EXTRA)
        if " " not in word
    )


def _looks_like_a_name(value: str) -> bool:
    """A few words before the address ("Eilis Fay, "), none a street word."""
    words = value.strip(" ,\n").split()
    return 0 < len(words) <= 4 and not any(
        word.rstrip(".").lower() in _LOWER_ADDRESS_WORDS for word in words
    )


def _address_after_lead_in(text: str, start: int) -> tuple[int, int] | None:
    name = _NAME_BEFORE.match(text, start)
    if name is not None and _looks_like_a_name(name.group(0)):
        start = name.end()
    end = start
    lines = 0
    for word in _ADDRESS_WORD.finditer(text, start):
        gap = text[end : word.start()]
        if end > start and gap.count("\n") > 1:
            break
        if "\n" in gap:
            lines += 1
            if lines > 3:
                break
        if not _address_word(word.group(0)):
            break
        value = word.group(0)
        end = word.end()
        if value.endswith((".", "!", "?")) and not _ABBREVIATION_WORD.search(value):
            end -= 1
            break
    value = text[start:end].rstrip(" ,;:-–\n")
    if re.search(r"\d\.$", value):
        value = value[:-1]
    if sum(ch.isdigit() for ch in value) < 1 or len(value.split()) < 2:
        return None
    return start, start + len(value)


# Words that end with a full stop and go on: "Apt.", "157.", "д.", "Esq.".
_ABBREVIATION_WORD = re.compile(r"(?:^|\W)(?:[^\W\d_]{1,4}|\d+)\.$")


def find_addresses(text: str) -> Iterator[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for index, pattern in enumerate(_cores()):
        for match in pattern.finditer(text):
            end = _tail_end(text, match.end())
            if end == match.end() and (
                match.group(0).startswith(("Sector", "Sec.", "Phase", "Block"))
                or _counted_things(match.group(0), text, end)
                or (index in _TYPE_AFTER_CORES and _weak_type_end(match.group(0)))
            ):
                continue
            spans.append((match.start(), end))
    for lead in _LEAD_IN.finditer(text):
        core = _LED_CORE.match(text, lead.end())
        if core is not None:
            spans.append((core.start(), _tail_end(text, core.end())))
        led = _address_after_lead_in(text, lead.end())
        if led is not None:
            spans.append(led)
    # The longest reading wins where two overlap.
    spans.sort(key=lambda span: (span[0] - span[1], span[0]))
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        value = text[start:end]
        trimmed = value.rstrip(" \t\n,-–/")
        if trimmed.endswith(".") and not _ABBREVIATION_END.search(trimmed):
            trimmed = trimmed[:-1]
        end = start + len(trimmed)
        if any(start < other_end and other_start < end for other_start, other_end in kept):
            continue
        kept.append((start, end))
    yield from sorted(kept)
