"""Serving a story's sanitized photo, video or audio and its captions, only
while the story is public and the media approved (404 otherwise), with
headers that keep a browser from ever running or sniffing them:
`Content-Disposition`, `X-Content-Type-Options: nosniff` and a CSP that
allows nothing (`default-src 'none'; sandbox`)."""

import uuid

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from testimonials.media.selectors import has_webvtt, public_media_get
from testimonials.media.services import media_storage
from testimonials.models import StoryMedia

# Whatever the file turns out to be, a browser may only display it.
MEDIA_CSP = "default-src 'none'; sandbox"


def _harden(response: HttpResponseBase, *, etag: str) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    # Websites embed the photo (the widget), so other origins may load it,
    # and a page on MEDIA_PUBLIC_ORIGIN's sister origin may read captions.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    # Revalidated on every use: a withdrawal takes effect at the next request.
    response["Cache-Control"] = "public, no-cache"
    response["ETag"] = etag
    return response


@require_safe
def story_media(request: HttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    media = public_media_get(public_id)
    if media is None:
        raise Http404("No such media.")
    etag = quote_etag(media.sha256)
    if etag in request.headers.get("If-None-Match", ""):
        return _harden(HttpResponse(status=304), etag=etag)
    return media_file_response(media)


def media_file_response(media: StoryMedia) -> HttpResponseBase:
    """The sanitized file, hardened; also the review page's copy."""
    extension = media.storage_name.rsplit(".", 1)[-1]
    response = FileResponse(
        media_storage().open(media.storage_name, "rb"),
        content_type=media.content_type,
        as_attachment=False,
        filename=f"{media.kind}-{media.public_id}.{extension}",
    )
    return _harden(response, etag=quote_etag(media.sha256))


@require_safe
def story_media_captions(request: HttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    media = public_media_get(public_id)
    if media is None or not media.is_moving or not has_webvtt(media.captions):
        raise Http404("No captions.")
    response = HttpResponse(media.captions, content_type="text/vtt; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="captions-{media.public_id}.vtt"'
    return _harden(response, etag=quote_etag(f"{media.sha256[:16]}-{len(media.captions)}"))
