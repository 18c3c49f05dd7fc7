"""The one table the bare create view writes: a story's shape, no more."""

from django.db import models


class BaselineItem(models.Model):
    topic = models.CharField(max_length=80)
    author_name = models.CharField(max_length=120)
    body = models.TextField()
    rating = models.PositiveSmallIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bench_baselines"
        db_table = "bench_baseline_item"

    def __str__(self) -> str:
        return f"baseline item {self.pk}"
