"""Generate the templated sources of the screening corpus (see README.md beside this file).

    python -m moderation.screening.corpus.generate

Writes `sources/generated-pii.jsonl` (sentences filled with personal data from
Faker's gazetteers in many locales, plus look-alikes that are not personal
data) and `sources/generated-content.jsonl` (spam, abuse, profanity, claims,
hedged non-claims and honest stories in six languages). Every text is built
from pieces, each piece either plain text or one personal-data value, so the
`[[TYPE:value]]` markup and its spans are right by construction; a self-check
re-reads both files and compares them with what was built. The output is the
same on every run: all randomness comes from fixed seeds.
"""

import json
import random
import re
import string
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from faker import Faker
from faker.providers.address.it_IT import Provider as ItalianAddresses

from moderation.screening.corpus import templates_content as content_templates
from moderation.screening.corpus import templates_pii as pii_templates
from moderation.screening.corpus.build import ENTITIES, unmark

SOURCES = Path(__file__).resolve().parent / "sources"
PII_FILE = SOURCES / "generated-pii.jsonl"
CONTENT_FILE = SOURCES / "generated-content.jsonl"
LANGUAGES = ("en", "es", "pt", "fr", "de", "it")
TOPICS = (
    "neck-pain",
    "sciatica",
    "dry-needling-low-back-pain",
    "sports-injuries",
    "post-surgery-rehab",
    "plantar-fasciitis",
    "headaches",
    "shoulder-pain",
)
SENTIMENT_MARKS = {"+": "positive", "-": "negative", "=": "neutral"}
PII_ITEMS = 2000
PII_SHARE_WITHOUT_DATA = 0.15
CONTENT_ITEMS = 1200
DUPLICATE_SHARE = 0.03
SEED = 20261206

# Locales whose names appear anywhere; the language's own locales come first.
HOME_LOCALES = {
    "en": ("en_US", "en_GB", "en_CA", "en_AU", "en_IN", "en_NZ", "en_IE", "en_NG"),
    "es": ("es_ES", "es_MX", "es_AR", "es_CO", "es_CL"),
    "pt": ("pt_BR", "pt_PT"),
    "fr": ("fr_FR", "fr_CA", "fr_CH", "fr_BE"),
    "de": ("de_DE", "de_AT", "de_CH"),
    "it": ("it_IT", "it_CH"),
}
OTHER_NAME_LOCALES = (
    "nl_NL", "pl_PL", "sv_SE", "tr_TR", "ru_RU", "ja_JP", "zh_CN", "ko_KR", "hi_IN",
    "vi_VN", "fil_PH", "ar_AA", "ar_SA", "fa_IR", "he_IL", "el_GR", "yo_NG", "ig_NG",
    "ha_NG", "sw", "ga_IE", "ro_RO", "cs_CZ", "da_DK", "fi_FI", "hu_HU", "id_ID",
    "th_TH", "uk_UA", "en_PH", "zu_ZA", "tw_GH", "bn_BD", "ta_IN", "hy_AM", "ka_GE",
)  # fmt: skip
# Locales whose Faker addresses are native and carry a house number.
ADDRESS_LOCALES = (
    "en_US", "en_GB", "en_CA", "en_AU", "en_IN", "en_NZ", "en_IE", "es_ES", "es_MX",
    "es_AR", "es_CO", "pt_BR", "pt_PT", "fr_FR", "fr_CA", "fr_CH", "de_DE", "de_AT",
    "de_CH", "it_IT", "nl_NL", "pl_PL", "sv_SE", "ru_RU", "ja_JP", "zh_CN", "ko_KR",
    "hi_IN", "vi_VN", "fil_PH", "he_IL", "el_GR", "fa_IR", "cs_CZ", "da_DK", "fi_FI",
    "hu_HU", "id_ID", "th_TH", "uk_UA",
)  # fmt: skip
# Locales whose phone_number() has its own formats (others fall back to US ones).
PHONE_LOCALES = (
    "en_GB", "en_AU", "en_IN", "en_NZ", "es_ES", "es_MX", "es_AR", "es_CO", "pt_BR",
    "pt_PT", "fr_FR", "fr_CA", "fr_CH", "de_DE", "de_AT", "de_CH", "it_IT", "nl_NL",
    "pl_PL", "sv_SE", "tr_TR", "ru_RU", "ja_JP", "zh_CN", "ko_KR", "hi_IN", "vi_VN",
    "fa_IR", "he_IL", "el_GR", "cs_CZ", "da_DK", "fi_FI", "hu_HU", "id_ID", "th_TH",
    "uk_UA",
)  # fmt: skip
# Locales with a national identifier of their own behind ssn().
SSN_LOCALES = (
    "en_GB", "en_CA", "es_MX", "es_AR", "pt_BR", "fr_FR", "fr_CH", "de_AT", "de_CH",
    "it_IT", "nl_NL", "pl_PL", "sv_SE", "tr_TR", "ru_RU", "zh_CN", "ko_KR",
)  # fmt: skip
HOME_PHONE_LOCALES = {
    "en": ("en_GB", "en_AU", "en_IN", "en_NZ"),
    "es": ("es_ES", "es_MX", "es_AR", "es_CO"),
    "pt": ("pt_BR", "pt_PT"),
    "fr": ("fr_FR", "fr_CA", "fr_CH"),
    "de": ("de_DE", "de_AT", "de_CH"),
    "it": ("it_IT",),
}
HOME_ADDRESS_LOCALES = {
    "en": ("en_US", "en_GB", "en_CA", "en_AU", "en_IN", "en_NZ", "en_IE"),
    "es": ("es_ES", "es_MX", "es_AR", "es_CO"),
    "pt": ("pt_BR", "pt_PT"),
    "fr": ("fr_FR", "fr_CA", "fr_CH"),
    "de": ("de_DE", "de_AT", "de_CH"),
    "it": ("it_IT",),
}
TITLES = {
    "en": ("Dr.", "Dr.", "Ms.", "Mr.", "Mrs.", "Dr"),
    "es": ("Dr.", "Dra.", "Sr.", "Sra.", "doctor", "doctora"),
    "pt": ("Dr.", "Dra.", "Sr.", "Sra.", "doutor", "doutora"),
    "fr": ("Dr", "Dr.", "Mme", "M.", "docteur", "Madame"),
    "de": ("Dr.", "Frau", "Herr", "Frau Dr.", "Herr Dr."),
    "it": ("Dott.", "Dott.ssa", "dottor", "dottoressa", "Sig.", "Sig.ra"),
}
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
}
EMAIL_DOMAINS = (
    "example.com", "example.org", "example.net", "example.co.uk", "example.de", "example.fr",
    "example.es", "example.it", "example.com.br", "example.pt", "mail.example.com",
)  # fmt: skip
SHIP_NAMES = (
    "USNS Comfort",
    "USNS Mercy",
    "USS Kearsarge",
    "USNS Big Horn",
    "USS Bataan",
    "USNS Supply",
)
SPELLED_DIGITS = {
    "en": "zero one two three four five six seven eight nine",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve",
    "pt": "zero um dois três quatro cinco seis sete oito nove",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun",
    "it": "zero uno due tre quattro cinque sei sette otto nove",
}

