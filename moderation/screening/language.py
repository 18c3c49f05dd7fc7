"""The language a story is written in, flagged when the topic does not
publish in it (a moderator may translate, ask, or decline it).

Detection is py3langid (a naive Bayes model over byte n-grams that ships
inside the package, BSD licence): about a tenth of a millisecond a story.
It is limited to the languages patients here write in, and short or
junk texts are never flagged: a guess on three words is not evidence.
"""

from collections.abc import Sequence

from django.conf import settings

from moderation.screening import Flag, ScreeningContext
from moderation.screening.language_detection import (
    CANDIDATES,
    MIN_CONFIDENCE,
    MIN_WORDS,
    NAMES,
    detect,
    story_language,
)

__all__ = [
    "CANDIDATES",
    "MIN_CONFIDENCE",
    "MIN_WORDS",
    "NAMES",
    "detect",
    "screen",
    "story_language",
]


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
