from django.contrib import admin

from lelang.admin import ReadOnlyModelAdmin

from .models import Evidence, Quarter, Report, ReportLine


@admin.register(Report)
class ReportAdmin(ReadOnlyModelAdmin):
    """Reports are written through the reporting screens and their services only."""

    list_display = ("opd", "quarter", "revision", "status", "submitted_at", "reviewed_at")
    list_filter = ("status", "quarter")
    search_fields = ("opd__name",)


for model in (Quarter, ReportLine, Evidence):
    admin.site.register(model, ReadOnlyModelAdmin)
