"""Everything that changes a live session. Each function locks what it changes, checks the
state machine, writes the audit event and announces the change to every screen after the
transaction commits."""

from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions import access, signals
from auctions.models import (
    AgendaItem,
    AgreedTarget,
    CounterTarget,
    Decision,
    Negotiation,
    Offer,
    OfferTarget,
    Reopening,
    Session,
    new_display_token,
)
from auctions.selectors import (
    agreed_opd_ids,
    current_head_official,
    has_ready_data,
    ready_indicators,
)
from auctions.states import ACTIVE_STATES, check_move
from auctions.targets import IndicatorFacts, grid_warnings, offer_years, value_problem
from lelang import events
from lelang.audit import audit_record
from lelang.passwords import confirm_password
from lelang.roles import planning_agency
from opd.selectors import holds_head_position
from opd.services import acting_head_appoint, official_create

S = AgendaItem.State


def _locked_item(item: AgendaItem) -> AgendaItem:
    # of=("self",): PostgreSQL cannot lock the nullable side of the opd/theme outer joins.
    return (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("session__auction__period", "opd", "theme")
        .get(pk=item.pk)
    )


def _locked_session(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("auction__period")
        .get(pk=session.pk)
    )


def _announce(session: Session) -> None:
    events.publish(session.topic)


def _move(item: AgendaItem, target: str, *, user, request, extra=None) -> None:
    """Change the item's state through the state machine, with an audit event."""
    before = item.state
    check_move(before, target)
    item.state = target
    if target in (S.ACCEPTED, S.REFUSED, S.POSTPONED):
        item.closed_at = timezone.now()  # signing later keeps the time of the answer
    item.save()
    audit_record(
        action=f"auctions.item.{target}",
        actor=user,
        obj=item,
        before={"state": before},
        after={"state": target, **(extra or {})},
        request=request,
    )


# --- Planning sessions (Bappeda) --------------------------------------------------

#: What Bappeda sets on a session; the agenda is built in the console.
SESSION_FIELDS = ("auction", "title", "day", "round", "date", "venue")


def _session_facts(session: Session) -> dict:
    """The planned fields, as the audit log keeps them (before/after)."""
    return {
        "auction": session.auction_id,
        "title": session.title,
        "day": session.day,
        "round": session.round,
        "date": session.date.isoformat(),
        "venue": session.venue,
    }


def _check_day_and_round(session: Session) -> None:
    """One session per day and round of an auction: two would split its agenda."""
    twin = (
        Session.objects.filter(auction_id=session.auction_id, day=session.day, round=session.round)
        .exclude(pk=session.pk)
        .first()
    )
    if twin is not None:
        raise ValidationError(
            {
                "day": _("“%(title)s” is already day %(day)s of round %(round)s of this auction.")
                % {"title": twin.title, "day": session.day, "round": session.round}
            }
        )


@transaction.atomic
def session_create(
    *, auction, title: str, day: int, round: int, date, venue: str, user, request=None
) -> Session:
    """Plan a session of ``auction``; it starts planned, with an empty agenda."""
    session = Session(
        auction=auction, title=title.strip(), day=day, round=round, date=date, venue=venue.strip()
    )
    _check_day_and_round(session)
    session.save()
    audit_record(
        action="auctions.session.create",
        actor=user,
        obj=session,
        after=_session_facts(session),
        request=request,
    )
    return session


@transaction.atomic
def session_update(*, session: Session, user, request=None, **changes) -> Session:
    """Change what was planned (``changes``: any of SESSION_FIELDS). A closed session is
    a record of what happened and stays as it is; the auction cannot change once the
    agenda has items (their data rooms belong to the auction's period)."""
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"session_update() cannot change {', '.join(sorted(unknown))}")
    session = _locked_session(session)
    if session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed; it can no longer be changed."))
    before = _session_facts(session)
    auction = changes.get("auction")
    if auction is not None and auction.pk != session.auction_id and session.items.exists():
        raise ValidationError(
            {"auction": _("The agenda already has items of this auction; the auction stays.")}
        )
    for field, value in changes.items():
        setattr(session, field, value.strip() if isinstance(value, str) else value)
    _check_day_and_round(session)
    session.save(update_fields=list(changes))
    after = _session_facts(session)
    if after != before:
        audit_record(
            action="auctions.session.update",
            actor=user,
            obj=session,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            request=request,
        )
        _announce(session)  # the screens show its title
    return session


