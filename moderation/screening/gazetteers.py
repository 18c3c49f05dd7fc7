"""Word lists for names and addresses, built from Faker's locale providers.

Faker ships given names, family names and street words for about 80
locales. Reading them at run time means importing every provider module,
which adds about 65 MB to a process; so `build()` reads the providers'
class attributes once (no Faker() instance) and writes plain word lists to
`data/gazetteers/`, which ship with the repository and load in a few tens of
milliseconds (see `python -m moderation.screening.gazetteers --help`). A test
checks that the shipped lists equal a fresh build from the locked Faker.

Lists:
- `given_names.txt`, `family_names.txt`: every Latin, Greek, Cyrillic,
  Arabic, Hebrew or Indic-script name of every locale (CJK and Thai names
  are written without spaces, so a word list cannot find them; their
  romanised forms are kept);
- `street_types_after.txt`: street types written after the name
  ("Kramer Court", "Smith St"), from the English-speaking locales;
- `street_types_before.txt`: street types written before the name
  ("Calle de Alcalá", "Rua Augusta", "Via Roma", "rue des Lilas");
- `street_endings.txt`: endings of compound street names ("Hauptstraße",
  "Kerkstraat", "Beckergasse");
- `name_prefixes.txt`, `name_suffixes.txt`: titles before a name ("Sig.ra",
  "Alhaji", "pani") and degrees or generations after it ("PhD", "B.Sc.").

`name_words.txt` (beside the folder, kept by hand) lists given names that are
also everyday words in our languages; they need stronger evidence.
"""

import argparse
import importlib
import pkgutil
import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
GAZETTEERS = DATA / "gazetteers"
LISTS = (
    "given_names",
    "family_names",
    "street_types_after",
    "street_types_before",
    "street_endings",
    "name_prefixes",
    "name_suffixes",
    "company_suffixes",
    "place_names",
    "place_affixes",
)
# Faker's prefixes that are also words or particles here ("de", "Le", "Bay")
# or bare initials ("D.", "R.") do not mark a name.
_NOT_PREFIXES = {
    "de", "da", "do", "du", "del", "de la", "Le", "tri", "pr", "Bay", "Anh", "Cut", "D.", "H.",
    "R.", "T.", "Fr", "hr", "Misc.", "Don", "Hon", "Lady", "Prince", "Princess", "Bishop",
    "Mama", "Baba", "Pastor", "Iya", "Oba", "Sis", "Dade", "Puti", "Bi.", "Eng", "Ind.",
}  # fmt: skip
# Lists of cities, regions and countries in the address providers.
_PLACE_ATTRIBUTES = {
    "cities", "city_names", "real_city_names", "metropolitan_cities", "countries", "states",
    "provinces", "regions", "region_names",
}  # fmt: skip
# Suffixes that are also words or numerals here ("I", "V").
_NOT_SUFFIXES = {"I", "V", "DI"}

