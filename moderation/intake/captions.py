"""Screening what a patient typed for their video or audio (WebVTT captions
or a transcript) like the story's text: the flags, with spans into the
captions' words, are kept on the media row for the review page, and each
counts on the story as a whole-text flag that says where it was found."""

import re
from dataclasses import replace

from moderation import screening
from testimonials.models import StoryMedia, Testimonial

# What a WebVTT file holds besides the words: its header, cue ids, timings,
# NOTE blocks' first line, and markup such as <v Maria> or <i>.
_TIMING = re.compile(r"^\s*(\d{2}:)?\d{2}:\d{2}\.\d{3}\s+-->")
_MARKUP = re.compile(r"<[^>]*>")
# Kinds that say nothing about the captions' own words.
_NOT_FROM_CAPTIONS = frozenset({"duplicate", "language", "unscreened"})


def captions_words(captions: str) -> str:
    """The words of WebVTT captions, a cue a line (a plain transcript as it is)."""
    text = captions.lstrip("\ufeff")
    if not text.startswith("WEBVTT"):
        return text
    words: list[str] = []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    for block in blocks[1:]:
        lines = block.strip().split("\n")
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        if len(lines) > 1 and _TIMING.match(lines[1]):
            lines = lines[1:]  # a cue id before its timing
        words.extend(
            _MARKUP.sub("", line).strip()
            for line in lines
            if line.strip() and not _TIMING.match(line)
        )
    return "\n".join(words)


def captions_screen(
    testimonial: Testimonial, context: screening.ScreeningContext
) -> list[screening.Flag]:
    """Screen every caption of the story's media; store each one's flags on
    its row and return them as whole-text flags for the story."""
    for_story: list[screening.Flag] = []
    for media in StoryMedia.objects.filter(testimonial_id=testimonial.pk).exclude(captions=""):
        result = screening.run(captions_words(media.captions), context)
        flags = [flag for flag in result.flags if flag.kind not in _NOT_FROM_CAPTIONS]
        StoryMedia.objects.filter(pk=media.pk).update(
            captions_flags=[flag.as_dict() for flag in flags]
        )
        for_story.extend(
            replace(
                flag, start=None, end=None, detail=f"In the {media.kind}'s captions: {flag.detail}"
            )
            for flag in flags
        )
    return for_story
