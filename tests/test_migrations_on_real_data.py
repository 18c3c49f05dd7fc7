"""Every migration, the data backfills included, run forward on a database
seeded with every shape of story, and the data checked after.

A fresh database (a uniquely named one on the PostgreSQL of DATABASE_URL,
dropped afterwards; a new SQLite file without it) is migrated to the state
before the first backfill (testimonials 0004, moderation 0002). Stories of
every status, name display and rating, with and without flags, edits,
decisions, notes and notifications, erased and withdrawn ones among them,
are written with the historical models of that state. Migrating to just
before the legacy authorization backfill (testimonials 0018) runs the
duplicate keys, changes feed and public names backfills; a second batch of
stories written there (featured, with a material connection, one already
authorized) meets the legacy authorization backfill; then everything is
migrated to the latest state and checked: every row kept, each backfill's
fields right, and the stories published before are still on the public
list, under the names they had.

The scenario runs in a process of its own (`python -m
tests.test_migrations_on_real_data`), because the backfills read and write
through the default connection, which must be the fresh database.
"""

import json
import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
BEFORE_BACKFILLS = [
    ("testimonials", "0004_testimonial_suggested_body"),
    ("moderation", "0002_duplicate_keys"),
]
BEFORE_LEGACY_AUTHORIZATIONS = [("testimonials", "0018_authorization")]
STATUSES = [
    "submitted", "screening", "pending_review", "published", "rejected", "withdrawn", "unpublished",
]  # fmt: skip
DISPLAYS = ["full_name", "first_name_initial", "initials", "anonymous"]
DECIDED = {"published", "rejected", "withdrawn", "unpublished"}
NAME = "Maria José de la Cruz"
# What the public names backfill must store for NAME under each display.
PUBLIC_NAMES = {
    "full_name": "Maria José de la Cruz",
    "first_name_initial": "Maria C.",
    "initials": "M. J. D. L. C.",
    "anonymous": "Anonymous patient",
}
LEGACY_TERM = timedelta(days=730)
LEGACY_MINIMUM_NOTICE = timedelta(days=90)
RETENTION = timedelta(days=2192)


# --- In the scenario's own process --------------------------------------------


def _migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate the default database to `targets`; the historical apps there."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    leaves: list[tuple[str, str]] = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return leaves


def _seed_before_backfills(apps: Any, now: datetime) -> None:
    """Every status, name display and rating (with and without), with the extras spread over
    them, as the oldest schema held them."""
    User = apps.get_model("auth", "User")
    Topic = apps.get_model("testimonials", "Topic")
    ConsentText = apps.get_model("testimonials", "ConsentText")
    Testimonial = apps.get_model("testimonials", "Testimonial")
    StatusChange = apps.get_model("testimonials", "StatusChange")
    ModeratorNote = apps.get_model("moderation", "ModeratorNote")
    PatientNotification = apps.get_model("moderation", "PatientNotification")

    moderator = User.objects.create(username="old-moderator", is_staff=True)
    topic = Topic.objects.create(slug="knees", title="Knees", article="About knees.")
    consent = ConsentText.objects.create(version="2023-01", text="I agree.")
    n = 0
    for status in STATUSES:
        for display in DISPLAYS:
            for rating in (None, 4):
                n += 1
                erased = status in ("rejected", "withdrawn") and rating is None
                edited = status in ("published", "unpublished") and n % 2 == 0
                body = f"Story {n}: after my knee surgery the physiotherapy got me walking again."
                # Half consented long ago (the legacy term would be over:
                # the minimum notice applies), half recently.
                consented_at = now - timedelta(days=1000 if n % 2 else 30, hours=n)
                changed_at = consented_at + timedelta(days=2)
                item = Testimonial.objects.create(
                    public_id=uuid.uuid4(),
                    topic=topic,
                    consent_text=consent,
                    author_name="" if erased else NAME,
                    display_preference=display,
                    email="" if erased else f"patient{n}@example.com",
                    body="" if erased else body,
                    rating=rating,
                    consent_to_publish=True,
                    consented_at=consented_at,
                    status=status,
                    status_changed_at=changed_at,
                    screening_flags=(
                        [{"kind": "pii", "severity": "high", "start": 0, "end": 5}] if n % 3 else []
                    ),
                    flag_kinds=",pii," if n % 3 else "",
                    risk_score=None if status in ("submitted", "screening") else n % 90,
                    published_body=(f"{body} [name removed]" if edited else ""),
                    suggested_body=f"{body} (suggested)" if n % 5 == 0 else "",
                    decided_by=moderator if status in DECIDED else None,
                    decided_at=changed_at if status in DECIDED else None,
                    published_at=changed_at if status == "published" else None,
                    rejection_reason="off_topic" if status == "rejected" else "",
                    version=2 if edited else 1,
                )
                StatusChange.objects.create(
                    testimonial=item,
                    from_status="submitted",
                    to_status=status,
                    actor_label="old-moderator",
                    created_at=changed_at,
                    details={},
                )
                if n % 4 == 0:
                    ModeratorNote.objects.create(
                        testimonial=item, author=moderator, author_label="old-moderator",
                        text=f"note {n}",
                    )  # fmt: skip
                if status in ("published", "rejected"):
                    PatientNotification.objects.create(
                        testimonial=item, kind=status, decision_version=item.version,
                        sent_at=changed_at,
                    )  # fmt: skip


