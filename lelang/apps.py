from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class LelangConfig(AppConfig):
    name = "lelang"
    verbose_name = _("Accounts and audit")

    def ready(self):
        from django.core.signals import got_request_exception

        from lelang import audit_receivers  # noqa: F401  (connects auth signals)
        from lelang.errors import note_database_failure

        got_request_exception.connect(note_database_failure, dispatch_uid="lelang-db-503")


class LelangAdminConfig(AdminConfig):
    default_site = "lelang.admin_site.LelangAdminSite"
