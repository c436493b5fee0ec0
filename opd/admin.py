from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsTabularInline

from lelang.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from opd.models import (
    Attachment,
    CaseExample,
    Comparator,
    DataRoom,
    Indicator,
    Official,
    Opd,
    Period,
    Position,
    Program,
    ReviewComment,
    StrategicObjective,
    Submission,
    SupportingRow,
    SupportingTable,
    Tenure,
    Theme,
)


class PositionInline(ObjectPermissionsTabularInline):
    model = Position
    extra = 0
    fields = ("title", "is_head")


class TenureInline(ObjectPermissionsTabularInline):
    model = Tenure
    extra = 0
    fields = ("position", "start_date", "end_date", "is_acting")
    autocomplete_fields = ("position",)


@admin.register(Opd)
class OpdAdmin(AuditedModelAdmin):
    list_display = ("name", "short_name", "code", "kind", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("name", "short_name", "code")
    prepopulated_fields = {"code": ("short_name",)}
    inlines = [PositionInline]


@admin.register(Position)
class PositionAdmin(AuditedModelAdmin):
    list_display = ("title", "opd", "is_head")
    list_filter = ("is_head", "opd__kind")
    search_fields = ("title", "opd__name")
    autocomplete_fields = ("opd",)


@admin.register(Official)
class OfficialAdmin(AuditedModelAdmin):
    list_display = ("name", "nip", "user", "is_demo")
    list_filter = ("is_demo",)
    search_fields = ("name", "nip", "user__username")
    autocomplete_fields = ("user",)
    inlines = [TenureInline]


@admin.register(Tenure)
class TenureAdmin(AuditedModelAdmin):
    list_display = ("official", "position", "start_date", "end_date", "acting")
    list_filter = ("is_acting", "position__opd")
    search_fields = ("official__name", "position__title")
    autocomplete_fields = ("official", "position")
    date_hierarchy = "start_date"

    @admin.display(boolean=True, description=_("Plt."))
    def acting(self, obj):
        return obj.is_acting


@admin.register(Period)
class PeriodAdmin(AuditedModelAdmin):
    list_display = ("name", "start_year", "end_year", "is_current", "is_demo")
    list_filter = ("is_current", "is_demo")


@admin.register(Theme)
class ThemeAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "is_demo")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


class DataRoomReadOnlyAdmin(ReadOnlyModelAdmin):
    """Data rooms change through the app (audited, state-checked); here they are read-only."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("opd.view_dataroom", obj)


@admin.register(DataRoom)
class DataRoomAdmin(DataRoomReadOnlyAdmin):
    list_display = ("opd", "period", "status", "updated_at")
    list_filter = ("status", "period")
    search_fields = ("opd__name",)


@admin.register(Program)
class ProgramAdmin(DataRoomReadOnlyAdmin):
    list_display = ("name", "kind", "data_room")
    list_filter = ("kind", "data_room__period")
    search_fields = ("name", "data_room__opd__name")


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(DataRoomReadOnlyAdmin):
    list_display = ("name", "data_room", "order")
    list_filter = ("data_room__period",)
    search_fields = ("name", "data_room__opd__name")


@admin.register(Indicator)
class IndicatorAdmin(DataRoomReadOnlyAdmin):
    list_display = (
        "name",
        "objective",
        "unit",
        "polarity",
        "baseline_value",
        "baseline_year",
        "program",
    )
    list_filter = ("polarity", "theme")
    search_fields = (
        "name",
        "objective__name",
        "program__name",
        "program__data_room__opd__name",
    )


for model in (
    Comparator,
    SupportingTable,
    SupportingRow,
    CaseExample,
    Attachment,
    Submission,
    ReviewComment,
):
    admin.site.register(model, DataRoomReadOnlyAdmin)
