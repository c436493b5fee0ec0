from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from auctions import services
from auctions.access import (
    DISPLAY_CLOSED,
    DisplayClosed,
    check_runs_sessions,
    display_topic,
    get_item_for_user,
    get_offer_for_answer,
    get_session_by_token,
    get_session_for_user,
    opd_for_answer_screen,
)
from auctions.forms import (
    AddItemForm,
    DecisionForm,
    HandOverForm,
    OfferForm,
    PostponeForm,
    ReopenForm,
    SessionForm,
)
from auctions.live import (
    localized,
    opd_channel,
    session_context,
    unit_context,
    watch_presence,
)
from auctions.models import Decision, Session
from auctions.selectors import (
    handover_candidates,
    latest_negotiations,
    latest_offer,
    ready_indicators,
)
from auctions.targets import IndicatorFacts, offer_years
from lelang import events
from opd.access import get_indicator_for_user


def _flash(request, *, ok: str = "", errors=None, status=200):
    """The small message area next to the buttons (the screens themselves update live)."""
    context = {"ok": ok, "errors": errors or []}
    return render(request, "auctions/_flash.html", context, status=status)


def _form_errors(form) -> list[str]:
    """A form's problems for the flash area, which sits away from the fields: each one
    names its field ("Angka Kematian Ibu 2021: Ketik angka, misalnya 12,5.")."""
    return [
        message if name == NON_FIELD_ERRORS else f"{form.fields[name].label}: {message}"
        for name, problems in form.errors.items()
        for message in problems
    ]


def _done(request, session, ok: str):
    if request.htmx:
        return _flash(request, ok=ok)
    messages.success(request, ok)
    return redirect("auctions:console", session.pk)


def _failed(request, session, error: ValidationError):
    if request.htmx:
        return _flash(request, errors=error.messages)
    for message in error.messages:
        messages.error(request, message)
    return redirect("auctions:console", session.pk)


@require_GET
@permission_required("auctions.view_session", raise_exception=True)
def session_list(request):
    sessions = Session.objects.select_related("auction").order_by("-date", "round")
    return render(request, "auctions/session_list.html", {"sessions": sessions})


# --- Planning sessions (Bappeda) ----------------------------------------------------


def _session_form(request, form, session=None):
    """The session's form page, or (htmx) just the form with its errors."""
    context = {"form": form, "session": session}
    if request.htmx:
        return render(request, "auctions/session_form.html#session-form", context)
    return render(request, "auctions/session_form.html", context)


