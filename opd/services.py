"""Writes to the data room, and to who holds which position. Each one checks what it
changes, audits, and is atomic."""

import functools
import hashlib
import secrets
from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lelang.audit import audit_record, snapshot
from lelang.roles import planning_agency
from opd import files
from opd.checklist import Missing, data_room_checklist, programs_for_checklist
from opd.models import (
    Attachment,
    DataRoom,
    Indicator,
    Official,
    Opd,
    Position,
    Program,
    ReviewComment,
    StrategicObjective,
    Submission,
    Tenure,
)


class DataRoomLocked(ValidationError):
    """The data room is under review or ready; it cannot be changed."""


def _ensure_editable(data_room: DataRoom) -> None:
    if not data_room.is_editable:
        raise DataRoomLocked(
            _("This data room is “%(status)s” and cannot be changed now.")
            % {"status": data_room.get_status_display()}
        )


def _locked_room(data_room: DataRoom) -> DataRoom:
    """Re-read the room under a row lock so two requests cannot both change its state."""
    return DataRoom.objects.select_for_update().select_related("opd", "period").get(pk=data_room.pk)


def _check_objective(instance: models.Model) -> None:
    """An indicator serves a strategic objective of its own data room, never another's."""
    if not isinstance(instance, Indicator) or instance.objective_id is None:
        return
    if instance.objective.data_room_id != instance.program.data_room_id:
        raise ValidationError({"objective": _("Choose a strategic objective of this data room.")})


@transaction.atomic
def part_save(*, instance: models.Model, user, request=None) -> models.Model:
    """Create or update anything inside a data room (program, indicator, comparator…)."""
    _ensure_editable(_locked_room(instance.owner_data_room))
    _check_objective(instance)
    adding = instance._state.adding
    before = None
    if not adding:
        before = snapshot(type(instance)._default_manager.filter(pk=instance.pk).first())
    instance.save()
    audit_record(
        action=f"{instance._meta.label_lower}.{'add' if adding else 'change'}",
        actor=user,
        obj=instance,
        before=before,
        after=snapshot(instance),
        request=request,
    )
    DataRoom.objects.filter(pk=instance.owner_data_room.pk).update(updated_at=timezone.now())
    return instance


def _files_of(instance: models.Model) -> list[tuple]:
    """(storage, name) of every stored file that deleting ``instance`` deletes with it:
    an attachment's own, or those of the attachments a program or indicator cascades to."""
    if isinstance(instance, Attachment):
        attachments = [instance]
    elif isinstance(instance, Indicator):
        attachments = list(instance.attachments.all())
    elif isinstance(instance, Program):
        attachments = list(Attachment.objects.filter(indicator__program=instance))
    else:
        attachments = []
    return [(a.file.storage, a.file.name) for a in attachments if a.file.name]


@transaction.atomic
def part_delete(*, instance: models.Model, user, request=None) -> None:
    _ensure_editable(_locked_room(instance.owner_data_room))
    audit_record(
        action=f"{instance._meta.label_lower}.delete",
        actor=user,
        obj=instance,
        before=snapshot(instance),
        request=request,
    )
    stored = _files_of(instance)
    instance.delete()
    # The file goes only once the rows are gone for good: a delete that is rolled back
    # keeps its file, and a failed file removal never undoes the database.
    for storage, name in stored:
        transaction.on_commit(functools.partial(storage.delete, name), robust=True)


@transaction.atomic
def attachment_store(
    *,
    data_room: DataRoom,
    upload,
    content_type: str,
    indicator=None,
    description="",
    user,
    request=None,
) -> Attachment:
    """Keep an uploaded evidence file whose ``content_type`` was read from its content
    (``opd.files.detect_content_type``). Its name is cleaned and given the extension of
    that type (a PNG sent as "laporan.pdf" is kept as "laporan.png"); see ``opd.files``."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        data_room=data_room,
        indicator=indicator,
        file=upload,
        original_name=files.stored_name(upload.name or "", content_type),
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=files.clean_text(description).strip()[:300],
        uploaded_by=user,
    )
    try:
        return part_save(instance=attachment, user=user, request=request)
    except BaseException:
        # The row is not written: do not leave its file behind on the disk.
        if attachment.file.name and attachment.file._committed:
            attachment.file.storage.delete(attachment.file.name)
        raise


# --- Strategic objectives (sasaran strategis) ----------------------------------------


def _ensure_may_edit(user, data_room: DataRoom) -> None:
    """Staff and head of the room's own unit, while it is editable (django-rules)."""
    _ensure_editable(data_room)
    if not user.has_perm("opd.edit_dataroom", data_room):
        raise PermissionDenied(_("You may not change this OPD's data."))


