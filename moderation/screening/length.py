"""Stories too short to say anything, or one character hammered out."""

import re

from moderation.screening import Flag, ScreeningContext

_REPEATED_CHARACTER = re.compile(r"(\S)\1{7,}")
_MIN_WORDS = 4


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    flags: list[Flag] = []
    words = re.findall(r"\w+", text)
    if len(words) < _MIN_WORDS:
        flags.append(Flag(kind="length", severity="low", detail=f"Only {len(words)} words."))
    for match in _REPEATED_CHARACTER.finditer(text):
        flags.append(
            Flag(
                kind="spam",
                severity="medium",
                detail="A character repeated many times.",
                start=match.start(),
                end=match.end(),
            )
        )
    return flags
