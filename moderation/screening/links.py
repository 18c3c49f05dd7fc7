"""Web addresses: personal data to redact, and spam when there are many."""

import re

from moderation.screening import Flag, ScreeningContext

_URL = re.compile(
    r"""(?ix)
    \b(?:
        https?://[^\s<>"']+
      | www\.[^\s<>"']+
      | [a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*
        \.(?:com|net|org|io|co|biz|info|ly|me|xyz|shop|online|site|us|uk)
        (?:/[^\s<>"']*)?
    )
    """
)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""
_SPAM_LINK_COUNT = 3


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    flags: list[Flag] = []
    for match in _URL.finditer(text):
        value = match.group(0).rstrip(_TRAILING_PUNCTUATION)
        flags.append(
            Flag(
                kind="pii",
                entity="URL",
                severity="medium",
                detail="A web address.",
                start=match.start(),
                end=match.start() + len(value),
            )
        )
    if len(flags) >= _SPAM_LINK_COUNT:
        flags.append(Flag(kind="spam", severity="high", detail=f"{len(flags)} links in one story."))
    return flags
