"""Video and audio as patients send them, made safe: the container must be
the declared one (MP4, WebM, M4A), ffprobe reads its streams and duration,
and ffmpeg copies the streams into a new file without the metadata
(`-map_metadata -1`: no GPS, device, dates or titles) and without any
stream but video and audio. Both run with a time and memory limit."""

import json
import resource
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext

from testimonials.errors import FieldErrors
from testimonials.media.images import CleanFile

# Declared type -> (container, extension of the clean file).
RECORDING_TYPES = {
    "video/mp4": ("mp4", "mp4"),
    "video/quicktime": ("mp4", "mp4"),
    "audio/mp4": ("mp4", "m4a"),
    "audio/m4a": ("mp4", "m4a"),
    "audio/x-m4a": ("mp4", "m4a"),
    "video/webm": ("webm", "webm"),
    "audio/webm": ("webm", "webm"),
}
# What ffprobe's format_name holds for each container.
_PROBED = {"mp4": "mp4", "webm": "webm"}


def ffmpeg_available() -> bool:
    return shutil.which("ffprobe") is not None and shutil.which("ffmpeg") is not None


def _sniffed_container(head: bytes) -> str | None:
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


def _limits() -> None:
    """In the child, before exec: no more memory or CPU than the settings allow."""
    memory = settings.MEDIA_FFMPEG_MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = settings.MEDIA_FFMPEG_TIMEOUT
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def _run(arguments: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 - fixed program, our own temporary paths
        arguments,
        capture_output=True,
        timeout=settings.MEDIA_FFMPEG_TIMEOUT,
        preexec_fn=_limits,  # the limits must be set in the child, before exec
        check=False,
    )


def _refuse(field: str, message: str) -> FieldErrors:
    return FieldErrors({field: [message]})


def recording_sanitize(
    upload: IO[bytes], *, declared_type: str, size: int, field: str
) -> tuple[str, CleanFile]:
    """(`video` or `audio`, the clean file). Refuses (`FieldErrors` on
    `field`) a file over MEDIA_MAX_VIDEO_BYTES, a type other than MP4,
    WebM or M4A, a container that is not the declared one or that ffprobe
    cannot read, no audio or video stream, a length over
    MEDIA_MAX_VIDEO_SECONDS, and any file at all when ffmpeg is missing."""
    if not ffmpeg_available():
        raise _refuse(field, gettext("Video and audio cannot be accepted here yet."))
    if size > settings.MEDIA_MAX_VIDEO_BYTES:
        raise _refuse(
            field,
            gettext("The recording is larger than %(limit)s MB.")
            % {"limit": settings.MEDIA_MAX_VIDEO_BYTES // (1024 * 1024)},
        )
    declared = RECORDING_TYPES.get(declared_type.split(";")[0].strip().lower())
    if declared is None:
        raise _refuse(field, gettext("Send an MP4, WebM or M4A recording."))
    container, extension = declared
    data = upload.read(settings.MEDIA_MAX_VIDEO_BYTES + 1)
    if _sniffed_container(data[:16]) != container:
        raise _refuse(field, gettext("The file is not the kind of recording it says it is."))
    unreadable = _refuse(field, gettext("The recording could not be read; send another."))
    with tempfile.TemporaryDirectory(prefix="story-media-") as folder:
        source = Path(folder) / f"upload.{extension}"
        source.write_bytes(data)
        try:
            probe = _probe(source)
        except (subprocess.TimeoutExpired, OSError, ValueError):
            raise unreadable from None
        if probe is None or _PROBED[container] not in probe["format"].get("format_name", ""):
            raise unreadable
        streams = [
            stream
            for stream in probe.get("streams", [])
            if not stream.get("disposition", {}).get("attached_pic")
        ]
        video = [s for s in streams if s.get("codec_type") == "video"]
        audio = [s for s in streams if s.get("codec_type") == "audio"]
        if not video and not audio:
            raise unreadable
        duration = float(probe["format"].get("duration") or 0)
        if duration <= 0:
            raise unreadable
        if duration > settings.MEDIA_MAX_VIDEO_SECONDS:
            raise _refuse(
                field,
                gettext("The recording is longer than %(limit)s seconds.")
                % {"limit": int(settings.MEDIA_MAX_VIDEO_SECONDS)},
            )
        kind = "video" if video else "audio"
        if kind == "audio" and extension == "mp4":
            extension = "m4a"
        target = Path(folder) / f"clean.{extension}"
        try:
            stripped = _run(_strip_arguments(source, target, container))
        except (subprocess.TimeoutExpired, OSError):
            raise unreadable from None
        if stripped.returncode != 0 or not target.exists():
            raise unreadable
        content = target.read_bytes()
    width = int(video[0]["width"]) if video and video[0].get("width") else None
    height = int(video[0]["height"]) if video and video[0].get("height") else None
    content_type = {"mp4": "video/mp4", "m4a": "audio/mp4", "webm": f"{kind}/webm"}[extension]
    return kind, CleanFile(
        content=content,
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        duration_seconds=round(duration, 3),
    )


def _probe(source: Path) -> dict[str, Any] | None:
    probed = _run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(source),
        ]
    )
    if probed.returncode != 0:
        return None
    result: dict[str, Any] = json.loads(probed.stdout or b"{}")
    return result if "format" in result else None


def _strip_arguments(source: Path, target: Path, container: str) -> list[str]:
    arguments = [
        "ffmpeg",
        "-v",
        "error",
        "-nostdin",
        "-y",
        "-i",
        str(source),
        "-map",
        "0:V?",  # video, but no attached cover picture
        "-map",
        "0:a?",
        "-map_metadata",
        "-1",
        "-map_chapters",
        "-1",
        "-c",
        "copy",
    ]
    if container == "mp4":
        arguments += ["-movflags", "+faststart", "-f", "mp4"]
    else:
        arguments += ["-f", "webm"]
    return [*arguments, str(target)]
