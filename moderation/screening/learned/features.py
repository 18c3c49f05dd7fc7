"""Hashed text features: character n-grams within words (2-5) and word
uni- and bigrams, each hashed into a fixed number of buckets.

Nothing is fitted: the same text gives the same vector in every process,
memory stays bounded whatever the vocabulary, and a new word needs no
retraining of the features. Training builds them with scikit-learn's
`HashingVectorizer` (`training.vectorizers`); screening computes the very
same vectors here with numpy alone, because importing scikit-learn would
add some 65 MB to every worker process. A test holds the two identical.

A bucket has no name, so to tell a moderator why the model scored a text,
`feature_names` rebuilds, from that text alone, which of its n-grams fall
into which bucket.
"""

import itertools
import re
from collections import defaultdict

import numpy as np
import numpy.typing as npt

CHAR_BUCKETS = 2**17
WORD_BUCKETS = 2**16
N_FEATURES = CHAR_BUCKETS + WORD_BUCKETS
CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 2)
WORD_PATTERN = r"(?u)\b\w+\b"
# Recorded in the artefact: a model is only read with the features it was trained on.
CONFIG = {
    "char": {"analyzer": "char_wb", "ngram_range": list(CHAR_NGRAMS), "n_features": CHAR_BUCKETS},
    "word": {"analyzer": "word", "ngram_range": list(WORD_NGRAMS), "n_features": WORD_BUCKETS},
    "norm": "l2 per part",
}
_WORDS = re.compile(WORD_PATTERN)


def char_ngrams(text: str) -> list[str]:
    """As `HashingVectorizer(analyzer="char_wb")`: each word padded with a
    space at both ends; a word shorter than n counts once, whole."""
    low, high = CHAR_NGRAMS
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if n >= size:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return grams


def words_of(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


# Below this many words a text gives the model too little to go on: a lone
# "Great" scores whatever that word weighed in the ads it appeared in.
# Keyboard mash and other short junk stay the rules' (`spam`).
MIN_WORDS = 3


def enough_words(text: str) -> bool:
    """Whether the model may flag this text at all (its score is kept either way)."""
    return len(words_of(text)) >= MIN_WORDS


def word_ngrams(text: str) -> list[str]:
    words = words_of(text)
    return words + [f"{first} {second}" for first, second in itertools.pairwise(words)]


_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)


def _rotl(values: npt.NDArray[np.uint32], bits: int) -> npt.NDArray[np.uint32]:
    return (values << np.uint32(bits)) | (values >> np.uint32(32 - bits))


def murmur3(grams: list[str]) -> npt.NDArray[np.int64]:
    """Signed 32-bit MurmurHash3 (seed 0) of each string's UTF-8 bytes, the
    hash scikit-learn's hashing vectorizer uses; all strings at once."""
    data = [gram.encode("utf-8") for gram in grams]
    count = len(data)
    lengths = np.fromiter(map(len, data), dtype=np.int64, count=count)
    width = (int(lengths.max(initial=0)) // 4 + 1) * 4
    padded = b"".join(item.ljust(width, b"\0") for item in data)
    blocks = np.frombuffer(padded, dtype="<u4").reshape(count, width // 4)
    whole = lengths // 4
    hashes = np.zeros(count, dtype=np.uint32)
    with np.errstate(over="ignore"):
        for index in range(int(whole.max(initial=0))):
            key = _rotl(blocks[:, index] * _C1, 15) * _C2
            mixed = _rotl(hashes ^ key, 13) * np.uint32(5) + np.uint32(0xE6546B64)
            hashes = np.where(whole > index, mixed, hashes)
        # The 1-3 bytes after the whole blocks: the zero padding reads them as one word.
        tail = _rotl(blocks[np.arange(count), whole] * _C1, 15) * _C2
        hashes = np.where(lengths % 4 > 0, hashes ^ tail, hashes)
        hashes ^= lengths.astype(np.uint32)
        hashes ^= hashes >> np.uint32(16)
        hashes *= np.uint32(0x85EBCA6B)
        hashes ^= hashes >> np.uint32(13)
        hashes *= np.uint32(0xC2B2AE35)
        hashes ^= hashes >> np.uint32(16)
    return hashes.view(np.int32).astype(np.int64)


def _part(
    hashes: npt.NDArray[np.int64], buckets: int, offset: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    columns, counts = np.unique(np.abs(hashes) % buckets, return_counts=True)
    values = counts.astype(np.float32)
    norm = np.sqrt(np.sum(values * values, dtype=np.float32))
    return columns + offset, (values / norm if norm else values)


def vector(text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """The text's non-zero columns and their values (each part l2-normalised)."""
    chars, words = char_ngrams(text), word_ngrams(text)
    hashes = murmur3(chars + words)
    char_columns, char_values = _part(hashes[: len(chars)], CHAR_BUCKETS, 0)
    word_columns, word_values = _part(hashes[len(chars) :], WORD_BUCKETS, CHAR_BUCKETS)
    return np.concatenate([char_columns, word_columns]), np.concatenate([char_values, word_values])


def feature_names(text: str) -> dict[int, list[str]]:
    """Column → the n-grams of this text that fall into it (word n-grams first)."""
    words = list(dict.fromkeys(word_ngrams(text)))
    chars = list(dict.fromkeys(char_ngrams(text)))
    hashes = np.abs(murmur3(words + chars))
    names: dict[int, list[str]] = defaultdict(list)
    for gram, value in zip(words, hashes[: len(words)], strict=True):
        names[CHAR_BUCKETS + int(value % WORD_BUCKETS)].append(gram)
    for gram, value in zip(chars, hashes[len(words) :], strict=True):
        names[int(value % CHAR_BUCKETS)].append(gram)
    return names
