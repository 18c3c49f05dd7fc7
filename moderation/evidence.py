"""One ZIP that shows how a published story came to be public and what
readers were told: the authorization, the moderation history with its
diffs, the screening flags, the disclosures shown, and every surface it
reached with dates. For a regulator, a board or the patient.

Built in memory from the database as it is now; the ZIP's manifest holds
each file's SHA-256, so a copy kept elsewhere can be checked later.
"""

import difflib
import hashlib
import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.utils import timezone

from testimonials.errors import Conflict
from testimonials.honesty import evidence
from testimonials.models import Testimonial

README = """Evidence for one published patient story ({id}).

authorization.json      the patient's authorization to publish and its consent text version
consent.txt             that consent text, as the patient agreed to it
story.json              the story as submitted and as published
moderation_history.json every status change (who, when, why, details) and private notes
text_changes.diff       the published text against the patient's original, then each edit
screening.json          the screening flags, risk score and suggested redaction
disclosures.json        what readers were told next to the story, and its sources
surfaces.json           when it was public, every publication event, every webhook delivery
manifest.json           SHA-256 of each file, who made this export and when
"""


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False).encode()


def _story(testimonial: Testimonial) -> dict[str, Any]:
    return {
        "id": str(testimonial.public_id),
        "topic": testimonial.topic.slug,
        "status": testimonial.status,
        "body_as_submitted": testimonial.body,
        "text_as_published": testimonial.shown_body,
        "rating": testimonial.rating,
        "display_name": testimonial.display_name,
        "featured": testimonial.featured,
        "submitted_at": _time(testimonial.created_at),
        "published_at": _time(testimonial.published_at),
        "version": testimonial.version,
    }


def _history(testimonial: Testimonial) -> dict[str, Any]:
    return {
        "status_changes": [
            {
                "at": _time(change.created_at),
                "actor": change.actor_label,
                "from": change.from_status,
                "to": change.to_status,
                "reason": change.reason,
                "details": change.details,
            }
            for change in testimonial.history.all().order_by("created_at", "id")
        ],
        "notes": [
            {"at": _time(note.created_at), "author": note.author_label, "text": note.text}
            for note in testimonial.notes.all().order_by("created_at", "id")
        ],
    }


def _text_changes(testimonial: Testimonial) -> str:
    current = difflib.unified_diff(
        testimonial.body.splitlines(),
        testimonial.shown_body.splitlines(),
        "as submitted",
        "as published now",
        lineterm="",
    )
    parts = ["\n".join(current) or "(published as submitted)"]
    for change in testimonial.history.all().order_by("created_at", "id"):
        diff = (change.details or {}).get("text_diff")
        if diff:
            parts.append(f"# {_time(change.created_at)} by {change.actor_label}: {change.reason}")
            parts.append(diff)
    return "\n\n".join(parts) + "\n"


def _screening(testimonial: Testimonial) -> dict[str, Any]:
    return {
        "flags": testimonial.screening_flags,
        "risk_score": testimonial.risk_score,
        "screened_at": _time(testimonial.screened_at),
        "suggested_body": testimonial.suggested_body,
    }


def evidence_files(testimonial: Testimonial) -> dict[str, bytes]:
    """The files of the export, by name (the manifest aside)."""
    return {
        "README.txt": README.format(id=testimonial.public_id).encode(),
        "authorization.json": _json(evidence.authorization_record(testimonial)),
        "consent.txt": testimonial.consent_text.text.encode(),
        "story.json": _json(_story(testimonial)),
        "moderation_history.json": _json(_history(testimonial)),
        "text_changes.diff": _text_changes(testimonial).encode(),
        "screening.json": _json(_screening(testimonial)),
        "disclosures.json": _json(evidence.disclosures_record(testimonial)),
        "surfaces.json": _json(evidence.surfaces_record(testimonial)),
    }


def evidence_zip(*, testimonial: Testimonial, generated_by: str) -> bytes:
    """The ZIP for a story that has been published (now or before).
    Raises `Conflict` for one that never was: there is nothing to prove."""
    if testimonial.published_at is None:
        raise Conflict("This story was never published; there is no publication to document.")
    files = evidence_files(testimonial)
    manifest = {
        "story": str(testimonial.public_id),
        "generated_at": _time(timezone.now()),
        "generated_by": generated_by,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**files, "manifest.json": _json(manifest)}.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def evidence_filename(testimonial: Testimonial) -> str:
    return f"evidence-{testimonial.public_id}.zip"
