"""The pacts on the live screens: ready to sign, signed by the head, DITANDATANGANI.

Registered with ``auctions.live.add_context_provider``: for each unit on stage with an
answered negotiation, one snippet per screen under ``unit["slots"]``.
"""

from django.template.loader import render_to_string

from .selectors import for_negotiations


def stage_documents(context: dict) -> None:
    units = [u for u in context["units"] if u.get("negotiation") is not None]
    if not units:
        return
    rows = for_negotiations([u["negotiation"].pk for u in units])
    session = context["session"]
    for unit in units:
        row = rows.get(unit["negotiation"].pk)
        if row is None:
            continue
        local = {"row": row, "doc": row.document, "session": session, "unit": unit}
        for screen in ("console", "panel", "projector", "answer"):
            unit["slots"][screen] = render_to_string(f"contracts/live/{screen}.html", local)