def _seed_before_legacy_authorizations(apps: Any, now: datetime) -> None:
    """Stories of the schema the legacy authorization backfill first met:
    featured, with a material connection, and one already authorized."""
    from testimonials.consent.rules import content_sha256

    Topic = apps.get_model("testimonials", "Topic")
    ConsentText = apps.get_model("testimonials", "ConsentText")
    Testimonial = apps.get_model("testimonials", "Testimonial")
    Authorization = apps.get_model("testimonials", "Authorization")
    topic = Topic.objects.get(slug="knees")
    consent = ConsentText.objects.get()
    for n, status in enumerate(STATUSES, start=100):
        body = f"Story {n}: a later one, written when names were stored with the story."
        changed_at = now - timedelta(days=10)
        item = Testimonial.objects.create(
            public_id=uuid.uuid4(),
            topic=topic,
            consent_text=consent,
            author_name=NAME,
            display_preference=DISPLAYS[n % 4],
            public_name=PUBLIC_NAMES[DISPLAYS[n % 4]],
            email=f"patient{n}@example.com",
            body=body,
            rating=5,
            consent_to_publish=True,
            consented_at=now - timedelta(days=20),
            status=status,
            status_changed_at=changed_at,
            published_at=changed_at if status == "published" else None,
            featured=status == "published",
            material_connection="discount" if n % 2 else "none",
            incentive="20% off the next session" if n % 2 else "",
        )
        if status == "published" and n % 2:
            # Signed through the first authorization screens: the backfill
            # must leave it alone and add no second one.
            Authorization.objects.create(
                public_id=uuid.uuid4(), testimonial=item, testimonial_public_id=item.public_id,
                basis="signed", consent_text=consent, text=body,
                content_sha256=content_sha256(text=body, display_name=item.public_name),
                display_name=item.public_name, display_preference=item.display_preference,
                for_clinic=True, for_partners=True, for_widget=True,
                expires_at=now + timedelta(days=300), signature=NAME, signature_method="typed",
                signer_role="patient", signed_at=now - timedelta(days=20), created_at=now,
                created_by="patient", retain_until=now + timedelta(days=3000),
            )  # fmt: skip


def _snapshot() -> dict[str, dict[str, Any]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT public_id, author_name, email, body, published_body, rating, status, "
            "display_preference, risk_score, flag_kinds, version FROM testimonials_testimonial"
        )
        columns = [column[0] for column in cursor.description]
        return {str(row[0]): dict(zip(columns[1:], row[1:], strict=True)) for row in cursor}


