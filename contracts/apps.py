from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Signed documents: integrity pacts, performance agreements, minutes (DESIGN.md §5a)."""

    name = "contracts"
    verbose_name = _("Pacts and agreements")

    def ready(self):
        from auctions.live import add_context_provider
        from contracts import receivers, rules  # noqa: F401  (signals and permissions)
        from contracts.live import stage_documents

        add_context_provider(stage_documents)
