from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from lelang.audit import audit_record, describe_report, verify_chain
from lelang.forms import LoginForm
from lelang.models import AuditEntry
from lelang.navigation import sections_for
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
        return redirect(target)
    return set_language(request)


@require_GET
@permission_required("lelang.view_auditentry", raise_exception=True)
def audit_log(request):
    entries = AuditEntry.objects.select_related("actor")
    query = request.GET.get("q", "").strip()
    action = request.GET.get("action", "").strip()
    if query:
        entries = entries.filter(
            Q(actor_label__icontains=query)
            | Q(object_repr__icontains=query)
            | Q(action__icontains=query)
        )
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "action": action,
        "actions": AuditEntry.objects.order_by("action")
        .values_list("action", flat=True)
        .distinct(),
        "chain": None,
    }
    if "verify" in request.GET:
        report = verify_chain()
        context["chain"] = {"ok": report.ok, "message": describe_report(report)}
    template = "lelang/audit_log.html#audit-table" if request.htmx else "lelang/audit_log.html"
    return render(request, template, context)