# --- Running the session (Bappeda's console) --------------------------------------


@transaction.atomic
def item_start(*, item: AgendaItem, user, request=None) -> AgendaItem:
    """Put an item on stage: it is presented, the projector shows it, its timer runs."""
    item = _locked_item(item)
    session = _locked_session(item.session)
    if session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed."))
    busy = session.items.filter(state__in=ACTIVE_STATES).exclude(pk=item.pk).first()
    if busy is not None:
        raise ValidationError(
            _("“%(item)s” is still on stage; conclude or postpone it first.") % {"item": busy}
        )
    _move(item, S.PRESENTING, user=user, request=request)
    item.started_at = timezone.now()
    item.save(update_fields=["started_at"])
    if session.status == Session.Status.PLANNED:
        session.status = Session.Status.LIVE
        audit_record(action="auctions.session.live", actor=user, obj=session, request=request)
    session.current_item = item
    session.focus_indicator = None
    session.timer_ends_at = timezone.now() + timedelta(minutes=item.time_box)
    session.timer_remaining = None
    session.save()
    _announce(session)
    return item


@transaction.atomic
def item_signed(*, item: AgendaItem, user, request=None) -> AgendaItem:
    """Every unit's pact on an accepted item is signed (``contracts`` says so): the item
    becomes "signed". Nothing happens for an item in any other state."""
    item = _locked_item(item)
    if item.state == S.ACCEPTED:
        _move(item, S.SIGNED, user=user, request=request)
        _announce(item.session)
    return item


def item_next(*, session: Session, user, request=None) -> AgendaItem:
    """Start the first waiting item in agenda order (the console's "Next item")."""
    # No lock here: item_start locks the item, then the session, and checks again; taking
    # the session first would invert that order and could deadlock with a plain Start.
    session = Session.objects.get(pk=session.pk)
    if session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed."))
    busy = session.items.filter(state__in=ACTIVE_STATES).first()
    if busy is not None:
        raise ValidationError(
            _("“%(item)s” is still on stage; conclude or postpone it first.") % {"item": busy}
        )
    waiting = session.items.filter(state=S.WAITING).order_by("order", "pk").first()
    if waiting is None:
        raise ValidationError(_("No item is waiting on the agenda."))
    return item_start(item=waiting, user=user, request=request)


@transaction.atomic
def session_close(*, session: Session, user, request=None) -> Session:
    """End the day: nothing may be on stage; waiting items stay for postponing."""
    session = _locked_session(session)
    busy = session.items.filter(state__in=ACTIVE_STATES).first()
    if busy is not None:
        raise ValidationError(
            _("“%(item)s” is still on stage; conclude or postpone it first.") % {"item": busy}
        )
    before = session.status
    session.status = Session.Status.CLOSED
    session.timer_ends_at = session.timer_remaining = None
    session.save(update_fields=["status", "timer_ends_at", "timer_remaining"])
    audit_record(
        action="auctions.session.close",
        actor=user,
        obj=session,
        request=request,
        before={"status": before},
        after={"status": session.status},
    )
    signals.session_closed.send(sender=Session, session=session, user=user, request=request)
    _announce(session)
    _end_display_streams(session, reason=access.DISPLAY_CLOSED)
    return session


def _end_display_streams(session: Session, *, reason: str) -> None:
    """After the commit, every projector on the session's display link, in every server
    process, gets its final state and stops (the page does not reconnect)."""
    events.close_streams(access.display_channel_prefix(session), reason=reason)


@transaction.atomic
def display_link_renew(*, session: Session, user, request=None) -> Session:
    """Revoke the session's display link and issue a new one (Bappeda only).

    Screens on the old link stop at once, in every server process, and the old link
    opens nothing any more; the projector is started again on the new link. Refused on
    a closed session, whose link no longer streams anyway.
    """
    if not user.has_perm("auctions.run_session"):
        raise access.operators_only()
    session = _locked_session(session)
    if session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed."))
    old_token = session.display_token
    session.display_token = new_display_token()
    session.save(update_fields=["display_token"])
    # Neither token goes into the audit log: whoever reads it must not get a link.
    audit_record(action="auctions.display.renew", actor=user, obj=session, request=request)
    transaction.on_commit(partial(access.forget_display_token, old_token))
    _end_display_streams(session, reason=access.DISPLAY_REVOKED)
    return session


