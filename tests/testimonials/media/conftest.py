"""Photos and recordings made the way phones make them (with GPS and a
camera's name in their metadata), a patient's story sent with them through
the API, and a local S3-compatible server (moto's server mode)."""

import io
import socket
import subprocess
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import ExifTags, Image

from moderation.decisions import services as decisions
from moderation.intake import screening as intake
from testimonials.media import recordings
from testimonials.models import Testimonial

SUBMIT_URL = "/api/v1/testimonials/"
CAMERA = "CanaryCam 3000"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description photoshop:City="Springfield"/></rdf:RDF></x:xmpmeta>'
)


def photo_with_gps(*, size=(64, 48), fmt="JPEG") -> bytes:
    """A photo as a phone writes it: GPS position, the camera's make and an
    XMP packet naming a city."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif, xmp=XMP)
    return out.getvalue()


def upload(content: bytes, content_type: str, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def form_of(submission: dict, **files) -> dict:
    """The JSON submission as the form fields a multipart request carries."""
    fields = {
        name: ("true" if value is True else "false" if value is False else str(value))
        for name, value in submission.items()
    }
    return {**fields, **files}


@pytest.fixture
def send(api_client, django_capture_on_commit_callbacks):
    """POST a story with files as multipart/form-data; commit hooks run."""

    def send(submission: dict, **files):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(SUBMIT_URL, form_of(submission, **files), format="multipart")

    return send


@pytest.fixture
def review_and_publish(moderator, django_capture_on_commit_callbacks):
    """Screen a submitted story and have alice approve it; returns it."""

    def review_and_publish(public_id: str) -> Testimonial:
        testimonial = Testimonial.objects.get(public_id=public_id)
        with django_capture_on_commit_callbacks(execute=True):
            intake.testimonial_screen(testimonial_id=testimonial.pk)
            return decisions.testimonial_approve(
                public_id=testimonial.public_id, moderator=moderator
            )

    return review_and_publish


def stored_files() -> list[Path]:
    """Every file in the filesystem media storage of this test run."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture(autouse=True)
def _empty_media_storage():
    for path in stored_files():
        path.unlink()


needs_ffmpeg = pytest.mark.skipif(
    not recordings.ffmpeg_available(),
    reason="Debian's ffmpeg is not installed (scripts/install-test-tools installs it)",
)


def recording(tmp_path: Path, *, audio_only: bool = False, seconds: int = 1) -> bytes:
    """A short MP4 (or M4A) with a title and a GPS position in its metadata."""
    target = tmp_path / ("clip.m4a" if audio_only else "clip.mp4")
    sources = ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    if not audio_only:
        sources = ["-f", "lavfi", "-i", f"testsrc=size=64x48:rate=10:duration={seconds}", *sources]
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y", *sources,
            "-metadata", f"title={CAMERA}", "-metadata", "location=+52.5200+013.4050/",
            "-c:a", "aac", *([] if audio_only else ["-c:v", "mpeg4"]),
            "-shortest", str(target),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return target.read_bytes()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def s3_media():
    """A local S3-compatible server (moto in server mode, on a free port)
    holding the media storage's bucket; yields a boto3 client to look in it."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket="story-media")
    storages = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "story-media",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": None,
                "file_overwrite": False,
                "location": "media",
            },
        },
    }
    try:
        with override_settings(STORAGES=storages):
            yield client
    finally:
        server.stop()


def bucket_keys(client) -> list[str]:
    listed = client.list_objects_v2(Bucket="story-media")
    return sorted(item["Key"] for item in listed.get("Contents", []))
