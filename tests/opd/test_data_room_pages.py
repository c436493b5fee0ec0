"""Read views (profile, theme), the Excel endpoints and the program form, through URLs."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opd.excel import build_workbook
from opd.models import Indicator, Program, Theme
from tests.opd.conftest import make_indicator

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def aki_theme(dinkes_room, dindik_room):
    theme = Theme.objects.create(code="penurunan-aki", name="Penurunan Angka Kematian Ibu")
    make_indicator(dinkes_room, theme=theme)
    make_indicator(
        dindik_room,
        theme=theme,
        name="Siswi paham kesehatan reproduksi",
        unit="%",
        baseline_value=40,
        target_value=80,
    )
    return theme


def test_profile_shows_each_indicator_with_its_svg_chart(client, mayor, complete_indicator, dinkes):
    client.force_login(mayor)
    body = client.get(reverse("opd:detail", args=[dinkes.code])).content.decode()
    assert "<svg" in body and 'role="img"' in body
    assert "Jawa Timur" in body  # the comparator appears in the chart
    assert "53,6" in body


def test_theme_page_puts_all_units_side_by_side_for_the_panel(client, mayor, aki_theme):
    client.force_login(mayor)
    response = client.get(aki_theme.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dinas Kesehatan" in body and "Dinas Pendidikan" in body
    assert "Siswi paham kesehatan reproduksi" in body


def test_theme_page_shows_staff_only_their_own_units_indicators(client, dinkes_staff, aki_theme):
    client.force_login(dinkes_staff)
    body = client.get(aki_theme.get_absolute_url()).content.decode()
    assert "Angka Kematian Ibu" in body
    assert "Siswi paham kesehatan reproduksi" not in body


def test_unknown_theme_is_404(client, mayor, period):
    client.force_login(mayor)
    assert client.get(reverse("opd:theme", args=["tidak-ada"])).status_code == 404


def test_excel_download_for_the_unit(client, dinkes_staff, complete_indicator, dinkes):
    client.force_login(dinkes_staff)
    response = client.get(reverse("opd:excel_export", args=[dinkes.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Indikator" in workbook.sheetnames


def test_excel_download_of_another_unit_is_refused(client, dinkes_staff, dindik_room, dindik):
    client.force_login(dinkes_staff)
    assert client.get(reverse("opd:excel_export", args=[dindik.code])).status_code == 403


def _upload(client, opd, content, name="ruang-data.xlsx"):
    return client.post(
        reverse("opd:excel_import", args=[opd.code]),
        {"workbook": SimpleUploadedFile(name, content, content_type=XLSX)},
    )


def test_excel_upload_applies_a_good_file(
    client, dinkes_staff, complete_indicator, dinkes, dinkes_room
):
    content = build_workbook(dinkes_room)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["Indikator"]
    header = [cell.value for cell in sheet[1]]
    row = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    new = dict(zip(header, row, strict=True))
    new["Indikator"] = "Angka Kematian Bayi"
    new["Baseline nilai"] = "6,8"
    sheet.append([new[h] for h in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(dinkes_staff)
    response = _upload(client, dinkes, buffer.getvalue())
    assert response.status_code == 302
    assert Indicator.objects.get(name="Angka Kematian Bayi").baseline_value == Decimal("6.8")


def test_excel_upload_with_a_bad_row_changes_nothing_and_lists_it(
    client, dinkes_staff, complete_indicator, dinkes, dinkes_room
):
    workbook = openpyxl.load_workbook(io.BytesIO(build_workbook(dinkes_room)))
    sheet = workbook["Indikator"]
    column = [cell.value for cell in sheet[1]].index("Baseline nilai") + 1
    sheet.cell(row=2, column=column, value="banyak")
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(dinkes_staff)
    response = _upload(client, dinkes, buffer.getvalue())
    body = response.content.decode()
    assert response.status_code == 200
    assert "tidak diterapkan" in body
    assert "banyak" in body
    complete_indicator.refresh_from_db()
    assert str(complete_indicator.baseline_value) == "53.6000"


def test_excel_upload_of_a_non_excel_file_is_explained(client, dinkes_staff, dinkes_room, dinkes):
    client.force_login(dinkes_staff)
    body = _upload(client, dinkes, b"MZ\x90\x00not excel", name="virus.xlsx").content.decode()
    assert ".xlsx" in body
    assert not Program.objects.exists()


def test_excel_upload_needs_edit_rights(client, mayor, dinkes_room, dinkes):
    client.force_login(mayor)
    assert _upload(client, dinkes, build_workbook(dinkes_room)).status_code == 403


def test_program_create_redirects_htmx_to_the_new_card(client, dinkes_staff, dinkes_room, dinkes):
    client.force_login(dinkes_staff)
    response = client.post(
        reverse("opd:program_create", args=[dinkes.code]),
        {"program-new-name": "Program Gizi", "program-new-kind": "program"},
        headers={"HX-Request": "true"},
    )
    program = Program.objects.get()
    assert response["HX-Redirect"].endswith(f"#program-{program.pk}")


def test_a_duplicate_program_name_is_explained(client, dinkes_staff, complete_indicator, dinkes):
    client.force_login(dinkes_staff)
    response = client.post(
        reverse("opd:program_create", args=[dinkes.code]),
        {
            "program-new-name": "Kesehatan Ibu dan Anak",
            "program-new-kind": "program",
            "program-new-description": "Uraian yang diketik",
        },
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "sudah memiliki program dengan nama ini" in body
    assert "Uraian yang diketik" in body


def test_deleting_an_unknown_kind_of_part_is_404(client, dinkes_staff, complete_indicator):
    client.force_login(dinkes_staff)
    url = reverse("opd:part_delete", args=["user", 1])
    assert client.post(url).status_code == 404
