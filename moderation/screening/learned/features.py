"""Hashed text features: character n-grams within words (2-5) and word
uni- and bigrams, each hashed into a fixed number of buckets.

Nothing is fitted: the same text gives the same vector in every process,
memory stays bounded whatever the vocabulary, and a new word needs no
retraining of the features. The cost is that a bucket has no name, so to
tell a moderator why the model scored a text, `feature_names` rebuilds,
from that text alone, which of its n-grams fall into which bucket.
"""

from collections import defaultdict
from functools import cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

CHAR_BUCKETS = 2**17
WORD_BUCKETS = 2**16
N_FEATURES = CHAR_BUCKETS + WORD_BUCKETS
# Recorded in the artefact: a model is only read with the features it was trained on.
CONFIG = {
    "char": {"analyzer": "char_wb", "ngram_range": [2, 5], "n_features": CHAR_BUCKETS},
    "word": {"analyzer": "word", "ngram_range": [1, 2], "n_features": WORD_BUCKETS},
    "norm": "l2 per part",
}
_WORD_PATTERN = r"(?u)\b\w+\b"


@cache
def _vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    common = {"alternate_sign": False, "norm": "l2", "lowercase": True, "dtype": np.float32}
    chars = HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), n_features=CHAR_BUCKETS, **common
    )
    words = HashingVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        n_features=WORD_BUCKETS,
        token_pattern=_WORD_PATTERN,
        **common,
    )
    return chars, words


def vectorize(texts: list[str]) -> sp.csr_matrix:
    """One row per text, N_FEATURES columns: character buckets, then word buckets."""
    chars, words = _vectorizers()
    return sp.hstack([chars.transform(texts), words.transform(texts)], format="csr")


def _bucket(feature: str, buckets: int) -> int:
    # HashingVectorizer's own hash: signed 32-bit murmurhash3, seed 0, abs, modulo.
    return abs(int(murmurhash3_32(feature, seed=0))) % buckets


def feature_names(text: str) -> dict[int, list[str]]:
    """Column → the n-grams of this text that fall into it (word n-grams first)."""
    chars, words = _vectorizers()
    names: dict[int, list[str]] = defaultdict(list)
    for ngram in dict.fromkeys(words.build_analyzer()(text)):
        names[CHAR_BUCKETS + _bucket(ngram, WORD_BUCKETS)].append(ngram)
    for ngram in dict.fromkeys(chars.build_analyzer()(text)):
        names[_bucket(ngram, CHAR_BUCKETS)].append(ngram)
    return names


def words_of(text: str) -> list[str]:
    """The text's distinct lowercased words, in order, as the word features see them."""
    _, words = _vectorizers()
    return list(dict.fromkeys(words.build_tokenizer()(text.lower())))
