"""Exact and near duplicates of earlier testimonials.

Texts are compared after normalising case, punctuation and accents, as
sets of word pairs (shingles). Two texts are near duplicates when their
shingle sets overlap by `THRESHOLD` (Jaccard), or when the shorter one is
almost wholly inside the longer (an added sentence).

Finding the earlier items to compare with must not mean reading every
story: `lookup_keys()` gives a text's MinHash-LSH band keys (plus one key
for its exact normalised form). They are stored per testimonial
(`moderation.models.DuplicateKey`) and queried by index; only the few
stories that share a key with the new one are handed to this screener as
`context.earlier`. `DuplicateIndex` does the same in memory for
`manage.py screen`.
"""

import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from moderation.screening import EarlierItem, Flag, ScreeningContext

THRESHOLD = 0.6
CONTAINMENT = 0.85
MIN_WORDS = 5

_PERMUTATIONS = 64
_BANDS = 16
_ROWS = _PERMUTATIONS // _BANDS
_PRIME = (1 << 31) - 1  # a*x+b stays below 2**63 in uint64
# Fixed seeds: stored keys must stay comparable across processes and releases.
_RANDOM = np.random.default_rng(20260411)
_A = _RANDOM.integers(1, _PRIME, size=_PERMUTATIONS, dtype=np.uint64)
_B = _RANDOM.integers(0, _PRIME, size=_PERMUTATIONS, dtype=np.uint64)


def normalise(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"['’`]", "", plain)  # "it's" and "its" are one word
    return re.findall(r"\w+", plain)


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


@lru_cache(maxsize=4096)
def shingles(text: str) -> frozenset[int]:
    words = normalise(text)
    if len(words) < 2:
        return frozenset(_hash64(word) for word in words)
    return frozenset(_hash64(f"{a} {b}") for a, b in itertools.pairwise(words))


def _signed(value: int) -> int:
    """Keys fit a signed 64-bit database column."""
    return value - (1 << 64) if value >= 1 << 63 else value


def lookup_keys(text: str) -> list[int]:
    """The exact-text key, then one key per LSH band."""
    words = normalise(text)
    if len(words) < MIN_WORDS:
        return []
    keys = [_signed(_hash64("exact:" + " ".join(words)))]
    values = np.array([value % _PRIME for value in shingles(text)], dtype=np.uint64)
    hashed = (np.outer(_A, values) + _B[:, None]) % np.uint64(_PRIME)
    signature = hashed.min(axis=1)
    for band in range(_BANDS):
        rows = signature[band * _ROWS : (band + 1) * _ROWS]
        keys.append(_signed(_hash64(f"band{band}:" + ",".join(str(int(v)) for v in rows))))
    return keys


def similarity(a: str, b: str) -> float:
    first, second = shingles(a), shingles(b)
    if not first or not second:
        return 0.0
    common = len(first & second)
    jaccard = common / len(first | second)
    smaller, larger = sorted((len(first), len(second)))
    if smaller / larger >= 0.5 and common / smaller >= CONTAINMENT:
        return max(jaccard, common / smaller)
    return jaccard


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    if len(normalise(text)) < MIN_WORDS:
        return []
    best: tuple[float, str] | None = None
    for item in context.earlier:
        score = similarity(text, item.body)
        if score >= THRESHOLD and (best is None or score > best[0]):
            best = (score, item.id)
    if best is None:
        return []
    score, earlier_id = best
    earlier_body = next(item.body for item in context.earlier if item.id == earlier_id)
    if normalise(earlier_body) == normalise(text):
        what = "The same text as"
    else:
        what = f"Nearly the same text ({score:.0%} alike) as"
    return [
        Flag(
            kind="duplicate",
            severity="medium",
            detail=f"{what} an earlier story.",
            duplicate_of=earlier_id,
        )
    ]


class DuplicateIndex:
    """An in-memory stand-in for the stored keys, for files screened in one go."""

    def __init__(self) -> None:
        self._items: dict[str, EarlierItem] = {}
        self._by_key: dict[int, list[str]] = defaultdict(list)

    def add(self, item: EarlierItem) -> None:
        self._items[item.id] = item
        for key in lookup_keys(item.body):
            self._by_key[key].append(item.id)

    def candidates(self, text: str) -> list[EarlierItem]:
        ids: dict[str, None] = {}
        for key in lookup_keys(text):
            for item_id in self._by_key.get(key, ()):
                ids.setdefault(item_id)
        return [self._items[item_id] for item_id in ids]

    def extend(self, items: Iterable[EarlierItem]) -> None:
        for item in items:
            self.add(item)