def _objective_name(name: str) -> str:
    return " ".join(files.clean_text(name or "").split())


@transaction.atomic
def objective_save(
    *,
    user,
    name: str,
    data_room: DataRoom | None = None,
    objective: StrategicObjective | None = None,
    request=None,
) -> StrategicObjective:
    """Add a strategic objective to ``data_room``, or rename ``objective``.

    Names are cleaned of invisible characters and repeated spaces and are unique in
    the room ignoring case; a problem is a ``ValidationError`` on ``name``.
    """
    room = _locked_room(objective.data_room if objective is not None else data_room)
    _ensure_may_edit(user, room)
    name = _objective_name(name)
    max_length = StrategicObjective._meta.get_field("name").max_length
    if not name:
        raise ValidationError({"name": _("Give the strategic objective a name.")})
    if len(name) > max_length:
        raise ValidationError(
            {
                "name": _("The name is too long (%(length)s characters; at most %(max)s).")
                % {"length": len(name), "max": max_length}
            }
        )
    others = room.objectives.exclude(pk=objective.pk if objective is not None else None)
    # Compared in Python: SQLite ignores the case of ASCII letters only.
    if any(other.casefold() == name.casefold() for other in others.values_list("name", flat=True)):
        raise ValidationError(
            {"name": _("This data room already has a strategic objective with this name.")}
        )
    if objective is None:
        last = room.objectives.aggregate(last=models.Max("order"))["last"] or 0
        objective = StrategicObjective(data_room=room, order=last + 1)
    objective.name = name
    return part_save(instance=objective, user=user, request=request)


@transaction.atomic
def objective_delete(*, objective: StrategicObjective, user, request=None) -> None:
    """Delete a strategic objective; refused with :class:`PartInUse` while an indicator
    belongs to it (the indicators are given another objective first)."""
    room = _locked_room(objective.data_room)
    _ensure_may_edit(user, room)
    names = list(objective.indicators.order_by("pk").values_list("name", flat=True))
    if names:
        raise PartInUse(_objective_in_use_sentence(objective, names))
    try:
        part_delete(instance=objective, user=user, request=request)
    except ProtectedError as error:  # an indicator took it meanwhile
        names = [obj.name for obj in error.protected_objects]
        raise PartInUse(_objective_in_use_sentence(objective, names)) from None


def _objective_in_use_sentence(objective: StrategicObjective, names: list[str]) -> str:
    return ngettext(
        "The strategic objective “%(name)s” cannot be deleted: %(count)s indicator "
        "belongs to it (%(indicators)s). Give it another strategic objective first.",
        "The strategic objective “%(name)s” cannot be deleted: %(count)s indicators "
        "belong to it (%(indicators)s). Give them another strategic objective first.",
        len(names),
    ) % {
        "name": objective.name,
        "count": len(names),
        "indicators": ", ".join(f"“{name}”" for name in names),
    }


def data_room_snapshot(data_room: DataRoom) -> dict:
    """Everything in the data room as plain data, frozen into each submission."""

    def number(value):
        return None if value is None else str(value)

    programs = []
    for program in programs_for_checklist(data_room):
        indicators = []
        for ind in program.indicators.all():
            indicators.append(
                {
                    "id": ind.pk,
                    "name": ind.name,
                    "objective": ind.objective.name if ind.objective_id else None,
                    "definition": ind.definition,
                    "unit": ind.unit,
                    "polarity": ind.polarity,
                    "range": [number(ind.range_min), number(ind.range_max)],
                    "aggregation": ind.aggregation,
                    "data_source": ind.data_source,
                    "theme": ind.theme.code if ind.theme_id else None,
                    "baseline": {
                        "value": number(ind.baseline_value),
                        "year": ind.baseline_year,
                        "source": ind.baseline_source,
                    },
                    "target": {"value": number(ind.target_value), "year": ind.target_year},
                    "comparators": [
                        {
                            "label": c.label,
                            "kind": c.kind,
                            "value": number(c.value),
                            "year": c.year,
                            "source": c.source,
                        }
                        for c in ind.comparators.all()
                    ],
                    "supporting_tables": [
                        {
                            "title": t.title,
                            "value_label": t.value_label,
                            "source": t.source,
                            "rows": [
                                {"label": r.label, "value": number(r.value), "note": r.note}
                                for r in t.rows.all()
                            ],
                        }
                        for t in ind.supporting_tables.all()
                    ],
                    "cases": [
                        {"title": c.title, "description": c.description} for c in ind.cases.all()
                    ],
                    "attachments": [
                        {"name": a.original_name, "sha256": a.sha256, "size": a.size}
                        for a in ind.attachments.all()
                    ],
                }
            )
        programs.append(
            {
                "id": program.pk,
                "name": program.name,
                "kind": program.kind,
                "description": program.description,
                "budget": number(program.budget),
                "indicators": indicators,
            }
        )
    files = [
        {"name": a.original_name, "sha256": a.sha256, "size": a.size}
        for a in data_room.attachments.filter(indicator__isnull=True)
    ]
    return {
        "opd": data_room.opd.code,
        "period": data_room.period.name,
        "programs": programs,
        "attachments": files,
    }