@transaction.atomic
def item_postpone(*, item: AgendaItem, to_session: Session, user, request=None) -> AgendaItem:
    """Move an item to a later session or round; it waits there as a new agenda item."""
    item = _locked_item(item)
    if to_session.pk == item.session_id:
        raise ValidationError(_("Choose another session to postpone to."))
    if to_session.status == Session.Status.CLOSED:
        raise ValidationError(_("That session is closed."))
    _move(item, S.POSTPONED, user=user, request=request, extra={"to": to_session.pk})
    item.postponed_to = to_session
    item.save(update_fields=["postponed_to"])
    last = to_session.items.aggregate(m=Max("order"))["m"] or 0
    moved = AgendaItem.objects.create(
        session=to_session,
        order=last + 1,
        opd=item.opd,
        theme=item.theme,
        time_box=item.time_box,
        postponed_from=item,
    )
    session = _locked_session(item.session)
    if session.current_item_id == item.pk:
        session.current_item, session.timer_ends_at, session.timer_remaining = None, None, None
        session.save()
    _announce(session)
    _announce(to_session)
    return moved


@transaction.atomic
def item_add(*, session: Session, opd=None, theme=None, time_box: int = 15, user, request=None):
    session = _locked_session(session)
    if (opd is None) == (theme is None):
        raise ValidationError(_("Choose either an OPD or a theme."))
    if session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed."))
    item = AgendaItem(session=session, opd=opd, theme=theme, time_box=time_box)
    if not has_ready_data(item):
        # DESIGN.md §3.1: only data rooms Bappeda marked ready go on the agenda.
        raise ValidationError(
            _(
                "%(name)s has no data room marked ready for this period, so it cannot go on "
                "the agenda yet."
            )
            % {"name": opd or theme}
        )
    item.order = (session.items.aggregate(m=Max("order"))["m"] or 0) + 1
    item.save()
    # Adding a unit that already agreed targets is allowed (it may bring new indicators,
    # or Bappeda may reopen one), but the operator is warned.
    item.already_agreed = bool(opd is not None and agreed_opd_ids([opd.pk]))
    audit_record(
        action="auctions.item.add",
        actor=user,
        obj=item,
        request=request,
        after={"session": session.pk, "time_box": time_box},
    )
    _announce(session)
    return item


@transaction.atomic
def item_move(*, item: AgendaItem, up: bool, user, request=None) -> None:
    """Swap a waiting item with its waiting neighbour above or below."""
    item = _locked_item(item)
    if item.state != S.WAITING:
        raise ValidationError(_("Only waiting items can be reordered."))
    siblings = list(item.session.items.select_for_update().order_by("order", "pk"))
    for position, sibling in enumerate(siblings, start=1):
        sibling.order = position  # normalise first, so neighbours differ
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings) and siblings[other].state == S.WAITING:
        siblings[index].order, siblings[other].order = siblings[other].order, siblings[index].order
    AgendaItem.objects.bulk_update(siblings, ["order"])
    audit_record(
        action="auctions.item.move", actor=user, obj=item, request=request, after={"up": up}
    )
    _announce(item.session)


@transaction.atomic
def timer_control(*, session: Session, action: str, user, request=None) -> Session:
    """Pause, resume, add a minute to, or restart the countdown of the item on stage."""
    session = _locked_session(session)
    now = timezone.now()
    if action == "pause" and session.timer_ends_at:
        session.timer_remaining = max(int((session.timer_ends_at - now).total_seconds()), 0)
        session.timer_ends_at = None
    elif action == "resume" and session.timer_remaining is not None:
        session.timer_ends_at = now + timedelta(seconds=session.timer_remaining)
        session.timer_remaining = None
    elif action == "plus" and (session.timer_ends_at or session.timer_remaining is not None):
        if session.timer_ends_at:
            session.timer_ends_at += timedelta(minutes=1)
        else:
            session.timer_remaining += 60
    elif action == "restart" and session.current_item_id:
        session.timer_ends_at = now + timedelta(minutes=session.current_item.time_box)
        session.timer_remaining = None
    else:
        raise ValidationError(_("The timer cannot do that now."))
    session.save(update_fields=["timer_ends_at", "timer_remaining"])
    audit_record(action=f"auctions.timer.{action}", actor=user, obj=session, request=request)
    _announce(session)
    return session


