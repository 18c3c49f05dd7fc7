"""Finding the earlier stories a new one may repeat: an indexed lookup on
the keys (`moderation.screening.duplicate.lookup_keys`) stored for every
screened story."""

from django.db.models import Count

from moderation import screening
from moderation.models import DuplicateKey
from testimonials.models import Testimonial

# Enough to find a story's duplicates, few enough to compare in a millisecond.
MAX_DUPLICATE_CANDIDATES = 20


def earlier_candidates(
    testimonial: Testimonial, keys: list[int]
) -> tuple[screening.EarlierItem, ...]:
    """Earlier stories sharing a lookup key with this one, most keys first:
    an indexed query, whatever the number of stories."""
    if not keys:
        return ()
    ids = list(
        DuplicateKey.objects.filter(key__in=keys, testimonial_id__lt=testimonial.pk)
        .values("testimonial_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "testimonial_id")
        .values_list("testimonial_id", flat=True)[:MAX_DUPLICATE_CANDIDATES]
    )
    rows = Testimonial.objects.filter(pk__in=ids).values_list("public_id", "body")
    return tuple(screening.EarlierItem(id=str(public_id), body=body) for public_id, body in rows)


def keys_store(testimonial: Testimonial, keys: list[int]) -> None:
    """Store a screened story's keys, so that later submissions find it."""
    DuplicateKey.objects.bulk_create(
        [DuplicateKey(testimonial_id=testimonial.pk, key=key) for key in keys],
        ignore_conflicts=True,
    )


def keys_store_many(keys_by_story: dict[int, list[int]]) -> None:
    """`keys_store` for several screened stories (by id), in one INSERT."""
    DuplicateKey.objects.bulk_create(
        [
            DuplicateKey(testimonial_id=story_id, key=key)
            for story_id, keys in keys_by_story.items()
            for key in keys
        ],
        ignore_conflicts=True,
    )
