"""Differences between a story's texts: the unified diff kept in an edit's
audit record, and the word diff the review page shows.

The word diff also exists in `testimonials` (the patient's page shows the
edit awaiting their approval); the two are to be folded into one.
"""

import difflib

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def text_diff(before: str, after: str) -> str:
    """A unified diff of a published text's change, kept in its audit record
    so that the evidence export can show every edit."""
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=1
    )
    return "\n".join(lines)


def edit_diff(original: str, edited: str) -> SafeString:
    """Word-level diff: removed words struck through, added words underlined."""
    before, after = original.split(), edited.split()
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", " ".join(before[a0:a1])))
            continue
        if a1 > a0:
            parts.append(format_html("<del>{}</del>", " ".join(before[a0:a1])))
        if b1 > b0:
            parts.append(format_html("<ins>{}</ins>", " ".join(after[b0:b1])))
    return format_html_join(" ", "{}", ((part,) for part in parts))
