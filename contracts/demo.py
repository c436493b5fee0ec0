"""Demo documents: the pacts of the finished demo sessions (12 and 13 November 2018),
signed on the signing day (Saturday 8 December 2018, Ngalam Command Center), the pact
of unwillingness of the head who refused (signed on the spot), the minutes of both
days and the 2019 performance agreements.

Everything is INVENTED and flagged ``is_demo``, sealed with the demo certificate
(``contracts.seal``, named as a demo). Idempotent: a negotiation, session or unit and
year that has its document already is left alone. Written with the ORM, without
audit entries or live events, like the rest of the demo.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from auctions.models import AgendaItem, Decision, Negotiation, Session
from auctions.selectors import current_head_official
from lelang.demo import SeedResult

from . import content as build
from .models import Document, Signature
from .seal import ensure_demo_certificate
from .selectors import item_pacts_sealed
from .services import PREFIX, seal_and_store

JAKARTA = ZoneInfo("Asia/Jakarta")
SIGNING_DAY = datetime(2018, 12, 8, 9, 30, tzinfo=JAKARTA)
AGREEMENT_YEAR = 2019
PANEL_LOGIN = "walikota"


def seed_documents(result: SeedResult) -> None:
    if not settings.LELANG_DEMO_DOCUMENTS:
        return
    mayor = get_user_model().objects.filter(username=PANEL_LOGIN, is_demo=True).first()
    if mayor is None:
        return
    ensure_demo_certificate()
    negotiations = (
        Negotiation.objects.filter(
            item__session__is_demo=True,
            item__session__status=Session.Status.CLOSED,
            state__in=[
                Negotiation.State.ACCEPTED,
                Negotiation.State.REFUSED,
                Negotiation.State.HANDED_OVER,  # refused, then handed to a Plt.
            ],
        )
        .select_related("opd", "official__user", "item__session__auction__period")
        .order_by("item__session__date", "item__order", "opd__name")
    )
    signed_units = set()
    for minute, negotiation in enumerate(negotiations):
        if negotiation.official.user is None:
            continue
        _pact(negotiation, mayor, SIGNING_DAY + timedelta(minutes=3 * minute), result)
        if negotiation.state == Negotiation.State.ACCEPTED:
            signed_units.add(negotiation.opd)
    _items_signed()
    for session in Session.objects.filter(is_demo=True, status=Session.Status.CLOSED):
        _minutes(session, result)
    for n, opd in enumerate(sorted(signed_units, key=lambda o: o.name)):
        _agreement(opd, mayor, SIGNING_DAY + timedelta(hours=1, minutes=2 * n), result)


def _items_signed() -> None:
    """A finished demo item whose accepted units all have their sealed pact is "signed"
    (as ``contracts.services`` moves it in the app)."""
    for item in AgendaItem.objects.filter(session__is_demo=True, state=AgendaItem.State.ACCEPTED):
        if item_pacts_sealed(item):
            AgendaItem.objects.filter(pk=item.pk).update(state=AgendaItem.State.SIGNED)


def _number(kind: str, code: str, year: int) -> str:
    serial = (Document.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    return f"{PREFIX[kind]}/{serial:04d}/{code.upper()}/{year}"


def _sign(document: Document, user, official, role: str, at: datetime, opd=None) -> None:
    if role == Signature.Role.HEAD:
        facts = build.official_facts(official, opd, on=at.astimezone(JAKARTA).date())
        name, nip, position = facts["name"], facts["nip"], facts["position"]
    else:
        official = getattr(user, "official", None)
        name = official.name if official else user.get_full_name()
        nip = (official.nip or "") if official else ""
        position = settings.LELANG_MAYOR_TITLE
    Signature.objects.create(
        document=document,
        role=role,
        user=user,
        name=name,
        nip=nip,
        position=position,
        signed_at=at,
    )


@transaction.atomic
def _pact(negotiation: Negotiation, mayor, signing: datetime, result: SeedResult) -> None:
    if Document.objects.filter(negotiation=negotiation).exists():
        result.add("document", False)
        return
    decision = (
        Decision.objects.filter(offer__negotiation=negotiation)
        .exclude(kind=Decision.Kind.COUNTER)
        .select_related("offer")
        .get()
    )
    session = negotiation.item.session
    if decision.kind == Decision.Kind.ACCEPT:
        kind, content = Document.Kind.PACT, build.pact_content(negotiation, decision)
        title = "Pakta integritas kesanggupan"
    else:
        kind, content = Document.Kind.REFUSAL, build.refusal_content(negotiation, decision)
        title = "Pakta integritas ketidaksanggupan"
    document = Document.objects.create(
        kind=kind,
        number=_number(kind, negotiation.opd.code, session.date.year),
        title=f"{title} — {negotiation.opd.name}",
        year=session.date.year,
        content=content,
        opd=negotiation.opd,
        official=negotiation.official,
        session=session,
        negotiation=negotiation,
        created_at=decision.decided_at,
        is_demo=True,
    )
    head = negotiation.official.user
    if kind == Document.Kind.PACT:
        _sign(document, head, negotiation.official, Signature.Role.HEAD, signing, negotiation.opd)
        _sign(document, mayor, None, Signature.Role.MAYOR, signing + timedelta(minutes=1))
        sealed_at = signing + timedelta(minutes=1)
    else:  # the refusal is signed on the spot
        at = decision.decided_at + timedelta(minutes=4)
        _sign(document, head, negotiation.official, Signature.Role.HEAD, at, negotiation.opd)
        sealed_at = at
    seal_and_store(document, sealed_at=sealed_at)
    result.add("document", True)


@transaction.atomic
def _minutes(session: Session, result: SeedResult) -> None:
    if Document.objects.filter(kind=Document.Kind.MINUTES, session=session).exists():
        result.add("document", False)
        return
    from lelang.audit import chain_head

    seq, digest = chain_head()
    content = build.minutes_content(session, (seq, digest))
    closed = max(
        (i.closed_at for i in session.items.all() if i.closed_at), default=SIGNING_DAY
    ) + timedelta(minutes=10)
    content["closed_at"] = closed.astimezone(JAKARTA).isoformat()
    document = Document.objects.create(
        kind=Document.Kind.MINUTES,
        number=_number(Document.Kind.MINUTES, "SESI", session.date.year),
        title=f"Berita acara {session.title}",
        year=session.date.year,
        content=content,
        session=session,
        chain_head=f"{seq}:{digest}",
        created_at=closed,
        is_demo=True,
    )
    seal_and_store(document, sealed_at=closed)
    result.add("document", True)


@transaction.atomic
def _agreement(opd, mayor, signing: datetime, result: SeedResult) -> None:
    if Document.objects.filter(kind=Document.Kind.AGREEMENT, opd=opd).exists():
        result.add("document", False)
        return
    head = current_head_official(opd)
    if head is None or head.user is None:
        return
    content = build.agreement_content(opd, AGREEMENT_YEAR, head)
    if not content["objectives"]:
        return
    document = Document.objects.create(
        kind=Document.Kind.AGREEMENT,
        number=_number(Document.Kind.AGREEMENT, opd.code, AGREEMENT_YEAR),
        title=f"Perjanjian Kinerja Tahun {AGREEMENT_YEAR} — {opd.name}",
        year=AGREEMENT_YEAR,
        content=content,
        opd=opd,
        official=head,
        created_at=signing - timedelta(days=1),
        is_demo=True,
    )
    _sign(document, head.user, head, Signature.Role.HEAD, signing, opd)
    _sign(document, mayor, None, Signature.Role.MAYOR, signing + timedelta(minutes=1))
    seal_and_store(document, sealed_at=signing + timedelta(minutes=1))
    result.add("document", True)
