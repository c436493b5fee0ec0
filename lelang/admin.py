"""The back office: Django admin, gated by role and audited on every change.

Every model admin that can write is an ``AuditedModelAdmin`` (or, for django-axes'
records, audits its deletions itself); ``tests/lelang/test_admin_audit.py`` checks
the whole registry, so a new admin cannot leave a hole in the chain.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.db import router, transaction
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin

from lelang.audit import audit_record, snapshot
from lelang.audit_receivers import AUDITED_FLAG, unlock_record
from lelang.models import AuditChainHead, AuditEntry, User
from lelang.roles import role_choices


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Records written only by the application's services: readable, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _label(obj) -> str:
    return obj._meta.label_lower


def _current(obj, exclude=()):
    """The row as the database has it now (before a form's changes are saved)."""
    if obj.pk is None:
        return None
    return snapshot(type(obj)._default_manager.filter(pk=obj.pk).first(), exclude=exclude)


class AuditedDeletesMixin:
    """Deletions from the admin, one by one and in bulk, each with its audit entry
    (``_audit_delete``) in the same transaction as the delete."""

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit_delete(request, obj)
            super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class AuditedAdminMixin(AuditedDeletesMixin):
    """Writes an audit event, with before/after, for every add, change and delete made
    in the back office: the object itself, its inline rows (an official's tenures, a
    session's agenda items) and whatever a deletion takes with it (cascades)."""

    audit_exclude: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        # Kept until save_related, which runs after the many-to-many fields are saved.
        form._audit_before = _current(obj, self.audit_exclude) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        obj = form.instance
        before = getattr(form, "_audit_before", None)
        after = snapshot(obj, exclude=self.audit_exclude)
        if not change or before != after:
            audit_record(
                action=f"{_label(obj)}.{'change' if change else 'add'}",
                obj=obj,
                before=before,
                after=after,
                request=request,
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        """Inline rows are audited one by one, each with its own before/after."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._audit_delete(request, obj)
            obj.delete()
        for obj in instances:
            adding = obj.pk is None
            before = None if adding else _current(obj)
            obj.save()
            audit_record(
                action=f"{_label(obj)}.{'add' if adding else 'change'}",
                obj=obj,
                before=before,
                after=snapshot(obj),
                request=request,
            )
        formset.save_m2m()

    def _audit_delete(self, request, obj):
        """The object and every row its deletion cascades to, each as its own entry."""
        audit_record(
            action=f"{_label(obj)}.delete",
            obj=obj,
            before=snapshot(obj, exclude=self.audit_exclude),
            request=request,
        )
        collector = NestedObjects(using=router.db_for_write(type(obj)))
        collector.collect([obj])
        for model, instances in collector.data.items():
            # Many-to-many link rows are part of the snapshot; Django's own admin log
            # (LogEntry) duplicates this chain.
            if model._meta.auto_created or model._meta.label == "admin.LogEntry":
                continue
            for instance in sorted(instances, key=lambda i: str(i.pk)):
                if instance == obj:
                    continue
                audit_record(
                    action=f"{_label(instance)}.delete",
                    obj=instance,
                    before=snapshot(instance),
                    after={"cascade_from": f"{_label(obj)}:{obj.pk}"},
                    request=request,
                )


class AuditedModelAdmin(AuditedAdminMixin, ObjectPermissionsModelAdminMixin, admin.ModelAdmin):
    """The base of every back-office admin that can write."""


class PasswordSetForm(AdminPasswordChangeForm):
    """Django's form for setting someone's password, with its warning in our words
    (Django's is English only)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = _(
                "Whether the person can log in with a password. If disabled, they cannot log "
                "in to this application any more and their current password is lost."
            )


class RoleFilter(admin.SimpleListFilter):
    """The role filter, the operators' role under the planning agency's configured name
    (the model's choices keep the fixed label the migrations record)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return role_choices()

    def queryset(self, request, queryset):
        return queryset.filter(role=self.value()) if self.value() else queryset


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    audit_exclude = ("password",)
    change_password_form = PasswordSetForm
    list_display = ("username", "name", "role_label", "is_active", "is_demo", "last_login")
    list_filter = (RoleFilter, "is_active", "is_demo")
    search_fields = ("username", "name", "email")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "email", "role")}),
        (_("Status"), {"fields": ("is_active", "is_demo", "last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        (_("System rights (superusers only)"), {"fields": ("is_staff", "is_superuser", "groups")}),
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

    @admin.display(description=_("role"), ordering="role")
    def role_label(self, obj):
        return obj.get_role_display()

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":  # the agency's configured name, as in RoleFilter
            kwargs["choices"] = [*BLANK_CHOICE_DASH, *role_choices()]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # Only a superuser can make someone a superuser.
        if obj is not None and request.user.is_superuser:
            fieldsets = tuple(fieldsets) + self.superuser_fieldsets
        return fieldsets

    def user_change_password(self, request, id, form_url=""):
        """Setting someone's password here is in the chain: whoever knows it can act as
        that person, so the inspector must see who set it, for whom and when."""
        with transaction.atomic():
            target = self.get_object(request, unquote(id))
            old_hash = target.password if target is not None else None
            response = super().user_change_password(request, id, form_url)
            if target is not None and request.method == "POST":
                target.refresh_from_db(fields=["password"])
                if target.password != old_hash:
                    own = target.pk == request.user.pk
                    audit_record(
                        action="auth.password_change" if own else "auth.password_reset",
                        obj=target,
                        after={"usable_password": target.has_usable_password()},
                        request=request,
                    )
        return response


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


# Groups are Django's own; only a superuser reaches them, and that too is audited.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin, DjangoGroupAdmin):
    pass


# --- Lockouts (django-axes) -------------------------------------------------------
# Bappeda lifts a lock by deleting the account's attempt record: an "auth.unlock"
# entry names who did it. The logs can only be deleted by a superuser; that is audited
# too. Removal outside the back office (axes_reset_username) is audited by a signal.

for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class AuditedDeleteMixin(AuditedDeletesMixin):
    """For records that are never edited here (only read), and deleted."""

    def has_change_permission(self, request, obj=None):
        return False

    #: What the audit keeps of a deleted record (not its raw form data).
    audit_fields: tuple[str, ...] = ()

    def _audit_delete(self, request, obj):
        before = {name: getattr(obj, name) for name in self.audit_fields}
        audit_record(action=f"{_label(obj)}.delete", obj=obj, before=before, request=request)


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AuditedDeleteMixin, AccessAttemptAdmin):
    audit_fields = ("username", "ip_address", "user_agent", "failures_since_start", "attempt_time")

    def _audit_delete(self, request, obj):
        setattr(obj, AUDITED_FLAG, True)  # the signal receiver must not write it again
        record = unlock_record(obj)
        if record is not None:
            audit_record(action="auth.unlock", request=request, **record)
        else:
            super()._audit_delete(request, obj)

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        with transaction.atomic():
            count = self.handler.clean_expired_user_attempts(request=request)
            if count:
                audit_record(
                    action="axes.accessattempt.cleanup", after={"deleted": count}, request=request
                )
        self.message_user(
            request, _("%(count)s expired access attempts cleaned up.") % {"count": count}
        )


LOG_FIELDS = ("username", "ip_address", "user_agent", "path_info", "attempt_time")


@admin.register(AccessLog)
class AuditedAccessLogAdmin(AuditedDeleteMixin, AccessLogAdmin):
    audit_fields = (*LOG_FIELDS, "logout_time")


@admin.register(AccessFailureLog)
class AuditedAccessFailureLogAdmin(AuditedDeleteMixin, AccessFailureLogAdmin):
    audit_fields = (*LOG_FIELDS, "locked_out")