def _set_status(data_room: DataRoom, status: str, *, action: str, user, request, extra=None):
    before = {"status": data_room.status}
    data_room.status = status
    data_room.save(update_fields=["status", "updated_at"])
    audit_record(
        action=action,
        actor=user,
        obj=data_room,
        before=before,
        after={"status": status, **(extra or {})},
        request=request,
    )


class DataRoomIncomplete(ValidationError):
    """The head submits a data room the checklist finds incomplete without confirming it."""

    def __init__(self, missing: list[Missing]):
        super().__init__(_("The data room is not complete yet."))
        self.missing = missing


@transaction.atomic
def data_room_submit(
    *, data_room: DataRoom, user, request=None, confirm_incomplete: bool = False
) -> Submission:
    """The head hands the data room to Bappeda; its content is frozen as a new version.

    An incomplete room is refused with :class:`DataRoomIncomplete` (which lists what is
    missing) unless the head confirms it; what was missing then goes into the audit
    entry. Bappeda still cannot mark it ready until it is complete.
    """
    data_room = _locked_room(data_room)
    _ensure_editable(data_room)
    missing = data_room_checklist(data_room).items
    if missing and not confirm_incomplete:
        raise DataRoomIncomplete(missing)
    last = data_room.submissions.order_by("-number").first()
    submission = Submission.objects.create(
        data_room=data_room,
        number=(last.number + 1) if last else 1,
        snapshot=data_room_snapshot(data_room),
        submitted_by=user,
        submitted_at=timezone.now(),
    )
    _set_status(
        data_room,
        DataRoom.Status.SUBMITTED,
        action="opd.dataroom.submit",
        user=user,
        request=request,
        extra={"version": submission.number}
        | ({"submitted_incomplete": [item.text for item in missing]} if missing else {}),
    )
    return submission


def _pending_submission(data_room: DataRoom) -> Submission:
    if data_room.status != DataRoom.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted data room can be reviewed; this one is “%(status)s”.")
            % {"status": data_room.get_status_display()}
        )
    return data_room.submissions.select_for_update().order_by("-number").first()


@transaction.atomic
def review_comment_add(
    *, data_room: DataRoom, text: str, program=None, indicator=None, user, request=None
) -> ReviewComment:
    data_room = _locked_room(data_room)
    submission = _pending_submission(data_room)
    return _comment_create(
        data_room,
        submission,
        text,
        program=program,
        indicator=indicator,
        user=user,
        request=request,
    )


def _comment_create(
    data_room, submission, text: str, *, program, indicator, user, request
) -> ReviewComment:
    subject = indicator.name if indicator else (program.name if program else "")
    comment = ReviewComment.objects.create(
        submission=submission,
        program=program or (indicator.program if indicator else None),
        indicator=indicator,
        subject=subject,
        text=text,
        author=user,
    )
    audit_record(
        action="opd.dataroom.comment",
        actor=user,
        obj=data_room,
        after={"version": submission.number, "about": subject, "text": text},
        request=request,
    )
    return comment


def _close_review(data_room, submission, *, outcome: str, status: str, action: str, user, request):
    submission.outcome = outcome
    submission.reviewed_by, submission.reviewed_at = user, timezone.now()
    submission.save(update_fields=["outcome", "reviewed_by", "reviewed_at"])
    _set_status(
        data_room,
        status,
        action=action,
        user=user,
        request=request,
        extra={"version": submission.number},
    )
    return submission


