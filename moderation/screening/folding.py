"""Text folded before any screener reads it, with every offset mapped back.

People who want to get past a filter write `f*ck`, `sh!t`, `а$$` with a
Cyrillic `а`, full-width `ｓｐａｍ`, or put a zero-width space inside an
address (`maria\u200b@example.com`). Screeners read the folded text
instead, written as the plain letters a reader sees:

1. zero-width and bidirectional control characters (and soft hyphens) are
   removed;
2. each character with its combining marks is brought to Unicode NFKC
   (full-width and mathematical letters become plain ones, `ﬁ` becomes `fi`);
3. letters of other scripts that look like Latin ones (Cyrillic `а`, Greek
   `ο`) become the Latin letter: in every word when most of the text is
   Latin, else only in words that mix them with Latin letters, so a story
   written in Russian or Greek stays as it is;
4. a word masked with symbols or digits (`f*ck`, `sh1t`, `b!tch`, `a$$`,
   `f.u.c.k`) becomes the word it masks, but only when it masks one in
   `data/maskable_words.txt`: `$50`, `L4-L5`, `@maria` and `b12` stay.

Every character of the folded text knows the characters of the original it
came from, so a span found in the folded text maps to the exact characters
of the original (`Folded.original_span`).
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\ufeff\u3164\uffa0"
)

# What a masking symbol or digit can stand for; `*` and friends stand for any letter.
_LEET: dict[str, str] = {
    "@": "a",
    "4": "a",
    "3": "e",
    "€": "e",
    "1": "il",
    "!": "il",
    "|": "il",
    "0": "o",
    "$": "s",
    "5": "s",
    "7": "t",
    "+": "t",
    "9": "g",
    "8": "b",
}
# `?` is not one: "bitcoin?" is a question, not a mask.
_WILDCARDS = frozenset("*#%_")
_MASKS = frozenset(_LEET) | _WILDCARDS
# A run of letters, digits and masking symbols that may be one masked word.
_MASKED_TOKEN = re.compile(r"[\w*#%@$!|€+]+", re.UNICODE)
# Single letters with one separator between them: `f.u.c.k`, `s h i t`, `f-u-c-k`.
_SPELLED_OUT = re.compile(r"(?<!\w)(?:[^\W\d_][ .\-_*]){2,}[^\W\d_](?!\w)", re.UNICODE)
# Endings a masked word may carry: `f**kers`, `sh!tty`, `a$$holes`.
_SUFFIXES = (
    "",
    "s",
    "es",
    "ed",
    "er",
    "ers",
    "ing",
    "in",
    "y",
    "ty",
    "hole",
    "holes",
    "head",
    "heads",
)

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Folded:
    text: str
    # For each character of `text`, the original characters it came from:
    # original[starts[i]:ends[i]].
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    original_length: int

    @property
    def changed(self) -> bool:
        return bool(self.starts) or len(self.text) != self.original_length

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original that the folded span [start, end) came from."""
        if not self.changed:
            return start, end
        if end <= start:
            point = self.starts[start] if start < len(self.starts) else self.original_length
            return point, point
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> Folded:
    if _is_plain(text):
        return Folded(text=text, starts=(), ends=(), original_length=len(text))
    chars, starts, ends = _normalized(text)
    _fold_lookalikes(chars)
    _unmask(chars, starts, ends)
    return Folded(
        text="".join(chars), starts=tuple(starts), ends=tuple(ends), original_length=len(text)
    )


_PLAIN = re.compile(r"[\x20-\x7e\n\r\t]*")


def _is_plain(text: str) -> bool:
    """ASCII with no masking symbol or digit inside a word: nothing to fold."""
    if not _PLAIN.fullmatch(text):
        return False
    return not any(_looks_masked(match.group()) for match in _MASKED_TOKEN.finditer(text)) and not (
        _SPELLED_OUT.search(text)
    )


def _looks_masked(token: str) -> bool:
    return any(char.isalpha() for char in token) and any(char in _MASKS for char in token)


