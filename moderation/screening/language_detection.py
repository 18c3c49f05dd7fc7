"""Which language a text is written in: py3langid (a naive Bayes model over
byte n-grams that ships inside the package, BSD licence), about a tenth of a
millisecond a story, limited to the languages patients here write in.

The runner asks it once per story (`story_language`) before any screener
runs; the `language` screener flags a story the topic does not publish in.
It imports nothing of the screening package, so both can use it.
"""

from functools import cache
from typing import Any

# Languages the detector may answer with; anything else would only be noise.
CANDIDATES = (
    "en", "es", "pt", "fr", "de", "it", "nl", "pl", "ro", "sv", "da", "no", "fi", "tr", "ru",
    "uk", "ar", "he", "fa", "hi", "ur", "bn", "zh", "ja", "ko", "vi", "th", "id", "tl", "el",
    "cs", "hu",
)  # fmt: skip
NAMES = {
    "en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German",
    "it": "Italian", "nl": "Dutch", "pl": "Polish", "ro": "Romanian", "sv": "Swedish",
    "da": "Danish", "no": "Norwegian", "fi": "Finnish", "tr": "Turkish", "ru": "Russian",
    "uk": "Ukrainian", "ar": "Arabic", "he": "Hebrew", "fa": "Persian", "hi": "Hindi",
    "ur": "Urdu", "bn": "Bengali", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
    "vi": "Vietnamese", "th": "Thai", "id": "Indonesian", "tl": "Tagalog", "el": "Greek",
    "cs": "Czech", "hu": "Hungarian",
}  # fmt: skip
MIN_WORDS = 4
MIN_CONFIDENCE = 0.9


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def detect(text: str) -> tuple[str, float] | None:
    """(ISO 639-1 code, confidence 0 to 1), or None when there is too little text."""
    words = [word for word in text.split() if any(ch.isalpha() for ch in word)]
    if len(words) < MIN_WORDS:
        return None
    code, confidence = _identifier().classify(text)
    return str(code), float(confidence)


def story_language(text: str) -> str | None:
    """The story's language when the detector is sure of it, else None."""
    found = detect(text)
    if found is None or found[1] < MIN_CONFIDENCE:
        return None
    return found[0]
