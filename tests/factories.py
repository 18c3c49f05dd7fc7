import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from testimonials.models import ConsentText, Status, Testimonial, Topic


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

    topic = factory.SubFactory(TopicFactory)
    author_name = "Maria Lopez"
    body = "The needling and the exercises helped me sit through a workday again."
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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
