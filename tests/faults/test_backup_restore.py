"""The backup and restore of docs/operating.md ("Backup and restore"), run
for real on a PostgreSQL cluster of the test's own: a database seeded
through the service (stories submitted, screened, approved, edited,
rejected, withdrawn, erased; an export recorded), `pg_dump -Fc`, a new
database, `pg_restore --no-owner --exit-on-error`, `migrate`, and the
service pointed at it serves the same published list, the same stories
with their history and the same audit trail."""

import json
import subprocess
import time

import pytest

from tests.faults.test_postgres_outage import _manage
from tests.support.servers import POSTGRES_BIN, PostgresServer, postgres_server

pytestmark = [pytest.mark.faults]

SOURCE = "testimonials"
RESTORED = "testimonials_restored"

SEED = """
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
from moderation.accounts.moderators import moderator_create
from moderation.decisions import services as decisions
from moderation.intake.screening import testimonial_screen
from moderation.decisions.notes import moderator_note_add
from testimonials.models import ConsentText, Topic
from testimonials.stories import submitting, withdrawal

Topic.objects.create(slug="knees", title="Knees", article="About knees.", publishing_mode="all")
ConsentText.objects.create(version="2026-01", text="I agree.")
moderator = moderator_create(username="alice", password="alice-pass-123").user
plan = ["published", "edited", "rejected", "withdrawn", "erased", "pending_review", "submitted"]
for n in range(21):
    fate = plan[n % len(plan)]
    story = submitting.testimonial_submit(
        submission=submitting.Submission(
            topic_slug="knees", author_name=f"Patient Number{n}", email=f"patient{n}@example.com",
            body=f"Story {n}: after six weeks of exercises my knee bends without pain again.",
            consent_to_publish=True, consent_text_version="2026-01", rating=1 + n % 5,
        )
    ).testimonial
    if fate == "submitted":
        continue
    if n % 3 == 0:
        moderator_note_add(public_id=story.public_id, moderator=moderator, text=f"note {n}")
    testimonial_screen(testimonial_id=story.pk)
    if fate == "rejected":
        decisions.testimonial_reject(
            public_id=story.public_id, moderator=moderator, reason="off_topic"
        )
    elif fate in ("published", "withdrawn", "erased"):
        story = decisions.testimonial_approve(public_id=story.public_id, moderator=moderator)
    elif fate == "edited":
        decisions.testimonial_approve(
            public_id=story.public_id, moderator=moderator,
            body=f"Story {n}: after six weeks of exercises my [name] bends without pain again.",
        )
    if fate == "withdrawn":
        withdrawal.testimonial_withdraw(testimonial=story)
    if fate == "erased":
        call_command("erase_patient", f"patient{n}@example.com", "--by", "alice")
call_command("export_testimonials", "--status", "all", "--output", "/dev/null")
"""

# What a reader and a moderator see: the published list through the API,
# every story with its history (the export), and the audit trail rows.
SNAPSHOT = """
import json
from io import StringIO
from django.core.management import call_command
from django.test import Client
from moderation.models import ModeratorNote
from testimonials.models import Authorization, DataExport, StatusChange

published = Client(HTTP_HOST="localhost").get("/api/v1/published/", {"topic": "knees"})
assert published.status_code == 200, published.status_code
snapshot = {
    "published": published.json(),
    "audit": list(StatusChange.objects.order_by("pk").values()),
    "authorizations": list(Authorization.objects.order_by("pk").values()),
    "exports": list(DataExport.objects.order_by("pk").values()),
    "notes": list(ModeratorNote.objects.order_by("pk").values()),
}
export = StringIO()  # recorded as one more export: read the others first
call_command("export_testimonials", "--status", "all", stdout=export)
snapshot["stories"] = json.loads(export.getvalue())
snapshot["stories"].pop("exported_at")
print("SNAPSHOT " + json.dumps(snapshot, default=str, sort_keys=True))
"""


def _tool(postgres: PostgresServer, name: str, *args: str, stdin=None, stdout=None) -> None:  # type: ignore[no-untyped-def]
    """A PostgreSQL client program as the procedure runs it, against our cluster."""
    server = ["-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres"]
    subprocess.run(
        [str(POSTGRES_BIN / name), *server, *args],
        stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, check=True, timeout=120,
    )  # fmt: skip


def _snapshot(postgres: PostgresServer, database: str, *, migrate: bool = False) -> dict:
    """The snapshot of `database`, migrated first with `migrate` (as the
    procedure does after a restore: a dump older than the code gets its
    migrations; a no-op here)."""
    script = (
        "from django.core.management import call_command\n"
        'call_command("migrate", "--noinput", verbosity=0)\n'
        if migrate
        else ""
    ) + SNAPSHOT
    out = _manage({"DATABASE_URL": postgres.url(database)}, "shell", "-c", script)
    snapshot: dict = json.loads(out.split("SNAPSHOT ", 1)[1])
    return snapshot


def test_a_backup_restored_into_a_new_database_serves_the_same(figure, tmp_path):
    dump = tmp_path / "testimonials.dump"
    with postgres_server() as postgres:
        postgres.create_database(SOURCE)
        _manage({"DATABASE_URL": postgres.url(SOURCE)}, "shell", "-c", SEED)

        # The procedure: a compressed custom-format dump ...
        started = time.monotonic()
        with dump.open("wb") as out:
            _tool(postgres, "pg_dump", "-Fc", SOURCE, stdout=out)
        dumped_in = time.monotonic() - started
        before = _snapshot(postgres, SOURCE)  # what the dump holds: nothing writes meanwhile
        # ... restored into a new database, then migrated.
        started = time.monotonic()
        _tool(postgres, "dropdb", "--if-exists", RESTORED)
        _tool(postgres, "createdb", RESTORED)
        with dump.open("rb") as source:
            _tool(
                postgres, "pg_restore", "-d", RESTORED, "--no-owner", "--exit-on-error",
                stdin=source,
            )  # fmt: skip
        restored_in = time.monotonic() - started
        after = _snapshot(postgres, RESTORED, migrate=True)

    assert before["published"]["results"], "something was published"
    assert after["published"] == before["published"]
    assert after["stories"] == before["stories"]
    assert after["audit"] == before["audit"]
    assert after["authorizations"] == before["authorizations"]
    assert after["exports"] == before["exports"]
    assert after["notes"] == before["notes"]
    statuses = sorted({story["status"] for story in before["stories"]["testimonials"]})
    figure(
        f"{len(before['stories']['testimonials'])} stories ({', '.join(statuses)}; "
        "erased ones among them), "
        f"{len(before['audit'])} audit rows, {len(before['authorizations'])} authorizations: "
        f"pg_dump -Fc {dump.stat().st_size // 1024} KiB in {dumped_in:.1f} s, new database and "
        f"pg_restore in {restored_in:.1f} s; the restored service's published list "
        f"({len(before['published']['results'])} stories), export with history and audit "
        f"trail equal to the original's"
    )
