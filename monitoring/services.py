"""The quarterly report's life: open, draft, submit, verify or return, correct.

Every function checks who may act against today's positions (``monitoring.rules``)
and writes its audit entry in the same transaction as the change. Targets come from
the signed pacts in force (``contracts.selectors.targets_in_force``); nobody types a
target here.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.selectors import targets_in_force
from lelang.audit import audit_record
from lelang.roles import planning_agency
from opd.models import Indicator, Opd
from opd.units import value_problem

from . import achievement
from .models import Evidence, Quarter, Report, ReportLine

TEXT_FIELDS = ("narrative", "obstacles", "follow_up")


def quarter_get(year: int, number: int) -> Quarter:
    """The quarter, made with its default due date when first asked for."""
    if number not in (1, 2, 3, 4):
        raise ValidationError(_("A quarter is numbered 1 to 4."))
    quarter, _created = Quarter.objects.get_or_create(
        year=year, number=number, defaults={"due_date": Quarter.default_due(year, number)}
    )
    return quarter


@transaction.atomic
def quarter_set_due(*, quarter: Quarter, due_date, user, request=None) -> Quarter:
    if not user.has_perm("monitoring.manage_quarters"):
        raise PermissionDenied
    if due_date <= quarter.end:
        raise ValidationError(_("The due date comes after the quarter has ended."))
    before = quarter.due_date
    quarter.due_date = due_date
    quarter.save(update_fields=["due_date"])
    audit_record(
        action="monitoring.quarter.due",
        actor=user,
        obj=quarter,
        before={"due_date": before.isoformat()},
        after={"due_date": due_date.isoformat()},
        request=request,
    )
    return quarter


@transaction.atomic
def quarter_close(*, quarter: Quarter, user, request=None) -> Quarter:
    """Lock the quarter: no report of it is drafted or submitted any more."""
    if not user.has_perm("monitoring.manage_quarters"):
        raise PermissionDenied
    quarter = Quarter.objects.select_for_update().get(pk=quarter.pk)
    if quarter.is_closed:
        raise ValidationError(_("%(quarter)s is closed already.") % {"quarter": quarter})
    quarter.closed_at, quarter.closed_by = timezone.now(), user
    quarter.save(update_fields=["closed_at", "closed_by"])
    audit_record(action="monitoring.quarter.close", actor=user, obj=quarter, request=request)
    return quarter


def _signed_lines(opd: Opd, year: int) -> list[dict]:
    """Per indicator of the unit with a signed target for ``year``: what a line copies."""
    signed = {
        indicator_id: entry
        for (indicator_id, target_year), entry in targets_in_force([opd.pk]).items()
        if target_year == year
    }
    indicators = Indicator.objects.filter(pk__in=signed).order_by("program__order", "order", "pk")
    return [{"indicator": i, **signed[i.pk]} for i in indicators]


def _quarter_target(indicator: Indicator, yearly: Decimal, number: int) -> Decimal:
    method = indicator.aggregation
    targets = achievement.quarterly_targets(yearly, method)
    value = targets[number]
    return yearly if value is None or isinstance(value, tuple) else value


@transaction.atomic
def report_open(*, opd: Opd, quarter: Quarter, user, request=None) -> Report:
    """The unit's report for the quarter (made on first use, with a line per signed
    target of that year)."""
    probe = Report(opd=opd, quarter=quarter)
    if not user.has_perm("monitoring.edit_report", probe):
        raise PermissionDenied(_("Only the unit's own people open its report."))
    existing = Report.objects.filter(opd=opd, quarter=quarter).order_by("-revision").first()
    if existing is not None:
        return existing
    if quarter.start > timezone.localdate():
        raise ValidationError(
            _("%(quarter)s has not begun yet; its report opens on %(date)s.")
            % {"quarter": quarter, "date": quarter.start.strftime("%d/%m/%Y")}
        )
    signed = _signed_lines(opd, quarter.year)
    if not signed:
        raise ValidationError(
            _("%(opd)s has no signed target for %(year)s: nothing to report against.")
            % {"opd": opd, "year": quarter.year}
        )
    try:
        with transaction.atomic():
            report = Report.objects.create(opd=opd, quarter=quarter, created_by=user)
    except IntegrityError:  # opened at the same instant in another tab
        return Report.objects.get(opd=opd, quarter=quarter, revision=1)
    ReportLine.objects.bulk_create(
        ReportLine(
            report=report,
            indicator=row["indicator"],
            pact=row["document"],
            yearly_target=row["value"],
            target=_quarter_target(row["indicator"], row["value"], quarter.number),
            order=n,
        )
        for n, row in enumerate(signed)
    )
    audit_record(
        action="monitoring.report.open",
        actor=user,
        obj=report,
        after={"lines": len(signed)},
        request=request,
    )
    return report


def _check_value(value: Decimal | None, indicator: Indicator, label: str) -> None:
    if value is None:
        return
    problem = value_problem(value, indicator.unit)
    if problem:
        raise ValidationError({label: problem})


@transaction.atomic
def line_save(
    *,
    line: ReportLine,
    user,
    realization: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    narrative: str = "",
    obstacles: str = "",
    follow_up: str = "",
    request=None,
) -> ReportLine:
    """Staff or head enter the quarter's realisation of one indicator (a ratio as its
    numerator and denominator), with narrative, obstacles and follow-up."""
    report = Report.objects.select_for_update().select_related("quarter").get(pk=line.report_id)
    if not user.has_perm("monitoring.edit_report", report):
        raise PermissionDenied(_("This report cannot be changed now."))
    line = ReportLine.objects.select_related("indicator").get(pk=line.pk)
    indicator = line.indicator
    before = {
        "realization": line.realization,
        "numerator": line.numerator,
        "denominator": line.denominator,
    }
    if indicator.aggregation == Indicator.Aggregation.RATIO:
        for name, value in (("numerator", numerator), ("denominator", denominator)):
            if value is not None and value < 0:
                raise ValidationError({name: _("A count cannot be below 0.")})
        if denominator is not None and denominator == 0:
            raise ValidationError({"denominator": _("The denominator cannot be 0.")})
        line.numerator, line.denominator = numerator, denominator
        line.realization = (
            achievement.ratio_value(numerator, denominator, indicator.ratio_per or 1)
            if numerator is not None and denominator is not None
            else None
        )
    else:
        _check_value(realization, indicator, "realization")
        line.realization = realization
    line.narrative, line.obstacles, line.follow_up = (
        narrative.strip(),
        obstacles.strip(),
        follow_up.strip(),
    )
    if line.review == ReportLine.Review.RETURNED:
        line.review = ReportLine.Review.PENDING  # fixed: Bappeda reviews it again
    line.save()
    audit_record(
        action="monitoring.line.save",
        actor=user,
        obj=line,
        before=before,
        after={
            "realization": line.realization,
            "numerator": line.numerator,
            "denominator": line.denominator,
        },
        request=request,
    )
    return line


@transaction.atomic
def report_submit(*, report: Report, user, request=None) -> Report:
    """The head submits: every line needs its realisation. A late report is accepted
    (and flagged with its days late) until the quarter is closed."""
    report = Report.objects.select_for_update().select_related("quarter").get(pk=report.pk)
    if not user.has_perm("monitoring.submit_report", report):
        raise PermissionDenied(_("Only the head of the unit submits its report, while it is open."))
    missing = [
        line.indicator.name
        for line in report.lines.select_related("indicator")
        if line.realization is None
    ]
    if missing:
        raise ValidationError(
            _("Give the realisation of every indicator first: %(names)s.")
            % {"names": "; ".join(missing)}
        )
    report.status = Report.Status.SUBMITTED
    report.submitted_at, report.submitted_by = timezone.now(), user
    report.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit_record(
        action="monitoring.report.submit",
        actor=user,
        obj=report,
        after={"days_late": report.days_late},
        request=request,
    )
    return report


@transaction.atomic
def report_review(
    *, report: Report, user, returned: dict[int, str] | None = None, request=None
) -> Report:
    """Bappeda verifies the report, or returns it with a comment per line
    (``returned``: line id → comment). A verified report is frozen."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not user.has_perm("monitoring.review_report", report):
        raise PermissionDenied(
            _("Only %(agency)s verifies a submitted report.") % {"agency": planning_agency()}
        )
    returned = {k: v.strip() for k, v in (returned or {}).items()}
    lines = {line.pk: line for line in report.lines.all()}
    unknown = set(returned) - set(lines)
    if unknown:
        raise ValidationError(_("A returned line does not belong to this report."))
    if any(not comment for comment in returned.values()):
        raise ValidationError(_("Say what to fix for every line you return."))
    for line in lines.values():
        if line.pk in returned:
            line.review, line.review_comment = ReportLine.Review.RETURNED, returned[line.pk]
        else:
            line.review, line.review_comment = ReportLine.Review.ACCEPTED, ""
        line.save(update_fields=["review", "review_comment"])
    report.status = Report.Status.RETURNED if returned else Report.Status.VERIFIED
    report.reviewed_at, report.reviewed_by = timezone.now(), user
    report.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    audit_record(
        action=f"monitoring.report.{'return' if returned else 'verify'}",
        actor=user,
        obj=report,
        after={"returned": {str(k): v for k, v in returned.items()}},
        request=request,
    )
    return report