def _check_after_backfills(before: dict[str, dict[str, Any]]) -> list[str]:
    """Problems found after the first three backfills (empty: none)."""
    from django.db import connection

    from moderation.screening.duplicate import lookup_keys

    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.public_id, t.body, t.author_name, t.display_preference, t.public_name, "
            "t.status, t.published_at FROM testimonials_testimonial t"
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT testimonial_id, key FROM moderation_duplicatekey")
        keys: dict[int, set[int]] = {}
        for testimonial_id, key in cursor.fetchall():
            keys.setdefault(testimonial_id, set()).add(key)
        cursor.execute("SELECT id, public_id FROM testimonials_testimonial")
        pk_of = {str(public_id): pk for pk, public_id in cursor.fetchall()}
        cursor.execute("SELECT public_id, event, created_at FROM testimonials_publicationchange")
        changes = cursor.fetchall()
    published = {}
    for public_id, body, author_name, display, public_name, status, published_at in rows:
        public_id = str(public_id)
        expected = PUBLIC_NAMES[display] if author_name else ""
        if public_name != expected:
            problems.append(f"public name of a {display} story: {public_name!r}")
        if keys.get(pk_of[public_id], set()) != set(lookup_keys(body)):
            problems.append(f"duplicate keys of a {status} story")
        if status == "published":
            published[public_id] = published_at
    feed = {str(public_id): created_at for public_id, _, created_at in changes}
    if len(changes) != len(published) or feed != published:
        problems.append(f"changes feed: {len(changes)} rows for {len(published)} published")
    if any(event != "testimonial.published" for _, event, _ in changes):
        problems.append("changes feed: an event other than published")
    if len(rows) != len(before):
        problems.append(f"{len(rows)} stories after, {len(before)} before")
    return problems


def _check_latest(before: dict[str, dict[str, Any]], migrated_at: datetime) -> list[str]:
    from django.test import Client

    from testimonials.consent.rules import content_sha256
    from testimonials.models import (
        Authorization,
        Location,
        Organisation,
        PublicationChange,
        Testimonial,
        Topic,
    )

    problems = []
    if _snapshot() != before:
        problems.append("a story's own fields changed")
    stories = {str(t.public_id): t for t in Testimonial.objects.all()}
    # Organisations (testimonials 0033): everything moves into one
    # organisation, named by CLINIC_NAME, with one location.
    organisations = list(Organisation.objects.all())
    locations = list(Location.objects.all())
    if len(organisations) != 1 or len(locations) != 1:
        problems.append(f"{len(organisations)} organisations, {len(locations)} locations")
    elif Topic.objects.exclude(organisation=organisations[0]).exists():
        problems.append("a topic outside the one organisation")
    elif Testimonial.objects.exclude(location=locations[0]).exists():
        problems.append("a story outside the one location")
    authorizations: dict[str, list[Authorization]] = {}
    for authorization in Authorization.objects.all():
        authorizations.setdefault(str(authorization.testimonial_public_id), []).append(
            authorization
        )
    for public_id, story in stories.items():
        held = authorizations.get(public_id, [])
        if len(held) != 1:
            problems.append(f"a {story.status} story has {len(held)} authorizations")
            continue
        authorization = held[0]
        if authorization.basis == "signed":
            continue  # signed before the backfill: left alone
        text = story.published_body or story.body
        assert story.consented_at is not None  # every seeded story consented
        expires_at = max(story.consented_at + LEGACY_TERM, migrated_at + LEGACY_MINIMUM_NOTICE)
        revoked_at = story.status_changed_at if story.status == "withdrawn" else None
        expected = {
            "basis": "legacy",
            "testimonial_id": story.pk,
            "text": text,
            "display_name": story.public_name,
            "display_preference": story.display_preference,
            "content_sha256": content_sha256(text=text, display_name=story.public_name),
            "channels": (True, True, True),
            "signed_at": story.consented_at,
            "revoked_at": revoked_at,
            "revocation": "withdrawn" if revoked_at else "",
            "signature_method": "none",
            "consent_text_id": story.consent_text_id,
        }
        actual = {
            "basis": authorization.basis,
            "testimonial_id": authorization.testimonial_id,
            "text": authorization.text,
            "display_name": authorization.display_name,
            "display_preference": authorization.display_preference,
            "content_sha256": authorization.content_sha256,
            "channels": (
                authorization.for_clinic,
                authorization.for_partners,
                authorization.for_widget,
            ),
            "signed_at": authorization.signed_at,
            "revoked_at": authorization.revoked_at,
            "revocation": authorization.revocation,
            "signature_method": authorization.signature_method,
            "consent_text_id": authorization.consent_text_id,
        }
        wrong = sorted(key for key in expected if expected[key] != actual[key])
        # The migration takes "now" when it runs, a moment after migrated_at.
        if abs(authorization.expires_at - expires_at) > timedelta(minutes=5):
            wrong.append("expires_at")
        if authorization.retain_until != (revoked_at or authorization.expires_at) + RETENTION:
            wrong.append("retain_until")
        if wrong:
            problems.append(f"legacy authorization of a {story.status} story: {wrong}")
    if PublicationChange.objects.exclude(channels=",clinic,partners,widget,").exists():
        problems.append("changes feed rows without every channel")
    # testimonials 0035: the feed's rows name their story's location.
    if locations and PublicationChange.objects.exclude(location=locations[0]).exists():
        problems.append("changes feed rows without their story's location")
    # What readers see: every story published before, on the public list,
    # under the name it had.
    answer = Client(HTTP_HOST="localhost").get(
        "/api/v1/published/", {"topic": "knees", "limit": "100"}
    )
    if answer.status_code != 200:
        problems.append(f"published list answered {answer.status_code}")
        return problems
    listed = {item["id"]: item for item in answer.json()["results"]}
    expected_public = {
        public_id
        for public_id, story in stories.items()
        if story.status == "published" and story.author_name
    }
    if set(listed) != expected_public:
        problems.append(
            f"published list: {len(listed)} stories, {len(expected_public)} expected public"
        )
    for public_id, item in listed.items():
        story = stories[public_id]
        if item["display_name"] != story.public_name or item["body"] != (
            story.published_body or story.body
        ):
            problems.append("a published story shows another name or text")
    return problems


