import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from testimonials.consent.rules import content_sha256
from testimonials.models import (
    CHANNEL_FIELDS,
    Authorization,
    AuthorizationBasis,
    Channel,
    ConsentText,
    SignatureMethod,
    SignerRole,
    Status,
    Testimonial,
    Topic,
)
from tests.support.log_canary import CANARY

# Each carries the canary at several places, so a piece of one still does:
# no log line may ever show them (tests/support/log_canary.py). The name keeps
# "Maria" first and "L" after the space: shown as "Maria L." or "M. L.".
PATIENT_NAME = f"Maria L{CANARY}opez{CANARY}"
PATIENT_EMAIL = f"maria.{CANARY}.lopez+{CANARY}@example.com"
PATIENT_STORY = (
    f"{CANARY} The needling and the exercises {CANARY} helped me sit through a "
    f"workday again {CANARY}."
)


class ConsentTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentText
        django_get_or_create = ("version",)

    version = "2026-01"
    text = "I agree that the clinic may publish my story. I can withdraw it at any time."


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = "dry-needling-low-back-pain"
    title = "Dry needling for low back pain"
    summary = "What to expect."
    article = "Dry needling uses thin needles.\n\nResults vary."
    open_for_submissions = True


class TestimonialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Testimonial
        skip_postgeneration_save = True

    topic = factory.SubFactory(TopicFactory)
    author_name = PATIENT_NAME
    body = PATIENT_STORY
    rating = 5
    consent_to_publish = True
    consent_text = factory.SubFactory(ConsentTextFactory)
    consented_at = factory.LazyFunction(timezone.now)
    status = Status.PENDING_REVIEW
    status_changed_at = factory.LazyFunction(timezone.now)
    screening_flags = factory.LazyFunction(list)
    risk_score = 0
    published_at = factory.LazyAttribute(
        lambda t: timezone.now() if t.status == Status.PUBLISHED else None
    )

    @factory.post_generation
    def authorization(obj, create, extracted, **kwargs):
        """Like a real submission, every story comes with the authorization
        its patient signed, for what it shows and every channel.
        `authorization=False` leaves it out; `authorization__channels`,
        `authorization__expires_at` and `authorization__revoked_at` change it."""
        if not create or extracted is False:
            return
        make_authorization(obj, **kwargs)


def make_authorization(testimonial, **overrides):
    now = timezone.now()
    channels = overrides.pop("channels", Channel.values)
    fields = {
        "testimonial": testimonial,
        "testimonial_public_id": testimonial.public_id,
        "basis": AuthorizationBasis.SIGNED,
        "consent_text": testimonial.consent_text,
        "content_sha256": content_sha256(
            text=testimonial.shown_body, display_name=testimonial.display_name
        ),
        "text": testimonial.shown_body,
        "display_name": testimonial.display_name,
        "display_preference": testimonial.display_preference,
        "expires_at": now + settings.AUTHORIZATION_DEFAULT_TERM,
        "signature": testimonial.author_name or "Signer",
        "signature_method": SignatureMethod.TYPED,
        "signer_role": SignerRole.PATIENT,
        "signed_at": now,
        "created_by": "patient",
        "retain_until": now + settings.AUTHORIZATION_RETENTION * 2,
        **{field: channel in channels for channel, field in CHANNEL_FIELDS.items()},
    }
    fields.update(overrides)
    return Authorization.objects.create(**fields)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
