"""What screening stores beside a story: the lookup keys that find its
near-duplicates later."""

from django.db import models

from testimonials.models import Testimonial


class DuplicateKey(models.Model):
    """Lookup keys of a screened testimonial's text (its exact normalised
    form and its MinHash-LSH bands, `screening.duplicate.lookup_keys`), so
    that screening finds the few earlier stories worth comparing by index
    instead of reading every body."""

    testimonial = models.ForeignKey(
        Testimonial, on_delete=models.CASCADE, related_name="duplicate_keys"
    )
    key = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["testimonial", "key"], name="duplicate_key_once"),
        ]
        indexes = [
            # moderation.intake.duplicates.earlier_candidates
            models.Index(fields=["key"], name="duplicate_key_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} of testimonial {self.testimonial_id}"
