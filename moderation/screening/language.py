"""The language a story is written in, flagged when the topic does not
publish in it (a moderator may translate, ask, or decline it).

Detection is py3langid (a naive Bayes model over byte n-grams that ships
inside the package, BSD licence): about a tenth of a millisecond a story.
It is limited to the languages patients here write in, and short or
junk texts are never flagged: a guess on three words is not evidence.
"""

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.conf import settings

from moderation.screening import Flag, ScreeningContext

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


def publishing_languages(context: ScreeningContext) -> Sequence[str]:
    return context.languages or settings.SCREENING_DEFAULT_LANGUAGES


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    found = detect(text)
    if found is None:
        return []
    code, confidence = found
    allowed = publishing_languages(context)
    if code in allowed or confidence < MIN_CONFIDENCE:
        return []
    name = NAMES.get(code, code)
    return [
        Flag(
            kind="language",
            severity="low",
            detail=f"Written in {name} ({code}); this topic publishes in {', '.join(allowed)}.",
        )
    ]
