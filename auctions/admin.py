from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsTabularInline

from auctions.models import (
    AgendaItem,
    AgreedTarget,
    Auction,
    CounterTarget,
    Decision,
    Negotiation,
    Offer,
    OfferTarget,
    Reopening,
    Session,
)
from lelang.admin import AuditedModelAdmin, ReadOnlyModelAdmin


class AgendaItemInline(ObjectPermissionsTabularInline):
    model = AgendaItem
    fk_name = "session"
    extra = 0
    fields = ("order", "opd", "theme", "time_box", "state")
    readonly_fields = ("state",)
    autocomplete_fields = ("opd",)


@admin.register(Auction)
class AuctionAdmin(AuditedModelAdmin):
    list_display = ("name", "period", "is_demo")


@admin.register(Session)
class SessionAdmin(AuditedModelAdmin):
    list_display = ("title", "auction", "date", "round", "day", "status")
    list_filter = ("status", "auction")
    readonly_fields = (
        "display_token",
        "current_item",
        "focus_indicator",
        "timer_ends_at",
        "timer_remaining",
    )
    inlines = [AgendaItemInline]


class RecordAdmin(ReadOnlyModelAdmin):
    """Negotiation records are written by the live session only; here they are read."""


@admin.register(AgendaItem)
class AgendaItemAdmin(RecordAdmin):
    list_display = ("__str__", "session", "order", "state")
    list_filter = ("state", "session")


@admin.register(Negotiation)
class NegotiationAdmin(RecordAdmin):
    list_display = ("__str__", "official", "state", "position_flagged")
    list_filter = ("state", "position_flagged")


@admin.register(Decision)
class DecisionAdmin(RecordAdmin):
    list_display = ("offer", "kind", "reason_category", "decided_by", "decided_at")
    list_filter = ("kind", "reason_category")


for model in (Offer, OfferTarget, CounterTarget, AgreedTarget, Reopening):
    admin.site.register(model, RecordAdmin)
