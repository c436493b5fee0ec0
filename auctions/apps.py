from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuctionsConfig(AppConfig):
    """Auction cycles, sessions, agenda items, offers and decisions (DESIGN.md §3–4)."""

    name = "auctions"
    verbose_name = _("Performance auctions")

    def ready(self):
        from auctions import live  # noqa: F401  (registers the live-screen renderer)
