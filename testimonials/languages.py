"""Which language a page or an email is written in.

A topic names the languages its stories are published in (`Topic.languages`);
we write pages and emails in those of `settings.LANGUAGES` we have
translations for. A visitor's `Accept-Language` (read by Django's
`LocaleMiddleware`) picks among the topic's languages; a story's emails go
out in the language the story was written in (detected by screening), so
the patient reads them in their own language.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from testimonials.models import Testimonial, Topic


def supported() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _base(code: str | None) -> str:
    return (code or "").split("-")[0].lower()


def topic_languages(topic: Topic) -> list[str]:
    """The topic's languages we can write in, in the topic's order."""
    ours = supported()
    return [code for code in map(_base, topic.languages or []) if code in ours]


def requested(request: HttpRequest) -> str:
    """The visitor's language as `LocaleMiddleware` chose it from the
    `Accept-Language` header (or the default)."""
    return _base(getattr(request, "LANGUAGE_CODE", None) or translation.get_language())


def for_topic(topic: Topic, visitor: str) -> str:
    """The visitor's language when the topic publishes in it; else the
    topic's first language we have; else the visitor's own."""
    offered = topic_languages(topic)
    visitor = _base(visitor)
    if visitor in offered or not offered:
        return visitor if visitor in supported() else settings.LANGUAGE_CODE
    return offered[0]


def for_testimonial(testimonial: Testimonial) -> str:
    """The language to write to the patient in: their story's, when we
    have it; else the topic's first."""
    written_in = _base(testimonial.language)
    if written_in in supported():
        return written_in
    offered = topic_languages(testimonial.topic)
    return offered[0] if offered else settings.LANGUAGE_CODE