@transaction.atomic
def projector_focus(*, session: Session, indicator=None, user, request=None) -> Session:
    """Show one indicator large on the projector, or (None) the whole item again."""
    session = _locked_session(session)
    session.focus_indicator = indicator
    session.save(update_fields=["focus_indicator"])
    audit_record(
        action="auctions.projector.focus",
        actor=user,
        obj=session,
        request=request,
        after={"indicator": indicator.pk if indicator else None},
    )
    _announce(session)
    return session


# --- Offers (the panel) ------------------------------------------------------------


def _open_negotiation(item: AgendaItem, opd) -> Negotiation:
    negotiation = item.negotiations.filter(opd=opd).order_by("-number").first()
    if negotiation is None:
        official = current_head_official(opd)
        if official is None:
            raise ValidationError(
                _("%(opd)s has no head on record to answer; %(agency)s records one first.")
                % {"opd": opd, "agency": planning_agency()}
            )
        negotiation = Negotiation.objects.create(item=item, opd=opd, official=official)
    return negotiation


class UnambitiousOffer(ValidationError):
    """The offer has ambition warnings (``auctions.targets``) and was not sent anyway."""

    def __init__(self, warnings):
        super().__init__([ValidationError(w.message, code="unambitious") for w in warnings])
        self.warnings = warnings


@transaction.atomic
def offer_issue(
    *,
    item: AgendaItem,
    opd,
    deadline_year: int,
    values: dict[tuple[int, int], Decimal],
    note: str = "",
    send_anyway: bool = False,
    user,
    request=None,
) -> Offer:
    """Issue the next offer version for one unit on an item.

    ``values`` maps (indicator id, year) to the target; every indicator of the unit
    on this item needs a value for every year up to the deadline. Nothing is saved
    unless all of it is valid. An offer less ambitious than the baseline, the unit's
    own proposal or the best comparator, or with an implausible trajectory, raises
    :class:`UnambitiousOffer` listing the warnings unless ``send_anyway``: the check is
    made here, so no screen can skip it.
    """
    item = _locked_item(item)
    if item.state not in ACTIVE_STATES:
        raise ValidationError(
            _("Offers can be made only while the item is on stage; it is “%(state)s”.")
            % {"state": item.get_state_display()}
        )
    period = item.session.auction.period
    if not (period.start_year <= deadline_year <= period.end_year):
        raise ValidationError(
            _("The deadline must be between %(first)s and %(last)s.")
            % {"first": period.start_year, "last": period.end_year}
        )
    indicators = ready_indicators(item).get(opd, [])
    if not indicators:
        raise ValidationError(_("%(opd)s has no indicator on this item.") % {"opd": opd})
    negotiation = _open_negotiation(item, opd)
    if negotiation.state != Negotiation.State.OPEN:
        raise ValidationError(
            _("The negotiation with %(opd)s is concluded (%(state)s).")
            % {"opd": opd, "state": negotiation.get_state_display()}
        )
    years = offer_years(period.start_year + 1, deadline_year)
    problems = []
    for indicator in indicators:
        for year in years:
            value = values.get((indicator.pk, year))
            if value is None:
                problems.append(
                    _("%(indicator)s: the target for %(year)s is missing")
                    % {"indicator": indicator.name, "year": year}
                )
            elif (problem := value_problem(value, unit=indicator.unit)) is not None:
                problems.append(
                    _("%(indicator)s, %(year)s: %(problem)s")
                    % {"indicator": indicator.name, "year": year, "problem": problem}
                )
    if problems:
        raise ValidationError(problems)
    offered = {(ind.pk, year): values[(ind.pk, year)] for ind in indicators for year in years}
    warnings = grid_warnings([IndicatorFacts.of(ind) for ind in indicators], offered)
    if warnings and not send_anyway:
        raise UnambitiousOffer(warnings)
    last = negotiation.offers.aggregate(m=Max("version"))["m"] or 0
    offer = Offer.objects.create(
        negotiation=negotiation,
        version=last + 1,
        deadline_year=deadline_year,
        note=note,
        created_by=user,
    )
    OfferTarget.objects.bulk_create(
        OfferTarget(offer=offer, indicator=ind, year=year, value=values[(ind.pk, year)])
        for ind in indicators
        for year in years
    )
    if item.state == S.PRESENTING:
        _move(item, S.NEGOTIATING, user=user, request=request)
    audit_record(
        action="auctions.offer.issue",
        actor=user,
        obj=offer,
        after={
            "version": offer.version,
            "opd": opd.code,
            "deadline": deadline_year,
            "targets": {f"{i}:{y}": str(v) for (i, y), v in values.items()},
            # Sent although the panel was warned: the warnings it chose to override.
            "sent_anyway": [w.message for w in warnings],
        },
        request=request,
    )
    _announce(item.session)
    return offer


