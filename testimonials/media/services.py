"""Writes for a story's media: storing the sanitized files with a new
story, approving them with it, withdrawing them (the patient keeps the
text), and deleting the files from storage once they may no longer be shown.

Files are written before the story's transaction and deleted if it fails;
they are deleted from storage after the change that ends them commits, and
`media_sweep` deletes what a storage outage left behind."""

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from testimonials import transitions
from testimonials.consent import authorizations
from testimonials.errors import Conflict
from testimonials.media.images import CleanFile
from testimonials.models import (
    Authorization,
    AuthorizationBasis,
    MediaKind,
    MediaStatus,
    Status,
    StoryMedia,
    Testimonial,
)

logger = logging.getLogger(__name__)


def media_storage() -> Storage:
    return storages["media"]


@dataclass(frozen=True)
class MediaUpload:
    """One sanitized file with what the patient said of it."""

    kind: str
    file: CleanFile
    alt_text: str = ""
    captions: str = ""


def media_kinds_key(kinds: Iterable[str]) -> str:
    """`Authorization.media`: the kinds an authorization covers, in a fixed order."""
    chosen = set(kinds)
    return ",".join(kind for kind in MediaKind.values if kind in chosen)


def media_files_save(uploads: Iterable[MediaUpload]) -> list[tuple[MediaUpload, str]]:
    """Write each sanitized file under a random name, before the story's
    transaction; the caller deletes them (`media_discard`) if it fails."""
    saved: list[tuple[MediaUpload, str]] = []
    try:
        for upload in uploads:
            name = media_storage().save(
                f"{secrets.token_hex(16)}.{upload.file.extension}",
                ContentFile(upload.file.content),
            )
            saved.append((upload, name))
    except Exception:
        media_discard(name for _, name in saved)
        raise
    return saved


def media_rows_create(
    *, testimonial: Testimonial, saved: Iterable[tuple[MediaUpload, str]]
) -> list[StoryMedia]:
    """Inside the submission's transaction: a `pending` row per saved file."""
    return [
        StoryMedia.objects.create(
            testimonial=testimonial,
            kind=upload.kind,
            storage_name=name,
            content_type=upload.file.content_type,
            size_bytes=len(upload.file.content),
            sha256=hashlib.sha256(upload.file.content).hexdigest(),
            width=upload.file.width,
            height=upload.file.height,
            duration_seconds=upload.file.duration_seconds,
            alt_text=upload.alt_text.strip(),
            captions=upload.captions.strip(),
        )
        for upload, name in saved
    ]


def media_discard(names: Iterable[str]) -> None:
    """Delete files whose rows never committed (a submission that failed)."""
    _delete_files(list(names))


def media_in_effect(*, testimonial_id: int) -> bool:
    """Whether the story has a photo, video or audio not withdrawn."""
    return (
        StoryMedia.objects.filter(testimonial_id=testimonial_id)
        .exclude(status=MediaStatus.WITHDRAWN)
        .exists()
    )


def media_awaiting_review(*, testimonial_id: int) -> bool:
    return StoryMedia.objects.filter(
        testimonial_id=testimonial_id, status=MediaStatus.PENDING
    ).exists()


def media_approve(*, testimonial_id: int) -> int:
    """Inside a moderator's approval: the story's pending media are
    approved with it (a person saw them on the review page)."""
    return StoryMedia.objects.filter(
        testimonial_id=testimonial_id, status=MediaStatus.PENDING
    ).update(status=MediaStatus.APPROVED, status_changed_at=timezone.now())


def media_end(*, testimonial_id: int, erase: bool = False) -> transitions.Alongside:
    """What a withdrawal or an erasure writes alongside its change: every
    medium of the story is withdrawn, and its file deleted after commit;
    `erase` also clears what the patient wrote of them (alt text, captions)."""

    def end() -> None:
        _withdraw_rows(testimonial_id, erase=erase)

    return end


def _withdraw_rows(testimonial_id: int, *, erase: bool = False) -> None:
    rows = StoryMedia.objects.filter(testimonial_id=testimonial_id)
    names = [name for name in rows.values_list("storage_name", flat=True) if name]
    cleared = {"alt_text": "", "captions": ""} if erase else {}
    rows.update(status=MediaStatus.WITHDRAWN, status_changed_at=timezone.now(), **cleared)
    if names:
        transaction.on_commit(partial(_delete_and_forget, testimonial_id, names))


def _delete_and_forget(testimonial_id: int, names: list[str]) -> None:
    deleted = _delete_files(names)
    StoryMedia.objects.filter(testimonial_id=testimonial_id, storage_name__in=deleted).update(
        storage_name=""
    )


def _delete_files(names: list[str]) -> list[str]:
    """Delete from storage; returns the names gone. Never raises: a file
    that could not be deleted keeps its name on its withdrawn row, and
    `media_sweep` tries again."""
    storage = media_storage()
    deleted = []
    for name in names:
        try:
            storage.delete(name)
        except Exception as exc:
            logger.warning("could not delete a media file (%s)", type(exc).__name__)
            continue
        deleted.append(name)
    return deleted


def media_sweep() -> int:
    """Delete the files of withdrawn media still in storage. Returns how many went."""
    total = 0
    pending = StoryMedia.objects.filter(status=MediaStatus.WITHDRAWN).exclude(storage_name="")
    for testimonial_id, name in pending.values_list("testimonial_id", "storage_name"):
        gone = _delete_files([name])
        StoryMedia.objects.filter(testimonial_id=testimonial_id, storage_name__in=gone).update(
            storage_name=""
        )
        total += len(gone)
    return total


def media_withdraw(*, testimonial: Testimonial) -> Testimonial:
    """The patient takes back their photo and video and keeps the text: the
    authorization is narrowed to the text (a new row, basis `narrowed`), the
    media are withdrawn on every surface at once, and their files deleted.
    Idempotent: a story without media in effect changes nothing."""
    if (
        not StoryMedia.objects.filter(testimonial_id=testimonial.pk)
        .exclude(status=MediaStatus.WITHDRAWN)
        .exists()
        or testimonial.status == Status.WITHDRAWN
    ):
        return testimonial
    current = Authorization.objects.filter(
        testimonial_id=testimonial.pk, superseded_at=None
    ).first()
    if current is not None and current.revoked_at is not None:
        raise Conflict("Your authorization is no longer in effect.")

    def alongside() -> None:
        if current is not None and current.media:
            authorizations.authorization_successor(
                current, basis=AuthorizationBasis.NARROWED, created_by="patient", media=""
            )
        _withdraw_rows(testimonial.pk)

    return transitions.amend(
        testimonial,
        actor=transitions.PATIENT,
        reason="the patient withdrew their photo and video",
        details={"media": "withdrawn"},
        alongside=alongside,
        announce_update=True,
    )
