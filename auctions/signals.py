"""What the auction announces to the apps built on it (contracts, monitoring).

``auctions`` knows nothing of those apps: they connect receivers in their
``AppConfig.ready()``. Both signals are sent inside the service's transaction, so a
receiver's writes commit or roll back with the change that caused them; a receiver
that raises undoes that change.
"""

from django.dispatch import Signal

#: A unit's head accepted or refused an offer: ``negotiation``, ``decision``,
#: ``user``, ``request`` (the negotiation's state is already the new one).
negotiation_decided = Signal()

#: A session was closed: ``session``, ``user``, ``request`` (its closing audit entry
#: is written, so the chain's head is the state at closing).
session_closed = Signal()
