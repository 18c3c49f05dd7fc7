"""Personal-data values for the generated corpus, drawn from Faker's
gazetteers in many locales plus formats built by hand.

`Gazetteer` holds one seeded Faker per locale and makes the values a template
slot asks for: names in the order of their locale ("Wang Xiulan", "Nagy
Anna"), phone numbers (some spelled out), e-mail addresses (some obfuscated),
links, postal and military addresses, dates of birth, national identifiers
and medical record numbers. Every choice comes from its seeded generators, so
the values are the same on every run.
"""

import random
import re
import string
import unicodedata
from datetime import date, timedelta

from faker import Faker
from faker.providers.address.it_IT import Provider as ItalianAddresses

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


class Gazetteer:
    """Faker instances per locale, each seeded, plus the hand-built formats."""

    def __init__(self, rng: random.Random, faker_seed: int) -> None:
        self.rng = rng
        self._fakers: dict[str, Faker] = {}
        locales = {*OTHER_NAME_LOCALES, *ADDRESS_LOCALES, *PHONE_LOCALES, *SSN_LOCALES}
        for group in HOME_LOCALES.values():
            locales.update(group)
        for number, locale in enumerate(sorted(locales)):
            faker = Faker(locale)
            faker.seed_instance(faker_seed + number)
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


def day_month_year(day: date) -> tuple[int, int, int]:
    return day.day, day.month, day.year


def ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
