"""Which sections a person sees: the start page and the top bar share this list.

Only sections that exist are listed; later features add theirs here.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opd.selectors import opd_of


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    description: str
    url: str


def sections_for(user) -> list[Section]:
    if user is None or not user.is_authenticated:
        return []
    sections = []
    if user.has_perm("opd.view_all_opds"):
        sections.append(
            Section(
                "opd",
                _("Units (OPD)"),
                _("All units of the city government, their heads and positions."),
                reverse("opd:list"),
            )
        )
    else:
        own = opd_of(user)
        if own is not None:
            sections.append(
                Section(
                    "data_room",
                    _("Data room"),
                    _("%(opd)s: programs, indicators with baselines, comparators and evidence.")
                    % {"opd": own.name},
                    reverse("opd:data_room", args=[own.code]),
                )
            )
            sections.append(
                Section(
                    "opd",
                    _("My unit"),
                    _("%(opd)s: positions and officials.") % {"opd": own.name},
                    own.get_absolute_url(),
                )
            )
        answer_session = _open_session_for_head(user)
        if answer_session is not None:
            sections.insert(
                0,
                Section(
                    "answer",
                    _("Live session"),
                    _("%(session)s: see the panel's offers and answer them.")
                    % {"session": answer_session.title},
                    reverse("auctions:answer", args=[answer_session.pk]),
                ),
            )
    if user.has_perm("opd.view_review_queue"):
        sections.append(
            Section(
                "review",
                _("Data room review"),
                _("Check submitted data rooms, comment, return them or mark them ready."),
                reverse("opd:review_queue"),
            )
        )
    if user.has_perm("auctions.view_session"):
        sections.append(
            Section(
                "sessions",
                _("Auction sessions"),
                _("The live sessions: operator console, projector link, panel view."),
                reverse("auctions:list"),
            )
        )
    if user.has_perm("contracts.view_desk"):
        sections.append(
            Section(
                "documents",
                _("Documents"),
                _("Signed pacts, performance agreements and minutes: filter, download, evidence."),
                reverse("contracts:desk"),
            )
        )
    if user.has_perm("monitoring.view_reports"):
        sections.append(
            Section(
                "reports",
                _("Quarterly reports"),
                _("Realisation against the signed targets, quarter by quarter, with evidence."),
                reverse("monitoring:index"),
            )
        )
    if user.has_perm("monitoring.view_dashboards"):
        sections.append(
            Section(
                "dashboards",
                _("Dashboards"),
                _("Achievement by band, late reports, units ranked, themes: for the wall."),
                reverse("dashboards:city"),
            )
        )
    if user.has_perm("lelang.view_auditentry"):
        sections.append(
            Section(
                "audit",
                _("Audit log"),
                _("Every recorded action, chained with SHA-256 so tampering shows."),
                reverse("audit_log"),
            )
        )
    if user.has_perm("lelang.access_admin"):
        sections.append(
            Section(
                "admin",
                _("Administration"),
                _("Set up units, positions, officials and user accounts."),
                reverse("admin:index"),
            )
        )
    return sections


def _open_session_for_head(user):
    """The live (or next planned) session, for a unit head's "answer" screen."""
    if user.role != "opd_head":
        return None
    from auctions.models import Session

    return (
        Session.objects.exclude(status=Session.Status.CLOSED)
        .order_by("status", "date", "round")  # live before planned
        .first()
    )
