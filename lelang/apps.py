from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class LelangConfig(AppConfig):
    name = "lelang"
    verbose_name = _("Accounts and audit")

    def ready(self):
        from lelang import audit_receivers  # noqa: F401  (connects auth signals)


class LelangAdminConfig(AdminConfig):
    default_site = "lelang.admin_site.LelangAdminSite"
