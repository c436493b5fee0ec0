"""The public page, marking indicators public, and the dashboards' exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contracts.pdf import text_of
from lelang.models import AuditEntry
from lelang.roles import Role
from monitoring import public
from opd.models import Indicator, Theme
from tests.factories import UserFactory
from tests.monitoring.test_dashboards import signed, submitted, verified  # noqa: F401

PUBLIC = reverse("public:index")
MANAGE = reverse("public:manage")
XLSX = reverse("dashboards:export_xlsx")
CITY_PDF = reverse("dashboards:city_pdf")
OPD_PDF = reverse("dashboards:opd_pdf", args=["dinkes"])
PERIOD = {"year": 2019, "quarter": 1}
AKI = "Angka Kematian Ibu"
BIRTHS = "Persalinan di fasilitas kesehatan"


@pytest.fixture
def aki_public(verified):  # noqa: F811
    theme = Theme.objects.create(code="penurunan-aki", name="Penurunan Angka Kematian Ibu")
    Indicator.objects.filter(name=AKI).update(is_public=True, theme=theme)
    return verified


def test_the_public_page_needs_no_login_and_shows_only_public_indicators(client, aki_public):
    response = client.get(PUBLIC, PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert AKI in html and BIRTHS not in html
    assert "Dinas Kesehatan" in html and "Penurunan Angka Kematian Ibu" in html
    assert "<svg" in html and 'name="csrfmiddlewaretoken"' not in html
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Kepala Dinas Kesehatan" not in html  # no personal data
    assert not response.cookies  # nothing per visitor


def test_the_public_page_without_public_indicators_and_with_odd_filters(client, verified):  # noqa: F811
    html = client.get(PUBLIC, {"year": "x", "quarter": "9"}).content.decode()
    assert AKI not in html and 'id="public-empty"' in html


def test_public_figures_are_the_verified_ones_with_the_signed_target(aki_public):
    data = public.public_data(2019, 1)
    (line,) = data.lines
    assert (line.indicator, line.unit, line.band) == (AKI, "Dinas Kesehatan", "very_high")
    assert line.target is not None and line.yearly_target is not None
    assert [g.name for g in data.themes] == ["Penurunan Angka Kematian Ibu"]


def test_a_submitted_report_is_not_public(client, submitted):  # noqa: F811
    Indicator.objects.filter(name=AKI).update(is_public=True)
    assert public.public_data(2019, 1).lines == []


def test_only_bappeda_marks_indicators_public_and_it_is_audited(client, verified, operator, mayor):  # noqa: F811
    client.force_login(mayor)
    assert client.get(MANAGE).status_code == 403
    aki = Indicator.objects.get(name=AKI)
    assert client.post(MANAGE, {"public": [aki.pk]}).status_code == 403
    assert not Indicator.objects.get(pk=aki.pk).is_public

    client.force_login(operator)
    page = client.get(MANAGE)
    assert page.status_code == 200 and AKI in page.content.decode()
    assert client.post(MANAGE, {"public": [str(aki.pk)]}).status_code == 302
    assert Indicator.objects.get(pk=aki.pk).is_public
    entry = AuditEntry.objects.get(action="monitoring.indicator.public")
    assert entry.object_id == str(aki.pk) and entry.actor_id == operator.pk
    assert client.post(MANAGE, {}).status_code == 302
    assert not Indicator.objects.get(pk=aki.pk).is_public
    assert AuditEntry.objects.filter(action="monitoring.indicator.private").count() == 1
    client.logout()
    assert client.get(MANAGE).status_code == 302


def test_the_excel_export_has_the_figures_and_keeps_formulas_text(client, verified, mayor):  # noqa: F811
    Indicator.objects.filter(name=BIRTHS).update(name='=HYPERLINK("http://x","a")')
    client.force_login(mayor)
    response = client.get(XLSX, PERIOD)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    bands, units, lines = workbook.worksheets
    assert [row[1] for row in bands.iter_rows(min_row=2, values_only=True)] == [1, 1, 0, 0, 0]
    (unit_row,) = list(units.iter_rows(min_row=2, values_only=True))
    assert unit_row[1:5] == ("dinkes", "Dinas Kesehatan", 2, 100.0)
    rows = {row[1]: row for row in lines.iter_rows(min_row=2, values_only=True)}
    assert rows[AKI][0] == "Dinas Kesehatan" and rows[AKI][6] == 110.0
    formula = rows['=HYPERLINK("http://x","a")']
    assert formula[6] == 90.0
    cell = next(c for c in lines["B"] if c.value == '=HYPERLINK("http://x","a")')
    assert cell.data_type == "s"
    assert AuditEntry.objects.filter(action="monitoring.export.city_xlsx").count() == 1


def test_the_excel_export_follows_the_filters(client, verified, mayor, dindik):  # noqa: F811
    client.force_login(mayor)
    response = client.get(XLSX, {**PERIOD, "band": "high"})
    lines = load_workbook(io.BytesIO(response.content)).worksheets[2]
    assert [r[1] for r in lines.iter_rows(min_row=2, values_only=True)] == [BIRTHS]
    response = client.get(XLSX, {**PERIOD, "unit": "dindik"})
    lines = load_workbook(io.BytesIO(response.content)).worksheets[2]
    assert list(lines.iter_rows(min_row=2, values_only=True)) == []


def test_the_unit_pdf_has_the_unit_and_its_indicators(client, verified, mayor):  # noqa: F811
    client.force_login(mayor)
    response = client.get(OPD_PDF, PERIOD)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(text_of(response.content).split())
    assert "Dinas Kesehatan" in text and AKI in text and BIRTHS in text
    assert "Sesuai rencana" in text and "TW I 2019" in text
    assert AuditEntry.objects.filter(action="monitoring.export.opd_pdf").count() == 1
    assert client.get(OPD_PDF, {"year": 2019, "quarter": 3}).status_code == 404


def test_the_city_pdf_has_the_units(client, verified, mayor):  # noqa: F811
    client.force_login(mayor)
    response = client.get(CITY_PDF, PERIOD)
    assert response.status_code == 200
    text = " ".join(text_of(response.content).split())
    assert "Dinas Kesehatan" in text and "TW I 2019" in text
    assert AuditEntry.objects.filter(action="monitoring.export.city_pdf").count() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.BAPPEDA, 200), (Role.INSPECTOR, 200), (Role.MONITORING, 200), (Role.OPD_STAFF, 403)],
)
def test_who_exports(client, verified, role, status):  # noqa: F811
    client.force_login(UserFactory(role=role))
    assert client.get(XLSX, PERIOD).status_code == status


def test_a_unit_exports_only_its_own_report(
    client,
    verified,  # noqa: F811
    dinkes_head,
    dinkes_staff,
    dindik_head,
):
    client.force_login(dinkes_staff)
    page = client.get(reverse("monitoring:report", args=["dinkes", 2019, 1]))
    assert f"{OPD_PDF}?year=2019&amp;quarter=1" in page.content.decode()  # the report's link
    assert client.get(OPD_PDF, PERIOD).status_code == 200
    client.force_login(dinkes_head)
    assert client.get(OPD_PDF, PERIOD).status_code == 200
    assert client.get(CITY_PDF, PERIOD).status_code == 403
    assert client.get(XLSX, PERIOD).status_code == 403
    client.force_login(dindik_head)
    assert client.get(OPD_PDF, PERIOD).status_code == 403
    client.logout()
    assert client.get(OPD_PDF, PERIOD).status_code == 302
