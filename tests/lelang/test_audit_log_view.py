import csv
import datetime
import html
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from lelang import audit
from lelang.audit import audit_record
from lelang.audit_log import action_label, changes
from lelang.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(operator, dinkes):
    audit_record(action="auth.login", actor=operator)
    audit_record(action="opd.opd.change", actor=operator, obj=dinkes, after={"name": "X"})


@pytest.mark.parametrize("persona", ["operator", "inspector"])
def test_bappeda_and_inspector_read_the_audit_log(client, request, persona, entries):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("audit_log"))
    assert response.status_code == 200
    assert "opd.opd.change" in response.content.decode()


@pytest.mark.parametrize("persona", ["mayor", "dinkes_head", "dinkes_staff"])
def test_others_cannot_read_the_audit_log(client, request, persona, entries):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("audit_log")).status_code == 403


def test_verify_button_reports_an_intact_chain(client, inspector, entries):
    client.force_login(inspector)
    body = client.get(reverse("audit_log"), {"verify": "1"}).content.decode()
    assert "Rantai audit utuh" in body


def test_filter_returns_only_the_table_for_htmx(client, inspector, entries):
    client.force_login(inspector)
    response = client.get(
        reverse("audit_log"), {"action": "auth.login"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="audit-table"')
    assert "auth.login" in body and "opd.opd.change" not in body


# --- Speaking human ------------------------------------------------------------------


def text_of(response) -> str:
    """The page's text, tags removed and spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


def test_action_names_are_in_words_with_the_code_beside(client, inspector, entries):
    client.force_login(inspector)
    text = text_of(client.get(reverse("audit_log")))
    assert "Masuk (login)" in text
    assert "OPD diubah" in text
    assert "opd.opd.change" in text


def test_an_unknown_action_shows_its_raw_name(operator):
    assert action_label("contracts.pact.sign") == "contracts.pact.sign"


def test_before_and_after_read_as_field_old_to_new(client, inspector, operator, dinkes):
    audit_record(
        action="opd.opd.change",
        actor=operator,
        obj=dinkes,
        before={"id": dinkes.pk, "name": "Dinas Kesehatan", "kind": "dinas", "code": "dinkes"},
        after={"id": dinkes.pk, "name": "Dinas Kesehatan Kota", "kind": "badan", "code": "dinkes"},
    )
    client.force_login(inspector)

    text = text_of(client.get(reverse("audit_log")))

    assert "Nama: Dinas Kesehatan → Dinas Kesehatan Kota" in text
    assert "Jenis: Dinas → Badan" in text  # choices in words
    assert "Kode:" not in text  # unchanged fields are not listed


def test_a_related_row_is_named_not_numbered(operator, dinkes, dindik):
    from opd.models import Position

    position = Position.objects.create(opd=dinkes, title="Sekretaris")
    entry = audit_record(
        action="opd.position.change",
        actor=operator,
        obj=position,
        before={"opd": dinkes.pk, "title": "Sekretaris"},
        after={"opd": dindik.pk, "title": "Sekretaris"},
    )
    [change] = changes(entry)
    assert (change.before, change.after) == ("Dinas Kesehatan", "Dinas Pendidikan")


def test_a_creation_lists_what_was_set(operator, dinkes):
    entry = audit_record(
        action="opd.opd.add", actor=operator, obj=dinkes, after={"name": "Dinas Baru", "code": ""}
    )
    [change] = changes(entry)
    assert (change.before, change.after) == (None, "Dinas Baru")


# --- Filters -------------------------------------------------------------------------


def seqs(response):
    return [int(s) for s in re.findall(r"<tr>\s*<td>(\d+)</td>", response.content.decode())]


def test_it_filters_by_person_what_they_did_and_what_was_done_to_their_account(
    client, inspector, operator, dinkes_head, dinkes_staff
):
    did = audit_record(action="auth.login", actor=dinkes_head, obj=dinkes_head)
    done_to = audit_record(action="auth.password_reset", actor=operator, obj=dinkes_head)
    audit_record(action="auth.login", actor=dinkes_staff, obj=dinkes_staff)
    client.force_login(inspector)

    response = client.get(reverse("audit_log"), {"person": dinkes_head.pk})

    assert seqs(response) == [done_to.seq, did.seq]


def test_it_filters_by_unit_its_records_and_its_people(
    client, inspector, operator, dinkes, dindik, dinkes_staff, period
):
    client.force_login(inspector)
    from opd.models import DataRoom, Indicator, Program

    room = DataRoom.objects.create(opd=dinkes, period=period)
    program = Program.objects.create(data_room=room, name="KIA")
    indicator = Indicator.objects.create(
        program=program,
        name="Angka Kematian Ibu",
        unit="per 100.000 kelahiran hidup",
        polarity="lower",
        baseline_value=Decimal("53.6"),
        baseline_year=2017,
        baseline_source="Profil Kesehatan 2017",
    )
    about_indicator = audit_record(action="opd.indicator.change", actor=operator, obj=indicator)
    by_its_staff = audit_record(action="auth.login", actor=dinkes_staff, obj=dinkes_staff)
    about_unit = audit_record(action="opd.opd.change", actor=operator, obj=dinkes)
    audit_record(action="opd.opd.change", actor=operator, obj=dindik)

    response = client.get(reverse("audit_log"), {"opd": dinkes.pk})

    assert seqs(response) == [about_unit.seq, by_its_staff.seq, about_indicator.seq]


def test_it_filters_by_action(client, inspector, entries):
    client.force_login(inspector)
    response = client.get(reverse("audit_log"), {"action": "opd.opd.change"})
    assert len(seqs(response)) == 1


def test_it_filters_by_dates_from_and_to(client, inspector, operator, monkeypatch):
    client.force_login(inspector)  # today: outside the dates asked for
    written = []
    for day in ["2018-12-02 10:00", "2018-12-03 10:00", "2018-12-04 23:30"]:
        moment = timezone.make_aware(datetime.datetime.fromisoformat(day))
        monkeypatch.setattr(audit, "timezone", SimpleNamespace(now=lambda m=moment: m))
        written.append(audit_record(action="test.day", actor=operator).seq)
    monkeypatch.undo()

    response = client.get(
        reverse("audit_log"), {"date_from": "03/12/2018", "date_to": "04/12/2018"}
    )

    assert seqs(response) == [written[2], written[1]]


def test_a_wrong_date_is_reported_and_not_applied(client, inspector, entries):
    client.force_login(inspector)
    response = client.get(reverse("audit_log"), {"date_from": "31/02/2018"})
    assert len(seqs(response)) == AuditEntry.objects.count()
    assert "12/11/2018" in response.content.decode()  # the format is explained


def test_pages_keep_the_filters(client, inspector, operator):
    client.force_login(inspector)
    for _n in range(55):
        audit_record(action="test.many", actor=operator)

    body = client.get(reverse("audit_log"), {"action": "test.many"}).content.decode()

    assert "action=test.many&amp;page=2" in body
    second = client.get(reverse("audit_log"), {"action": "test.many", "page": "2"})
    assert len(seqs(second)) == 5


# --- Export ----------------------------------------------------------------------------


def csv_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_export_has_the_filtered_entries_and_is_itself_recorded(
    client, inspector, operator, entries
):
    audit_record(action="test.formula", actor=operator, object_repr='=HYPERLINK("x")')
    client.force_login(inspector)

    response = client.get(reverse("audit_export"), {"action": "opd.opd.change"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    _header, *rows = csv_rows(response)
    assert len(rows) == 1 and rows[0][4] == "opd.opd.change"
    assert rows[0][6] == "Nama: X"
    export = AuditEntry.objects.get(action="lelang.audit.export")
    assert export.actor == inspector
    assert export.after == {"filters": {"action": "opd.opd.change"}, "rows": 1}


def test_the_export_keeps_spreadsheet_formulas_as_text(client, inspector, operator):
    audit_record(action="test.formula", actor=operator, object_repr='=HYPERLINK("x")')
    client.force_login(inspector)
    _header, row = csv_rows(client.get(reverse("audit_export"), {"action": "test.formula"}))
    assert row[5] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize("persona", ["mayor", "dinkes_head", "dinkes_staff"])
def test_others_cannot_export_the_audit_log(client, request, persona, entries):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("audit_export")).status_code == 403
    assert not AuditEntry.objects.filter(action="lelang.audit.export").exists()


def test_an_anonymous_visitor_is_sent_to_the_login(client, db):
    for name in ("audit_log", "audit_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_every_path_from_a_record_to_its_unit_still_exists(dinkes):
    from django.apps import apps

    from lelang.audit_log import UNIT_PATHS

    for label, path in UNIT_PATHS.items():
        model = apps.get_model(label)
        assert model._default_manager.filter(**{path: dinkes.pk}).count() >= 0, label


def test_a_key_that_names_a_reverse_relation_is_shown_as_a_value():
    """An entry of a report's opening stores "lines" (also the name of the report's
    reverse relation to its lines): shown as the stored value, not looked up."""
    from lelang.audit_log import _field, _key_label, _shown
    from monitoring.models import Report

    assert _field(Report, "lines") is None
    assert _shown(_field(Report, "lines"), [3, 4], {}) == "[3, 4]"
    assert _key_label(Report, "lines")
    assert _field(Report, "status") is not None