# --- Answers (the unit's head) -----------------------------------------------------


class AlreadyAnswered(ValidationError):
    """This offer version has an answer already (a double click, a second tab)."""


def _agree(negotiation: Negotiation, decision: Decision, offer: Offer, *, user, request) -> None:
    """The accepted offer's targets become binding. Where an indicator was reopened and
    had a binding agreement from another item, that one is superseded (and kept)."""
    targets = list(offer.targets.all())
    indicator_ids = {t.indicator_id for t in targets}
    old = list(
        AgreedTarget.objects.select_for_update()
        .filter(indicator_id__in=indicator_ids, is_binding=True)
        .exclude(negotiation=negotiation)
    )
    now = timezone.now()
    if old:
        # Release the constraint first: at most one binding row per indicator and year.
        AgreedTarget.objects.filter(pk__in=[t.pk for t in old]).update(
            is_binding=False, superseded_at=now
        )
    created = AgreedTarget.objects.bulk_create(
        AgreedTarget(
            negotiation=negotiation,
            decision=decision,
            indicator_id=t.indicator_id,
            year=t.year,
            value=t.value,
        )
        for t in targets
    )
    if old:
        by_key = {(t.indicator_id, t.year): t for t in created}
        by_indicator = {t.indicator_id: t for t in created}
        for target in old:
            successor = by_key.get((target.indicator_id, target.year)) or by_indicator.get(
                target.indicator_id
            )
            AgreedTarget.objects.filter(pk=target.pk).update(superseded_by=successor)
        audit_record(
            action="auctions.agreed.supersede",
            actor=user,
            obj=negotiation,
            before={f"{t.indicator_id}:{t.year}": str(t.value) for t in old},
            after={f"{t.indicator_id}:{t.year}": str(t.value) for t in created},
            request=request,
        )


def _settle(item: AgendaItem, *, user, request) -> None:
    """Conclude the item once every unit's newest negotiation is decided."""
    latest = {}
    for negotiation in item.negotiations.order_by("opd_id", "number"):
        latest[negotiation.opd_id] = negotiation
    states = {n.state for n in latest.values()}
    units = {opd.pk for opd in ready_indicators(item)}
    if not latest or Negotiation.State.OPEN in states or units - set(latest):
        return
    target = S.REFUSED if Negotiation.State.REFUSED in states else S.ACCEPTED
    _move(item, target, user=user, request=request)


class AnswerNotAllowed(ValidationError):
    """The user may not answer this offer (not the unit's head, or not any more)."""


def _check_answerer(negotiation: Negotiation, user) -> None:
    """The answer belongs to the official named on the negotiation, and only while
    they hold the unit's head position (definitive or Plt.) — checked now, against
    today's tenures, not when the negotiation opened."""
    official = negotiation.official
    if official.user_id != user.pk:
        raise AnswerNotAllowed(_("Only %(name)s may answer this offer.") % {"name": official})
    if not holds_head_position(official, negotiation.opd):
        raise AnswerNotAllowed(
            _(
                "%(name)s does not hold the head position of %(opd)s today, so the "
                "answer was not recorded."
            )
            % {"name": official, "opd": negotiation.opd}
        )


def decision_record(
    *,
    offer: Offer,
    kind: str,
    user,
    password: str,
    reason_category: str = "",
    reason: str = "",
    counter_values: dict[tuple[int, int], Decimal] | None = None,
    request=None,
) -> Decision:
    """Record the answer to one offer version. Exactly one answer per version: a stale
    screen, a double click or a second tab gets a clear refusal, not a second decision.

    The password is checked before the transaction, so that a wrong one stays in the
    audit chain and counts toward the lockout although nothing else is written.
    """
    confirm_password(
        user,
        password,
        obj=offer,
        action="auctions.decision.bad_password",
        refused=_("The password is not correct; the answer was not recorded."),
        request=request,
    )
    return _decision_write(
        offer=offer,
        kind=kind,
        user=user,
        reason_category=reason_category,
        reason=reason,
        counter_values=counter_values,
        request=request,
    )


