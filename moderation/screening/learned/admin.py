"""The admin's list of learned screening models: which screens, when each
was trained, on what, how it measured; clinic admins may activate one or
roll back to the one before. Imported at the end of `moderation/admin.py`."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join

from moderation.accounts.permissions import CLINIC_ADMINS_GROUP
from moderation.admin.read_only import ReadOnlyModelAdmin
from moderation.models import ScreeningModel
from moderation.screening.learned import active


def is_clinic_admin(user: Any) -> bool:
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return bool(user.is_superuser or user.groups.filter(name=CLINIC_ADMINS_GROUP).exists())


@admin.register(ScreeningModel)
class ScreeningModelAdmin(ReadOnlyModelAdmin[ScreeningModel]):
    list_display = [
        "version",
        "created_at",
        "trained_on_summary",
        "test_figures",
        "recent_figures",
        "is_active",
        "activated_at",
        "refused_because",
    ]
    list_filter = ["is_active"]
    exclude = ["artifact"]
    actions = ["activate", "roll_back"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_clinic_admin(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_clinic_admin(request.user)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return super().get_actions(request) if is_clinic_admin(request.user) else {}

    @admin.display(description="trained on")
    def trained_on_summary(self, obj: ScreeningModel) -> str:
        trained = obj.trained_on
        return (
            f"{trained.get('corpus_items', 0)} corpus items, "
            f"{trained.get('clinic_decisions', 0)} clinic decisions"
        )

    def _figures(self, obj: ScreeningModel, where: str) -> str:
        figures = obj.metrics.get(where, {}).get("candidate", {})
        return format_html_join(
            ", ",
            "{} P {} R {}",
            (
                (kind, _ratio(one.get("precision")), _ratio(one.get("recall")))
                for kind, one in figures.items()
            ),
        )

    @admin.display(description="test split")
    def test_figures(self, obj: ScreeningModel) -> str:
        return self._figures(obj, "test")

    @admin.display(description="recent decisions")
    def recent_figures(self, obj: ScreeningModel) -> str:
        return self._figures(obj, "recent_decisions")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET" and not ScreeningModel.objects.filter(is_active=True).exists():
            shipped = active.shipped_model()
            self.message_user(
                request,
                f"Screening with the model shipped with the code, {shipped.version} "
                f"(trained {shipped.metadata.get('trained_at', '?')}).",
                messages.INFO,
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description="Activate the selected model")
    def activate(self, request: HttpRequest, queryset: QuerySet[ScreeningModel]) -> None:
        from moderation.screening.learned import services  # scikit-learn: only when used

        if not is_clinic_admin(request.user) or queryset.count() != 1:
            self.message_user(request, "Select exactly one model to activate.", messages.ERROR)
            return
        row = services.activate(queryset.get())
        self.message_user(request, f"Model {row.version} is screening now.", messages.SUCCESS)

    @admin.action(description="Roll back to the model before the active one")
    def roll_back(self, request: HttpRequest, queryset: QuerySet[ScreeningModel]) -> None:
        from moderation.screening.learned import services  # scikit-learn: only when used

        if not is_clinic_admin(request.user):
            return
        try:
            services.rollback()
        except services.NothingToRollBack as exc:
            self.message_user(request, str(exc), messages.WARNING)
            return
        self.message_user(
            request, f"Screening with {services.active_description()}.", messages.SUCCESS
        )


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
