from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Signed documents: integrity pacts and performance agreements (DESIGN.md §5a)."""

    name = "contracts"
    verbose_name = _("Pacts and agreements")
