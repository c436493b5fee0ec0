from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Quarterly realisation reports, achievement and consequences (DESIGN.md §5)."""

    name = "monitoring"
    verbose_name = _("Quarterly monitoring")

    def ready(self):
        from contracts.evidence import register_evidence
        from monitoring import rules  # noqa: F401  (permissions)
        from monitoring.evidence_pack import quarterly_evidence

        register_evidence(quarterly_evidence)
