import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Typical-results statements per topic (and tag), and the one a
    published story carries."""

    dependencies = [
        ("testimonials", "0011_rejection_reason_medical_claim"),
    ]

    operations = [
        migrations.CreateModel(
            name="TypicalResultsStatement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "tag",
                    models.SlugField(
                        blank=True,
                        help_text="A condition or treatment within the topic, e.g. 'sciatica'; "
                        "blank for the whole topic (the statement every story gets unless a "
                        "moderator picks another).",
                        max_length=60,
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        blank=True,
                        help_text="How readers see the tag, e.g. 'Sciatica'.",
                        max_length=100,
                    ),
                ),
                (
                    "text",
                    models.TextField(
                        help_text="What patients generally achieve, e.g. 'Most patients report "
                        "less pain after six to eight weeks of treatment combined with exercise; "
                        "some notice little change.'",
                        max_length=1000,
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="What the statement rests on (an outcome audit, a study); "
                        "shown to readers.",
                        max_length=300,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("retired_at", models.DateTimeField(blank=True, null=True)),
                (
                    "topic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="typical_results_statements",
                        to="testimonials.topic",
                    ),
                ),
            ],
            options={
                "verbose_name": "typical-results statement",
                "ordering": ["topic__title", "tag", "-created_at"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("retired_at__isnull", True)),
                        fields=("topic", "tag"),
                        name="typical_results_one_current_per_tag",
                        violation_error_message="This topic already has a current statement "
                        "with this tag: retire it first, then write the new one.",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="testimonial",
            name="typical_results",
            field=models.ForeignKey(
                blank=True,
                help_text="The statement of what patients generally achieve, published with "
                "the story.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="testimonials",
                to="testimonials.typicalresultsstatement",
            ),
        ),
    ]
