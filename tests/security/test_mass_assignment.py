"""Mass assignment: a request body with fields of the model that the
endpoint does not take (`status`, `published_at`, `id`, ...) never sets
them; with an unknown key the whole request is refused and nothing changes."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from moderation.accounts import moderators as moderation_moderators
from moderation.decisions import inputs as moderation_inputs
from testimonials.models import Status, Testimonial
from testimonials.stories.apis import TestimonialSubmitApi
from tests.factories import ConsentTextFactory, TestimonialFactory, TopicFactory

pytestmark = pytest.mark.django_db

MODEL_FIELDS = [field.name for field in Testimonial._meta.get_fields()] + [
    "id", "pk", "status", "published_at", "public_id", "version", "risk_score",
    "screening_flags", "flag_kinds", "published_body", "decided_by", "decided_at",
    "is_staff", "is_superuser", "secret", "consent_text", "consented_at", "idempotency_key",
    "rejection_reason", "screened_at", "suggested_body", "topic_id", "user",
]  # fmt: skip
extra_keys = st.lists(
    st.one_of(st.sampled_from(MODEL_FIELDS), st.text(min_size=1, max_size=20)),
    min_size=1,
    max_size=5,
    unique=True,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)
# What the endpoint takes: anything else is an extra key.
SUBMISSION_FIELDS = set(TestimonialSubmitApi.InputSerializer().fields)
FUZZ = settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(keys=extra_keys, values=st.lists(json_values, min_size=5, max_size=5))
def test_a_submission_with_extra_keys_sets_none_of_them(api_client, submission, keys, values):
    body = dict(submission)
    extra = {key: values[n] for n, key in enumerate(keys) if key not in SUBMISSION_FIELDS}
    body.update(extra)
    response = api_client.post("/api/v1/testimonials/", body, format="json")
    if extra:
        assert response.status_code == 400, response.content
        assert response.json(), "the errors are named"
        assert not Testimonial.objects.exists()
    else:
        assert response.status_code == 202
        created = Testimonial.objects.get()
        assert (created.status, created.published_at) == (Status.SUBMITTED, None)
        created.delete()


DECISION_INPUTS = {
    "approve": moderation_inputs.ApproveInput,
    "reject": moderation_inputs.ReasonInput,
    "reopen": moderation_inputs.ReopenInput,
    "notes": moderation_inputs.NoteInput,
}


@pytest.fixture
def moderator_api(db):
    client = APIClient()
    token = moderation_moderators.moderator_create(username="alice")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@FUZZ
@given(
    action=st.sampled_from(["approve", "reject", "reopen", "notes"]),
    keys=extra_keys,
    values=st.lists(json_values, min_size=5, max_size=5),
)
def test_a_decision_with_extra_keys_changes_nothing(moderator_api, action, keys, values):
    ConsentTextFactory()
    TopicFactory()
    item = TestimonialFactory(status=Status.PENDING_REVIEW)
    base = {"reject": {"reason": "spam"}, "notes": {"text": "ok"}}.get(action, {})
    taken = set(DECISION_INPUTS[action]().fields)
    extra = {key: values[n] for n, key in enumerate(keys) if key not in taken}
    response = moderator_api.post(
        f"/api/v1/moderation/testimonials/{item.public_id}/{action}",
        {**base, **extra},
        format="json",
    )
    after = Testimonial.objects.get(pk=item.pk)
    if extra:
        assert response.status_code == 400, response.content
        assert (after.status, after.version, after.published_at) == (
            item.status,
            item.version,
            item.published_at,
        )
        assert not after.notes.exists()
    item.delete()
