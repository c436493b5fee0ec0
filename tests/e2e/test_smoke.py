"""A person of each role logs in and sees their start page."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

EXPECTED_SECTIONS = {
    "operator": [
        "Perangkat daerah (OPD)",
        "Tinjauan ruang data",
        "Sesi lelang",
        "Dokumen",
        "Laporan triwulanan",
        "Dasbor",
        "Log audit",
        "Administrasi",
    ],
    "mayor": ["Perangkat daerah (OPD)", "Sesi lelang", "Dokumen", "Laporan triwulanan", "Dasbor"],
    "dinkes_head": ["Ruang data", "OPD saya", "Dokumen", "Laporan triwulanan"],
    "dinkes_staff": ["Ruang data", "OPD saya", "Laporan triwulanan"],
    "inspector": [
        "Perangkat daerah (OPD)",
        "Sesi lelang",
        "Dokumen",
        "Laporan triwulanan",
        "Dasbor",
        "Log audit",
    ],
}


def log_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", list(EXPECTED_SECTIONS))
def test_each_role_logs_in_and_sees_its_start_page(request, new_page, persona):
    user = request.getfixturevalue(persona)
    page = new_page()
    log_in(page, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Selamat datang, {user.name}")
    cards = page.locator(".section-card__title")
    expect(cards).to_have_text(EXPECTED_SECTIONS[persona])
    # htmx is loaded from our own static files, and nothing broke the page (CSP, 404s).
    assert page.evaluate("typeof htmx") == "object"
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_then_the_right_one(new_page, dinkes_staff):
    page = new_page()
    log_in(page, dinkes_staff.username, "salah-sandi")
    expect(page.get_by_role("alert")).to_contain_text("Nama pengguna atau kata sandi salah")
    expect(page.get_by_label("Nama pengguna")).to_have_value(dinkes_staff.username)
    page.get_by_label("Sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")


@pytest.mark.django_db(transaction=True)
def test_the_panel_filters_units_without_a_reload(new_page, mayor, dinkes, dindik):
    page = new_page()
    log_in(page, mayor.username)
    page.get_by_role("link", name="Perangkat daerah (OPD)").first.click()
    expect(page.locator("#opd-table tbody tr")).to_have_count(2)
    page.evaluate("window.__not_reloaded = true")
    page.get_by_label("Cari").fill("Kesehatan")
    expect(page.locator("#opd-table tbody tr")).to_have_count(1)
    expect(page.locator("#opd-table")).to_contain_text("Dinas Kesehatan")
    assert page.evaluate("window.__not_reloaded") is True
    assert "q=Kesehatan" in page.url


@pytest.mark.django_db(transaction=True)
def test_logging_out_returns_to_the_login_page(new_page, inspector):
    page = new_page()
    log_in(page, inspector.username)
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")


@pytest.mark.django_db(transaction=True)
def test_a_keyboard_user_logs_in_and_skips_to_the_content(new_page, dinkes_head):
    page = new_page()
    page.goto("/accounts/login/")
    # The username field has focus on arrival (autofocus may land just after the load
    # event, so wait for it rather than type into nothing); no mouse needed.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(dinkes_head.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Langsung ke isi utama")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("main")
