"""Permission-checked fetches for the live session."""

import re
import threading
import time

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from auctions.models import AgendaItem, Negotiation, Offer, Session
from lelang import events
from lelang.roles import planning_agency
from opd.selectors import member_opd_ids

DISPLAY_TOPIC_SECONDS = 60
#: Why a display link's streams ended (the data of their SSE ``closed`` event).
DISPLAY_CLOSED, DISPLAY_REVOKED = "session-closed", "link-revoked"


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


class DisplayClosed(Http404):
    """The display link belongs to a closed session: nothing more will be shown live."""


# token -> (topic, expires at): per process, like the streams it serves. Not Django's
# cache: when a link is revoked or its session closes, every process must forget the
# session's entries (see forget_display_links), and a cache cannot be searched by value.
_display_topics: dict[str, tuple[str, float]] = {}
_display_lock = threading.Lock()


def display_topic(token: str) -> str:
    """The live topic behind a display link, remembered for a short while: when a
    thousand screens (re)connect at once they should not each query the database.

    Raises Http404 for an unknown (or revoked) token and :class:`DisplayClosed` for
    a closed session's link: its screens stop streaming.
    """
    token = token[:64]
    cached = _display_topics.get(token)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    session = get_session_by_token(token)
    if session.status == Session.Status.CLOSED:
        raise DisplayClosed(_("This session is closed."))
    with _display_lock:
        if len(_display_topics) > 1000:  # only valid links get here; drop the stale
            now = time.monotonic()
            for key in [k for k, (_t, until) in _display_topics.items() if until <= now]:
                del _display_topics[key]
        _display_topics[token] = (session.topic, time.monotonic() + DISPLAY_TOPIC_SECONDS)
    return session.topic


def forget_display_token(token: str) -> None:
    """This process forgets a display link at once (it was just revoked here)."""
    with _display_lock:
        _display_topics.pop(token[:64], None)


_PROJECTOR_PREFIX = re.compile(r"^(session:\d+):projector")


def forget_display_links(prefix: str, reason: str = "") -> None:
    """A session's projector streams were closed (in any process): forget its links, so
    the next screen's connection is checked against the database again."""
    match = _PROJECTOR_PREFIX.match(prefix)
    if match is None:
        return
    topic = match[1]
    with _display_lock:
        for key in [k for k, (t, _until) in _display_topics.items() if t == topic]:
            del _display_topics[key]


events.on_streams_closed(forget_display_links)


def display_channel_prefix(session: Session) -> str:
    """Every projector channel of the session, in every language."""
    return f"{session.topic}:projector"


def operators_only() -> PermissionDenied:
    """The refusal for whoever does not run sessions, naming the planning agency."""
    return PermissionDenied(_("Only %(agency)s runs the session.") % {"agency": planning_agency()})


def get_item_for_user(request, pk, perm: str) -> AgendaItem:
    item = AgendaItem.objects.select_related("session__auction").filter(pk=pk).first()
    if item is None:
        raise Http404(_("No such agenda item."))
    if not request.user.has_perm(perm):
        raise operators_only()
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


def check_runs_sessions(request) -> None:
    """Only Bappeda plans and runs sessions (for pages that have no session yet)."""
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Log in first."))
    if not request.user.has_perm("auctions.run_session"):
        raise operators_only()