Piece = tuple[str, str | None]


@dataclass
class Item:
    """One source line, kept as pieces so markup, body and spans agree."""

    id: str
    language: str
    family: str
    topic: str
    author_name: str
    rating: int | None
    pieces: list[Piece]
    labels: dict[str, Any]
    duplicate_of: str | None = None

    def markup(self) -> str:
        return "".join(text if kind is None else f"[[{kind}:{text}]]" for text, kind in self.pieces)

    def body_and_spans(self) -> tuple[str, list[dict[str, Any]]]:
        spans: list[dict[str, Any]] = []
        length = 0
        for text, kind in self.pieces:
            if kind is not None:
                spans.append({"start": length, "end": length + len(text), "type": kind})
            length += len(text)
        return "".join(text for text, _ in self.pieces), spans

    def source_line(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "language": self.language,
            "family": self.family,
            "topic": self.topic,
            "author_name": self.author_name,
            "rating": self.rating,
            "text": self.markup(),
            "labels": self.labels,
            "duplicate_of": self.duplicate_of,
            "generated": True,
        }


class Gazetteer:
    """Faker instances per locale, each seeded, plus the hand-built formats."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._fakers: dict[str, Faker] = {}
        locales = {*OTHER_NAME_LOCALES, *ADDRESS_LOCALES, *PHONE_LOCALES, *SSN_LOCALES}
        for group in HOME_LOCALES.values():
            locales.update(group)
        for number, locale in enumerate(sorted(locales)):
            faker = Faker(locale)
            faker.seed_instance(SEED + number)
            self._fakers[locale] = faker

    def faker(self, locale: str) -> Faker:
        return self._fakers[locale]

    def name_locale(self, language: str) -> str:
        home = HOME_LOCALES[language]
        if self.rng.random() < 0.5:
            return self.rng.choice(home)
        return self.rng.choice(
            OTHER_NAME_LOCALES + tuple(loc for g in HOME_LOCALES.values() for loc in g)
        )

    def first_name(self, locale: str) -> str:
        return str(self.faker(locale).first_name()).strip()

    def last_name(self, locale: str) -> str:
        return str(self.faker(locale).last_name()).strip()

    def full_name(self, locale: str) -> str:
        first, last = self.first_name(locale), self.last_name(locale)
        if locale in ("zh_CN", "ko_KR"):
            return last + first
        if locale == "ja_JP" or (locale == "hu_HU"):
            return f"{last} {first}"
        if (
            self.rng.random() < 0.08
            and len(first) > 1
            and first[0].isalpha()
            and first[0].isupper()
        ):
            return f"{first} {self.faker('en_US').random_uppercase_letter()}. {last}"
        return f"{first} {last}"

    def cased(self, value: str) -> str:
        roll = self.rng.random()
        if roll < 0.07:
            return value.lower()
        if roll < 0.12:
            return value.upper()
        return value

    def phone(self, language: str) -> str:
        roll = self.rng.random()
        if roll < 0.04:
            return self.spelled_phone(language)
        if language == "en" and roll < 0.45:
            return self.us_phone()
        pool = HOME_PHONE_LOCALES[language] if self.rng.random() < 0.6 else PHONE_LOCALES
        return str(self.faker(self.rng.choice(pool)).phone_number()).strip()

    def us_phone(self) -> str:
        area = self.rng.choice(
            ("212", "305", "415", "503", "541", "617", "702", "808", "919", "971")
        )
        line = f"01{self.rng.randint(0, 99):02d}"
        return self.rng.choice(
            (
                f"({area}) 555-{line}",
                f"{area}-555-{line}",
                f"{area}.555.{line}",
                f"{area}555{line}",
                f"+1 {area} 555 {line}",
                f"+1-{area}-555-{line}",
                f"1 ({area}) 555-{line}",
                f"{area} 555 {line}",
            )
        )

    def spelled_phone(self, language: str) -> str:
        words = SPELLED_DIGITS[language].split()
        digits = [self.rng.randint(0, 9) for _ in range(self.rng.choice((7, 9, 10)))]
        return " ".join(words[d] for d in digits)

    def email(self, name_locale: str) -> str:
        user = ascii_slug(self.full_name(name_locale), self.rng.choice((".", "_", "")))
        if not user or self.rng.random() < 0.35:
            user = str(
                self.faker(
                    self.rng.choice(("en_US", "fr_FR", "de_DE", "es_ES", "it_IT"))
                ).user_name()
            )
        if self.rng.random() < 0.25:
            user += str(self.rng.randint(1, 99))
        domain = self.rng.choice(EMAIL_DOMAINS)
        roll = self.rng.random()
        if roll < 0.06:
            head, _, tail = domain.partition(".")
            return f"{user} [at] {head} [dot] {tail.replace('.', ' [dot] ')}"
        if roll < 0.09:
            return f"{user}(at){domain}"
        if roll < 0.14:
            return f"{user.upper()}@{domain.upper()}"
        return f"{user}@{domain}"

    def url(self, *, personal: bool) -> str:
        faker = self.faker(
            self.rng.choice(("en_US", "en_GB", "fr_FR", "de_DE", "es_ES", "it_IT", "pt_BR"))
        )
        word = ascii_slug(str(faker.domain_word()), "-") or "site"
        tld = self.rng.choice(("com", "net", "org", "blog", "info", "co", "io", "me"))
        slug = self.rng.choice(
            (
                "my-recovery",
                "back-journey",
                "knee-diary",
                "rehab-log",
                "photos",
                "video",
                "diario",
                "blog",
            )
            if personal
            else ("offer", "promo", "go", "deal", "p", "x", "join", "start")
        )
        code = "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(6))
        return self.rng.choice(
            (
                f"https://www.{word}.{tld}/{slug}",
                f"http://{word}.{tld}/{slug}/{self.rng.randint(1, 999)}",
                f"www.{word}-{slug}.{tld}",
                f"{word}.{tld}/{slug}",
                f"{word}.{tld}",
                f"https://{word}.{tld}/",
                f"bit.ly/{code}",
                f"t.me/{word}_{slug}".replace("-", "_"),
                f"tinyurl.com/{code.lower()}",
                f"https://youtu.be/{code}{code[:5]}",
            )
        )

    def address(self, language: str) -> str:
        roll = self.rng.random()
        if roll < 0.08:
            return self.military_address()
        pool = HOME_ADDRESS_LOCALES[language] if roll < 0.6 else ADDRESS_LOCALES
        locale = self.rng.choice(pool)
        faker = self.faker(locale)
        for _ in range(20):
            value = str(faker.address()).strip()
            first_line = value.splitlines()[0]
            if re.search(r"\d", first_line) and "S/N" not in value:
                break
        else:  # pragma: no cover - every locale listed yields numbered addresses
            raise RuntimeError(f"no numbered address for {locale}")
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        shape = self.rng.random()
        if shape < 0.45 and len(lines) > 1:
            return ", ".join(lines)
        if shape < 0.6:
            return (
                str(faker.street_address())
                if re.search(r"\d", str(faker.street_address()))
                else lines[0]
            )
        return "\n".join(lines)

    def military_address(self) -> str:
        rng = self.rng
        state, zip_prefix = rng.choice((("AE", "09"), ("AP", "96"), ("AA", "340")))
        zip_code = zip_prefix + "".join(str(rng.randint(0, 9)) for _ in range(5 - len(zip_prefix)))
        kind = rng.choice(("PSC", "Unit", "USNS"))
        sep = rng.choice(("\n", ", ", "\n"))
        if kind == "PSC":
            box = f"PSC {rng.randint(1000, 9999)}, Box {rng.randint(1000, 9999)}"
            return f"{box}{sep}APO {state} {zip_code}"
        if kind == "Unit":
            post = rng.choice(("APO", "DPO"))
            box = f"Unit {rng.randint(1000, 9999)} Box {rng.randint(1000, 9999)}"
            return f"{box}{sep}{post} {state} {zip_code}"
        return f"{rng.choice(SHIP_NAMES)}{sep}FPO {state} {zip_code}"

    def date_of_birth(self, language: str) -> str:
        # Drawn from the seeded generator, not relative to today, so runs agree on any day.
        born = self.day_between(date(1930, 1, 1), date(2009, 12, 31))
        return spoken_date(self.rng, language, born.day, born.month, born.year)

    def city(self, locale: str) -> str:
        if locale == "it_IT":
            # Faker's it_IT city list is built from a set, so its order follows the hash seed.
            return str(self.rng.choice(sorted(ItalianAddresses.cities)))
        return str(self.faker(locale).city())

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def ssn(self) -> str:
        if self.rng.random() < 0.5:
            last = self.rng.randint(0, 9)
            return self.rng.choice((f"987-65-432{last}", f"98765432{last}", f"987 65 432{last}"))
        return str(self.faker(self.rng.choice(SSN_LOCALES)).ssn()).strip()

    def record_number(self) -> str:
        rng = self.rng
        digits = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((6, 7, 8))))
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
        return rng.choice(
            (
                f"MRN-{digits}",
                f"PT-{digits[:6]}",
                digits,
                f"{letters}{digits}",
                f"{digits[:3]}-{digits[3:]}",
                f"#{digits}",
                f"HC-{digits[:4]}-{digits[4:]}",
                f"CH{digits}",
                f"{letters}-{digits[:5]}",
                f"NHS {digits[:3]} {digits[3:6]} {rng.randint(1000, 9999)}",
            )
        )


def ascii_slug(value: str, separator: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(
        ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == " ")
    ).lower()
    return separator.join(letters.split())


def spoken_date(rng: random.Random, language: str, day: int, month: int, year: int) -> str:
    month_name = MONTHS[language].split()[month - 1]
    short = month_name[:3].capitalize() if language == "en" else month_name[:3]
    formats = {
        "en": (
            f"{month:02d}/{day:02d}/{year}",
            f"{month}/{day}/{year % 100:02d}",
            f"{month_name} {day}, {year}",
            f"{day} {month_name} {year}",
            f"{short} {day} {year}",
            f"{year}-{month:02d}-{day:02d}",
            f"{day:02d}/{month:02d}/{year}",
            f"{day}.{month}.{year}",
            f"{month_name} {day}{ordinal(day)} {year}",
        ),
        "es": (
            f"{day} de {month_name} de {year}",
            f"{day:02d}/{month:02d}/{year}",
            f"{day}-{month}-{year}",
            f"{day}/{month}/{year % 100:02d}",
            f"{year}-{month:02d}-{day:02d}",
        ),
        "pt": (
            f"{day} de {month_name} de {year}",
            f"{day:02d}/{month:02d}/{year}",
            f"{day:02d}-{month:02d}-{year}",
            f"{day}/{month}/{year % 100:02d}",
        ),
        "fr": (
            f"{day} {month_name} {year}",
            f"{day:02d}/{month:02d}/{year}",
            f"{'1er' if day == 1 else day} {month_name} {year}",
            f"{day:02d}.{month:02d}.{year}",
        ),
        "de": (
            f"{day}. {month_name} {year}",
            f"{day:02d}.{month:02d}.{year}",
            f"{day}.{month}.{year % 100:02d}",
            f"{year}-{month:02d}-{day:02d}",
        ),
        "it": (
            f"{day} {month_name} {year}",
            f"{day:02d}/{month:02d}/{year}",
            f"{day}-{month:02d}-{year}",
            f"{day}.{month}.{year}",
        ),
    }
    return rng.choice(formats[language])


def _day_month_year(day: date) -> tuple[int, int, int]:
    return day.day, day.month, day.year


def ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


@dataclass
class Filler:
    """Resolves the `{slot}`s of one template for one item; a slot repeated keeps its value."""

    gazetteer: Gazetteer
    rng: random.Random
    language: str
    extra: dict[str, Callable[[], list[Piece]]] = field(default_factory=dict)
    _cache: dict[str, list[Piece]] = field(default_factory=dict)
    _name_locale: str = ""

    def name_locale(self) -> str:
        if not self._name_locale:
            self._name_locale = self.gazetteer.name_locale(self.language)
        return self._name_locale

    def fill(self, template: str) -> list[Piece]:
        pieces: list[Piece] = []
        for literal, slot, _spec, _conversion in string.Formatter().parse(template):
            if literal:
                pieces.append((literal, None))
            if slot is not None:
                if slot not in self._cache:
                    self._cache[slot] = self.resolve(slot.rstrip("0123456789"))
                pieces.extend(self._cache[slot])
        return merged(pieces)

    def resolve(self, slot: str) -> list[Piece]:
        if slot in self.extra:
            return self.extra[slot]()
        gaz, rng, lang = self.gazetteer, self.rng, self.language
        locale = gaz.name_locale(lang) if rng.random() < 0.3 else self.name_locale()
        pii: dict[str, Callable[[], tuple[str, str]]] = {
            "name": lambda: ("PERSON", gaz.cased(gaz.full_name(locale))),
            "first": lambda: ("PERSON", gaz.cased(gaz.first_name(locale))),
            "titled": lambda: ("PERSON", f"{rng.choice(TITLES[lang])} {gaz.last_name(locale)}"),
            "titledfull": lambda: ("PERSON", f"{rng.choice(TITLES[lang])} {gaz.full_name(locale)}"),
            "phone": lambda: ("PHONE", gaz.phone(lang)),
            "email": lambda: ("EMAIL", gaz.email(locale)),
            "address": lambda: ("ADDRESS", gaz.address(lang)),
            "military": lambda: ("ADDRESS", gaz.military_address()),
            "dob": lambda: ("DATE_OF_BIRTH", gaz.date_of_birth(lang)),
            "ssn": lambda: ("SSN", gaz.ssn()),
            "mrn": lambda: ("MEDICAL_RECORD_NUMBER", gaz.record_number()),
            "url": lambda: ("URL", gaz.url(personal=True)),
            "spamurl": lambda: ("URL", gaz.url(personal=False)),
        }
        if slot in pii:
            kind, value = pii[slot]()
            return [(" ".join(value.split(" ")).strip(), kind)]
        return [(self.plain(slot), None)]

    def plain(self, slot: str) -> str:
        gaz, rng, lang = self.gazetteer, self.rng, self.language
        words = pii_templates.WORDS[lang]
        if slot in words:
            return rng.choice(words[slot])
        home = rng.choice(HOME_ADDRESS_LOCALES[lang])
        values: dict[str, Callable[[], str]] = {
            "age": lambda: str(rng.randint(19, 88)),
            "n": lambda: str(rng.randint(2, 12)),
            "weeks": lambda: str(rng.randint(2, 16)),
            "score": lambda: str(rng.randint(5, 10)),
            "lowscore": lambda: str(rng.randint(0, 4)),
            "year": lambda: str(rng.randint(2015, 2025)),
            "price": lambda: price(rng, lang),
            "level": lambda: rng.choice(
                ("L4-L5", "L5-S1", "C5-C6", "C6-C7", "L3-L4", "T12-L1", "C4-C5")
            ),
            "city": lambda: gaz.city(home),
            "street": lambda: street_without_number(gaz.faker(home)),
            "company": lambda: str(gaz.faker(rng.choice(ADDRESS_LOCALES)).company()),
            "handle": lambda: (
                "@" + (ascii_slug(gaz.full_name(self.name_locale()), "_") or "recovery_diary")
            ),
            "visit": lambda: spoken_date(
                rng, lang, *_day_month_year(gaz.day_between(date(2023, 1, 1), date(2026, 12, 31)))
            ),
            "time": lambda: f"{rng.randint(7, 18)}:{rng.choice(('00', '15', '30', '45'))}",
        }
        if slot not in values:
            raise KeyError(f"unknown slot {slot!r}")
        return values[slot]()


def price(rng: random.Random, language: str) -> str:
    amount = rng.randint(3, 30) * 5
    if language == "en":
        return rng.choice((f"${amount}", f"£{amount}", f"${amount}.00", f"{amount} dollars"))
    if language == "pt" and rng.random() < 0.5:
        return f"R$ {amount}"
    return rng.choice(
        (
            f"{amount} €",
            f"{amount}€",
            f"€{amount}",
            f"{amount} euros" if language != "de" else f"{amount} Euro",
        )
    )


def street_without_number(faker: Faker) -> str:
    """A street name with no digit in it, so it never reads as a house number."""
    for _ in range(20):
        name = str(faker.street_name())
        if not re.search(r"\d", name):
            return name
    return "Main Street"


def merged(pieces: list[Piece]) -> list[Piece]:
    """Adjacent plain pieces joined, so duplicates can edit whole sentences."""
    result: list[Piece] = []
    for text, kind in pieces:
        if kind is None and result and result[-1][1] is None:
            result[-1] = (result[-1][0] + text, None)
        elif text:
            result.append((text, kind))
    return result


def split_mark(template: str, default: str) -> tuple[str, str]:
    """A template's sentiment mark (`+ `, `- `, `= `) and its text."""
    if template[:2] in ("+ ", "- ", "= "):
        return SENTIMENT_MARKS[template[0]], template[2:]
    return default, template


