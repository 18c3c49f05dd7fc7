import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Single-use invitations to share a story, and the story each one
    brought (a verified patient)."""

    dependencies = [
        ("testimonials", "0013_testimonial_material_connection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("email", models.EmailField(max_length=254)),
                (
                    "batch",
                    models.UUIDField(
                        db_index=True,
                        default=uuid.uuid4,
                        help_text="Invitations created together share it.",
                    ),
                ),
                (
                    "incentive",
                    models.CharField(
                        blank=True,
                        help_text="Offered to every invitee for sharing a story, whatever it "
                        "says; published with the story.",
                        max_length=200,
                    ),
                ),
                ("created_by_label", models.CharField(max_length=150)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invitations",
                        to="testimonials.topic",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("sent_at__isnull", True)),
                        fields=["created_at"],
                        name="invitation_unsent_idx",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="testimonial",
            name="invitation",
            field=models.OneToOneField(
                blank=True,
                help_text="The single-use invitation it came through: a verified patient.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="testimonial",
                to="testimonials.invitation",
            ),
        ),
    ]
