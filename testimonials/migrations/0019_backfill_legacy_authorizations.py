"""Give every story submitted before authorizations existed a `legacy` one,
so that published stories do not vanish from the public surfaces when the
gate starts asking for an authorization.

What the patient agreed to then (the consent checkbox, its version and
time) becomes the authorization: every channel (the old consent named no
channel), the name and text as shown now, no signature (none was asked
for, and none is invented). It expires two years after the consent, but
never sooner than 90 days from now, so the re-confirmation job asks each
patient with an email to keep, change or withdraw it, and turns it into a
signed one. A withdrawn story's authorization is recorded as revoked.
Kept six years after it ends, like every authorization.
"""

import hashlib
import uuid
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

LEGACY_TERM = timedelta(days=730)
LEGACY_MINIMUM_NOTICE = timedelta(days=90)
RETENTION = timedelta(days=2192)


def content_sha256(text, display_name):
    payload = f"{len(display_name)}:{display_name}\n{text}"
    return hashlib.sha256(payload.encode()).hexdigest()


def backfill(apps, schema_editor):
    Testimonial = apps.get_model("testimonials", "Testimonial")
    Authorization = apps.get_model("testimonials", "Authorization")
    now = timezone.now()
    covered = Authorization.objects.filter(testimonial__isnull=False).values_list(
        "testimonial_id", flat=True
    )
    rows = []
    for t in Testimonial.objects.exclude(pk__in=covered).order_by("id").iterator():
        text = t.published_body or t.body
        expires_at = max(t.consented_at + LEGACY_TERM, now + LEGACY_MINIMUM_NOTICE)
        revoked_at = t.status_changed_at if t.status == "withdrawn" else None
        rows.append(
            Authorization(
                public_id=uuid.uuid4(),
                testimonial_id=t.pk,
                testimonial_public_id=t.public_id,
                basis="legacy",
                consent_text_id=t.consent_text_id,
                content_sha256=content_sha256(text, t.public_name),
                text=text,
                display_name=t.public_name,
                display_preference=t.display_preference,
                for_clinic=True,
                for_partners=True,
                for_widget=True,
                expires_at=expires_at,
                signature="",
                signature_method="none",
                signer_role="patient",
                patient_is_adult=None,
                signed_at=t.consented_at,
                created_at=now,
                created_by="system:migration",
                revoked_at=revoked_at,
                revocation="withdrawn" if revoked_at else "",
                retain_until=(revoked_at or expires_at) + RETENTION,
            )
        )
        if len(rows) >= 500:
            Authorization.objects.bulk_create(rows)
            rows = []
    Authorization.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ("testimonials", "0018_authorization"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