@transaction.atomic
def report_correct(*, report: Report, reason: str, user, request=None) -> Report:
    """A verified report changes only by a new revision (a draft copying its lines),
    which refers to it; the verified one stays as it was."""
    if not user.has_perm("monitoring.correct_report"):
        raise PermissionDenied
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.VERIFIED:
        raise ValidationError(_("Only a verified report is corrected by a new revision."))
    if Report.objects.filter(previous=report).exists():
        raise ValidationError(_("This report has a correction already; correct the newest."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the correction."))
    new = Report.objects.create(
        opd_id=report.opd_id,
        quarter_id=report.quarter_id,
        revision=report.revision + 1,
        previous=report,
        correction_reason=reason.strip(),
        created_by=user,
    )
    copied = []
    for line in report.lines.all():
        line.pk = None
        line.report = new
        line.review, line.review_comment = ReportLine.Review.PENDING, ""
        copied.append(line)
    ReportLine.objects.bulk_create(copied)
    audit_record(
        action="monitoring.report.correct",
        actor=user,
        obj=new,
        before={"revision": report.revision},
        after={"revision": new.revision, "reason": new.correction_reason},
        request=request,
    )
    return new


@transaction.atomic
def evidence_add(*, line: ReportLine, upload, user, request=None) -> Evidence:
    """An evidence file for one line, under the data room's rules (kind by content,
    size limit, a clean name, stored under a random name, served through a view)."""
    from opd.files import clean_text, stored_name
    from opd.forms import check_upload

    report = Report.objects.select_for_update().get(pk=line.report_id)
    if not user.has_perm("monitoring.edit_report", report):
        raise PermissionDenied(_("This report cannot be changed now."))
    content_type = check_upload(upload)
    name = stored_name(clean_text(upload.name), content_type)
    evidence = Evidence(
        line=line,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    audit_record(
        action="monitoring.evidence.add",
        actor=user,
        obj=evidence,
        after={"line": line.pk, "name": name, "size": upload.size},
        request=request,
    )
    return evidence