# Scripts written without spaces between words: a name list cannot find
# names in them.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# en_MY's street suffixes are Malay names and words, not street types.
_ENGLISH_STREET_LOCALES = {"en_US", "en_GB", "en_AU", "en_CA", "en_NZ", "en_IE"}
_NOT_TYPES = {"Bis", "Sur", "Norte", "Este", "Bis {{random_uppercase_letter}}"}
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@lru_cache(maxsize=1 << 15)
def fold(word: str) -> str:
    """Lower case without accents: "Sofía" and "SOFIA" both give "sofia"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("’", "'")


def _string_values(value: object) -> list[str]:
    if isinstance(value, dict):
        value = list(value)
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return list(value)
    return []


def _provider_attributes(package: str) -> Iterable[tuple[str, str, list[str]]]:
    """(locale, attribute, strings) for every list-valued class attribute."""
    root = importlib.import_module(package)
    for module in pkgutil.iter_modules(root.__path__):
        provider = importlib.import_module(f"{package}.{module.name}").Provider
        for attribute, value in vars(provider).items():
            strings = _string_values(value)
            if strings:
                yield module.name, attribute, strings


def _name_words(entries: Iterable[str], *, last_word_only: bool) -> set[str]:
    words: set[str] = set()
    for entry in entries:
        if _UNSPACED.search(entry):
            continue
        parts = _NAME_WORD.findall(entry)
        if last_word_only and len(parts) > 1:
            parts = parts[-1:]  # "de la Cruz" gives "Cruz"
        words.update(fold(part) for part in parts if len(part) >= 2)
    return words


def build() -> dict[str, list[str]]:
    """Every list, sorted, from the installed Faker's provider modules."""
    given: set[str] = set()
    family: set[str] = set()
    prefixes: set[str] = set()
    suffixes: set[str] = set()
    for _, attribute, strings in _provider_attributes("faker.providers.person"):
        if attribute.startswith("prefixes"):
            prefixes.update(
                s for s in strings if s not in _NOT_PREFIXES and not _UNSPACED.search(s)
            )
        elif attribute.startswith("suffixes"):
            suffixes.update(
                s for s in strings if s not in _NOT_SUFFIXES and not _UNSPACED.search(s)
            )
        elif attribute.startswith(("first_name", "first_romanized_name")):
            given |= _name_words(strings, last_word_only=False)
        elif attribute.startswith(("last_name", "last_romanized_name")):
            family |= _name_words(strings, last_word_only=True)

    companies: set[str] = set()
    for _, attribute, strings in _provider_attributes("faker.providers.company"):
        if "suffix" in attribute:
            companies.update(s.strip() for s in strings if s.strip() and not _UNSPACED.search(s))

    after: set[str] = set()
    before: set[str] = set()
    endings: set[str] = set()
    places: set[str] = set()
    affixes: set[str] = set()
    for locale, attribute, strings in _provider_attributes("faker.providers.address"):
        if attribute in _PLACE_ATTRIBUTES:
            places |= {fold(s) for s in strings if "{" not in s and not _UNSPACED.search(s)}
        elif attribute in ("city_prefixes", "city_suffixes") and locale in _ENGLISH_STREET_LOCALES:
            affixes |= {fold(s.strip()) for s in strings if s.strip().isalpha()}
        language = locale.split("_")[0]
        if locale in _ENGLISH_STREET_LOCALES and attribute == "street_suffixes":
            # en_NZ writes some as two words ("Beach Road"): keep the last.
            after.update(s.split()[-1] for s in strings if s[:1].isupper())
        elif language in ("es", "pt", "fr", "it", "pl") and attribute in (
            "street_prefixes",
            "street_suffixes",
            "street_prefixes_feminine",
            "street_prefixes_masculine",
        ):
            before.update(s for s in strings if len(s.rstrip(".")) > 1 and s not in _NOT_TYPES)
        elif language in ("de", "nl") and attribute in ("street_suffixes_short", "street_suffixes"):
            endings.update(s for s in strings if s.islower())
    return {
        "given_names": sorted(given),
        "family_names": sorted(family),
        "street_types_after": sorted(after),
        "street_types_before": sorted(before, key=lambda s: (s.casefold(), s)),
        "street_endings": sorted(endings),
        "name_prefixes": sorted(prefixes),
        "name_suffixes": sorted(suffixes),
        "company_suffixes": sorted(companies),
        # Only the places that are also given names matter here.
        "place_names": sorted(places & given),
        "place_affixes": sorted(affixes),
    }


_WORD_NAMES_HEADER = {
    "common_word_names": (
        "# Given names that are also common words (a small English dictionary, or Faker's\n"
        "# lorem words in Spanish, French, Italian, German). Written by\n"
        "# `python -m moderation.screening.gazetteers --word-names`; do not edit.\n"
    ),
    "word_family_names": (
        "# Family names that are also words of a dictionary of our languages (king,\n"
        "# cruz). Written by `python -m moderation.screening.gazetteers --word-names`.\n"
    ),
    "proper_word_names": (
        "# Of the rare word names, those the English dictionary also lists as proper\n"
        "# nouns (Peter, Angela): names first, even opening a sentence. Written by\n"
        "# `python -m moderation.screening.gazetteers --word-names`.\n"
    ),
    "rare_word_names": (
        "# Given names that are rarer words of a dictionary of our languages: a name\n"
        "# only when capitalised. Written by\n"
        "# `python -m moderation.screening.gazetteers --word-names`; do not edit.\n"
    ),
}


def write(lists: dict[str, list[str]]) -> None:
    GAZETTEERS.mkdir(exist_ok=True)
    for name, words in lists.items():
        (GAZETTEERS / f"{name}.txt").write_text("\n".join(words) + "\n", encoding="utf-8")


def read(name: str) -> list[str]:
    return (GAZETTEERS / f"{name}.txt").read_text(encoding="utf-8").splitlines()


def _read_hand_list(name: str) -> frozenset[str]:
    words: set[str] = set()
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        words.update(fold(word) for word in line.split("#", 1)[0].split())
    return frozenset(words)


@cache
def name_words() -> frozenset[str]:
    """Given names that are also everyday words ("will", "rosa", "nur")."""
    return _read_hand_list("name_words.txt")


@cache
def not_names() -> frozenset[str]:
    """Words that never start a name, whatever their capitals."""
    return _read_hand_list("not_names.txt")


@cache
def given_names() -> frozenset[str]:
    """Folded given names of every locale, less those that are words."""
    return frozenset(read("given_names")) - name_words() - not_names()


@cache
def family_names() -> frozenset[str]:
    """Folded family names of every locale, less words that never start a name."""
    return frozenset(read("family_names")) - not_names()


