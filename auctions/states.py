"""The agenda item's state machine (DESIGN.md §4), in one place.

waiting → presenting → negotiating → accepted | refused, accepted → signed;
refused → negotiating when the position is handed to another official;
waiting, presenting or negotiating → postponed (moved to a later session).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from auctions.models import AgendaItem

S = AgendaItem.State

TRANSITIONS: dict[str, set[str]] = {
    S.WAITING: {S.PRESENTING, S.POSTPONED},
    S.PRESENTING: {S.NEGOTIATING, S.POSTPONED},
    S.NEGOTIATING: {S.ACCEPTED, S.REFUSED, S.POSTPONED},
    S.REFUSED: {S.NEGOTIATING},
    S.ACCEPTED: {S.SIGNED},
    S.SIGNED: set(),
    S.POSTPONED: set(),
}

#: States of the item on stage: one per session at a time.
ACTIVE_STATES = (S.PRESENTING, S.NEGOTIATING)


class IllegalTransition(ValidationError):
    """The requested change is not allowed from the item's current state."""


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


def check_move(current: str, target: str) -> None:
    if not can_move(current, target):
        raise IllegalTransition(
            _("An item that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(current).label, "target": S(target).label}
        )
