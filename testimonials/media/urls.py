"""Where the public fetches a story's media: /media/ (or MEDIA_PUBLIC_ORIGIN)."""

from django.urls import path

from testimonials.media import serving

urlpatterns = [
    path("<uuid:public_id>/", serving.story_media, name="story-media"),
    path(
        "<uuid:public_id>/captions.vtt", serving.story_media_captions, name="story-media-captions"
    ),
]