@transaction.atomic
def data_room_return(
    *,
    data_room: DataRoom,
    user,
    request=None,
    comment: str = "",
    program=None,
    indicator=None,
) -> Submission:
    """Bappeda sends the data room back; the OPD sees the comments and resubmits.

    A ``comment`` still in the box when Bappeda returns the room is saved with it, in
    the same step (about ``program`` or ``indicator``, or the whole room).
    """
    data_room = _locked_room(data_room)
    submission = _pending_submission(data_room)
    if comment.strip():
        _comment_create(
            data_room,
            submission,
            comment.strip(),
            program=program,
            indicator=indicator,
            user=user,
            request=request,
        )
    if not submission.comments.exists():
        raise ValidationError(_("Write at least one comment so the OPD knows what to fix."))
    return _close_review(
        data_room,
        submission,
        outcome=Submission.Outcome.RETURNED,
        status=DataRoom.Status.RETURNED,
        action="opd.dataroom.return",
        user=user,
        request=request,
    )


@transaction.atomic
def data_room_mark_ready(
    *,
    data_room: DataRoom,
    user,
    request=None,
    comment: str = "",
    program=None,
    indicator=None,
) -> Submission:
    """Bappeda declares the data room complete: it may go on the session's agenda.

    A ``comment`` still in the box is kept with the version, as a note for the unit.
    """
    data_room = _locked_room(data_room)
    submission = _pending_submission(data_room)
    checklist = data_room_checklist(data_room)
    if not checklist.ok:
        raise ValidationError(
            [_("It cannot be marked ready while something is missing:"), *checklist.problems]
        )
    if comment.strip():
        _comment_create(
            data_room,
            submission,
            comment.strip(),
            program=program,
            indicator=indicator,
            user=user,
            request=request,
        )
    return _close_review(
        data_room,
        submission,
        outcome=Submission.Outcome.READY,
        status=DataRoom.Status.READY,
        action="opd.dataroom.ready",
        user=user,
        request=request,
    )


@transaction.atomic
def data_room_reopen(*, data_room: DataRoom, reason: str, user, request=None) -> Submission:
    """Bappeda takes back "ready": the room returns to the unit with the reason.

    The version that was marked ready keeps that outcome and records who reopened it,
    when and why; the unit edits and the head submits a new version.
    """
    data_room = _locked_room(data_room)
    reason = reason.strip()
    if data_room.status != DataRoom.Status.READY:
        raise ValidationError(
            _("Only a data room marked ready can be reopened; this one is “%(status)s”.")
            % {"status": data_room.get_status_display()}
        )
    if not reason:
        raise ValidationError(_("Give the reason: the unit reads it to know what to change."))
    submission = data_room.submissions.select_for_update().order_by("-number").first()
    submission.reopened_by, submission.reopened_at = user, timezone.now()
    submission.reopen_reason = reason
    submission.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    _set_status(
        data_room,
        DataRoom.Status.RETURNED,
        action="opd.dataroom.reopen",
        user=user,
        request=request,
        extra={"version": submission.number, "reason": reason},
    )
    return submission


class PartInUse(ValidationError):
    """A program or indicator that records of the live session (offers, agreed
    targets…) refer to: it cannot be deleted."""


def _in_use_sentence(subject: str, error: ProtectedError) -> str:
    # opd does not know the auctions models: name what holds the rows by their
    # verbose names, counted ("2 offered targets, 1 agreed target").
    counts = Counter(obj._meta for obj in error.protected_objects)
    holders = ", ".join(
        f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"
        for meta, count in sorted(counts.items(), key=lambda pair: str(pair[0].verbose_name))
    )
    return _(
        "%(subject)s cannot be deleted: the performance auction already holds %(holders)s "
        "for it. Correct it instead, or ask %(agency)s."
    ) % {"subject": subject, "holders": holders, "agency": planning_agency()}


@transaction.atomic
def indicator_delete(*, indicator: Indicator, user, request=None) -> None:
    """Delete an indicator with its comparators, supporting data and files; refused
    with :class:`PartInUse` once offers or agreed targets name it."""
    try:
        part_delete(instance=indicator, user=user, request=request)
    except ProtectedError as error:
        subject = _("The indicator “%(name)s”") % {"name": indicator.name}
        raise PartInUse(_in_use_sentence(subject, error)) from None


@transaction.atomic
def program_delete(*, program: Program, user, request=None) -> None:
    """Delete a program with its indicators; refused with :class:`PartInUse` once
    offers or agreed targets name one of them."""
    try:
        part_delete(instance=program, user=user, request=request)
    except ProtectedError as error:
        held = Indicator.objects.filter(
            pk__in={getattr(obj, "indicator_id", None) for obj in error.protected_objects}
        ).values_list("name", flat=True)
        subject = _("The program “%(name)s” (indicator %(indicators)s)") % {
            "name": program.name,
            "indicators": ", ".join(f"“{name}”" for name in held),
        }
        raise PartInUse(_in_use_sentence(subject, error)) from None


