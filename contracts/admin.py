from django.contrib import admin

from lelang.admin import ReadOnlyModelAdmin

from .models import Document, Signature


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    can_delete = False
    fields = ("role", "name", "position", "signed_at", "ip")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyModelAdmin):
    """Documents are prepared, signed and sealed by the application only: read here."""

    list_display = ("number", "version", "kind", "opd", "year", "status", "sealed_at")
    list_filter = ("kind", "status", "year")
    search_fields = ("number", "opd__name", "official__name")
    inlines = [SignatureInline]
