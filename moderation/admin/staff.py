"""The clinicians and the staff who work at an organisation's places, in
the admin: clinicians, staff memberships and staff accounts (organisations
are in `moderation.admin.places`, locations in `places_import`).
Superusers manage them all; an organisation admin only their own
organisation's, and can neither see another's nor grant themselves one."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest

from moderation.accounts.permissions import (
    CLINIC_ADMINS_GROUP,
    MODERATORS_GROUP,
    REVIEWERS_GROUP,
)
from moderation.accounts.scoped_admin import ScopedAdmin
from moderation.accounts.scopes import forget, staff_scope
from moderation.models import StaffMembership, StaffRole
from testimonials.models import Clinician, Location, Organisation


def _superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


@admin.register(Clinician)
class ClinicianAdmin(ScopedAdmin[Clinician]):
    list_display = ["name", "slug", "organisation", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    scope_administered = "organisation"


@admin.register(StaffMembership)
class StaffMembershipAdmin(ScopedAdmin[StaffMembership]):
    """Who works where, in which role. The organisation offered is one the
    signed-in admin administers."""

    list_display = ["user", "organisation", "role", "location_names"]
    list_filter = ["role"]
    search_fields = ["user__username"]
    list_select_related = ["user", "organisation"]
    scope_administered = "organisation"

    @admin.display(description="Locations")
    def location_names(self, obj: StaffMembership) -> str:
        return ", ".join(location.name for location in obj.locations.all()) or "every location"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                staff_scope(request.user).staff_q(), is_staff=True
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        forget(form.instance.user)


class StaffMembershipInline(admin.TabularInline[StaffMembership, User]):
    model = StaffMembership
    fields = ["organisation", "role", "locations"]
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation" and not _superuser(request):
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=sorted(staff_scope(request.user).admin_of)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "locations" and not _superuser(request):
            kwargs["queryset"] = Location.objects.filter(
                organisation__in=sorted(staff_scope(request.user).admin_of)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> Any:
        # Another organisation's membership of the same person stays theirs.
        queryset = super().get_queryset(request)
        if _superuser(request):
            return queryset
        return queryset.filter(organisation__in=sorted(staff_scope(request.user).admin_of))


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(ScopedAdmin[User], UserAdmin):  # type: ignore[type-arg]
    """Staff accounts. An organisation admin lists and edits only their
    organisation's staff, gives them only the service's groups, and never
    makes anyone a superuser."""

    scope_staff = ""
    inlines = [StaffMembershipInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        return queryset if _superuser(request) else queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if _superuser(request):
            return super().get_readonly_fields(request, obj)
        return ["is_superuser", "user_permissions", "last_login", "date_joined"]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not _superuser(request):
            kwargs["queryset"] = Group.objects.filter(
                name__in=[MODERATORS_GROUP, REVIEWERS_GROUP, CLINIC_ADMINS_GROUP]
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        administered = sorted(staff_scope(request.user).admin_of)
        if not change and not _superuser(request) and administered:
            # Made by an organisation admin: a member of their organisation
            # (else, with several organisations, no one could see the account).
            StaffMembership.objects.get_or_create(
                user=obj, organisation_id=administered[0], defaults={"role": StaffRole.MODERATOR}
            )
