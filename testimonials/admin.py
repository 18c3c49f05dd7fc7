from django.contrib import admin

from testimonials.models import ConsentText, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["title", "slug", "open_for_submissions", "languages", "created_at"]
    list_filter = ["open_for_submissions"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin[ConsentText]):
    list_display = ["version", "created_at", "superseded_at"]
    readonly_fields = ["created_at"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A version patients agreed to is never edited: supersede it instead.
        if obj is not None and obj.pk is not None:
            return ["version", "text", "created_at"]
        return ["created_at"]
