"""Differences between a story's texts: the unified diff kept in an edit's
audit record, and the word diff the review page shows (the one word diff
of `testimonials.consent.rules`, which the patient's page shows too).
"""

import difflib

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from testimonials.consent.rules import word_diff

_MARKUP = {"equal": "{}", "removed": "<del>{}</del>", "added": "<ins>{}</ins>"}


def text_diff(before: str, after: str) -> str:
    """A unified diff of a published text's change, kept in its audit record
    so that the evidence export can show every edit."""
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=1
    )
    return "\n".join(lines)


def edit_diff(original: str, edited: str) -> SafeString:
    """Word-level diff: removed words struck through, added words underlined."""
    return format_html_join(
        " ",
        "{}",
        ((format_html(_MARKUP[part.op], part.text),) for part in word_diff(original, edited)),
    )
