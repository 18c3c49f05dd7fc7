"""For `make bench`: what the paths whose cost could grow with the number of
stories take on this database, as one JSON object on stdout.

- the published list's uncached build (the query and the JSON of a page,
  with and without a topic): what a request pays once per change;
- the moderation queue's first page through the API, as a moderator;
- screening one new submission (the worker's task body, with the
  near-duplicate lookup through its index).

The best and the median of repeated runs after a warm-up, in milliseconds. It writes to the
database (a bench moderator, submissions it screens): only for a bench
database."""

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client

from moderation.accounts import moderators as moderation_moderators
from moderation.intake import screening as moderation_intake
from moderation.management.commands.bench_seed import TOPICS, story_text
from testimonials.consent import authorization_reads
from testimonials.models import Channel, Testimonial, Topic
from testimonials.publishing import gate, representations
from testimonials.publishing.apis import json_bytes
from testimonials.stories import submitting


def _timings_ms(run: Callable[[], object], *, repeat: int, warmup: int = 3) -> dict[str, float]:
    """The best and the median of `repeat` runs. The best is the figure to
    compare: on a machine shared with other work, interference only ever
    adds time, and it adds it unevenly between two runs."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return {
        "best": round(min(times) * 1000, 3),
        "median": round(statistics.median(times) * 1000, 3),
    }


class Command(BaseCommand):
    help = "Time the paths that could grow with the data set; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        import random

        repeat = options["repeat"]
        topic = Topic.objects.get(slug=TOPICS[0][0])

        def page(topic: Topic | None) -> Callable[[], bytes]:
            def build() -> bytes:
                rows = representations.published_rows(
                    gate.published_testimonials(channel=Channel.PARTNERS, topic=topic)
                )[:21]
                return json_bytes([representations.published_row_representation(r) for r in rows])

            return build

        token = moderation_moderators.moderator_create(username="bench-moderator")
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}")

        def queue() -> None:
            response = client.get("/api/v1/moderation/queue/")
            if response.status_code != 200:
                raise CommandError(f"the queue answered {response.status_code}")

        consent = authorization_reads.consent_current()
        rng = random.Random(Testimonial.objects.count())  # noqa: S311 - text, not secrets
        fresh = []
        for _ in range(repeat + 3):
            outcome = submitting.testimonial_submit(
                submission=submitting.Submission(
                    topic_slug=topic.slug,
                    author_name="Bench Patient",
                    body=story_text(rng),
                    consent_to_publish=True,
                    consent_text_version=consent.version if consent else "",
                    email="",
                    rating=4,
                    display_preference="initials",
                )
            )
            fresh.append(outcome.testimonial.pk)
        pending = iter(fresh)

        def screen() -> None:
            moderation_intake.testimonial_screen(testimonial_id=next(pending))

        result = {
            "stories": Testimonial.objects.count(),
            "published_list_build_ms": _timings_ms(page(None), repeat=repeat),
            "published_list_topic_build_ms": _timings_ms(page(topic), repeat=repeat),
            "moderation_queue_ms": _timings_ms(queue, repeat=repeat),
            "screening_per_item_ms": _timings_ms(screen, repeat=repeat),
        }
        self.stdout.write(json.dumps(result))
