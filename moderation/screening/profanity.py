"""Swear words and obscenity, mild ones too, also masked ("sh*t", "f**king",
"a$$", "b!tch") and in Spanish, Portuguese, French, German and Italian.

Our own word list (below): each word is matched whole, after undoing the
usual disguises: leetspeak digits and symbols, masking with `*`/`#`, and
letters stretched out ("shiiit"). Minced oaths ("freaking", "heck") and
plain criticism ("sucked", "stinks") are not profanity.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from moderation.screening import Flag, ScreeningContext, Severity

# The languages our lists are written for (the runner flags the others).
LANGUAGES = frozenset({"en", "es", "pt", "fr", "de", "it"})

# Per language, (mild, strong): whole words; a trailing "*" allows any
# ending ("fuck*" covers "fucking").
_WORDS: dict[str, tuple[str, str]] = {
    "en": (
        """
        hell damn damned dammit damnit goddam* crap crappy crapped piss pissed pissing ass arse
        asses assed bugger
        """,
        """
        fuck* fck* fuk* fuq* fvck* phuck* effing effin effed f-ing f-in f'ing f'in f'er* f'ed
        shit* shite
        bullshit* horseshit* dipshit* apeshit batshit bitch* biatch bastard* prick pricks jackass*
        asshole* arsehole* dumbass* smartass* badass* kickass* cunt* twat* wanker* bollocks dick
        dickhead* douche* motherfuck* cock cocksucker* piss-poor
        wtf omfg stfu gtfo ffs fml lmfao
        """,
    ),
    "es": (
        "culo culos maldito maldita malditos malditas cagada cagadas cagar cagó",
        """
        mierda mierdas joder jodido jodida jodidos jodidas jodí jodieron coño cabron cabrón
        cabrones carajo pendejo* gilipollas hostia hostias chingada chingado chingar chingue*
        verga culero puta puto putas putos putada cojones capullo mamón mamones hdp ctm
        pinche pinches alv ptm
        """,
    ),
    "pt": ("", "merda porra caralho foda foder fodido fodida cacete bosta puta puto pqp vtnc fdp"),
    "fr": ("", "merde putain ptn bordel connard connasse salaud salope enculé encule chiant fdp"),
    "de": (
        "",
        "scheiße scheisse scheiß scheiss beschissen arschloch verdammt verdammte fick ficken kacke",
    ),
    "it": ("", "cazzo cazzata stronz* vaffanculo minchia"),
}
# English swearing turns up in every language, except where the word is an
# ordinary one there ("dick": thick, in German).
_ORDINARY = {"de": {"dick"}}
_CAPS_ONLY = {"SOB", "BS"}  # lower case "sob" and "bs" are ordinary words


def _compile(words: str) -> tuple[set[str], tuple[str, ...]]:
    exact: set[str] = set()
    prefixes: list[str] = []
    for word in words.split():
        if word.endswith("*"):
            prefixes.append(word[:-1])
        else:
            exact.add(word)
    return exact, tuple(prefixes)


@dataclass(frozen=True)
class _Lexicon:
    mild_exact: frozenset[str]
    mild_prefixes: tuple[str, ...]
    strong_exact: frozenset[str]
    strong_prefixes: tuple[str, ...]


@cache
def _lexicon(language: str | None) -> _Lexicon:
    """The story's language's words and English's strong ones; every list
    when the language is unknown."""
    if language in _WORDS:
        mild = _WORDS[language][0]
        strong = " ".join({_WORDS[language][1], _WORDS["en"][1]})
    else:
        mild = " ".join(words for words, _ in _WORDS.values())
        strong = " ".join(words for _, words in _WORDS.values())
    ordinary = _ORDINARY.get(language or "", set())
    mild_exact, mild_prefixes = _compile(mild)
    strong_exact, strong_prefixes = _compile(strong)
    return _Lexicon(
        frozenset(mild_exact - ordinary),
        mild_prefixes,
        frozenset(strong_exact - ordinary),
        strong_prefixes,
    )


_LEET = str.maketrans({"1": "i", "!": "i", "|": "i", "3": "e", "4": "a", "@": "a", "$": "s",
                       "5": "s", "0": "o", "7": "t", "+": "t"})  # fmt: skip
_MASK = "*#%"
# A token: letters, digits and the symbols people use to disguise letters.
_TOKEN = re.compile(r"[\w@$!|*#%+'\-]*[\w@$*#][\w@$!|*#%+'\-]*")
_STRETCHED = re.compile(r"(\w)\1{2,}")
# "a small prick" of a needle is not an insult.
_PRICK_OF_NEEDLE = re.compile(
    r"(?i)\b(?:little|small|tiny|slight|quick|sharp|light|mild|brief|short|needle|a\s+bit\s+of\s+a)"
    r"\s+(?:\w+\s+)?$"
)


def _is_word(candidate: str, words: _Lexicon) -> str | None:
    """'mild', 'strong' or None for one normalised, lower-case word."""
    if candidate in words.strong_exact or candidate.startswith(words.strong_prefixes):
        return "strong"
    if candidate in words.mild_exact or candidate.startswith(words.mild_prefixes):
        return "mild"
    return None


def _masked(token: str, words: _Lexicon) -> str | None:
    """'f***ing', 'sh*t', 'a**': a word with letters hidden behind masks."""
    if not any(ch in _MASK for ch in token) or not token[0].isalpha():
        return None
    letters = sum(ch.isalpha() for ch in token)
    if letters < 1 or len(token) < 3:
        return None
    pattern = re.compile(
        "".join(
            f"[a-z]{{1,{len(run) + 1}}}" if run[0] in _MASK else re.escape(run)
            for run in re.findall(r"[*#%]+|[^*#%]+", token.lower().translate(_LEET))
        )
        + "$"
    )
    known = words.strong_exact | words.mild_exact | set(words.strong_prefixes)
    for word in sorted(known | {"fucking", "fucked"}):
        if len(word) >= 3 and pattern.match(word):
            return word
    return None


def _classify(token: str, words: _Lexicon) -> str | None:
    lowered = token.lower().strip("'-")
    if not lowered:
        return None
    if token.strip("'-") in _CAPS_ONLY:
        return "strong"
    # a token of digits alone ("455" in a link) is a number, never a masked word
    leet = lowered.translate(_LEET) if any(ch.isalpha() for ch in lowered) else lowered
    for candidate in (lowered, leet):
        if kind := _is_word(candidate, words):
            return kind
        squeezed = _STRETCHED.sub(r"\1", candidate)
        if squeezed != candidate and (kind := _is_word(squeezed, words)):
            return kind
        doubled = _STRETCHED.sub(r"\1\1", candidate)
        if doubled != candidate and (kind := _is_word(doubled, words)):
            return kind
    word = _masked(token, words)
    if word is not None:
        return _is_word(word, words) or "strong"
    return None


def find_profanity(text: str, language: str | None = None) -> Iterator[tuple[int, int, str]]:
    words = _lexicon(language)
    for match in _TOKEN.finditer(text):
        token = match.group(0).rstrip("!|'-")
        if not token:
            continue
        pieces = [(match.start(), token)]
        if _classify(token, words) is None and "-" in token:
            # "half-assed", "needle-happy": look at each part of a compound
            pieces, offset = [], match.start()
            for part in token.split("-"):
                pieces.append((offset, part))
                offset += len(part) + 1
        for start, piece in pieces:
            kind = _classify(piece, words) if piece else None
            if kind is None:
                continue
            before = text[max(0, start - 30) : start]
            if piece.lower() in ("prick", "pricks") and _PRICK_OF_NEEDLE.search(before):
                continue
            yield start, start + len(piece), kind


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    flags = []
    for start, end, kind in find_profanity(text, context.language):
        severity: Severity = "low" if kind == "mild" else "medium"
        flags.append(
            Flag(
                kind="profanity",
                severity=severity,
                detail="A swear word." if kind == "strong" else "A mild swear word.",
                start=start,
                end=end,
            )
        )
    return flags
