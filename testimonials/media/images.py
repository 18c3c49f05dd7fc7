"""Photos as patients send them, made safe: the declared type must match
the file's magic bytes, the pixels are decoded by Pillow under a
decompression-bomb limit and re-encoded into a new file, so that nothing
but pixels survives (no EXIF, GPS, XMP, ICC profile or maker notes, no
trailing bytes of a polyglot)."""

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

from testimonials.errors import FieldErrors

try:  # HEIC (iPhones' default) through pillow-heif's wheels
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - the wheel is in uv.lock
    HEIC_SUPPORTED = False

# Declared type -> Pillow's format name.
PHOTO_TYPES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
}
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis")


@dataclass(frozen=True)
class CleanFile:
    """A sanitized file, ready for storage."""

    content: bytes
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None


def sniffed_format(head: bytes) -> str | None:
    """The image format the first bytes announce, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


def _refuse(field: str, message: str) -> FieldErrors:
    return FieldErrors({field: [message]})


def photo_sanitize(upload: IO[bytes], *, declared_type: str, size: int, field: str) -> CleanFile:
    """The photo re-encoded (JPEG, or WebP where it has transparency), turned
    upright by its orientation tag and stripped of every other byte it came
    with. Refuses (`FieldErrors` on `field`) a file over
    MEDIA_MAX_PHOTO_BYTES, a type other than JPEG, PNG, WebP or HEIC, bytes
    that are not the declared type, a side over MEDIA_MAX_PHOTO_DIMENSION,
    more pixels than MEDIA_MAX_IMAGE_PIXELS (a decompression bomb) and
    anything Pillow cannot decode whole."""
    if size > settings.MEDIA_MAX_PHOTO_BYTES:
        raise _refuse(
            field,
            gettext("The photo is larger than %(limit)s MB.")
            % {"limit": settings.MEDIA_MAX_PHOTO_BYTES // (1024 * 1024)},
        )
    declared = PHOTO_TYPES.get(declared_type.split(";")[0].strip().lower())
    if declared is None or (declared == "HEIF" and not HEIC_SUPPORTED):
        raise _refuse(field, gettext("Send a JPEG, PNG, WebP or HEIC photo."))
    data = upload.read(settings.MEDIA_MAX_PHOTO_BYTES + 1)
    if sniffed_format(data[:16]) != declared:
        raise _refuse(field, gettext("The file is not the kind of image it says it is."))
    # Pillow's limit is process-wide; every decode here sets it first.
    Image.MAX_IMAGE_PIXELS = settings.MEDIA_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            # Above the limit Pillow only warns (it raises at twice the limit).
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[declared]) as image:
                longest = settings.MEDIA_MAX_PHOTO_DIMENSION
                if image.width > longest or image.height > longest:
                    raise _refuse(
                        field,
                        gettext("The photo is larger than %(limit)s pixels on a side.")
                        % {"limit": longest},
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _reencoded(upright)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(field, gettext("The photo has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _refuse(field, gettext("The photo could not be read; send another.")) from None


def _reencoded(image: Image.Image) -> CleanFile:
    """Only the pixels, into a new image (no `info` carried over), encoded afresh."""
    transparent = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if transparent else "RGB"
    pixels = image.convert(mode)
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if transparent:
        clean.save(out, format="WEBP", quality=85, method=4)
        content_type, extension = "image/webp", "webp"
    else:
        clean.save(out, format="JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    return CleanFile(
        content=out.getvalue(),
        content_type=content_type,
        extension=extension,
        width=clean.width,
        height=clean.height,
    )
