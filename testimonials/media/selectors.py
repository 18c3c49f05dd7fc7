"""Which media may be public, and how the public surfaces describe them."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from testimonials.models import Authorization, MediaStatus, StoryMedia
from testimonials.publishing.gate import published_testimonials


def public_media() -> QuerySet[StoryMedia]:
    """Media a reader may see: approved by a moderator, its file still in
    storage, its story public by the gate, and its kind named by the story's
    current authorization (a patient who took the media back keeps the text)."""
    covered = Authorization.objects.filter(
        testimonial_id=OuterRef("testimonial_id"),
        superseded_at=None,
        revoked_at=None,
        media__contains=OuterRef("kind"),
    )
    return (
        StoryMedia.objects.filter(status=MediaStatus.APPROVED)
        .exclude(storage_name="")
        .filter(Exists(covered), testimonial__in=published_testimonials().values("pk"))
    )


def public_media_get(public_id: Any) -> StoryMedia | None:
    return public_media().filter(public_id=public_id).first()


def media_origin() -> str:
    """Where media URLs point: their own origin when one is set."""
    return (settings.MEDIA_PUBLIC_ORIGIN or settings.PUBLIC_BASE_URL).rstrip("/")


def has_webvtt(captions: str) -> bool:
    return captions.lstrip("\ufeff").startswith("WEBVTT")


def media_representation(media: StoryMedia) -> dict[str, Any]:
    """One medium as the public API shows it."""
    origin = media_origin()
    return {
        "kind": media.kind,
        "url": origin + reverse("story-media", kwargs={"public_id": media.public_id}),
        "width": media.width,
        "height": media.height,
        "alt": media.alt_text,
        "captions_url": (
            origin + reverse("story-media-captions", kwargs={"public_id": media.public_id})
            if media.is_moving and has_webvtt(media.captions)
            else None
        ),
    }


def media_of_stories(testimonial_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The public media of these stories (one query), by story id. Only
    stories the caller already read through the gate; approved media of
    those are checked against the authorization here, not again by the gate."""
    ids = list(testimonial_ids)
    shown: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not ids:
        return shown
    covered = Authorization.objects.filter(
        testimonial_id=OuterRef("testimonial_id"),
        superseded_at=None,
        revoked_at=None,
        media__contains=OuterRef("kind"),
    )
    rows = (
        StoryMedia.objects.filter(testimonial_id__in=ids, status=MediaStatus.APPROVED)
        .exclude(storage_name="")
        .filter(Exists(covered))
        .order_by("kind", "id")
    )
    for media in rows:
        shown[media.testimonial_id].append(media_representation(media))
    return shown
