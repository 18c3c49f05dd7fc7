"""Personal data that must not go public, with the exact span of each value.

A span covers the value only ("MRN 00739182" gives "00739182"), keeps a
title with its name ("Dr. Vance") and a prefix attached to an identifier
("PT-204881"). Phones come from Google's libphonenumber (the `phonenumbers`
package); names from `names.find_names`; everything else from rules here.
Where two findings overlap, the more specific entity wins (an email's
domain is not also a URL; a record number is not also a phone).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

from moderation.screening import Flag, ScreeningContext, Severity
from moderation.screening.addresses import find_addresses
from moderation.screening.names import find_names

ENTITY_SEVERITY: dict[str, Severity] = {
    "SSN": "high",
    "MEDICAL_RECORD_NUMBER": "high",
    "DATE_OF_BIRTH": "high",
    "PHONE": "medium",
    "EMAIL": "medium",
    "ADDRESS": "medium",
    "PERSON": "medium",
    "URL": "low",
}
ENTITY_DETAIL = {
    "SSN": "A social security number.",
    "MEDICAL_RECORD_NUMBER": "A patient, chart or record number.",
    "DATE_OF_BIRTH": "A date of birth.",
    "PHONE": "A phone number.",
    "EMAIL": "An email address.",
    "ADDRESS": "A street address.",
    "PERSON": "A person's name.",
    "URL": "A web address.",
}
# Overlaps resolve in this order: the first entity keeps its span.
# An address goes before a phone: a postcode ("4050-262") is not a phone.
_PRIORITY = ["EMAIL", "URL", "SSN", "MEDICAL_RECORD_NUMBER", "DATE_OF_BIRTH", "ADDRESS", "PHONE"]


@dataclass(frozen=True)
class Found:
    entity: str
    start: int
    end: int


# --- email and web addresses ---------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_BRACKET_AT = r"\s*[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]\s*"
_BRACKET_DOT = r"\s*[\[\(\{<]\s*(?:dot|\.)\s*[\]\)\}>]\s*"
_TLDS_EMAIL = r"(?:com|net|org|edu|gov|io|co|us|uk|ca|au|es|mx|br|pt|de|fr|it|nl|info|biz|me)"
_EMAIL_OBFUSCATED = re.compile(
    rf"""(?ix)(?<![\w.+-])[\w.+-]+
    (?:{_BRACKET_AT}|\s+at\s+|\s+@\s+)
    [\w-]+(?:(?:{_BRACKET_DOT}|\s+dot\s+|\.)[\w-]+)*?
    (?:{_BRACKET_DOT}|\s+dot\s+|\.){_TLDS_EMAIL}\b"""
)
_OBFUSCATION_MARK = re.compile(r"(?i)[\[\(\{<]\s*(?:at|@|dot|\.)\s*[\]\)\}>]|\sdot\s|\s@\s")

_TLDS = (
    "com|net|org|edu|gov|io|co|biz|info|ly|me|xyz|shop|online|site|store|us|uk|ca|au|de|fr|es|"
    "it|nl|pt|br|mx|ar|cl|in|ru|jp|tv|app|dev|ai|health|care|clinic|club|live|life|pro|top|vip|"
    "win|bet|cash|loan|fit|fitness|blog|news|link|click|today|world|space|tech|website|page|eu|"
    "gg|cc|ws|ch|be|se|dk|fi|pl|ie|nz|za|to|la|at"
)
# Two-letter domains that are also words need a path ("t.me/x", not "fine.it").
_WORDY_TLDS = {"me", "us", "it", "in", "be", "to", "la", "at", "es", "de", "co", "se", "ch"}
_URL = re.compile(
    rf"""(?ix)(?<![@\w.-])
    (?:
        https?://[^\s<>"'“”]+
      | www\.[^\s<>"'“”]+
      | (?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?-i:{_TLDS})(?![\w-])(?:/[^\s<>"'“”]*)?
      # any country's code after two labels of two letters or more: "shop.example.ng"
      | (?-i:[a-z0-9][a-z0-9-]*[a-z0-9]\.[a-z0-9][a-z0-9-]*[a-z0-9]\.[a-z]{{2}})(?![\w-])(?!\.\w)
        (?:/[^\s<>"'“”]*)?
    )"""
)
_TRAILING = ".,;:!?)]}'\"”’"


_SITE_LEAD = re.compile(
    r"(?i)(?::|\b(?:visit|visitez|visita|besuchen\s+sie|klick|click|go\s+to|at|on|su|en|em|na|no"
    r"|qui|here|aqui|aquí|ici|hier|unter|sur|auf|via))\s*$"
)


def _plainly_a_site(text: str, match: re.Match[str], labels: list[str]) -> bool:
    """ "resenas-pro.es", "shop.example.it", or a domain after "visit", "su", ":"."""
    host = ".".join(labels)
    if len(labels) >= 3 or "-" in host or any(ch.isdigit() for ch in host):
        return True
    return bool(_SITE_LEAD.search(text[max(0, match.start() - 20) : match.start()]))


def _urls(text: str) -> Iterator[Found]:
    for match in _URL.finditer(text):
        value = match.group(0).rstrip(_TRAILING)
        lowered = value.lower()
        if not lowered.startswith(("http", "www.")):
            host, _, path = value.partition("/")
            labels = host.split(".")
            if labels[-1] in _WORDY_TLDS and not path and not _plainly_a_site(text, match, labels):
                continue
            if all(label.isdigit() for label in labels[:-1]):
                continue
            if len(labels) == 2 and len(labels[0]) == 1 and not path:
                continue  # "e.g", "a.m" style abbreviations
        yield Found("URL", match.start(), match.start() + len(value))


def _emails(text: str) -> Iterator[Found]:
    for match in _EMAIL.finditer(text):
        yield Found("EMAIL", match.start(), match.end())
    for match in _EMAIL_OBFUSCATED.finditer(text):
        if _OBFUSCATION_MARK.search(match.group(0)):
            yield Found("EMAIL", match.start(), match.end())


# --- numbers with a meaning ------------------------------------------------
_SSN = re.compile(r"(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])")


# National identity and insurance numbers of many countries, after a name
# for them: "CPF 123.456.789-09", "DNI 30.456.789", "codice fiscale
# RSSMRA68H05F205X", "Sozialversicherungsnummer: 65 120380 H 012".
_NATIONAL_ID_LEAD = re.compile(
    r"""(?ix)\b(?:
        ssn | ss\# | social\s+security(?:\s+(?:number|no\.?|\#))? | seguro\s+social
      | seguridad\s+social | s[ée]curit[ée]\s+sociale | num[ée]ro\s+de\s+s[ée]cu | s[ée]cu
      | sozialversicherungs(?:nummer)? | (?:renten)?versicherungsnummer | steuer-?id
      | codice\s+fiscale | national\s+insurance(?:\s+number)? | social\s+insurance\s+number
      | aadhaar | n[uú]mero\s+de\s+identidad | c[eé]dula | documento\s+de\s+identidad
      | (?-i:CPF|DNI|NIE|NIF|RUT|CURP|CUIL|CUIT|NSS|INSEE|SIN|PESEL|BSN|RG|NI|cpf|dni|nif)
    )\b"""
)
# What may stand between the name of the number and the number.
_NATIONAL_ID_GAP = re.compile(r"[^\d.!\n]{0,32}")
_SENTENCE_END = re.compile(r"[.!](?:\s|$)|\n")
_ID_GROUP = r"[A-Z0-9]+(?![^\W_])"
_NATIONAL_ID_VALUE = re.compile(rf"\(?({_ID_GROUP}(?:[ .\-/]{_ID_GROUP}){{0,7}})")


def _ssns(text: str) -> Iterator[Found]:
    for match in _SSN.finditer(text):
        yield Found("SSN", match.start(), match.end())
    for lead in _NATIONAL_ID_LEAD.finditer(text):
        window = _NATIONAL_ID_GAP.match(text, lead.end())
        end = window.end() if window else lead.end()
        for value in _NATIONAL_ID_VALUE.finditer(text, lead.end(), end + 40):
            if _SENTENCE_END.search(text, lead.end(), value.start(1)):
                break
            if text[value.start(1) - 1 : value.start(1)] == "+":
                break  # a phone number
            # A trailing word of letters ("... 518 Deshalb") is not part of it.
            number = re.sub(r"(?:[ .\-/][A-Z]{2,})+$", "", value.group(1))
            digits = sum(ch.isdigit() for ch in number)
            if 6 <= digits <= 20:
                yield Found("SSN", value.start(1), value.start(1) + len(number))
                break


_ID_PREFIXED = re.compile(
    r"(?<![\w-])(?:MRN|MR|PT|PID|PAT|CHART|REC|ID)[-#]\s?\d{4,}[A-Z]?(?![\w-])"
)
_MRN_LEAD = re.compile(
    r"""(?ix)\b(?:
        mrn | m\.r\.n\.? | medical\s+record | record | chart | patient\s+(?:id|number|no\.?|\#|file)
      | file | case | account | member\s+id | health\s+card | prontu[aá]rio
      | pacient[e] | pazient[e] | patient(?:e|in)? | nhs\s+number
      | hospital\s+(?:number|no\.?|id|\#)
      | n[uú]mero\s+de\s+(?:paciente|historia(?:\s+cl[ií]nica)?|expediente|prontu[aá]rio|dossier)
      | historia\s+cl[ií]nica | expediente | dossier | patientennummer | akten(?:zeichen|nummer)
      | cartella(?:\s+clinica)? | id\s+de\s+paciente | fallnummer | fall-?nr
    )(?![^\W\d_])"""
)
_MRN_VALUE = re.compile(
    r"""(?ix)(?:\s*(?:(?:number|num|no|nr|nº|n|id|is|es|é|e|è|est|ist|was|lautet|era|fue|foi)\b\.?
      |n°|[:=-])\s*){0,3}
    \s*((?-i:[A-Z]{2,4}\s)?\d{3}\s\d{3}\s\d{4}(?!\s?\d)|(?-i:[A-Z]{2,4})\s\d{3}\s\d{4}(?!\s?\d)|\#?[A-Z]{0,4}[-\#]?\d[\d-]{3,}[A-Z0-9]*)(?![\w-])"""
)


def _record_numbers(text: str) -> Iterator[Found]:
    for match in _ID_PREFIXED.finditer(text):
        yield Found("MEDICAL_RECORD_NUMBER", match.start(), match.end())
    for lead in _MRN_LEAD.finditer(text):
        value = _MRN_VALUE.match(text, lead.end())
        if value is None:
            continue
        digits = sum(ch.isdigit() for ch in value.group(1))
        if digits >= 4:
            yield Found("MEDICAL_RECORD_NUMBER", value.start(1), value.end(1))


_MONTHS = (
    r"jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?"
    r"|sep(?:t(?:ember)?)?\.?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre"
    r"|diciembre|janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro"
    r"|dezembro|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre"
    r"|octobre|novembre|décembre|decembre|januar|februar|märz|maerz|juni|juli|oktober|dezember"
    r"|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre"
)
_MONTH = rf"(?:{_MONTHS})(?![^\W\d_])"
_DATE = re.compile(
    rf"""(?ix)
      \d{{4}}-\d{{1,2}}-\d{{1,2}}
    | \d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:\d{{4}}|\d{{2}})(?!\d)
    | {_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?!\d)
    | \d{{1,2}}(?:st|nd|rd|th|\.|º|er)?\s+(?:of\s+|de\s+)?{_MONTH}
      (?:,?\s+(?:de\s+)?\d{{4}})?(?!\d)
    | {_MONTH}\s+\d{{4}}
    """
)
_DOB_LEAD = re.compile(
    r"""(?ix)\b(?:
        dob | d\.o\.b\.? | date\s+of\s+birth | birth\s*date | birthday | born
      | fecha\s+de\s+nacimiento | nac[ií] | nacid[oa] | nascid[oa] | nasci
      | data\s+de\s+nascimento | n[ée]e? | date\s+de\s+naissance | geboren | geburtsdatum
      | geburtstag | geb(?=\.) | nat[oa] | data\s+di\s+nascita | cumpleaños | aniversário
    )\b"""
)
_DOB_GAP = re.compile(
    r"(?i)(?:\s|[:,\-=]|\.(?=\s)|\b(?:is|was|on|the|el|em|le|am|il|in|of|es|é|e|è|est|ist|der|era|fue"
    r"|it['’]s|mine"
    r"|foi|war|lautet|:)\b)*"
)
# "data di nascita di Paolo Angeli è il 28.4.1982": whose birth date it is,
# between the lead-in and the date.
_DOB_WHOSE = re.compile(
    r"(?i)\s+(?:of|de|di|von|du|do|da|del|della)\s+[^\W\d_](?:[^,.;:\n\d]|(?<=\b[A-Z])\.){0,40}?"
    r"(?=\s+(?:is|was|es|é|è|est|ist|era|fue|foi|war|:)\b)"
)


def _dates_of_birth(text: str) -> Iterator[Found]:
    for lead in _DOB_LEAD.finditer(text):
        whose = _DOB_WHOSE.match(text, lead.end())
        gap = _DOB_GAP.match(text, whose.end() if whose else lead.end())
        position = gap.end() if gap else lead.end()
        if position - (whose.end() if whose else lead.end()) > 14:
            continue
        date = _DATE.match(text, position)
        if date is not None:
            yield Found("DATE_OF_BIRTH", date.start(), date.end())


# --- phones ----------------------------------------------------------------
_PHONE_CANDIDATE = re.compile(r"(?:\(\+|\+\(?|\()?\d[\d\s().\-/]{5,}\d")
_REGIONS = (
    "US", "GB", "DE", "FR", "ES", "BR", "MX", "IT", "PT", "PL", "NL", "IN", "AU", "AR", "CO", "CL",
    "PE",
)  # fmt: skip
# Dates and postcodes that look like numbers: "2024-06-07", "05.09.2024",
# "4100-115", "22240-003".
_DATE_OR_POSTCODE = re.compile(
    r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4,5}-\d{3})$"
)
# Grouped like a phone number even without a cue: "(71) 98555-0123",
# "11 9 8555 0137", "+54 9 3411 1117".
_PHONE_SHAPE = re.compile(r"^(?:\(?\+?\d{1,3}\)?[\s.\-/]?)?(?:\d{1,5}[\s.\-/]){1,5}\d{2,5}$")
_PHONE_CUE = re.compile(
    r"(?i)\b(?:phone|tel|telephone|call|text|cell|mobile|whats\s?app|number|tel[eé]fono|telefone"
    r"|n[uú]mero|m[oó]vil|celular|llama|ligue|portable|t[eé]l[eé]phone|handy|telefon|chiama"
    r"|contact|reach|ring|dial|num[eé]ro|contacto|contato|appel|ruf|cellulare)"
)
_EXTENSION = re.compile(r"(?i)[ \t]?(?:x|ext\.?|extension)[ \t]?\d{1,6}(?!\w)")
# "934042662 is my cell": the cue may come right after the number.
_PHONE_CUE_AFTER = re.compile(
    r"(?i)^\W{0,3}(?:is\s+)?(?:my\s+)?(?:cell|phone|mobile|number|whats\s?app)\b"
)
# Digits spelled out in English, Spanish, Portuguese, Italian, German, French.
_DIGIT_WORD = (
    r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine"
    r"|cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve"
    r"|um|dois|três|quatro|sete|oito|nove|meia"
    r"|due|tre|quattro|cinque|sei|sette|otto"
    r"|null|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun"
    r"|zéro|un|deux|trois|quatre|cinq|sept|huit|neuf)"
)
_SPELLED_PHONE = re.compile(rf"(?i)\b{_DIGIT_WORD}(?:[\s,.\-]+{_DIGIT_WORD}){{6,14}}\b")


def _phones(text: str) -> Iterator[Found]:
    for candidate in _PHONE_CANDIDATE.finditer(text):
        chunk = candidate.group(0)
        digits = sum(ch.isdigit() for ch in chunk)
        if digits < 7 or digits > 15:
            continue
        cue = _PHONE_CUE.search(
            text[max(0, candidate.start() - 40) : candidate.start()]
        ) or _PHONE_CUE_AFTER.match(text[candidate.end() : candidate.end() + 30])
        if _DATE_OR_POSTCODE.match(chunk) and not cue:
            continue
        shaped = bool(_PHONE_SHAPE.match(chunk)) and chunk.count(" ") + chunk.count("-") >= 1
        regions = _REGIONS if chunk.startswith(("+", "0", "(")) or cue or shaped else ("US",)
        best: list[tuple[int, int]] = []
        for region in regions:
            spans = [
                (match.start, match.end)
                for match in phonenumbers.PhoneNumberMatcher(
                    chunk, region, leniency=phonenumbers.Leniency.POSSIBLE
                )
            ]
            if sum(end - start for start, end in spans) > sum(end - start for start, end in best):
                best = spans
        international = chunk.startswith(("+", "(+")) and len(best) != 1
        if international or (best and len(best) > 1 and (cue or shaped)):
            best = [(0, len(chunk))]  # one number in groups phonenumbers reads as several
        for start, end in best:
            end = candidate.start() + end
            extension = _EXTENSION.match(text, end)
            yield Found("PHONE", candidate.start() + start, extension.end() if extension else end)
    for match in _SPELLED_PHONE.finditer(text):
        yield Found("PHONE", match.start(), match.end())


# --- street addresses (see addresses.py) -----------------------------------
_NOT_STREET_WORDS = {"I", "PT", "Dr", "The", "My", "A"}


def _addresses(text: str) -> Iterator[Found]:
    for start, end in find_addresses(text):
        words = text[start:end].split()
        if len(words) > 1 and words[1] in _NOT_STREET_WORDS:
            continue
        yield Found("ADDRESS", start, end)


def find_urls(text: str) -> list[Found]:
    return list(_urls(text))


def find_phones(text: str) -> list[Found]:
    return list(_phones(text))


# --- the screener ------------------------------------------------------------
def _overlaps(a: Found, b: Found) -> bool:
    return a.start < b.end and b.start < a.end


def find_pii(text: str, context: ScreeningContext | None = None) -> list[Found]:
    candidates: dict[str, list[Found]] = {
        "EMAIL": list(_emails(text)),
        "URL": list(_urls(text)),
        "SSN": list(_ssns(text)),
        "MEDICAL_RECORD_NUMBER": list(_record_numbers(text)),
        "DATE_OF_BIRTH": list(_dates_of_birth(text)),
        "PHONE": list(_phones(text)),
        "ADDRESS": list(_addresses(text)),
    }
    kept: list[Found] = []
    for entity in _PRIORITY:
        for found in sorted(candidates[entity], key=lambda f: (f.start, -(f.end - f.start))):
            if not any(_overlaps(found, other) for other in kept):
                kept.append(found)
    author = context.author_name if context else None
    for span in find_names(text, author_name=author):
        person = Found("PERSON", span.start, span.end)
        if not any(_overlaps(person, other) for other in kept):
            kept.append(person)
    return sorted(kept, key=lambda f: f.start)


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    return [
        Flag(
            kind="pii",
            entity=found.entity,
            severity=ENTITY_SEVERITY[found.entity],
            detail=ENTITY_DETAIL[found.entity],
            start=found.start,
            end=found.end,
        )
        for found in find_pii(text, context)
    ]