@transaction.atomic
def _decision_write(
    *,
    offer: Offer,
    kind: str,
    user,
    reason_category: str,
    reason: str,
    counter_values: dict[tuple[int, int], Decimal] | None,
    request,
) -> Decision:
    negotiation = Negotiation.objects.select_related("official__user", "opd").get(
        pk=offer.negotiation_id
    )
    item = _locked_item(negotiation.item)
    negotiation = (
        Negotiation.objects.select_for_update(of=("self",))
        .select_related("official", "opd")
        .get(pk=negotiation.pk)
    )
    if item.session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed."))
    _check_answerer(negotiation, user)
    newest = negotiation.offers.order_by("-version").first()
    if Decision.objects.filter(offer=offer).exists():
        raise AlreadyAnswered(_("Version %(v)s has already been answered.") % {"v": offer.version})
    if newest.pk != offer.pk:
        raise ValidationError(
            _("Version %(old)s has been replaced by version %(new)s; answer the new one.")
            % {"old": offer.version, "new": newest.version}
        )
    if item.state != S.NEGOTIATING or negotiation.state != Negotiation.State.OPEN:
        raise ValidationError(_("This negotiation is no longer open."))
    if kind in (Decision.Kind.REFUSE, Decision.Kind.COUNTER) and not reason.strip():
        raise ValidationError(_("Give the reason for this answer."))
    if kind == Decision.Kind.REFUSE and not reason_category:
        raise ValidationError(_("Choose the category of the reason."))
    counter_values = counter_values or {}
    if kind == Decision.Kind.COUNTER:
        expected = {
            (t.indicator_id, t.year): t.indicator
            for t in offer.targets.all().select_related("indicator")
        }
        missing = [key for key in expected if key not in counter_values]
        if missing:
            raise ValidationError(_("Give a counter-proposed value for every year."))
        for key, indicator in expected.items():
            problem = value_problem(counter_values[key], unit=indicator.unit)
            if problem:
                raise ValidationError(
                    _("%(indicator)s, %(year)s: %(problem)s")
                    % {"indicator": indicator.name, "year": key[1], "problem": problem}
                )
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                offer=offer,
                kind=kind,
                reason_category=reason_category if kind == Decision.Kind.REFUSE else "",
                reason=reason.strip(),
                decided_by=user,
                official=negotiation.official,
            )
    except IntegrityError:
        raise AlreadyAnswered(
            _("Version %(v)s has already been answered.") % {"v": offer.version}
        ) from None
    if kind == Decision.Kind.COUNTER:
        CounterTarget.objects.bulk_create(
            CounterTarget(decision=decision, indicator_id=i, year=y, value=v)
            for (i, y), v in counter_values.items()
        )
    elif kind == Decision.Kind.ACCEPT:
        _agree(negotiation, decision, offer, user=user, request=request)
        negotiation.state = Negotiation.State.ACCEPTED
    else:
        negotiation.state = Negotiation.State.REFUSED
        negotiation.position_flagged = True
    if kind != Decision.Kind.COUNTER:
        negotiation.closed_at = timezone.now()
        negotiation.save(update_fields=["state", "position_flagged", "closed_at"])
    audit_record(
        action=f"auctions.decision.{kind}",
        actor=user,
        obj=offer,
        after={
            "version": offer.version,
            "opd": negotiation.opd.code,
            "reason_category": decision.reason_category,
            "reason": decision.reason,
            "counter": {f"{i}:{y}": str(v) for (i, y), v in counter_values.items()},
        },
        request=request,
    )
    if kind != Decision.Kind.COUNTER:
        signals.negotiation_decided.send(
            sender=Negotiation,
            negotiation=negotiation,
            decision=decision,
            user=user,
            request=request,
        )
    _settle(item, user=user, request=request)
    _announce(item.session)
    return decision


