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

This module fills the templates and builds the items; the values come from
`pii_values.py`, the pieces, writing and self-check from `items.py`, the
templates from `templates_pii.py`, `templates_content.py` and
`templates_spam.py`.
"""

import random
import re
import string
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from faker import Faker

from moderation.screening.corpus import templates_content as content_templates
from moderation.screening.corpus import templates_pii as pii_templates
from moderation.screening.corpus import templates_spam as spam_templates
from moderation.screening.corpus.items import (
    LANGUAGES,
    TOPICS,
    Item,
    Piece,
    merged,
    report,
    self_check,
    write,
)
from moderation.screening.corpus.pii_values import (
    ADDRESS_LOCALES,
    HOME_ADDRESS_LOCALES,
    TITLES,
    Gazetteer,
    ascii_slug,
    day_month_year,
    spoken_date,
)

SOURCES = Path(__file__).resolve().parent / "sources"
PII_FILE = SOURCES / "generated-pii.jsonl"
CONTENT_FILE = SOURCES / "generated-content.jsonl"
SENTIMENT_MARKS = {"+": "positive", "-": "negative", "=": "neutral"}
PII_ITEMS = 2000
PII_SHARE_WITHOUT_DATA = 0.15
CONTENT_ITEMS = 1200
DUPLICATE_SHARE = 0.03
SEED = 20261206


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
                rng, lang, *day_month_year(gaz.day_between(date(2023, 1, 1), date(2026, 12, 31)))
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
                author_name=spam_templates.author(rng, family) or author_for(gaz, rng, language),
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


def main() -> int:
    # Seeded on purpose: the corpus must be the same on every run.
    rng = random.Random(SEED)  # noqa: S311
    gaz = Gazetteer(random.Random(SEED + 1), faker_seed=SEED)  # noqa: S311
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
