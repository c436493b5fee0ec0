"""An inspector traces a password that Bappeda set for a head: the audit log names it in
words, filters it by person without a reload and exports it; after logging out, the
back button shows nothing of it on the shared computer."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from lelang.models import AuditEntry
from tests.e2e.test_smoke import log_in

NEW_PASSWORD = "Sandi-Baru-Kepala-2019!"


@pytest.mark.django_db(transaction=True)
def test_an_inspector_traces_a_password_set_by_bappeda(new_page, operator, inspector, dinkes_head):
    # Bappeda sets the head's password in the back office.
    bappeda = new_page()
    log_in(bappeda, operator.username)
    bappeda.goto(f"/admin/lelang/user/{dinkes_head.pk}/change/")
    bappeda.get_by_role("link", name="Setel ulang kata sandi").click()
    expect(bappeda.get_by_text("Masuk dengan kata sandi:", exact=True)).to_be_visible()
    bappeda.locator("#id_password1").fill(NEW_PASSWORD)
    bappeda.locator("#id_password2").fill(NEW_PASSWORD)
    bappeda.get_by_role("button", name="Ganti kata sandi", exact=True).click()
    expect(bappeda.locator(".messagelist")).to_be_visible()

    # The inspector finds it by the head's name, in words, without a reload.
    page = new_page()
    log_in(page, inspector.username)
    page.goto("/audit/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Siapa").select_option(label=f"{dinkes_head.name} ({dinkes_head.username})")
    first = page.locator("#audit-table tbody tr").first
    expect(first).to_contain_text("Menyetel kata sandi orang lain")
    expect(first).to_contain_text(operator.username)
    assert page.evaluate("window.notReloaded") is True
    assert f"person={dinkes_head.pk}" in page.url

    # The export holds the filtered list, and is itself in the log.
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh sebagai CSV").click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert "auth.password_reset" in [row[4] for row in rows[1:]]
    assert AuditEntry.objects.filter(action="lelang.audit.export", actor=inspector).exists()
    assert page.console_errors == []

    # On the shared computer: after logging out, back shows the login, not the log.
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#audit-table")).to_have_count(0)
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