def handover_open(negotiation: Negotiation | None) -> bool:
    """Whether this newest negotiation of a unit may go to another official: after a
    refusal, or while open when its official no longer holds the head position."""
    if negotiation is None:
        return False
    if negotiation.state == Negotiation.State.REFUSED:
        return True
    return negotiation.state == Negotiation.State.OPEN and not holds_head_position(
        negotiation.official, negotiation.opd
    )


@transaction.atomic
def item_hand_over(
    *, item: AgendaItem, opd, official, user, request=None, reason: str = ""
) -> Negotiation:
    """Hand the unit's head position to another official, as Plt. from today, and open a
    new negotiation with them on the same item ("jabatan akan diserahkan ke orang lain").

    The refusing head's tenure ends yesterday; from now on only the Plt. may answer.
    """
    if not user.has_perm("auctions.run_session"):
        raise access.operators_only()
    item = _locked_item(item)
    session = _locked_session(item.session)
    if session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed; the hand-over cannot happen here."))
    negotiation = (
        item.negotiations.select_for_update(of=("self",))
        .select_related("official", "opd")
        .filter(opd=opd)
        .order_by("-number")
        .first()
    )
    if not handover_open(negotiation):
        raise ValidationError(_("Only a refused negotiation can be handed to another official."))
    if official.pk == negotiation.official_id:
        raise ValidationError(_("Choose a different official from the one who refused."))
    if not holds_head_position(official, opd):
        acting_head_appoint(
            opd=opd,
            official=official,
            user=user,
            request=request,
            reason=reason or _("Handed over after a refusal in %(session)s") % {"session": session},
        )
    before_state = negotiation.state
    negotiation.state = Negotiation.State.HANDED_OVER
    negotiation.closed_at = negotiation.closed_at or timezone.now()
    negotiation.save(update_fields=["state", "closed_at"])
    new = Negotiation.objects.create(
        item=item, opd=opd, official=official, number=negotiation.number + 1
    )
    details = {
        "opd": opd.code,
        "official": official.pk,
        "from_official": negotiation.official_id,
        "negotiation": new.number,
        "previous_state": before_state,
    }
    if item.state == S.REFUSED:
        _move(item, S.NEGOTIATING, user=user, request=request, extra=details)
    else:  # a theme item whose other units are still negotiating, or an open one
        audit_record(
            action="auctions.item.hand_over", actor=user, obj=item, after=details, request=request
        )
    _announce(session)
    return new


@transaction.atomic
def item_hand_over_to_new(
    *,
    item: AgendaItem,
    opd,
    name: str,
    nip: str,
    title: str,
    username: str,
    user,
    request=None,
    reason: str = "",
) -> tuple[Negotiation, str]:
    """As :func:`item_hand_over`, to an official created on the spot with a login.
    Returns the new negotiation and the one-time password to show once."""
    if not user.has_perm("auctions.run_session"):
        raise access.operators_only()
    official, password = official_create(
        opd=opd, name=name, nip=nip, title=title, username=username, user=user, request=request
    )
    negotiation = item_hand_over(
        item=item, opd=opd, official=official, user=user, request=request, reason=reason
    )
    return negotiation, password


@transaction.atomic
def indicator_reopen(*, item: AgendaItem, indicator, reason: str, user, request=None):
    """Let the panel negotiate an indicator again on this item although it has a binding
    agreement from another item. The earlier agreement binds until a new one is accepted."""
    if not user.has_perm("auctions.run_session"):
        raise access.operators_only()
    item = _locked_item(item)
    if item.session.status == Session.Status.CLOSED:
        raise ValidationError(_("This session is closed."))
    if item.state not in (S.WAITING, *ACTIVE_STATES):
        raise ValidationError(
            _("Indicators can be reopened only on an item that is waiting or on stage.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this indicator is negotiated again.")})
    from auctions.selectors import settled_indicators

    settled = {row["indicator"].pk: row for row in settled_indicators(item)}
    if indicator.pk not in settled:
        raise ValidationError(_("This indicator has no agreement from another item to reopen."))
    reopening = Reopening.objects.create(
        item=item, indicator=indicator, reason=reason.strip(), created_by=user
    )
    row = settled[indicator.pk]
    audit_record(
        action="auctions.indicator.reopen",
        actor=user,
        obj=item,
        before={f"{t.year}": str(t.value) for t in row["targets"]},
        after={"indicator": indicator.pk, "reason": reopening.reason},
        request=request,
    )
    _announce(item.session)
    return reopening
