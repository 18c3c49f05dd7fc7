"""Test data for honest publishing: statements, claims, invitations."""

from datetime import timedelta

import factory
from django.utils import timezone

from testimonials.models import Invitation, TypicalResultsStatement
from tests.factories import TopicFactory

TYPICAL = (
    "Most patients report less pain after six to eight weeks with exercise; "
    "about one in three notice little change."
)

CLAIM_BODY = "Dry needling cured my back pain forever, it is a miracle for everyone!"


def claim_flags(body=CLAIM_BODY):
    """What the medical-claim screener records for CLAIM_BODY."""
    start = body.index("cured")
    return {
        "screening_flags": [
            {
                "kind": "medical_claim",
                "severity": "low",
                "start": start,
                "end": start + len("cured my back pain forever"),
                "detail": "An outcome claim.",
            }
        ],
        "flag_kinds": ",medical_claim,",
        "risk_score": 10,
        "body": body,
    }


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TypicalResultsStatement

    topic = factory.SubFactory(TopicFactory)
    tag = ""
    text = TYPICAL
    source = "Outcome audit 2025"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    topic = factory.SubFactory(TopicFactory)
    email = factory.Sequence(lambda n: f"patient{n}@example.com")
    created_by_label = "alice"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