def scenario() -> dict[str, Any]:
    import django

    django.setup()
    from django.utils import timezone

    now = timezone.now()
    _seed_before_backfills(_migrate(BEFORE_BACKFILLS), now)
    first = _snapshot()
    apps = _migrate([*BEFORE_LEGACY_AUTHORIZATIONS, ("moderation", "0003_backfill_duplicate_keys")])
    problems = _check_after_backfills(first)
    _seed_before_legacy_authorizations(apps, now)
    before = _snapshot()
    migrated_at = timezone.now()
    _migrate(_latest())
    problems += _check_latest(before, migrated_at)
    statuses: dict[str, int] = {}
    for row in before.values():
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    return {"stories": len(before), "statuses": statuses, "problems": problems}


# --- The test ------------------------------------------------------------------


def _fresh_database() -> tuple[dict[str, str], Any]:
    """Environment for a fresh database of our own, and how to drop it."""
    url = os.environ.get("DATABASE_URL", "")
    name = f"migrations_{uuid.uuid4().hex[:10]}"
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        server = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return {"DATABASE_URL": f"{server}/{name}"}, drop
    path = Path(os.environ["TEST_RUN_DIR"]) / f"{name}.sqlite3"
    return {"SQLITE_PATH": str(path)}, lambda: path.unlink(missing_ok=True)


def test_every_migration_runs_forward_on_every_shape_of_story():
    env, drop = _fresh_database()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tests.test_migrations_on_real_data"],
            cwd=BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    finally:
        drop()
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["problems"] == []
    assert report["stories"] == len(STATUSES) * len(DISPLAYS) * 2 + len(STATUSES)
    assert set(report["statuses"]) == set(STATUSES)


if __name__ == "__main__":
    print(json.dumps(scenario(), default=str))
