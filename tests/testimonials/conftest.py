import pytest
from django.core.cache import cache

from moderation.decisions import services as moderation_decisions
from testimonials.sites import site_keys
from tests.factories import TestimonialFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters and the publication generation start afresh."""
    cache.clear()


@pytest.fixture
def publish(moderator, django_capture_on_commit_callbacks):
    """Publish a new story through the moderator's service, commit hooks run."""

    def publish(**fields):
        testimonial = TestimonialFactory(status="pending_review", **fields)
        with django_capture_on_commit_callbacks(execute=True):
            return moderation_decisions.testimonial_approve(
                public_id=testimonial.public_id, moderator=moderator
            )

    return publish


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service and its after-commit hooks: `committed(fn, **kwargs)`."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.fixture
def clinic_site(db):
    """A registered website and its key (an IssuedKey)."""
    return site_keys.site_create(name="Clinic website", allowed_origins="https://clinic.example")