def rating_for(rng: random.Random, sentiment: str, *, spam: bool = False) -> int | None:
    if spam:
        return rng.choice((None, None, 5, 5, 1))
    if rng.random() < 0.05:
        return rng.randint(1, 5)  # ratings sometimes contradict the text
    if rng.random() < 0.12:
        return None
    return {
        "positive": rng.choice((4, 5, 5)),
        "negative": rng.choice((1, 1, 2)),
        "neutral": rng.choice((2, 3, 3, 4)),
    }[sentiment]


def author_for(gaz: Gazetteer, rng: random.Random, language: str) -> str:
    locale = gaz.name_locale(language)
    roll = rng.random()
    if roll < 0.4:
        return gaz.full_name(locale)
    if roll < 0.7:
        return f"{gaz.first_name(locale)} {gaz.last_name(locale)[:1]}."
    if roll < 0.85:
        return gaz.first_name(locale)
    return rng.choice(
        ("Anonymous", "A patient", "runner", "happy client", "J.", "M.R.", "anon", "Paciente")
    )


def labels(
    sentiment: str,
    *,
    profanity: bool = False,
    abuse: bool = False,
    spam: bool = False,
    claim: bool = False,
) -> dict[str, Any]:
    return {
        "profanity": profanity,
        "abuse": abuse,
        "spam": spam,
        "medical_claim": claim,
        "sentiment": "neutral" if spam else sentiment,
    }


