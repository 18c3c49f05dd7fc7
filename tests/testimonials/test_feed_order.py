"""On PostgreSQL, changes-feed ids become visible in id order: a reader who
has seen id N never later finds a smaller id committed behind it."""

import threading
import time

import pytest
from django.db import connection, transaction

from testimonials import transitions
from testimonials.models import PublicationChange, Status
from tests.factories import TestimonialFactory


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_makes_a_second_publisher_wait_until_the_first_commits():
    first, second = TestimonialFactory(), TestimonialFactory()
    recorded, release = threading.Event(), threading.Event()
    finished: list[str] = []

    def slow_publisher():
        try:
            with transaction.atomic():
                transitions.transition(first, to=Status.PUBLISHED, actor=transitions.SCREENING)
                recorded.set()
                release.wait(10)
            finished.append("first")
        finally:
            connection.close()

    def quick_publisher():
        try:
            transitions.transition(second, to=Status.PUBLISHED, actor=transitions.SCREENING)
            finished.append("second")
        finally:
            connection.close()

    slow = threading.Thread(target=slow_publisher)
    slow.start()
    assert recorded.wait(10)
    quick = threading.Thread(target=quick_publisher)
    quick.start()
    time.sleep(0.5)
    assert finished == [], "the second publisher must wait for the first to commit"
    release.set()
    slow.join(10)
    quick.join(10)
    assert finished == ["first", "second"]
    order = list(PublicationChange.objects.order_by("id").values_list("testimonial", flat=True))
    assert order == [first.pk, second.pk]
