"""A property of the submission and moderation services: whatever happens,
in whatever order (submit, screen, approve, approve an edit, reject,
unpublish, reopen, withdraw, a new consent text), the public list
(`testimonials.selectors.published_testimonials`) holds exactly the stories
that are published, each with valid consent. 200 random sequences."""

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from moderation import services as moderation_services
from testimonials import selectors, services
from testimonials.errors import ApplicationError
from testimonials.models import ConsentText, Status, Testimonial
from tests.factories import TopicFactory

BODIES = [
    "After six sessions I can tie my shoes without wincing again.",
    "It did not help my back much, but the staff listened and changed the plan.",
    "My therapist Dr. Jenna Moss, call 555-201-7788 for an appointment, was great.",
    "Cheap pills http://a.example.biz http://b.example.biz http://c.example.biz buy now",
    "This is a miracle cure, guaranteed to work for everyone forever!",
]


SEEN: dict[str, int] = {"checks": 0, "with_published": 0}


def make_machine(moderator):
    class PublicListMachine(RuleBasedStateMachine):
        stories = Bundle("stories")

        def __init__(self) -> None:
            super().__init__()
            Testimonial.objects.all().delete()
            ConsentText.objects.all().delete()
            self.topic = TopicFactory()
            self.consent = ConsentText.objects.create(version="v1", text="I agree.")
            self.versions = 1
            self.expected: dict[int, str] = {}

        def _decide(self, pk: int, allowed_from: set[str], to: str, action) -> None:
            item = Testimonial.objects.get(pk=pk)
            before = item.status
            try:
                action(item)
            except ApplicationError:
                assert before not in allowed_from, f"{before} -> {to} was refused"
            else:
                assert before in allowed_from, f"{before} -> {to} was allowed"
                self.expected[pk] = to
            assert Testimonial.objects.get(pk=pk).status == self.expected[pk]

        @rule(
            target=stories,
            body=st.sampled_from(BODIES),
            current=st.sampled_from([True] * 4 + [False]),
        )
        def submit(self, body, current):
            version = self.consent.version if current else "v0-never-existed"
            try:
                outcome = services.testimonial_submit(
                    submission=services.Submission(
                        topic_slug=self.topic.slug,
                        author_name="Maria Lopez",
                        body=body,
                        consent_to_publish=True,
                        consent_text_version=version,
                    )
                )
            except ApplicationError:
                assert not current, "a valid submission was refused"
                return None
            assert current, "a submission without valid consent was stored"
            self.expected[outcome.testimonial.pk] = Status.SUBMITTED
            return outcome.testimonial.pk

        @rule()
        def new_consent_text(self):
            self.versions += 1
            self.consent.superseded_at = timezone.now()
            self.consent.save()
            self.consent = ConsentText.objects.create(version=f"v{self.versions}", text="New.")

        @rule(pk=stories)
        def screen(self, pk):
            if pk is None:
                return
            moderation_services.testimonial_screen(testimonial_id=pk)
            status = Testimonial.objects.get(pk=pk).status
            if self.expected[pk] in (Status.SUBMITTED, Status.SCREENING):
                assert status in (Status.PENDING_REVIEW, Status.REJECTED)
            else:
                assert status == self.expected[pk], "screening touched a decided story"
            self.expected[pk] = status

        @rule(pk=stories, edited=st.booleans())
        def approve(self, pk, edited):
            if pk is None:
                return
            self._decide(
                pk,
                {Status.PENDING_REVIEW},
                Status.PUBLISHED,
                lambda item: moderation_services.testimonial_approve(
                    public_id=item.public_id,
                    moderator=moderator,
                    body="An edited, shorter story." if edited else None,
                ),
            )

        @rule(pk=stories)
        def reject(self, pk):
            if pk is None:
                return
            self._decide(
                pk,
                {Status.PENDING_REVIEW},
                Status.REJECTED,
                lambda item: moderation_services.testimonial_reject(
                    public_id=item.public_id, moderator=moderator, reason="off_topic"
                ),
            )

        @rule(pk=stories)
        def unpublish(self, pk):
            if pk is None:
                return
            self._decide(
                pk,
                {Status.PUBLISHED},
                Status.UNPUBLISHED,
                lambda item: moderation_services.testimonial_unpublish(
                    public_id=item.public_id, moderator=moderator, reason="personal_data"
                ),
            )

        @rule(pk=stories)
        def reopen(self, pk):
            if pk is None:
                return
            self._decide(
                pk,
                {Status.REJECTED, Status.UNPUBLISHED},
                Status.PENDING_REVIEW,
                lambda item: moderation_services.testimonial_reopen(
                    public_id=item.public_id, moderator=moderator
                ),
            )

        @rule(pk=stories)
        def withdraw(self, pk):
            if pk is None:
                return
            services.testimonial_withdraw(testimonial=Testimonial.objects.get(pk=pk))
            self.expected[pk] = Status.WITHDRAWN

        @invariant()
        def the_public_list_holds_exactly_the_published_stories_with_consent(self):
            public = list(selectors.published_testimonials())
            SEEN["checks"] += 1
            SEEN["with_published"] += bool(public)
            assert {item.pk for item in public} == {
                pk for pk, status in self.expected.items() if status == Status.PUBLISHED
            }
            for item in public:
                assert item.status == Status.PUBLISHED
                assert item.published_at is not None
                assert item.consent_to_publish is True
                assert item.consented_at is not None
                assert item.consent_text_id is not None

    return PublicListMachine


@pytest.mark.django_db
def test_the_public_list_only_ever_holds_published_stories_with_consent():
    moderator = moderation_services.moderator_create(username="alice").user
    run_state_machine_as_test(
        make_machine(moderator),
        settings=settings(
            max_examples=200,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert SEEN["with_published"] > 0, "the sequences did publish stories"
    print(
        f"200 sequences: the invariant held at {SEEN['checks']} checks, "
        f"{SEEN['with_published']} of them with published stories"
    )