def weighted_language(rng: random.Random, english_weight: float) -> str:
    if rng.random() < english_weight:
        return "en"
    return rng.choice(LANGUAGES[1:])


def pii_family(pieces: Sequence[Piece]) -> str:
    """`pii/<type>` of the item's first value that is not a name (names are everywhere)."""
    kinds = [kind for _, kind in pieces if kind is not None]
    if not kinds:
        return "pii/none"
    chosen = next((kind for kind in kinds if kind != "PERSON"), kinds[0])
    return "pii/" + chosen.lower().replace("_", "-")


def generate_pii(gaz: Gazetteer, rng: random.Random) -> list[Item]:
    items: list[Item] = []
    for number in range(PII_ITEMS):
        if number % 20 < round(20 * PII_SHARE_WITHOUT_DATA):
            group, default = pii_templates.NO_PII, "neutral"
        elif number % 2:
            group, default = pii_templates.TESTIMONIAL, "positive"
        else:
            group, default = pii_templates.GENERIC, "neutral"
        language = weighted_language(rng, 0.3)
        sentiment, template = split_mark(rng.choice(group[language]), default)
        filler = Filler(gaz, rng, language)
        pieces = filler.fill(template)
        generic = group is pii_templates.GENERIC
        items.append(
            Item(
                id=f"gen-pii-{len(items) + 1:05d}",
                language=language,
                family=pii_family(pieces),
                topic=rng.choice(TOPICS),
                author_name=author_for(gaz, rng, language),
                rating=None if generic and rng.random() < 0.6 else rating_for(rng, sentiment),
                pieces=pieces,
                labels=labels(sentiment),
            )
        )
    return with_duplicates(items, rng, "gen-pii", gaz)


