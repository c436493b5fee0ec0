"""The auction's announcements turned into documents (inside the same transaction)."""

from django.dispatch import receiver

from auctions.signals import negotiation_decided, session_closed

from . import services


@receiver(negotiation_decided, dispatch_uid="contracts.pact_prepare")
def prepare_pact(sender, negotiation, decision, user=None, request=None, **kwargs):
    services.pact_prepare(negotiation=negotiation, decision=decision, user=user, request=request)


@receiver(session_closed, dispatch_uid="contracts.minutes_prepare")
def prepare_minutes(sender, session, user=None, request=None, **kwargs):
    services.minutes_prepare(session=session, user=user, request=request)
