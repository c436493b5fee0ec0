"""Reads about who belongs where."""

from opd.models import Opd, Tenure

_CACHE_ATTR = "_lelang_current_tenures"


def current_tenures(user) -> list[Tenure]:
    """All positions the user holds today, head positions first, then the most recent.

    Cached on the user object, so one request asks the database once. Someone can
    hold two at once: a head who is also acting (Plt.) head of another unit.
    """
    if user is None or not user.is_authenticated:
        return []
    if not hasattr(user, _CACHE_ATTR):
        tenures = list(
            Tenure.objects.current()
            .filter(official__user=user)
            .select_related("position__opd", "official")
            .order_by("-position__is_head", "is_acting", "-start_date")
        )
        setattr(user, _CACHE_ATTR, tenures)
    return getattr(user, _CACHE_ATTR)


def current_tenure(user) -> Tenure | None:
    """The user's main position today (for greetings and "my unit")."""
    tenures = current_tenures(user)
    return tenures[0] if tenures else None


def member_opd_ids(user) -> set[int]:
    return {t.position.opd_id for t in current_tenures(user) if t.position.opd_id}


def head_opd_ids(user) -> set[int]:
    return {t.position.opd_id for t in current_tenures(user) if t.position.is_head}


def opd_of(user) -> Opd | None:
    tenure = current_tenure(user)
    return tenure.position.opd if tenure is not None else None


def visible_opds(user):
    """The units a user may open: all for Bappeda, panel and inspectors, else their own."""
    if user.has_perm("opd.view_all_opds"):
        return Opd.objects.all()
    return Opd.objects.filter(pk__in=member_opd_ids(user))


def head_position(opd: Opd):
    """The unit's head position (Kepala Dinas, Camat …), or None if none is on record."""
    from opd.models import Position

    return Position.objects.filter(opd=opd, is_head=True).first()


def holds_head_position(official, opd: Opd, on=None) -> bool:
    """Whether ``official`` holds ``opd``'s head position (definitive or Plt.) on ``on``
    (today by default): the one test of who may answer and sign for a unit."""
    if official is None:
        return False
    return (
        Tenure.objects.current(on)
        .filter(official=official, position__opd=opd, position__is_head=True)
        .exists()
    )
