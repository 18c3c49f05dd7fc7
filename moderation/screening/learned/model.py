"""A trained learned layer: one logistic regression per kind over the hashed
features, its thresholds, and what it was trained on.

Stored as one `.npz` file (float32 weights and intercepts, JSON metadata),
the same bytes in the repository's artefact and in a `ScreeningModel` row.
Reading it needs numpy only: no network, no fitted vocabulary, no
scikit-learn in the worker.
"""

import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from moderation.screening.learned import features

KINDS = ("spam", "abuse", "profanity", "medical_claim")


def content_version(
    weights: npt.NDArray[np.float32],
    intercepts: npt.NDArray[np.float32],
    thresholds: dict[str, float],
) -> str:
    """A short hash of what decides the scores: the same training gives the same version."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(weights, dtype=np.float32).tobytes())
    digest.update(np.ascontiguousarray(intercepts, dtype=np.float32).tobytes())
    digest.update(json.dumps([thresholds, features.CONFIG], sort_keys=True).encode())
    return digest.hexdigest()[:12]


@dataclass(frozen=True, eq=False)
class LearnedModel:
    kinds: tuple[str, ...]
    weights: npt.NDArray[np.float32]  # (kinds, features.N_FEATURES)
    intercepts: npt.NDArray[np.float32]  # (kinds,)
    # A kind is flagged at or above its threshold (chosen on the validation split).
    thresholds: dict[str, float]
    # version, trained_at, corpus files and their SHA-256, counts, figures
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["version"])

    def _probabilities(self, text: str) -> npt.NDArray[np.float64]:
        columns, values = features.vector(text)
        logits = self.weights[:, columns].astype(np.float64) @ values + self.intercepts
        return 1.0 / (1.0 + np.exp(-logits))

    def scores(self, text: str) -> dict[str, float]:
        """Each kind's probability, 0 to 1."""
        probabilities = self._probabilities(text)
        return {kind: float(p) for kind, p in zip(self.kinds, probabilities, strict=True)}

    def score_many(self, texts: list[str]) -> npt.NDArray[np.float64]:
        """(texts, kinds) probabilities, for evaluation."""
        if not texts:
            return np.zeros((0, len(self.kinds)))
        return np.stack([self._probabilities(text) for text in texts])

    def reasons(self, text: str, kind: str, top: int = 3) -> list[str]:
        """The words and word pairs of this text that pushed `kind` up most.

        Each character n-gram's weight goes to the words of the text that
        contain it, so "prescription" collects what " pres", "ripti" and
        "tion " add as well as its own word weight.
        """
        columns, values = features.vector(text)
        weights = self.weights[self.kinds.index(kind)]
        names = features.feature_names(text)
        words = [word for word in dict.fromkeys(features.words_of(text)) if len(word) > 1]
        weight_of: dict[str, float] = defaultdict(float)
        for column, value in zip(columns, values, strict=True):
            contribution = float(value * weights[column])
            ngrams = names.get(int(column), [])
            if not ngrams or contribution == 0.0:
                continue
            share = contribution / len(ngrams)
            for ngram in ngrams:
                if column >= features.CHAR_BUCKETS:
                    weight_of[ngram] += share
                    continue
                owners = _words_containing(ngram, words)
                for word in owners:
                    weight_of[word] += share / len(owners)
        ranked = sorted(
            (item for item in weight_of.items() if item[1] > 0 and len(item[0]) > 1),
            key=lambda item: (-item[1], item[0]),
        )
        return [name for name, _ in ranked[:top]]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            weights=self.weights.astype(np.float32),
            intercepts=self.intercepts.astype(np.float32),
            metadata=np.frombuffer(json.dumps(self.metadata, sort_keys=True).encode(), np.uint8),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "LearnedModel":
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            metadata = json.loads(stored["metadata"].tobytes().decode())
            weights = stored["weights"].astype(np.float32)
            intercepts = stored["intercepts"].astype(np.float32)
        if metadata.get("features") != features.CONFIG:
            raise ValueError("this model was trained on other features than this code computes")
        return cls(
            kinds=tuple(metadata["kinds"]),
            weights=weights,
            intercepts=intercepts,
            thresholds={kind: float(value) for kind, value in metadata["thresholds"].items()},
            metadata=metadata,
        )


def _words_containing(ngram: str, words: list[str]) -> list[str]:
    """char_wb n-grams are padded with a space at a word's edges."""
    core = ngram.strip()
    if not core:
        return []
    starts, ends = ngram.startswith(" "), ngram.endswith(" ")
    return [
        word
        for word in words
        if core in word
        and (not starts or word.startswith(core))
        and (not ends or word.endswith(core))
    ]
