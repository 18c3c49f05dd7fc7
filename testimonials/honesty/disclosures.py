"""Honest publishing: what a reader must be told next to a story, and the
rules a moderator's decision must keep.

- A story with an outcome claim is published only with a typical-results
  statement (16 CFR 255.2); a topic's statement goes with every story of
  the topic that has one.
- A material connection (staff, family of staff, a discount, a gift) and an
  invitation's incentive are published with the story (16 CFR 255.5, 465.5).
- A topic in "All reviews" mode removes stories only for a content-based
  reason (16 CFR 465.7); "Selected patient stories" is always labelled as a
  selection.

Pure rules and the public representation of them; the moderation services
call them, every public surface renders them.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from testimonials.errors import FieldErrors
from testimonials.models import (
    MaterialConnection,
    PublishingMode,
    RejectionReason,
    Testimonial,
    Topic,
    TypicalResultsStatement,
)

# Screening flag kinds that mark a claim about a result: such a story may
# not be published without a typical-results statement.
OUTCOME_FLAG_KINDS = frozenset({"medical_claim", "outcome"})

# Reasons that judge what a story says, applied alike whatever its rating or
# sentiment: the only ones an "All reviews" topic accepts. `other` is left
# out because nothing makes it content-based; a moderator who needs it on
# such a topic has found a gap in this list, which is a code change.
CONTENT_BASED_REASONS: tuple[str, ...] = (
    RejectionReason.PERSONAL_DATA,
    RejectionReason.PROFANITY_ABUSE,
    RejectionReason.SPAM,
    RejectionReason.OFF_TOPIC,
    RejectionReason.DUPLICATE,
    RejectionReason.NO_CONSENT,
    RejectionReason.MEDICAL_CLAIM,
)

MODE_NOTES = {
    PublishingMode.SELECTED: _(
        "The clinic chose these stories from those patients sent. They are a selection, not "
        "all of them; the numbers below show what happened to every story."
    ),
    PublishingMode.ALL: _(
        "Every story patients send is shown here unless a moderator declines it for what it "
        "says (personal data, abuse, spam, off topic, a duplicate, no consent, or a health "
        "claim that cannot be published), never for its rating or its tone."
    ),
}

_CONNECTION_TEXTS = {
    MaterialConnection.EMPLOYEE: _("The author works for the clinic."),
    MaterialConnection.STAFF_FAMILY: _("The author is related to a member of the clinic's staff."),
    MaterialConnection.DISCOUNT: _("The author received a discount from the clinic."),
    MaterialConnection.GIFT: _("The author received a gift or payment from the clinic."),
    MaterialConnection.OTHER: _("The author has a connection to the clinic."),
}


def needs_typical_results(testimonial: Testimonial) -> bool:
    """Whether screening flagged a claim about a result."""
    return any(f",{kind}," in testimonial.flag_kinds for kind in OUTCOME_FLAG_KINDS)


def current_statements(topic: Topic) -> list[TypicalResultsStatement]:
    return list(topic.typical_results_statements.filter(retired_at=None).order_by("tag"))


def removal_reasons(topic: Topic) -> list[tuple[str, str]]:
    """The reasons a moderator may choose on this topic, for forms."""
    if topic.publishing_mode == PublishingMode.ALL:
        return [(value, str(label)) for value, label in RejectionReason.choices if value != "other"]
    return [(value, str(label)) for value, label in RejectionReason.choices]


def check_removal_reason(*, topic: Topic, reason: str) -> None:
    """Refuse a rejection or take-down on an "All reviews" topic unless the
    reason is content-based. Every path (API, review page, bulk action)
    goes through the services that call this."""
    if topic.publishing_mode == PublishingMode.ALL and reason not in CONTENT_BASED_REASONS:
        raise FieldErrors(
            {
                "reason": [
                    "This topic publishes all reviews: a story can only be declined for what "
                    f"it says. Choose one of: {', '.join(CONTENT_BASED_REASONS)}."
                ]
            }
        )


def check_connection(connection: str, detail: str) -> None:
    if connection and connection not in MaterialConnection.values:
        raise FieldErrors(
            {"material_connection": [f"Choose one of: {', '.join(MaterialConnection.values)}."]}
        )
    if connection == MaterialConnection.OTHER and not detail.strip():
        raise FieldErrors(
            {"material_connection_detail": ["Describe the connection when it is 'other'."]}
        )


@dataclass(frozen=True)
class ApprovalDisclosures:
    """What an approval writes with the status change, and what its audit
    record says about it."""

    fields: dict[str, Any]
    audit: dict[str, Any]


def approval_disclosures(
    testimonial: Testimonial,
    *,
    typical_results: str | None = None,
    connection: str | None = None,
    connection_detail: str | None = None,
) -> ApprovalDisclosures:
    """The disclosures a story is published with, or `FieldErrors`.

    `typical_results` names a statement by its tag ("" for the topic's own);
    without it the topic's statement is attached when there is one. A story
    flagged for an outcome claim without any statement is refused: the clinic
    writes one, or the moderator declines the story as `medical_claim`.
    `connection` (and its detail) replace what the patient declared.
    """
    topic = testimonial.topic
    statements = {statement.tag: statement for statement in current_statements(topic)}
    if typical_results is not None and typical_results not in statements:
        known = ", ".join(repr(tag) for tag in statements) or "none yet"
        raise FieldErrors(
            {"typical_results": [f"No current statement with this tag on the topic ({known})."]}
        )
    statement = statements.get(typical_results if typical_results is not None else "")
    if statement is None and needs_typical_results(testimonial):
        raise FieldErrors(
            {
                "typical_results": [
                    "This story claims a result. Publish it with a typical-results statement "
                    "(the clinic writes one for the topic in the admin), or reject it with the "
                    "reason 'medical_claim'."
                ]
            }
        )
    fields: dict[str, Any] = {"typical_results": statement}
    audit: dict[str, Any] = {
        "publishing_mode": topic.publishing_mode,
        "typical_results": str(statement.public_id) if statement else None,
    }
    if connection is not None or connection_detail is not None:
        new_connection = testimonial.material_connection if connection is None else connection
        new_detail = (
            testimonial.material_connection_detail
            if connection_detail is None
            else connection_detail.strip()
        )
        check_connection(new_connection, new_detail)
        fields["material_connection"] = new_connection
        fields["material_connection_detail"] = new_detail
        if new_connection != testimonial.material_connection:
            audit["material_connection"] = {
                "from": testimonial.material_connection,
                "to": new_connection,
            }
    return ApprovalDisclosures(fields=fields, audit=audit)


# --- What readers see ---------------------------------------------------------


def material_connections(testimonial: Testimonial) -> list[dict[str, str]]:
    """Each connection a reader must be told about, in words."""
    return connections_shown(
        testimonial.material_connection,
        testimonial.material_connection_detail,
        testimonial.incentive,
    )


def connections_shown(kind: str, detail: str, incentive: str) -> list[dict[str, str]]:
    """`material_connections` from the row's values (the published list
    reads rows as values, not models)."""
    found: list[dict[str, str]] = []
    if kind and kind != MaterialConnection.NONE:
        text = str(_CONNECTION_TEXTS[MaterialConnection(kind)])
        detail = detail.strip()
        if detail:
            text = f"{text[:-1]}: {detail.rstrip('.')}."
        found.append({"kind": kind, "text": text})
    if incentive:
        found.append(
            {
                "kind": "incentive",
                "text": gettext(
                    "The clinic offered %(incentive)s to every patient it invited to share a "
                    "story, whatever the story says."
                )
                % {"incentive": incentive.rstrip(".")},
            }
        )
    return found


def typical_results_representation(
    statement: TypicalResultsStatement | None,
) -> dict[str, str] | None:
    if statement is None:
        return None
    return typical_results_shown(statement.text, statement.tag, statement.label, statement.source)


def typical_results_shown(text: str, tag: str, label: str, source: str) -> dict[str, str]:
    return {
        "text": text,
        "tag": tag,
        "label": label or tag.replace("-", " ").capitalize(),
        "source": source,
    }


def public_disclosures(testimonial: Testimonial) -> dict[str, Any]:
    """The disclosures every public surface shows with the story (the API,
    the changes feed, webhooks, the page, the widget, the Atom feed)."""
    return {
        "verified_patient": testimonial.verified_patient,
        "material_connections": material_connections(testimonial),
        "typical_results": typical_results_representation(testimonial.typical_results),
    }


def fits_review_markup(testimonial: Testimonial) -> bool:
    """Whether the story may be marked up as a schema.org `Review`.

    Structured data travels without the page: a search engine that lifts a
    `Review` shows neither the disclosure next to it nor the statement of
    typical results. So only stories that need neither are marked up."""
    return not material_connections(testimonial) and not needs_typical_results(testimonial)


def collection(topic: Topic) -> dict[str, str]:
    """How a topic's stories are chosen, told to readers everywhere."""
    mode = PublishingMode(topic.publishing_mode)
    return {
        "topic": topic.slug,
        "mode": mode.value,
        "label": str(mode.label),
        "note": str(MODE_NOTES[mode]),
    }