def _normalized(text: str) -> tuple[list[str], list[int], list[int]]:
    """Steps 1 and 2: invisible characters out, each cluster (a character and
    its combining marks) in NFKC, each output character mapped to its cluster."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    length = len(text)
    while position < length:
        end = position + 1
        while end < length and (unicodedata.combining(text[end]) or text[end] in _INVISIBLE):
            end += 1
        cluster = "".join(char for char in text[position:end] if char not in _INVISIBLE)
        for char in unicodedata.normalize("NFKC", cluster) if cluster else "":
            chars.append(char)
            starts.append(position)
            ends.append(end)
        position = end
    return chars, starts, ends


@cache
def _lookalikes() -> dict[str, str]:
    """Letters of other scripts that look like one Latin letter (Unicode's
    confusables, as shipped by confusable-homoglyphs)."""
    table = json.loads(
        (resources.files("confusable_homoglyphs") / "confusables.json").read_text("utf-8")
    )
    lookalikes: dict[str, str] = {}
    for char, homoglyphs in table.items():
        if len(char) != 1 or _is_latin(char) or not char.isalpha():
            continue
        for homoglyph in homoglyphs:
            latin = homoglyph["c"]
            if len(latin) == 1 and latin.isascii() and latin.isalpha():
                lookalikes[char] = latin
                break
    return lookalikes


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def _fold_lookalikes(chars: list[str]) -> None:
    lookalikes = _lookalikes()
    if not any(char in lookalikes for char in chars):
        return
    letters = [char for char in chars if char.isalpha()]
    mostly_latin = sum(_is_latin(char) for char in letters) * 2 >= len(letters)
    word_start = 0
    for position in range(len(chars) + 1):
        if position < len(chars) and (chars[position].isalnum() or chars[position] in _MASKS):
            continue
        word = range(word_start, position)
        if mostly_latin or any(_is_latin(chars[index]) for index in word):
            for index in word:
                chars[index] = lookalikes.get(chars[index], chars[index])
        word_start = position + 1


@cache
def _maskable_words() -> dict[int, tuple[str, ...]]:
    """Every form of every maskable word, by length, in the file's order (an
    ambiguous mask, `f***ing`, reads as the word listed first)."""
    stems = [
        line.strip().lower()
        for line in (_DATA / "maskable_words.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    by_length: dict[int, dict[str, None]] = {}
    for stem in stems:
        for suffix in _SUFFIXES:
            form = stem + suffix
            by_length.setdefault(len(form), {})[form] = None
    return {length: tuple(forms) for length, forms in by_length.items()}


def unmasked(token: str) -> str | None:
    """The maskable word `token` masks (`sh!t` -> `shit`), or None."""
    if not _looks_masked(token) or all(char in _WILDCARDS for char in token[1:]):
        return None
    lowered = token.lower()
    pattern = "".join(
        "[^\\W\\d_]"
        if char in _WILDCARDS
        else f"[{re.escape(_LEET[char])}]"
        if char in _LEET
        else re.escape(char)
        for char in lowered
    )
    matcher = re.compile(pattern)
    for form in _maskable_words().get(len(token), ()):
        if matcher.fullmatch(form):
            return form
    return None


def _unmask(chars: list[str], starts: list[int], ends: list[int]) -> None:
    text = "".join(chars)
    for match in _MASKED_TOKEN.finditer(text):
        token = match.group()
        word = unmasked(token) or unmasked(token.rstrip("!.*"))
        if word is None:
            continue
        for offset, letter in enumerate(word):
            index = match.start() + offset
            if chars[index] in _MASKS:
                chars[index] = letter
    _join_spelled_out(chars, starts, ends)


def _join_spelled_out(chars: list[str], starts: list[int], ends: list[int]) -> None:
    """`f.u.c.k` -> `fuck`, when the letters spell a maskable word."""
    text = "".join(chars)
    removals: list[int] = []
    for match in _SPELLED_OUT.finditer(text):
        letters = match.group()[::2]
        if letters.lower() not in _maskable_words().get(len(letters), ()):
            continue
        removals.extend(range(match.start() + 1, match.end(), 2))
    for index in reversed(removals):
        # The separator's original characters join the letter before it.
        ends[index - 1] = ends[index]
        del chars[index], starts[index], ends[index]
