"""Load a realistic data set for `make bench`: stories in several topics,
most published, some awaiting review, some rejected or withdrawn, each
with its signed authorization and, once screened, its near-duplicate keys.

Adds to what is there (run it twice for 1,000 then 100,000 stories). Rows
go in with PostgreSQL's COPY (executemany on SQLite), bypassing the
services on purpose: this is a fixture for measurements, not a way in for
stories. Only for a database made for the bench: it refuses one that holds
stories it did not write unless told `--force`."""

import json
import random
import time
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from moderation.models import DuplicateKey
from moderation.screening import duplicate
from testimonials.consent.rules import content_sha256
from testimonials.models import (
    CHANNEL_FIELDS,
    Authorization,
    AuthorizationBasis,
    ConsentText,
    Location,
    PublishingMode,
    SignatureMethod,
    SignerRole,
    Status,
    Testimonial,
    Topic,
    display_name_for,
    place_of_topic,
)
from testimonials.publishing import generation

TOPICS = [
    ("dry-needling-low-back-pain", "Dry needling for low back pain"),
    ("knee-rehabilitation", "Knee rehabilitation after surgery"),
    ("shoulder-mobility", "Shoulder mobility therapy"),
    ("migraine-physiotherapy", "Physiotherapy for migraine"),
    ("pelvic-floor-therapy", "Pelvic floor therapy"),
]
# Of every 100 stories beyond the queue: published, rejected, withdrawn.
SHARES = ((Status.PUBLISHED, 94), (Status.REJECTED, 4))
FIRST = [
    "Maria",
    "Ana",
    "John",
    "Wei",
    "Fatima",
    "Lars",
    "Priya",
    "Tom",
    "Olga",
    "Kofi",
    "Sara",
    "Diego",
    "Mei",
    "Ahmed",
    "Eva",
    "Noah",
]
LAST = [
    "Lopez",
    "Smith",
    "Chen",
    "Haddad",
    "Berg",
    "Rao",
    "Novak",
    "Mensah",
    "Silva",
    "Kim",
    "Okafor",
    "Weber",
    "Costa",
    "Ito",
]
WORDS = [
    "sessions",
    "weeks",
    "months",
    "exercises",
    "stretches",
    "needles",
    "therapist",
    "clinic",
    "posture",
    "walking",
    "stairs",
    "garden",
    "work",
    "desk",
    "sleep",
    "morning",
    "evening",
    "pain",
    "stiffness",
    "ache",
    "tension",
    "relief",
    "progress",
    "setback",
    "patience",
    "routine",
    "appointment",
    "explanation",
    "plan",
    "homework",
    "breathing",
    "strength",
    "balance",
    "mobility",
    "confidence",
    "daughter",
    "son",
    "grandchildren",
    "dog",
    "bicycle",
    "running",
    "swimming",
    "yoga",
    "driving",
    "lifting",
    "cooking",
    "reading",
    "commute",
    "office",
    "weekend",
    "holiday",
    "winter",
    "summer",
    "spring",
    "autumn",
    "careful",
    "gentle",
    "steady",
    "honest",
    "patient",
    "friendly",
    "thorough",
    "quick",
    "slow",
    "surprising",
    "gradual",
    "small",
    "big",
    "noticeable",
    "lasting",
    "uneven",
]
OPENINGS = [
    "After {n} {w} of treatment my {w} changed.",
    "I came in with {w} and {w} that had lasted {n} {w}.",
    "The therapist was {w} and the {w} made sense to me.",
    "Honestly I expected little; the first {n} {w} were {w}.",
]
MIDDLES = [
    "Now I manage the {w} and the {w} without thinking about my {w}.",
    "Some days are still {w}, especially after {w} or long {w}.",
    "The {w} at home took {n} minutes each {w} and I kept at it.",
    "My {w} noticed the {w} before I did, around week {n}.",
]


def story_text(rng: random.Random) -> str:
    """An opening from a few templates, then sentences of words in no set
    order: stories share phrases now and then, as real ones do, but the
    near-duplicate index is not flooded by a template every story repeats."""

    def fill(template: str) -> str:
        while "{w}" in template or "{n}" in template:
            template = template.replace("{w}", rng.choice(WORDS), 1)
            template = template.replace("{n}", str(rng.randint(2, 40)), 1)
        return template

    sentences = [fill(rng.choice(OPENINGS))]
    for _ in range(rng.randint(3, 5)):
        words = rng.sample(WORDS, rng.randint(6, 11))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), fill(rng.choice(MIDDLES)).rstrip("."))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


