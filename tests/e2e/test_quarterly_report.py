"""A quarter reported as the unit and Bappeda do it, and seen on the mayor's dashboard.

Dinas Kesehatan's staff open TW I 2021 (on the pact signed on 8 December 2018), enter
every realisation (one with an evidence file), the head submits, Bappeda returns one
line with a comment, the staff fix it, the head submits again, Bappeda verifies, and
the city dashboard counts the unit's indicators in their bands, its Excel carries the
figures, and the mayor confirms a proposed rompi.
"""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from lelang.demo import DEMO_PASSWORD
from tests.e2e.live import OPERATOR_LOGIN, seeded_server

pytestmark = pytest.mark.e2e

STAFF, HEAD, PANEL = "staf.dinkes", "kepala.dinkes", "walikota"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
REPORT = "/pemantauan/dinkes/2021/1/"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with seeded_server(tmp_path_factory, "quarterly", documents=True) as app:
        yield app


def _page(browser, app, login, viewport=None):
    context = browser.new_context(
        base_url=app.server.url, locale="id-ID", **({"viewport": viewport} if viewport else {})
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Ajukan laporan?" and the like
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(login)
    page.get_by_label("Sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    return page, errors


def _fill_every_line(page, value: str) -> None:
    cards = page.locator("article.report-line")
    for index in range(cards.count()):
        card = cards.nth(index)
        fields = card.locator("input[name$='-realization']")
        if fields.count():
            fields.fill(value)
        else:  # a ratio: deaths and live births
            card.locator("input[name$='-numerator']").fill("2")
            card.locator("input[name$='-denominator']").fill("3.600")
        card.locator("textarea[name$='-narrative']").fill("Sesuai rencana")
        card.get_by_role("button", name="Simpan").click()
        expect(cards.nth(index).locator("[data-field='realization']")).to_be_visible()


def test_a_quarter_reported_returned_fixed_verified_and_counted(browser, live_app):
    app = live_app
    staff, staff_errors = _page(browser, app, STAFF, {"width": 390, "height": 844})
    staff.goto(REPORT)
    staff.get_by_role("button", name="Buka laporan").click()
    _fill_every_line(staff, "45")
    first = staff.locator("article.report-line").first
    first.locator("input[type=file]").set_input_files(
        {"name": "rekap-puskesmas.png", "mimeType": "image/png", "buffer": PNG}
    )
    first.get_by_role("button", name="Unggah").click()
    expect(staff.locator("article.report-line").first).to_contain_text("rekap-puskesmas.png")

    head, head_errors = _page(browser, app, HEAD, {"width": 390, "height": 844})
    head.goto(REPORT)
    head.get_by_role("button", name="Ajukan laporan").click()
    expect(head.locator("#report-status")).to_contain_text("Diajukan")

    bappeda, bappeda_errors = _page(browser, app, OPERATOR_LOGIN)
    bappeda.goto(REPORT)
    bappeda.locator("textarea[name^='comment-']").first.fill("Lampirkan rekap per puskesmas")
    bappeda.get_by_role("button", name="Kembalikan").click()
    expect(bappeda.locator("#report-status")).to_contain_text("Dikembalikan")

    staff.goto(REPORT)
    returned = staff.locator("article.report-line--returned")
    expect(returned).to_contain_text("Lampirkan rekap per puskesmas")
    field = returned.locator("input[name$='-realization'], input[name$='-numerator']").first
    field.fill("48" if "realization" in (field.get_attribute("name") or "") else "1")
    returned.get_by_role("button", name="Simpan").click()
    expect(staff.locator("article.report-line--returned")).to_have_count(0)

    head.goto(REPORT)
    head.get_by_role("button", name="Ajukan laporan").click()
    expect(head.locator("#report-status")).to_contain_text("Diajukan")
    bappeda.goto(REPORT)
    bappeda.get_by_role("button", name="Verifikasi").click()
    expect(bappeda.locator("#report-status")).to_contain_text("Terverifikasi")
    expect(bappeda.locator("input[name$='-realization']")).to_have_count(0)

    mayor, mayor_errors = _page(browser, app, PANEL, {"width": 1920, "height": 1080})
    mayor.goto("/dasbor/?year=2021&quarter=1&opd=" + _opd_id(app))
    counted = mayor.locator("#kpi-counted")
    expect(counted).not_to_have_text("0")
    bands = mayor.locator("#band-counts [data-count]")
    total = sum(int(bands.nth(i).get_attribute("data-count")) for i in range(bands.count()))
    assert total == int(re.sub(r"\D", "", counted.inner_text()))

    # The Excel of these figures carries the unit's realisations.
    href = mayor.locator("#export-xlsx").get_attribute("href")
    workbook = openpyxl.load_workbook(io.BytesIO(mayor.request.get(href).body()), read_only=True)
    cells = {
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    }
    assert "Dinas Kesehatan" in cells
    assert {"45", "45.0", "48", "48.0"} & cells or any(c.startswith("45") for c in cells)

    # The mayor confirms a proposed rompi.
    mayor.goto("/dasbor/sanksi/?status=proposed")
    mayor.locator("main table a").first.click()
    form = mayor.locator("#confirm-form")
    form.locator("select[name='words']").select_option("kinerja rendah")
    form.locator("input[name='starts_on']").fill("2021-01-11")
    form.locator("input[name='ends_on']").fill("2021-01-15")
    form.get_by_role("button", name="Kukuhkan").click()
    expect(mayor.locator(".messages")).to_contain_text("dikukuhkan")

    assert staff_errors + head_errors + bappeda_errors + mayor_errors == []
    for page in (staff, head, bappeda, mayor):
        page.context.close()


def _opd_id(app) -> str:
    return app.shell("from opd.models import Opd; print(Opd.objects.get(code='dinkes').pk)").strip()
