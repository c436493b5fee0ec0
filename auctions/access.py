"""Permission-checked fetches for the live session."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from auctions.models import AgendaItem, Negotiation, Offer, Session
from opd.selectors import member_opd_ids

DISPLAY_TOPIC_SECONDS = 60


def get_session_for_user(request, pk, perm: str | None) -> Session:
    """The session, if the user may see it with ``perm`` (None: heads with a unit on it)."""
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Log in first."))
    session = (
        Session.objects.select_related("auction__period", "current_item").filter(pk=pk).first()
    )
    if session is None:
        raise Http404(_("No such session."))
    if perm is not None and not request.user.has_perm(perm):
        raise PermissionDenied(_("You may not open this screen."))
    return session


def get_session_by_token(token: str) -> Session:
    session = Session.objects.select_related("auction").filter(display_token=token).first()
    if session is None:
        raise Http404(_("This display link is not valid (any more)."))
    return session


def display_topic(token: str) -> str:
    """The live topic behind a display link, remembered for a short while: when a
    thousand screens (re)connect at once they should not each query the database."""
    key = f"display-topic:{token[:64]}"
    topic = cache.get(key)
    if topic is None:
        topic = get_session_by_token(token).topic
        cache.set(key, topic, DISPLAY_TOPIC_SECONDS)
    return topic


def get_item_for_user(request, pk, perm: str) -> AgendaItem:
    item = AgendaItem.objects.select_related("session__auction").filter(pk=pk).first()
    if item is None:
        raise Http404(_("No such agenda item."))
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Only Bappeda runs the session."))
    return item


def opd_for_answer_screen(request, session: Session):
    """The unit whose head (or answering official) this user is, for this session."""
    user = request.user
    negotiation = (
        Negotiation.objects.filter(item__session=session, official__user=user)
        .select_related("opd")
        .order_by("-opened_at")
        .first()
    )
    if negotiation is not None:
        return negotiation.opd
    if user.role == "opd_head":
        from opd.models import Opd

        opd = Opd.objects.filter(pk__in=member_opd_ids(user)).first()
        if opd is not None:
            return opd
    raise PermissionDenied(_("Only the head of a unit answers offers."))


def get_offer_for_answer(request, pk) -> Offer:
    """The offer, if this user is the official who answers it; 404 otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("No such offer.")) from None
    offer = (
        Offer.objects.select_related("negotiation__official", "negotiation__item")
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise Http404(_("No such offer."))
    if not request.user.has_perm("auctions.answer_offer", offer.negotiation):
        raise PermissionDenied(_("Only the official answering for this unit may answer."))
    return offer
