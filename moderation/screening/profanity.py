"""Swear words and obscenity, mild ones too, also masked ("sh*t", "f**king",
"a$$", "b!tch") and in Spanish, Portuguese, French, German and Italian.

Our own word list (below): each word is matched whole, after undoing the
usual disguises: leetspeak digits and symbols, masking with `*`/`#`, and
letters stretched out ("shiiit"). Minced oaths ("freaking", "heck") and
plain criticism ("sucked", "stinks") are not profanity.
"""

import re
from collections.abc import Iterator

from moderation.screening import Flag, ScreeningContext, Severity

# Whole words; a trailing "*" allows any ending ("fuck*" covers "fucking").
_MILD = """
    hell damn damned dammit damnit goddamn* crap crappy crapped piss pissed pissing ass arse
    asses assed bugger
"""
_STRONG = """
    fuck* fck* fuk* fuq* fvck* phuck* effing effin f-ing f-in f'ing f'in shit* shite
    bullshit* horseshit* dipshit* apeshit batshit bitch* biatch bastard* prick pricks jackass*
    asshole* arsehole* dumbass* smartass* badass* kickass* cunt* twat* wanker* bollocks dick
    dickhead* douche* motherfuck* cock cocksucker* piss-poor
    wtf omfg stfu gtfo ffs fml lmfao
    mierda joder jodido jodida coño cabron cabrón carajo pendejo* gilipollas hostia chingada
    chingado chingar verga culero puta puto putas putos
    merda porra caralho foda foder fodido fodida cacete bosta
    merde putain bordel connard connasse salaud salope enculé encule chiant
    scheiße scheisse scheiß scheiss arschloch verdammt verdammte fick ficken kacke
    cazzo stronzo vaffanculo minchia
"""
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


_MILD_EXACT, _MILD_PREFIXES = _compile(_MILD)
_STRONG_EXACT, _STRONG_PREFIXES = _compile(_STRONG)

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


def _is_word(candidate: str) -> str | None:
    """'mild', 'strong' or None for one normalised, lower-case word."""
    if candidate in _STRONG_EXACT or candidate.startswith(_STRONG_PREFIXES):
        return "strong"
    if candidate in _MILD_EXACT or candidate.startswith(_MILD_PREFIXES):
        return "mild"
    return None


def _masked(token: str) -> str | None:
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
    for word in sorted(_STRONG_EXACT | _MILD_EXACT | set(_STRONG_PREFIXES) | {"fucking", "fucked"}):
        if len(word) >= 3 and pattern.match(word):
            return word
    return None


def _classify(token: str) -> str | None:
    lowered = token.lower().strip("'-")
    if not lowered:
        return None
    if token.strip("'-") in _CAPS_ONLY:
        return "strong"
    for candidate in (lowered, lowered.translate(_LEET)):
        if kind := _is_word(candidate):
            return kind
        squeezed = _STRETCHED.sub(r"\1", candidate)
        if squeezed != candidate and (kind := _is_word(squeezed)):
            return kind
        doubled = _STRETCHED.sub(r"\1\1", candidate)
        if doubled != candidate and (kind := _is_word(doubled)):
            return kind
    word = _masked(token)
    if word is not None:
        return _is_word(word) or "strong"
    return None


def find_profanity(text: str) -> Iterator[tuple[int, int, str]]:
    for match in _TOKEN.finditer(text):
        token = match.group(0).rstrip("!|'-")
        if not token:
            continue
        pieces = [(match.start(), token)]
        if _classify(token) is None and "-" in token:
            # "half-assed", "needle-happy": look at each part of a compound
            pieces, offset = [], match.start()
            for part in token.split("-"):
                pieces.append((offset, part))
                offset += len(part) + 1
        for start, piece in pieces:
            kind = _classify(piece) if piece else None
            if kind is None:
                continue
            before = text[max(0, start - 30) : start]
            if piece.lower() in ("prick", "pricks") and _PRICK_OF_NEEDLE.search(before):
                continue
            yield start, start + len(piece), kind


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    flags = []
    for start, end, kind in find_profanity(text):
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