def generate_content(gaz: Gazetteer, rng: random.Random) -> list[Item]:
    items: list[Item] = []
    kinds = sorted(content_templates.KINDS)
    for number in range(CONTENT_ITEMS):
        language = LANGUAGES[number % len(LANGUAGES)]
        kind = kinds[(number // len(LANGUAGES)) % len(kinds)]
        family, template, sentiment, flags = content_templates.pick(
            rng, language, kind, turn=number // (len(LANGUAGES) * len(kinds))
        )
        filler = Filler(
            gaz, rng, language, extra=content_templates.slots(rng, gaz, language, family)
        )
        pieces = filler.fill(template)
        spam = family.startswith("spam/")
        item_labels = labels(sentiment, spam=spam, **flags)
        items.append(
            Item(
                id=f"gen-content-{len(items) + 1:05d}",
                language=language,
                family=family,
                topic=rng.choice(TOPICS),
                author_name=content_templates.author(rng, family) or author_for(gaz, rng, language),
                rating=rating_for(rng, item_labels["sentiment"], spam=spam),
                pieces=pieces,
                labels=item_labels,
            )
        )
    return with_duplicates(items, rng, "gen-content", gaz)


def without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    )


ADDED_SENTENCES = {
    "en": (" Thanks again.", " Posting this again in case it got lost.", " Edit: typo."),
    "es": (" Gracias otra vez.", " Lo vuelvo a publicar por si acaso."),
    "pt": (" Obrigado de novo.", " Publicando de novo caso tenha sumido."),
    "fr": (" Merci encore.", " Je reposte au cas où."),
    "de": (" Nochmals danke.", " Nochmal gepostet, falls es verloren ging."),
    "it": (" Grazie ancora.", " Lo ripubblico nel caso si fosse perso."),
}


def with_duplicates(
    items: list[Item], rng: random.Random, prefix: str, gaz: Gazetteer
) -> list[Item]:
    """Append near-copies of earlier items (same labels, own spans), as the label rules describe."""
    originals = list(items)
    count = round(len(items) * DUPLICATE_SHARE)
    for _ in range(count):
        original = rng.choice(originals)
        edit = rng.choice(("exact", "lower", "accents", "punctuation", "sentence", "author"))
        pieces = list(original.pieces)
        author = original.author_name
        if edit == "lower":
            pieces = [(text.lower(), kind) for text, kind in pieces]
        elif edit == "accents":
            pieces = [(without_accents(text), kind) for text, kind in pieces]
        elif edit == "punctuation":
            pieces = [
                (text.replace("!", ".").replace(",", "") if kind is None else text, kind)
                for text, kind in pieces
            ]
        elif edit == "sentence":
            pieces = merged([*pieces, (rng.choice(ADDED_SENTENCES[original.language]), None)])
        elif edit == "author":
            author = author_for(gaz, rng, original.language)
        items.append(
            Item(
                id=f"{prefix}-{len(items) + 1:05d}",
                language=original.language,
                family="duplicate/near",
                topic=original.topic,
                author_name=author,
                rating=original.rating,
                pieces=[(text, kind) for text, kind in pieces if text],
                labels=dict(original.labels),
                duplicate_of=original.id,
            )
        )
    return items


def write(path: Path, items: list[Item]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(item.source_line(), ensure_ascii=False) for item in items)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


_MARKUP = re.compile(r"\[\[([A-Z_]+):(.*?)\]\]", re.DOTALL)
_FAMILY = re.compile(r"^(honest|spam|abuse|profanity|claim|hedged|pii|duplicate)/[a-z-]+$")


class GeneratedItemError(AssertionError):
    """A written item that is not what was built, or not a valid source line."""


def check(condition: object, context: object) -> None:
    if not condition:
        raise GeneratedItemError(repr(context))


def self_check(path: Path, built: list[Item], prefix: str) -> None:
    """Re-read a written file and assert it is valid and says exactly what was built."""
    expected = {item.id: item for item in built}
    seen: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    check(len(lines) == len(built), f"{path.name}: {len(lines)} lines for {len(built)} items")
    for line in lines:
        raw = json.loads(line)
        item_id = raw["id"]
        check(re.fullmatch(rf"{prefix}-\d{{5}}", item_id), item_id)
        check(item_id not in seen, f"duplicate id {item_id}")
        check(raw["generated"] is True, item_id)
        check(raw["language"] in LANGUAGES, item_id)
        check(raw["topic"] in TOPICS, item_id)
        check(_FAMILY.match(raw["family"]), (item_id, raw["family"]))
        check(raw["rating"] is None or raw["rating"] in range(1, 6), item_id)
        check(isinstance(raw["author_name"], str), item_id)
        item_labels = raw["labels"]
        check(
            set(item_labels) == {"profanity", "abuse", "spam", "medical_claim", "sentiment"},
            item_id,
        )
        for name in ("profanity", "abuse", "spam", "medical_claim"):
            check(isinstance(item_labels[name], bool), (item_id, name))
        check(item_labels["sentiment"] in ("positive", "neutral", "negative"), item_id)
        if item_labels["spam"]:
            check(item_labels["sentiment"] == "neutral", item_id)
        original = raw["duplicate_of"]
        check(original is None or original in seen, (item_id, original))
        text = raw["text"]
        # An independent parse of the markup, then the build's own, against what was built.
        body_parts: list[str] = []
        spans: list[dict[str, Any]] = []
        position = length = 0
        for match in _MARKUP.finditer(text):
            kind, value = match.group(1), match.group(2)
            check(kind in ENTITIES, (item_id, kind))
            clean = "[[" not in value and "]]" not in value and not value.endswith("]")
            check(value and value == value.strip() and clean, (item_id, value))
            before = text[position : match.start()]
            body_parts += [before, value]
            spans.append(
                {
                    "start": length + len(before),
                    "end": length + len(before) + len(value),
                    "type": kind,
                }
            )
            length += len(before) + len(value)
            position = match.end()
        rest = text[position:]
        check("[[" not in rest and "]]" not in rest, item_id)
        body = "".join(body_parts) + rest
        check(all("[[" not in part and "]]" not in part for part in body_parts[::2]), item_id)
        built_body, built_spans = expected[item_id].body_and_spans()
        check((body, spans) == (built_body, built_spans), item_id)
        unmarked = unmark(text)
        check((unmarked.body, unmarked.spans) == (built_body, built_spans), item_id)
        check(all(a["end"] <= b["start"] for a, b in pairwise(spans)), item_id)
        family = raw["family"]
        if family == "pii/none":
            check(not spans, item_id)
        elif family.startswith("pii/"):
            check(family[4:].upper().replace("-", "_") in {span["type"] for span in spans}, item_id)
        if family.startswith("spam/"):
            check(item_labels["spam"], item_id)
        elif family != "duplicate/near":
            check(not item_labels["spam"], item_id)
        if family.startswith("claim/"):
            check(item_labels["medical_claim"], item_id)
        if family.startswith("abuse/"):
            check(item_labels["abuse"], item_id)
        if family.startswith("profanity/"):
            check(item_labels["profanity"], item_id)
        if family == "hedged/claim" or family.startswith("honest/"):
            check(not item_labels["medical_claim"] and not item_labels["abuse"], item_id)
        seen.append(item_id)


def report(items: list[Item], name: str) -> None:
    by_language = Counter(item.language for item in items)
    by_family = Counter(item.family for item in items)
    by_type = Counter(kind for item in items for _, kind in item.pieces if kind is not None)
    with_data = sum(1 for item in items if any(kind for _, kind in item.pieces))
    print(f"{name}: {len(items)} items, {with_data} with personal data")
    print("  languages: " + ", ".join(f"{k} {v}" for k, v in sorted(by_language.items())))
    print("  families: " + ", ".join(f"{k} {v}" for k, v in sorted(by_family.items())))
    print("  spans: " + ", ".join(f"{k} {v}" for k, v in sorted(by_type.items())))
    flags = Counter(
        label for item in items for label, value in item.labels.items() if value is True
    )
    sentiments = Counter(item.labels["sentiment"] for item in items)
    print("  labels: " + ", ".join(f"{k} {v}" for k, v in sorted(flags.items())))
    print("  sentiment: " + ", ".join(f"{k} {v}" for k, v in sorted(sentiments.items())))


def main() -> int:
    # Seeded on purpose: the corpus must be the same on every run.
    rng = random.Random(SEED)  # noqa: S311
    gaz = Gazetteer(random.Random(SEED + 1))  # noqa: S311
    pii_items = generate_pii(gaz, rng)
    content_items = generate_content(gaz, random.Random(SEED + 2))  # noqa: S311
    write(PII_FILE, pii_items)
    write(CONTENT_FILE, content_items)
    self_check(PII_FILE, pii_items, "gen-pii")
    self_check(CONTENT_FILE, content_items, "gen-content")
    report(pii_items, PII_FILE.name)
    report(content_items, CONTENT_FILE.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
