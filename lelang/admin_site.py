from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class LelangAdminSite(admin.AdminSite):
    """Django admin in Indonesian, opened by role (rules) rather than the is_staff flag."""

    site_header = _("Lelang Kinerja administration")
    site_title = _("Lelang Kinerja")
    index_title = _("Administration")

    def has_permission(self, request):
        return request.user.is_active and request.user.has_perm("lelang.access_admin")