def _session_saved(request, session, ok: str):
    messages.success(request, ok)
    url = reverse("auctions:console", args=[session.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_http_methods(["GET", "POST"])
@login_required
def session_create(request):
    check_runs_sessions(request)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                **form.cleaned_data, user=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            ok = _("Session “%(title)s” planned. Add its agenda items below.")
            return _session_saved(request, session, ok % {"title": session.title})
    return _session_form(request, form)


@require_http_methods(["GET", "POST"])
@login_required
def session_edit(request, pk):
    session = get_session_for_user(request, pk, "auctions.run_session")
    initial = {name: getattr(session, name) for name in services.SESSION_FIELDS}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                session=session, user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _session_saved(request, session, _("Session updated."))
    return _session_form(request, form, session)


# --- The operator's console ---------------------------------------------------------


@require_GET
@login_required
def console(request, pk):
    session = get_session_for_user(request, pk, "auctions.run_session")
    context = {
        **session_context(session),
        "add_form": AddItemForm(),
        "display_url": request.build_absolute_uri(f"/layar/{session.display_token}/"),
    }
    return render(request, "auctions/console.html", context)


@require_POST
@login_required
def item_action(request, pk, action):
    """Start, postpone, move up or down one agenda item."""
    item = get_item_for_user(request, pk, "auctions.run_session")
    session = item.session
    try:
        if action == "start":
            services.item_start(item=item, user=request.user, request=request)
            ok = _("“%(item)s” is on stage.") % {"item": item}
        elif action == "postpone":
            form = PostponeForm(request.POST, session=session)
            if not form.is_valid():
                raise ValidationError(_("Choose the session to postpone to."))
            services.item_postpone(
                item=item,
                to_session=form.cleaned_data["to_session"],
                user=request.user,
                request=request,
            )
            ok = _("“%(item)s” postponed.") % {"item": item}
        elif action in ("up", "down"):
            services.item_move(item=item, up=action == "up", user=request.user, request=request)
            ok = _("Agenda reordered.")
        else:
            raise Http404
    except ValidationError as error:
        return _failed(request, session, error)
    return _done(request, session, ok)


@require_POST
@login_required
def item_next(request, pk):
    """Start the first waiting item of the agenda."""
    session = get_session_for_user(request, pk, "auctions.run_session")
    try:
        item = services.item_next(session=session, user=request.user, request=request)
    except ValidationError as error:
        return _failed(request, session, error)
    return _done(request, session, _("“%(item)s” is on stage.") % {"item": item})


@require_POST
@login_required
def item_add(request, pk):
    session = get_session_for_user(request, pk, "auctions.run_session")
    form = AddItemForm(request.POST)
    if not form.is_valid():
        return _failed(request, session, ValidationError(_form_errors(form)))
    try:
        added = services.item_add(
            session=session,
            opd=form.cleaned_data["opd"],
            theme=form.cleaned_data["theme"],
            time_box=form.cleaned_data["time_box"],
            user=request.user,
            request=request,
        )
    except ValidationError as error:
        return _failed(request, session, error)
    ok = _("Item added to the agenda.")
    if added.already_agreed:
        ok += " " + _(
            "Note: %(opd)s already agreed targets on an earlier item; those indicators are "
            "shown as agreed and are not offered again unless you reopen them."
        ) % {"opd": added.opd}
    return _done(request, session, ok)


@require_POST
@login_required
def timer(request, pk, action):
    session = get_session_for_user(request, pk, "auctions.run_session")
    try:
        services.timer_control(session=session, action=action, user=request.user, request=request)
    except ValidationError as error:
        return _failed(request, session, error)
    return _done(request, session, _("Timer updated."))


@require_POST
@login_required
def session_close(request, pk):
    session = get_session_for_user(request, pk, "auctions.run_session")
    try:
        services.session_close(session=session, user=request.user, request=request)
    except ValidationError as error:
        return _failed(request, session, error)
    return _done(request, session, _("The session is closed."))


@require_POST
@login_required
def display_link_renew(request, pk):
    session = get_session_for_user(request, pk, "auctions.run_session")
    try:
        services.display_link_renew(session=session, user=request.user, request=request)
    except ValidationError as error:
        return _failed(request, session, error)
    return _done(
        request, session, _("New display link issued; screens on the old link have stopped.")
    )


@require_POST
@login_required
def focus(request, pk):
    session = get_session_for_user(request, pk, "auctions.run_session")
    indicator = None
    if request.POST.get("indicator"):
        indicator = get_indicator_for_user(request, request.POST["indicator"])
    services.projector_focus(
        session=session, indicator=indicator, user=request.user, request=request
    )
    return _done(request, session, _("Projector updated."))


@require_POST
@login_required
def hand_over(request, pk):
    """Appoint the unit's acting head on the spot and negotiate again with them."""
    item = get_item_for_user(request, pk, "auctions.run_session")
    opd_id = request.POST.get("opd", "")
    negotiation = (
        item.negotiations.select_related("official", "opd")
        .filter(opd_id=int(opd_id) if opd_id.isdigit() else None)
        .order_by("-number")
        .first()
    )
    if not services.handover_open(negotiation):
        return _failed(
            request,
            item.session,
            ValidationError(_("This unit's part cannot be handed over (any more).")),
        )
    row = {"opd": negotiation.opd}
    form = HandOverForm(request.POST, candidates=handover_candidates(negotiation.opd, negotiation))
    if not form.is_valid():
        return _failed(request, item.session, ValidationError(_form_errors(form)))
    data, password = form.cleaned_data, ""
    try:
        if data["mode"] == HandOverForm.MODE_NEW:
            negotiation, password = services.item_hand_over_to_new(
                item=item,
                opd=row["opd"],
                name=data["name"],
                nip=data["nip"],
                title=data["title"],
                username=data["username"],
                reason=data["reason"],
                user=request.user,
                request=request,
            )
        else:
            negotiation = services.item_hand_over(
                item=item,
                opd=row["opd"],
                official=data["official"],
                reason=data["reason"],
                user=request.user,
                request=request,
            )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            error = ValidationError(
                [f"{form.fields[f].label}: {m}" for f, ms in error.message_dict.items() for m in ms]
            )
        return _failed(request, item.session, error)
    ok = _("%(name)s is now Plt. head of %(opd)s; a new negotiation is open.") % {
        "name": negotiation.official,
        "opd": row["opd"],
    }
    if password:
        ok += " " + _(
            "Login: %(username)s, one-time password: %(password)s — give it to them now; "
            "it is not shown again."
        ) % {"username": negotiation.official.user.username, "password": password}
    return _done(request, item.session, ok)


@require_POST
@login_required
def reopen(request, pk):
    """Bappeda lets the panel negotiate an already agreed indicator again on this item."""
    item = get_item_for_user(request, pk, "auctions.run_session")
    indicator = get_indicator_for_user(request, request.POST.get("indicator"))
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _failed(request, item.session, ValidationError(_form_errors(form)))
    try:
        services.indicator_reopen(
            item=item,
            indicator=indicator,
            reason=form.cleaned_data["reason"],
            user=request.user,
            request=request,
        )
    except ValidationError as error:
        return _failed(request, item.session, ValidationError(error.messages))
    return _done(
        request,
        item.session,
        _("“%(indicator)s” can be negotiated again on this item.") % {"indicator": indicator},
    )


# --- The projector (display link, no login) -------------------------------------------


@require_GET
def projector(request, token):
    session = get_session_by_token(token)
    context = {**session_context(session), "token": token}
    return render(request, "auctions/projector.html", context)


async def projector_stream(request, token):
    try:
        topic = await sync_to_async(display_topic)(token)
    except DisplayClosed:
        return events.closed_response(DISPLAY_CLOSED)  # the page stops reconnecting
    return await events.stream(
        request,
        topic=topic,
        channel=localized(f"{topic}:projector", request.LANGUAGE_CODE),
        label=_("Projector"),
    )


# --- The panel ---------------------------------------------------------------------------


def _composer_context(
    request, session, bound: dict | None = None, confirm: int | None = None
) -> dict:
    """One offer form per unit on the current item, pre-filled from the newest offer,
    the unit's counter-proposal, or the unit's own proposal (rounded to the indicator's
    precision), each with its ambition warnings. ``bound``: {opd id: posted form} to
    show again as typed; ``confirm``: the unit whose sending waits for "send anyway"."""
    item = session.current_item
    period = session.auction.period
    years = offer_years(period.start_year + 1, period.end_year)
    forms = []
    if item is not None and item.state in ("presenting", "negotiating"):
        negotiations = latest_negotiations(item)
        for opd, indicators in ready_indicators(item).items():
            initial, deadline = {}, period.end_year
            negotiation = negotiations.get(opd.pk)
            offer = latest_offer(negotiation) if negotiation else None
            for indicator in indicators:
                proposal = IndicatorFacts.of(indicator).proposal(years)
                initial.update({(indicator.pk, y): v for y, v in proposal.items()})
            if offer is not None:
                deadline = offer.deadline_year
                initial.update({(t.indicator_id, t.year): t.value for t in offer.targets.all()})
                decision = getattr(offer, "decision", None)
                if decision is not None:
                    initial.update(
                        {(t.indicator_id, t.year): t.value for t in decision.targets.all()}
                    )
            form = (bound or {}).get(opd.pk) or OfferForm(
                prefix=f"o{opd.pk}",
                indicators=indicators,
                years=years,
                initial_values=initial,
                deadline=deadline,
            )
            forms.append(
                {
                    "opd": opd,
                    "form": form,
                    "negotiation": negotiation,
                    "offer": offer,
                    "warnings": form.ambition_warnings(),
                    "confirm": confirm == opd.pk,
                }
            )
    return {"session": session, "item": item, "forms": forms}


def _posted_offer_form(request, session):
    """(opd, bound OfferForm) for the unit named in the POST, or (None, None) when that
    unit is not on stage (any more)."""
    item = session.current_item
    units = ready_indicators(item) if item is not None else {}
    opd = next((opd for opd in units if str(opd.pk) == request.POST.get("opd")), None)
    if opd is None:
        return None, None
    period = session.auction.period
    form = OfferForm(
        request.POST,
        prefix=f"o{opd.pk}",
        indicators=units[opd],
        years=offer_years(period.start_year + 1, period.end_year),
        initial_values={},
        deadline=period.end_year,
    )
    return opd, form


def _typed_problems(form) -> list[str]:
    """Targets typed that cannot be sent ("empat puluh", 130 %), named by indicator and
    year; empty cells are not reported while the panel is still typing."""
    form.is_valid()
    return [
        f"{form.fields[name].label}: {message}"
        for name, problems in form.errors.items()
        if name != NON_FIELD_ERRORS and (form.data.get(form.add_prefix(name)) or "").strip()
        for message in problems
    ]


@require_GET
@login_required
def panel(request, pk):
    session = get_session_for_user(request, pk, "auctions.view_session")
    context = _composer_context(request, session)
    context["can_offer"] = request.user.has_perm("auctions.make_offer")
    if request.htmx:
        if not context["can_offer"]:
            raise PermissionDenied(_("Only the panel makes offers."))
        return render(request, "auctions/panel.html#composer", context)
    context = {**session_context(session), **context}
    return render(request, "auctions/panel.html", context)


@require_POST
@login_required
def offer_check(request, pk):
    """The ambition check while the panel types (debounced): only the warnings area of
    that unit's form is sent back, so nothing typed is touched."""
    session = get_session_for_user(request, pk, "auctions.make_offer")
    opd, form = _posted_offer_form(request, session)
    if form is None:
        return HttpResponse(status=204)  # the composer itself refreshes with the stage
    entry = {
        "opd": opd,
        "form": form,
        "warnings": form.ambition_warnings(),
        "problems": _typed_problems(form),
    }
    return render(
        request, "auctions/panel.html#offer-warnings", {"session": session, "entry": entry}
    )


@require_POST
@login_required
def offer_create(request, pk):
    session = get_session_for_user(request, pk, "auctions.make_offer")
    opd, form = _posted_offer_form(request, session)
    if form is None:
        context = _composer_context(request, session)
        context.update(can_offer=True, errors=[_("This unit is not on stage any more.")])
        return render(request, "auctions/panel.html#composer", context)
    ok, confirm = "", None
    if form.is_valid():
        deadline = form.cleaned_data["deadline_year"]
        try:
            offer = services.offer_issue(
                item=session.current_item,
                opd=opd,
                deadline_year=deadline,
                values=form.grid_values(up_to=deadline),
                note=form.cleaned_data["note"],
                send_anyway=form.cleaned_data["send_anyway"],
                user=request.user,
                request=request,
            )
        except services.UnambitiousOffer:
            confirm = opd.pk  # the warnings are shown; "Send anyway" asks again
        except ValidationError as error:
            form.add_error(None, error)
        else:
            ok = _("Offer version %(v)s sent to %(opd)s.") % {"v": offer.version, "opd": opd}
    bound = None if ok else {opd.pk: form}
    context = _composer_context(request, session, bound=bound, confirm=confirm)
    context.update(can_offer=True, ok=ok)
    return render(request, "auctions/panel.html#composer", context)


async def panel_stream(request, pk):
    session = await sync_to_async(get_session_for_user)(request, pk, "auctions.view_session")
    user = await request.auser()
    return await events.stream(
        request,
        topic=session.topic,
        channel=localized(f"{session.topic}:panel", request.LANGUAGE_CODE),
        label=str(user),
    )


async def console_stream(request, pk):
    session = await sync_to_async(get_session_for_user)(request, pk, "auctions.run_session")
    user = await request.auser()
    watch_presence(session.pk)
    return await events.stream(
        request,
        topic=session.topic,
        channel=localized(f"{session.topic}:console", request.LANGUAGE_CODE),
        label=str(user),
    )


# --- The unit head's screen ---------------------------------------------------------------


@require_GET
@login_required
def answer(request, pk):
    session = get_session_for_user(request, pk, None)
    opd = opd_for_answer_screen(request, session)
    context = {**unit_context(session_context(session), opd.pk, request.user.pk), "opd": opd}
    return render(request, "auctions/answer.html", context)


async def answer_stream(request, pk):
    session = await sync_to_async(get_session_for_user)(request, pk, None)
    opd = await sync_to_async(opd_for_answer_screen)(request, session)
    user = await request.auser()
    return await events.stream(
        request,
        topic=session.topic,
        # Per viewer: after a hand-over the former head's screen differs from the Plt.'s.
        channel=localized(opd_channel(session.pk, opd.pk, user.pk), request.LANGUAGE_CODE),
        label=str(user),
    )


def _answer_result(request, *, ok: str = "", errors=None):
    """The answer's result next to its button (a recorded answer also at the top)."""
    context = {"ok": ok, "errors": errors or []}
    return render(request, "auctions/answer.html#result", context)


def _answered_before(request, offer):
    """The answer this person already gave to this version (a double click, a second
    tab): shown as what it is, a recorded answer, not as an error."""
    decision = Decision.objects.filter(offer=offer, decided_by=request.user).first()
    if decision is None:
        return None
    return _answer_result(
        request,
        ok=_("Your answer is already recorded: %(kind)s (version %(v)s).")
        % {"kind": decision.get_kind_display(), "v": offer.version},
    )


@require_POST
@login_required
def decision_create(request, pk):
    """Record the head's answer; the answer names the offer version it answers."""
    offer = get_offer_for_answer(request, request.POST.get("c-offer") or pk)
    if (recorded := _answered_before(request, offer)) is not None:
        return recorded
    form = DecisionForm(request.POST, offer=offer, prefix="c")
    if not form.is_valid():
        return _answer_result(request, errors=_form_errors(form))
    try:
        decision = services.decision_record(
            offer=offer,
            kind=form.cleaned_data["kind"],
            user=request.user,
            password=form.cleaned_data["password"],
            reason_category=form.cleaned_data["reason_category"],
            reason=form.cleaned_data["reason"],
            counter_values=form.grid_values(),
            request=request,
        )
    except ValidationError as error:
        # Two clicks at once: the other one was recorded while this one waited.
        if (recorded := _answered_before(request, offer)) is not None:
            return recorded
        return _answer_result(request, errors=error.messages)
    return _answer_result(
        request,
        ok=_("Your answer “%(kind)s” to version %(v)s is recorded.")
        % {"kind": decision.get_kind_display(), "v": offer.version},
    )
