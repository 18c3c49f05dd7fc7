"""Stories too short to say anything: a hint for the moderator, never a
reason to reject (a short honest review is still a review)."""

import re

from moderation.screening import Flag, ScreeningContext

_MIN_WORDS = 4


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    words = re.findall(r"\w+", text)
    if len(words) < _MIN_WORDS:
        return [Flag(kind="length", severity="low", detail=f"Only {len(words)} words.")]
    return []
