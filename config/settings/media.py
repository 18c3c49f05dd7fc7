"""Photos, video and audio patients send with their stories: where the
sanitized files are stored (django-storages: the filesystem under var/media,
or an S3-compatible store), the limits every upload is checked against, and
the origin they are served from.

Imported by `config.settings.base` once `.env` is read.
"""

from pathlib import Path
from typing import Any

import environ

env = environ.Env()
_var_dir = Path(__file__).resolve().parent.parent.parent / "var"

# `filesystem`: MEDIA_ROOT (var/media by default); `s3`: any S3-compatible
# store (AWS, MinIO, Ceph...) by the AWS_* variables below.
MEDIA_STORAGE: str = env.str("MEDIA_STORAGE", default="filesystem")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(_var_dir / "media")))
# Never served by Django's static handler: `testimonials.media.serving` serves
# a file only while its story is published and the media approved.
MEDIA_URL = "/media/"
_media_storage: dict[str, Any]
if MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # Private objects: the service hands them out, never a public bucket URL.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "location": env.str("AWS_LOCATION", default="media"),
        },
    }
else:
    _media_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }

STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "media": _media_storage,
}

# Limits, each refused with a 400 naming the field.
MEDIA_MAX_PHOTO_BYTES: int = env.int("MEDIA_MAX_PHOTO_BYTES", default=15 * 1024 * 1024)
MEDIA_MAX_VIDEO_BYTES: int = env.int("MEDIA_MAX_VIDEO_BYTES", default=100 * 1024 * 1024)
# Pillow refuses to decode more pixels than this (a decompression bomb).
MEDIA_MAX_IMAGE_PIXELS: int = env.int("MEDIA_MAX_IMAGE_PIXELS", default=40_000_000)
# The longest side of a photo as sent.
MEDIA_MAX_PHOTO_DIMENSION: int = env.int("MEDIA_MAX_PHOTO_DIMENSION", default=8000)
MEDIA_MAX_VIDEO_SECONDS: float = env.float("MEDIA_MAX_VIDEO_SECONDS", default=180.0)
# ffprobe and ffmpeg run with these limits (seconds of wall time, bytes of memory).
MEDIA_FFMPEG_TIMEOUT: int = env.int("MEDIA_FFMPEG_TIMEOUT", default=60)
MEDIA_FFMPEG_MEMORY_BYTES: int = env.int("MEDIA_FFMPEG_MEMORY_BYTES", default=1024 * 1024 * 1024)
# Serve the files from another origin (e.g. https://media.clinic.example,
# pointed at this service), so that nothing uploaded ever runs on the
# site's own origin; empty: PUBLIC_BASE_URL.
MEDIA_PUBLIC_ORIGIN: str = env.str("MEDIA_PUBLIC_ORIGIN", default="").rstrip("/")


def media_origin_allowed(policy: dict[str, Any]) -> dict[str, Any]:
    """The pages' Content-Security-Policy, letting images and video load
    from MEDIA_PUBLIC_ORIGIN when one is set."""
    if not MEDIA_PUBLIC_ORIGIN:
        return policy
    directives = dict(policy["DIRECTIVES"])
    for name in ("img-src", "media-src"):
        directives[name] = [*directives.get(name, ["'self'"]), MEDIA_PUBLIC_ORIGIN]
    return {**policy, "DIRECTIVES": directives}


__all__ = [
    "MEDIA_FFMPEG_MEMORY_BYTES",
    "MEDIA_FFMPEG_TIMEOUT",
    "MEDIA_MAX_IMAGE_PIXELS",
    "MEDIA_MAX_PHOTO_BYTES",
    "MEDIA_MAX_PHOTO_DIMENSION",
    "MEDIA_MAX_VIDEO_BYTES",
    "MEDIA_MAX_VIDEO_SECONDS",
    "MEDIA_PUBLIC_ORIGIN",
    "MEDIA_ROOT",
    "MEDIA_STORAGE",
    "MEDIA_URL",
    "STORAGES",
    "media_origin_allowed",
]