class Command(BaseCommand):
    help = "Add N bench stories (default 100,000) with authorizations and duplicate keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stories", type=int, default=100_000)
        # Moderators keep up: the queue is as long at 1,000 stories as at
        # 100,000 (the growth it must bear is the table's, not a backlog's).
        parser.add_argument("--queue", type=int, default=200)
        parser.add_argument("--seed", type=int, default=9)
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = options["stories"]
        # Plausible text, not secrets: a seeded generator makes runs repeatable.
        rng = random.Random(options["seed"] + Testimonial.objects.count())  # noqa: S311
        if not options["force"] and Testimonial.objects.exclude(created_by_bench()).exists():
            raise CommandError("This database holds stories bench_seed did not write; --force.")
        with transaction.atomic():
            topics = [
                Topic.objects.get_or_create(
                    slug=slug,
                    defaults={
                        "title": title,
                        "summary": f"What to expect from {title.lower()}.",
                        "article": "How it works.\n\nWhat patients say.",
                        "publishing_mode": PublishingMode.ALL,
                    },
                )[0]
                for slug, title in TOPICS
            ]
            consent = ConsentText.objects.filter(superseded_at=None).first()
            if consent is None:
                consent = ConsentText.objects.create(version="bench", text="I agree.")
            queued = Testimonial.objects.filter(status=Status.PENDING_REVIEW).count()
            stories = self._stories(
                count, topics, consent, rng, queue=max(0, options["queue"] - queued)
            )
            _insert(Testimonial, stories)
            _insert(Authorization, [_authorization(story) for story in stories])
            keys = [
                (story.pk, key)
                for story in stories
                if story.status != Status.SUBMITTED
                for key in duplicate.lookup_keys(story.body)
            ]
            _insert_pairs(DuplicateKey, ("testimonial_id", "key"), keys)
            _reset_sequences()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM too: it sets the visibility map, so counts and
                # index-only scans do not visit every fresh heap page.
                cursor.execute("VACUUM (ANALYZE)")
        generation.publication_cache_bump()
        generation.stats_changed()
        self.stdout.write(
            f"added {count} stories ({len(keys)} duplicate keys) in "
            f"{time.perf_counter() - started:.1f} s; "
            f"{Testimonial.objects.count()} in the database"
        )

    def _stories(
        self,
        count: int,
        topics: Sequence[Topic],
        consent: ConsentText,
        rng: random.Random,
        *,
        queue: int,
    ) -> list[Testimonial]:
        now = timezone.now()
        next_id = (Testimonial.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1
        # bulk_create skips Testimonial.save(), which fills the location in.
        places_of = {topic.pk: _place_of(topic) for topic in topics}
        stories = []
        for n in range(count):
            share = rng.randrange(100)
            status = Status.PENDING_REVIEW if n < queue else Status.WITHDRAWN
            for candidate, percent in SHARES if n >= queue else ():
                if share < percent:
                    status = candidate
                    break
                share -= percent
            author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            preference = rng.choice(["first_name_initial", "initials", "full_name", "anonymous"])
            created = now - timedelta(minutes=count - n + rng.randint(0, 30))
            flags = (
                [{"kind": "pii", "severity": "medium", "start": 0, "end": 4, "detail": "A name."}]
                if rng.random() < 0.3
                else []
            )
            topic = rng.choice(topics)
            story = Testimonial(
                id=next_id + n,
                topic=topic,
                location=places_of[topic.pk],
                author_name=author,
                display_preference=preference,
                public_name=display_name_for(author, preference),
                email=f"bench{next_id + n}@example.com",
                body=story_text(rng),
                rating=rng.choice([None, 1, 2, 3, 4, 5, 5, 4]),
                consent_to_publish=True,
                consent_text=consent,
                consented_at=created,
                status=status,
                status_changed_at=created + timedelta(minutes=5),
                screening_flags=flags,
                flag_kinds=",pii," if flags else "",
                risk_score=rng.randint(0, 80),
                screened_at=created + timedelta(seconds=2),
                published_at=created + timedelta(minutes=5) if status == Status.PUBLISHED else None,
                featured=status == Status.PUBLISHED and rng.random() < 0.05,
                rejection_reason="spam" if status == Status.REJECTED else "",
                request_fingerprint=BENCH_FINGERPRINT,
            )
            story.created_at = created
            stories.append(story)
        return stories


BENCH_FINGERPRINT = "bench_seed"


def created_by_bench() -> models.Q:
    return models.Q(request_fingerprint=BENCH_FINGERPRINT)


def _authorization(story: Testimonial) -> Authorization:
    signed = story.consented_at or story.created_at  # every bench story has consent
    fields: dict[str, Any] = dict.fromkeys(CHANNEL_FIELDS.values(), True)
    return Authorization(
        testimonial_id=story.pk,
        testimonial_public_id=story.public_id,
        basis=AuthorizationBasis.SIGNED,
        consent_text=story.consent_text,
        content_sha256=content_sha256(text=story.shown_body, display_name=story.display_name),
        text=story.shown_body,
        display_name=story.display_name,
        display_preference=story.display_preference,
        expires_at=signed + settings.AUTHORIZATION_DEFAULT_TERM,
        signature=story.author_name,
        signature_method=SignatureMethod.TYPED,
        signer_role=SignerRole.PATIENT,
        signed_at=signed,
        created_at=signed,
        created_by="patient",
        retain_until=signed + settings.AUTHORIZATION_RETENTION * 2,
        revoked_at=signed + timedelta(days=1) if story.status == Status.WITHDRAWN else None,
        **fields,
    )


def _insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Rows of `objects` as they are (ids included), in one COPY."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and getattr(objects[0], field.attname) is None)
    ]
    rows = (
        [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
        for obj in objects
    )
    _write(model._meta.db_table, [str(field.column) for field in fields], rows)


def _insert_pairs(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    _write(model._meta.db_table, list(columns), rows)


def _write(table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw: Any = cursor.cursor
            with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_plain(value) for value in row])
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", list(rows))  # noqa: S608 - our own table and column names


def _plain(value: Any) -> Any:
    """psycopg's JSON wrapper as text, which COPY's text format takes."""
    adapted = getattr(value, "obj", None)
    if adapted is not None and type(value).__name__ in {"Jsonb", "Json"}:
        return json.dumps(adapted)
    return value


def _reset_sequences() -> None:
    """Ids were given here: the next row the service inserts follows them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Testimonial, Authorization):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {table}))",  # noqa: S608
                [table],
            )


def _place_of(topic: Topic) -> Location:
    """The topic's location; for a topic its organisation's locations share
    (the demo seeds two), the first of them: the bench needs a place, not a
    particular one."""
    try:
        return place_of_topic(topic)
    except ValueError:
        return Location.objects.filter(organisation=topic.organisation).order_by("pk")[0]
