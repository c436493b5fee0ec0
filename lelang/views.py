import csv
import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from lelang.audit import audit_record, describe_report, verify_chain
from lelang.audit_log import (
    action_label,
    changes,
    changes_text,
    date_bounds,
    person_filter,
    unit_filter,
)
from lelang.errors import DATABASE_UNREACHABLE, database_unavailable
from lelang.forms import AuditFilterForm, LoginForm
from lelang.models import AuditEntry, Notification
from lelang.navigation import sections_for
from lelang.roles import planning_agency
from lelang.spreadsheet import csv_text
from opd.selectors import current_tenure


@require_GET
@login_required
def home(request):
    context = {
        "sections": sections_for(request.user),
        "tenure": current_tenure(request.user),
    }
    return render(request, "lelang/home.html", context)


def lockout(request, original_response=None, credentials=None):
    """django-axes calls this instead of the login view once an account is locked."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, initial={"username": username})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"form": form, "locked_out": True, "cooloff_minutes": minutes}
    return render(request, "registration/login.html", context, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="auth.password_change", obj=self.request.user, request=self.request)
        messages.success(self.request, _("Your password has been changed."))
        return response


@require_POST
def language_set(request):
    """Django's set_language, plus a clear message for a language we do not offer."""
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        offered = ", ".join(str(name) for _code, name in settings.LANGUAGES)
        messages.error(
            request,
            _("Language “%(code)s” is not available. Choose one of: %(offered)s.")
            % {"code": code[:20], "offered": offered},
        )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "/"
        # Not redirect(): a bare word such as "abc" would be taken for a view name.
        return HttpResponseRedirect(target)
    return set_language(request)


def _audit_entries(request) -> tuple[AuditFilterForm, object, dict]:
    """The entries the audit log's filters select, newest first."""
    actions = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
    form = AuditFilterForm(request.GET or None, actions=actions)
    filters = form.filters()
    entries = AuditEntry.objects.all()
    if query := filters.get("q", "").strip():
        entries = entries.filter(
            Q(actor_label__icontains=query)
            | Q(object_repr__icontains=query)
            | Q(action__icontains=query)
        )
    if "person" in filters:
        entries = entries.filter(person_filter(filters["person"]))
    if "opd" in filters:
        entries = entries.filter(unit_filter(filters["opd"]))
    if "action" in filters:
        entries = entries.filter(action=filters["action"])
    entries = entries.filter(date_bounds(filters.get("date_from"), filters.get("date_to")))
    return form, entries, filters


@require_GET
@login_required
@permission_required("lelang.view_auditentry", raise_exception=True)
def audit_log(request):
    form, entries, _filters = _audit_entries(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    names = {}
    for entry in page:
        entry.label = action_label(entry.action)
        entry.changes = changes(entry, names)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    context = {"form": form, "page": page, "querystring": query.urlencode(), "chain": None}
    if "verify" in request.GET:
        report = verify_chain()
        context["chain"] = {"ok": report.ok, "message": describe_report(report)}
    template = "lelang/audit_log.html#audit-table" if request.htmx else "lelang/audit_log.html"
    return render(request, template, context)


@require_GET
@login_required
@permission_required("lelang.view_auditentry", raise_exception=True)
def audit_export(request):
    """The filtered log as CSV; the export is itself an entry in the chain."""
    _form, entries, filters = _audit_entries(request)
    count = entries.count()
    audit_record(
        action="lelang.audit.export",
        after={
            "filters": {k: str(getattr(v, "pk", v)) for k, v in filters.items()},
            "rows": count,
        },
        request=request,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="log-audit-{stamp}.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            "#",
            _("Time"),
            _("Who"),
            _("Action"),
            _("Action (code)"),
            _("Object"),
            _("Changes"),
            _("Client IP"),
            _("Hash"),
        ]
    )
    names = {}
    for entry in entries.order_by("seq").iterator(chunk_size=2000):
        writer.writerow(
            [
                entry.seq,
                timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                csv_text(entry.actor_label),
                csv_text(action_label(entry.action)),
                entry.action,
                csv_text(entry.object_repr),
                csv_text(changes_text(entry, names)),
                entry.ip or "",
                entry.hash,
            ]
        )
    return response


def server_error(request):
    """Django's 500 page, naming the planning agency to contact. Like Django's own it
    runs no context processors: the database they query may be what failed.

    The database unreachable for a moment (a restart, a failover, the network) is not
    a fault of the request: it gets a 503 that says nothing was saved and to send
    again; every change runs in a transaction, so nothing was half written. Django
    calls this view while handling the exception, so ``sys.exc_info()`` names it.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        return database_unavailable()
    context = {"planning_agency": planning_agency()}
    return HttpResponseServerError(loader.get_template("500.html").render(context))


@require_http_methods(["GET", "POST"])
@login_required
def notifications(request):
    """The person's own notifications, newest first; POST marks them all read."""
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    return render(request, "lelang/notifications.html", {"page": page})
