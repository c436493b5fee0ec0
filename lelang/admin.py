"""The back office: Django admin, gated by role and audited on every change."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin

from lelang.audit import audit_record, snapshot
from lelang.models import AuditChainHead, AuditEntry, User


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Records written only by the application's services: readable, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedModelAdmin(ObjectPermissionsModelAdminMixin, admin.ModelAdmin):
    """Writes an audit event, with before/after, for every add, change and delete."""

    audit_exclude: tuple[str, ...] = ()

    def _action(self, obj, verb):
        return f"{obj._meta.label_lower}.{verb}"

    def _before(self, obj):
        if obj.pk is None:
            return None
        current = type(obj)._default_manager.filter(pk=obj.pk).first()
        return snapshot(current, exclude=self.audit_exclude)

    def save_model(self, request, obj, form, change):
        before = self._before(obj) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            action=self._action(obj, "change" if change else "add"),
            obj=obj,
            before=before,
            after=snapshot(obj, exclude=self.audit_exclude),
            request=request,
        )

    def delete_model(self, request, obj):
        audit_record(
            action=self._action(obj, "delete"),
            obj=obj,
            before=snapshot(obj, exclude=self.audit_exclude),
            request=request,
        )
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows (e.g. an official's tenures) are audited one by one too."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(
                action=self._action(obj, "delete"), obj=obj, before=snapshot(obj), request=request
            )
            obj.delete()
        for obj in instances:
            adding = obj.pk is None
            before = None if adding else self._before(obj)
            obj.save()
            audit_record(
                action=self._action(obj, "add" if adding else "change"),
                obj=obj,
                before=before,
                after=snapshot(obj),
                request=request,
            )
        formset.save_m2m()


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    audit_exclude = ("password",)
    list_display = ("username", "name", "role", "is_active", "is_demo", "last_login")
    list_filter = ("role", "is_active", "is_demo")
    search_fields = ("username", "name", "email")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "email", "role")}),
        (_("Status"), {"fields": ("is_active", "is_demo", "last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        (_("Django permissions"), {"fields": ("is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "email", "role", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined", "is_demo")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # Only a superuser can make someone a superuser.
        if obj is not None and request.user.is_superuser:
            fieldsets = tuple(fieldsets) + self.superuser_fieldsets
        return fieldsets


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "created_at", "actor_label", "action", "object_repr", "ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_repr", "action")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("lelang.view_auditentry")


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(AuditEntryAdmin):
    list_display = ("seq", "hash")
    list_filter = ()
    search_fields = ()
    readonly_fields = ("seq", "hash")
