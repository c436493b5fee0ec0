"""Editing the data room keeps the user's place: after an inline save, or a failing one,
the page does not move; the error is next to the field, in view; the checklist at the
top follows every save; an uploaded file shows where it is listed; all without a reload.

Before the fix Chromium jumped 1,000–1,400 px after a save: htmx puts the new part in
before it removes the old one, and scroll anchoring followed the part down the page."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from opd.models import DataRoom, Program, SupportingRow
from tests.e2e.test_smoke import log_in
from tests.opd.conftest import make_indicator

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KECAMATAN = ["Blimbing", "Kedungkandang", "Klojen", "Lowokwaru", "Sukun"]


@pytest.fixture
def long_room(period, dinkes, settings, tmp_path):
    """Three indicators, each a screen or more tall; the second lacks a comparator."""
    settings.MEDIA_ROOT = tmp_path
    room = DataRoom.objects.create(opd=dinkes, period=period)
    Program.objects.create(data_room=room, name="Kesehatan Ibu dan Anak")
    indicators = [
        make_indicator(room, name=name)
        for name in ("Angka Kematian Ibu", "Angka Kematian Bayi", "Persalinan di faskes")
    ]
    for indicator in indicators:
        table = indicator.supporting_tables.get()
        for order, name in enumerate(KECAMATAN, start=2):
            SupportingRow.objects.create(
                table=table, label=name, value=Decimal(100 + order), order=order
            )
    indicators[1].comparators.all().delete()
    return room, indicators


def _place(page, selector):
    return page.evaluate(
        "s => ({y: window.scrollY, top: document.querySelector(s).getBoundingClientRect().top})",
        selector,
    )


def _in_viewport(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def _open(new_page, user, room, *, width=1280, height=720):
    page = new_page()
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, user.username)
    page.goto(reverse("opd:data_room", args=[room.opd.code]))
    page.evaluate("window.__no_reload = true")
    return page


SCREENS = [pytest.param((1280, 720), id="desktop"), pytest.param((390, 844), id="phone")]


@pytest.mark.parametrize("screen", SCREENS)
def test_a_saved_row_and_a_refused_row_keep_the_page_where_it_was(
    new_page, long_room, dinkes_staff, screen
):
    room, indicators = long_room
    page = _open(new_page, dinkes_staff, room, width=screen[0], height=screen[1])
    indicator = indicators[0]
    table = indicator.supporting_tables.get()
    form = page.locator(f"form[action='{reverse('opd:row_create', args=[table.pk])}']")
    # The user has scrolled down to the row form of the first indicator's table.
    form.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy({top: 200, behavior: 'instant'})")  # a wheel would glide
    before = _place(page, f"#indicator-{indicator.pk}")
    assert before["y"] > 500

    form.get_by_label("Label").fill("Total kota")
    form.get_by_label("Nilai").fill("1.234")
    form.get_by_role("button", name="Tambah baris").click()
    expect(page.locator(f"#indicator-{indicator.pk}")).to_contain_text("Total kota")
    after = _place(page, f"#indicator-{indicator.pk}")
    assert abs(after["y"] - before["y"]) <= 3, (before, after)
    assert abs(after["top"] - before["top"]) <= 3
    # Ready for the next row: the cursor is back in the first box of the same form.
    expect(form.get_by_label("Label")).to_be_focused()

    form.get_by_label("Label").fill("Salah ketik")
    form.get_by_label("Nilai").fill("banyak")
    form.get_by_role("button", name="Tambah baris").click()
    error = form.locator(".field__error")
    expect(error).to_be_visible()
    refused = _place(page, f"#indicator-{indicator.pk}")
    assert abs(refused["y"] - before["y"]) <= 3, (before, refused)
    assert _in_viewport(page, error)
    expect(form.get_by_label("Label")).to_have_value("Salah ketik")  # nothing typed is lost
    assert page.evaluate("window.__no_reload") is True
    assert page.console_errors == []


@pytest.mark.parametrize("screen", SCREENS)
def test_an_indicator_edit_saved_and_refused_keeps_the_place(
    new_page, long_room, dinkes_staff, screen
):
    room, indicators = long_room
    page = _open(new_page, dinkes_staff, room, width=screen[0], height=screen[1])
    indicator = indicators[1]
    block = page.locator(f"#indicator-{indicator.pk}")
    block.get_by_role("link", name="Ubah indikator").click()
    save = block.get_by_role("button", name="Simpan indikator")
    save.scroll_into_view_if_needed()  # where the user is when they press it
    before = _place(page, f"#indicator-{indicator.pk}")

    target = page.locator(f"#id_ind-{indicator.pk}-target_year")
    target.fill("1800")
    save.click()
    error = block.locator(".field--error .field__error")
    expect(error).to_have_count(1)  # one mistake, one message
    expect(error).to_be_visible()
    refused = _place(page, f"#indicator-{indicator.pk}")
    assert abs(refused["y"] - before["y"]) <= 3, (before, refused)
    assert _in_viewport(page, error)
    expect(page.locator(f"#id_ind-{indicator.pk}-target_year")).to_be_focused()

    page.locator(f"#id_ind-{indicator.pk}-target_year").fill("2023")
    page.locator(f"#id_ind-{indicator.pk}-baseline_source").fill("Profil Kesehatan Kota Malang")
    block.get_by_role("button", name="Simpan indikator").click()
    expect(block).to_contain_text("Profil Kesehatan Kota Malang")
    saved = _place(page, f"#indicator-{indicator.pk}")
    assert abs(saved["y"] - before["y"]) <= 3, (before, saved)
    assert page.evaluate("window.__no_reload") is True


def test_the_checklist_follows_each_save_and_an_upload_shows_where_it_is_listed(
    new_page, long_room, dinkes_staff
):
    room, indicators = long_room
    page = _open(new_page, dinkes_staff, room)
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("Angka Kematian Bayi")
    expect(checklist.locator(".check--ok")).to_have_count(0)

    indicator = indicators[1]
    block = page.locator(f"#indicator-{indicator.pk}")
    block.locator("details.add-form > summary", has_text="pembanding").click()
    prefix = f"#id_cmp-new-{indicator.pk}-"
    page.fill(prefix + "label", "Rata-rata Jawa Timur")
    page.select_option(prefix + "kind", "province")
    page.fill(prefix + "value", "23,1")
    page.fill(prefix + "year", "2017")
    page.fill(prefix + "source", "Profil Kesehatan Jawa Timur 2017")
    before = _place(page, f"#indicator-{indicator.pk}")
    block.get_by_role("button", name="Simpan pembanding").click()
    expect(block).to_contain_text("Rata-rata Jawa Timur")
    # The checklist at the top is complete now, without a reload; the indicator the user
    # works on stays where it was on the screen though the checklist above got shorter.
    expect(checklist.locator(".check--ok")).to_be_visible()
    after = _place(page, f"#indicator-{indicator.pk}")
    assert abs(after["top"] - before["top"]) <= 3, (before, after)

    # A file for the third indicator: listed in the files section and in the indicator.
    files = page.locator("#files")
    files.scroll_into_view_if_needed()
    page.set_input_files(
        "#id_file-file",
        files=[{"name": "laporan-aki.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.select_option("#id_file-indicator", str(indicators[2].pk))
    before = _place(page, "#files")
    files.get_by_role("button", name="Unggah berkas").click()
    expect(files.locator("li.is-new")).to_contain_text("laporan-aki.pdf")
    expect(page.locator(f"#indicator-{indicators[2].pk}")).to_contain_text("laporan-aki.pdf")
    # The section stays put on the screen (the indicator above it grew by the file).
    after = _place(page, "#files")
    assert abs(after["top"] - before["top"]) <= 3, (before, after)
    assert page.evaluate("window.__no_reload") is True
    assert page.console_errors == []


def test_the_head_on_a_phone_sees_what_is_missing_before_submitting(
    new_page, long_room, dinkes_head
):
    room, _indicators = long_room
    page = _open(new_page, dinkes_head, room, width=390, height=844)
    page.get_by_role("button", name="Ajukan ke Bappeda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ajukan ruang data yang belum lengkap?"
    )
    expect(page.locator("#submit-confirm")).to_contain_text("Angka Kematian Bayi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Tetap ajukan").click()
    expect(page.locator(".status--submitted")).to_be_visible()
    room.refresh_from_db()
    assert room.status == "submitted"


def test_a_save_refused_because_the_room_was_submitted_meanwhile_says_why(
    new_page, long_room, dinkes_staff
):
    room, indicators = long_room
    page = _open(new_page, dinkes_staff, room)
    table = indicators[0].supporting_tables.get()
    form = page.locator(f"form[action='{reverse('opd:row_create', args=[table.pk])}']")
    form.get_by_label("Label").fill("Total kota")
    form.get_by_label("Nilai").fill("1.234")
    DataRoom.objects.filter(pk=room.pk).update(status=DataRoom.Status.SUBMITTED)  # the head
    form.get_by_role("button", name="Tambah baris").click()
    note = form.locator(".request-error")
    expect(note).to_contain_text("tidak dapat diubah")
    assert _in_viewport(page, note)
    expect(form.get_by_label("Label")).to_have_value("Total kota")