@cache
def street_types_after() -> frozenset[str]:
    return frozenset(read("street_types_after"))


@cache
def street_types_before() -> frozenset[str]:
    return frozenset(read("street_types_before"))


@cache
def name_prefixes() -> frozenset[str]:
    """Titles written before a name, as written: "Dr.", "Sig.ra", "pani", "Alhaji"."""
    return frozenset(read("name_prefixes"))


@cache
def name_suffixes() -> frozenset[str]:
    """Degrees and generations written after a name: "Jr.", "PhD", "B.Sc.", "S.Psi"."""
    return frozenset(read("name_suffixes"))


@cache
def company_suffixes() -> frozenset[str]:
    """What follows a company's name, as written: "GmbH", "S.A.", "& Söhne", "Oyj"."""
    return frozenset(read("company_suffixes"))


@cache
def place_names() -> frozenset[str]:
    """Folded given names that are also cities, regions or countries ("florence")."""
    return frozenset(read("place_names"))


@cache
def place_affixes() -> frozenset[str]:
    """Words that make a name a place: "north", "port", "ville", "town"."""
    return frozenset(read("place_affixes"))


@cache
def street_endings() -> frozenset[str]:
    return frozenset(read("street_endings"))


# Debian's word lists (packages wamerican-small, wbritish-small, wamerican,
# wbritish, wspanish, wfrench, wngerman, witalian, wportuguese, wbrazilian).
_COMMON_DICTIONARIES = ("american-english-small", "british-english-small")
_ALL_DICTIONARIES = (
    *_COMMON_DICTIONARIES, "american-english", "british-english", "spanish", "french",
    "ngerman", "italian", "portuguese", "brazilian",
)  # fmt: skip
_LOREM_LOCALES = {"es_ES": "spanish", "fr_FR": "french", "it_IT": "italian", "de_DE": "ngerman"}


def _dictionary_words(name: str, directory: Path) -> set[str]:
    """Lower-case entries only: "mark" is a word, "Mark" alone would be a name."""
    lines = (directory / name).read_text(encoding="utf-8", errors="ignore").split()
    return {fold(word) for word in lines if word[:1].islower() and "'" not in word}


def derive_word_names(
    directory: Path = Path("/usr/share/dict"),
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Given names that are words (common, rare), and family names that are words.

    Common: an entry of a small English dictionary, or one of Faker's lorem
    words in Spanish, French, Italian or German that the language's
    dictionary also has ("hoy", "sole"). Rare: any other lower-case entry of a
    dictionary of our languages ("amparo", "cielo"). Run by hand where the word
    lists are installed (`--word-names`); the result ships as
    `data/common_word_names.txt`, `data/rare_word_names.txt` and
    `data/word_family_names.txt`.
    """
    given = set(read("given_names"))
    # Names the English dictionary also lists as proper nouns ("Maria",
    # "John", "Pablo") are names first: capitalised, they count.
    # `name_words.txt` (by hand) keeps those that are words first ("Will").
    proper = {
        fold(word)
        for word in (directory / "american-english").read_text(encoding="utf-8").split()
        if word[:1].isupper() and len(word) > 3  # not "As", "He", "Man"
    }
    common = set().union(*(_dictionary_words(name, directory) for name in _COMMON_DICTIONARIES))
    common -= proper
    for locale, dictionary in _LOREM_LOCALES.items():
        lorem = importlib.import_module(f"faker.providers.lorem.{locale}").Provider.word_list
        common |= (
            {fold(word) for word in lorem} & _dictionary_words(dictionary, directory)
        ) - proper
    every = set().union(*(_dictionary_words(name, directory) for name in _ALL_DICTIONARIES))
    family = set(read("family_names"))
    rare = (given & every) - common
    return (
        sorted(given & common),
        sorted(rare),
        sorted(family & every),
        sorted(rare & proper),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail if the shipped lists differ")
    parser.add_argument(
        "--word-names",
        action="store_true",
        help="also derive the word-name lists (needs Debian's word lists)",
    )
    arguments = parser.parse_args()
    if arguments.word_names:
        for name, words in zip(
            ("common_word_names", "rare_word_names", "word_family_names", "proper_word_names"),
            derive_word_names(),
            strict=True,
        ):
            (DATA / f"{name}.txt").write_text(
                _WORD_NAMES_HEADER[name] + "\n".join(words) + "\n", encoding="utf-8"
            )
            print(f"{name}: {len(words)}")
    lists = build()
    if arguments.check:
        stale = [name for name, words in lists.items() if read(name) != words]
        raise SystemExit(f"stale gazetteers: {', '.join(stale)}" if stale else 0)
    write(lists)
    for name, words in lists.items():
        print(f"{name}: {len(words)}")


if __name__ == "__main__":
    main()