# --- Positions and tenures ----------------------------------------------------------

#: Roles whose holders may be appointed acting head of a unit: people who work in a
#: unit. Appointing a Bappeda operator, a panel member or an inspector would take
#: their own powers away (a user has one role).
APPOINTABLE_ROLES = ("opd_head", "opd_staff")


@transaction.atomic
def acting_head_appoint(*, opd: Opd, official: Official, user, request=None, reason: str = ""):
    """Make ``official`` acting head (Plt.) of ``opd`` from today.

    The current holders' tenures of the head position end yesterday (so from today only
    the Plt. holds it); a staff member's role becomes head, so they may answer and sign.
    Returns the new tenure.
    """
    position = Position.objects.select_for_update().filter(opd=opd, is_head=True).first()
    if position is None:
        raise ValidationError(
            _("%(opd)s has no head position on record; %(agency)s adds one first.")
            % {"opd": opd, "agency": planning_agency()}
        )
    account = official.user
    if account is None or not account.is_active:
        raise ValidationError(
            _("%(name)s has no active login; create one first.") % {"name": official}
        )
    if account.role not in APPOINTABLE_ROLES:
        raise ValidationError(
            _("%(name)s is not an official of a unit (their role is %(role)s).")
            % {"name": official, "role": account.get_role_display() or "—"}
        )
    today = timezone.localdate()
    ended = []
    for tenure in Tenure.objects.current(today).select_for_update().filter(position=position):
        if tenure.official_id == official.pk:
            raise ValidationError(
                _("%(name)s already holds %(position)s.") % {"name": official, "position": position}
            )
        if tenure.start_date >= today:
            raise ValidationError(
                _(
                    "%(name)s took %(position)s only today; correct that record in the "
                    "administration first."
                )
                % {"name": tenure.official, "position": position}
            )
        tenure.end_date = today - timedelta(days=1)
        tenure.save(update_fields=["end_date"])
        ended.append(tenure)
        audit_record(
            action="opd.tenure.end",
            actor=user,
            obj=tenure,
            before={"end_date": None},
            after={"end_date": tenure.end_date.isoformat(), "reason": reason},
            request=request,
        )
    tenure = Tenure.objects.create(
        official=official, position=position, start_date=today, is_acting=True
    )
    if account.role != "opd_head":
        before = account.role
        account.role = "opd_head"
        account.save(update_fields=["role"])
        audit_record(
            action="lelang.user.role",
            actor=user,
            obj=account,
            before={"role": before},
            after={"role": account.role},
            request=request,
        )
    audit_record(
        action="opd.tenure.appoint_acting",
        actor=user,
        obj=tenure,
        after={
            "opd": opd.code,
            "position": position.title,
            "official": official.pk,
            "start_date": today.isoformat(),
            "ended": [t.pk for t in ended],
            "reason": reason,
        },
        request=request,
    )
    return tenure


@transaction.atomic
def official_create(
    *, opd: Opd, name: str, nip: str, title: str, username: str, user, request=None
) -> tuple[Official, str]:
    """A new official of ``opd`` with a login, holding the position ``title`` from today.

    Returns the official and a one-time password, to be shown once and changed by its
    owner; only its hash is stored.
    """
    User = get_user_model()
    name, nip, title, username = name.strip(), nip.strip(), title.strip(), username.strip()
    problems = {}
    if nip and (not nip.isascii() or not nip.isdigit() or len(nip) != 18):
        problems["nip"] = _("A NIP has 18 digits.")
    elif nip and Official.objects.filter(nip=nip).exists():
        problems["nip"] = _("An official with this NIP is already on record.")
    if User.objects.filter(username__iexact=username).exists():
        problems["username"] = _("This username is taken.")
    if Position.objects.filter(opd=opd, title__iexact=title, is_head=True).exists():
        problems["title"] = _(
            "Give the official's own position; the head position is given by the appointment."
        )
    if problems:
        raise ValidationError(problems)
    password = secrets.token_urlsafe(9)
    account = User.objects.create_user(
        username=username, password=password, name=name, role="opd_staff"
    )
    official = Official.objects.create(name=name, nip=nip, user=account)
    position, _created = Position.objects.get_or_create(opd=opd, title=title)
    Tenure.objects.create(official=official, position=position, start_date=timezone.localdate())
    audit_record(
        action="opd.official.add",
        actor=user,
        obj=official,
        after={"name": name, "nip": nip, "position": title, "opd": opd.code, "login": username},
        request=request,
    )
    return official, password
