"""Who may do what in a live session (django-rules)."""

import rules

from lelang.roles import is_bappeda, is_panel, sees_everything
from opd.selectors import holds_head_position


@rules.predicate
def is_answering_official(user, negotiation) -> bool:
    """The official named on the negotiation, while they hold the unit's head position."""
    return (
        negotiation is not None
        and negotiation.official.user_id == user.pk
        and holds_head_position(negotiation.official, negotiation.opd)
    )


rules.add_perm("auctions.view_session", sees_everything)
rules.add_perm("auctions.run_session", is_bappeda)
rules.add_perm("auctions.make_offer", is_panel)
rules.add_perm("auctions.answer_offer", is_answering_official)

# Back office: Bappeda plans auctions and sessions there too.
rules.add_perm("auctions", is_bappeda)
for model in ("auction", "session", "agendaitem"):
    if model != "session":
        rules.add_perm(f"auctions.view_{model}", sees_everything)
    for action in ("add", "change"):
        rules.add_perm(f"auctions.{action}_{model}", is_bappeda)
for model in ("negotiation", "offer", "offertarget", "decision", "countertarget", "agreedtarget"):
    rules.add_perm(f"auctions.view_{model}", sees_everything)
