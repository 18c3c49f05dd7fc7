"""What a read-only reviewer (compliance) is shown of a story: enough to
check that stories are screened, decided and disclosed as the rules say,
and no personal data beyond it.

Shown: the story's status, topic, location, rating, risk, flags (their
kind, severity and explanation, without positions in a text they do not
see), consent and its version, the decision and its reason, the history
of status changes (who on the staff moved it, when, why), the published
text. Instead of the text as submitted: screening's suggested redaction
when it found personal data, the text otherwise. Never: the author's name,
the name it is shown under, the email address, the patient's other
stories, the authorization's signature, the photo or recording itself and
what the patient wrote of it (alt text, captions), moderators' notes and free-text
rejection notes (either may quote the patient)."""

from typing import Any

from testimonials.models import Testimonial

# Left blank (strings) or empty for a reviewer, in the moderation API's shape.
BLANKED = ("author_name", "display_name", "email", "rejection_note")
EMPTIED = ("notes", "earlier_from_same_email")


def reviewer_text(testimonial: Testimonial) -> str:
    """The story's text as a reviewer reads it."""
    return testimonial.suggested_body or testimonial.body


def reviewer_flags(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flags without their positions (they point into the unredacted text)."""
    return [{**flag, "start": None, "end": None} for flag in flags]


def reviewer_item(data: dict[str, Any], testimonial: Testimonial) -> dict[str, Any]:
    """The moderation API's representation of `testimonial` (`data`), as a
    reviewer is shown it: the same fields, personal ones blank."""
    shown = {**data, "body": reviewer_text(testimonial)}
    if "flags" in shown:
        shown["flags"] = reviewer_flags(list(shown["flags"]))
    for name in BLANKED:
        if name in shown:
            shown[name] = ""
    for name in EMPTIED:
        if name in shown:
            shown[name] = []
    if "authorization" in shown:
        shown["authorization"] = None
    if "media" in shown:  # a face or a voice is personal data; the kind and size are not
        shown["media"] = [
            {**media, "alt": "", "captions": "", "review_url": None} for media in shown["media"]
        ]
    return shown
