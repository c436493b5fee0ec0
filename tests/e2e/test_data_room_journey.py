"""The data room journey: staff fill it inline, the head submits, Bappeda returns it with a
comment (typed and returned in one step), the head fixes and resubmits, Bappeda compares
the two versions and marks it ready."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from opd.models import DataRoom, Program, StrategicObjective
from tests.e2e.test_smoke import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _submit(page, url):
    page.locator(f"form[action='{url}'] button[type=submit]").click()


def test_staff_head_and_bappeda_take_a_data_room_to_ready(
    new_page, period, dinkes, dinkes_staff, dinkes_head, operator
):
    room = DataRoom.objects.create(opd=dinkes, period=period)
    program = Program.objects.create(data_room=room, name="Gizi Masyarakat")
    StrategicObjective.objects.create(data_room=room, name="Meningkatnya status gizi masyarakat")
    room_url = reverse("opd:data_room", args=[dinkes.code])

    # 1. Staff add an indicator with its baseline, then a comparator and a case, inline.
    staff = new_page()
    log_in(staff, dinkes_staff.username)
    staff.goto(room_url)
    staff.evaluate("window.__no_reload = true")
    card = staff.locator(f"#program-{program.pk}")
    card.locator("details.add-form > summary").first.click()
    prefix = f"#id_ind-new-{program.pk}-"
    staff.fill(prefix + "name", "Prevalensi stunting balita")
    staff.fill(prefix + "unit", "%")
    staff.select_option(prefix + "polarity", "lower")
    staff.fill(prefix + "baseline_value", "27,5")
    staff.fill(prefix + "baseline_year", "2017")
    staff.fill(prefix + "baseline_source", "Pemantauan Status Gizi 2017")
    staff.fill(prefix + "target_value", "14")
    staff.fill(prefix + "target_year", "2023")
    _submit(staff, reverse("opd:indicator_create", args=[program.pk]))
    indicator = staff.locator("article.indicator", has_text="Prevalensi stunting balita")
    expect(indicator).to_contain_text("27,5")
    indicator_id = indicator.get_attribute("id").removeprefix("indicator-")

    indicator.locator("details.add-form > summary").nth(0).click()
    cmp = f"#id_cmp-new-{indicator_id}-"
    staff.fill(cmp + "label", "Rata-rata Jawa Timur")
    staff.select_option(cmp + "kind", "province")
    staff.fill(cmp + "value", "26,9")
    staff.fill(cmp + "year", "2017")
    staff.fill(cmp + "source", "Riskesdas 2018")
    _submit(staff, reverse("opd:comparator_create", args=[indicator_id]))
    indicator = staff.locator(f"#indicator-{indicator_id}")
    expect(indicator).to_contain_text("Rata-rata Jawa Timur")

    indicator.locator("details.add-form > summary").nth(2).click()
    staff.fill(f"#id_case-new-{indicator_id}-title", "Kelurahan Kotalama")
    staff.fill(f"#id_case-new-{indicator_id}-description", "Balita gizi kurang di RW 05.")
    _submit(staff, reverse("opd:case_create", args=[indicator_id]))
    expect(staff.locator(f"#indicator-{indicator_id}")).to_contain_text("Kelurahan Kotalama")
    # The checklist at the top followed the saves: complete now, without a reload.
    expect(staff.locator("#checklist .check--ok")).to_be_visible()
    assert staff.evaluate("window.__no_reload") is True
    # Staff cannot submit: there is no submit button for them.
    expect(
        staff.locator(f"form[action='{reverse('opd:submit', args=[dinkes.code])}']")
    ).to_have_count(0)

    # 2. The head submits.
    head = new_page()
    log_in(head, dinkes_head.username)
    head.goto(room_url)
    _submit(head, reverse("opd:submit", args=[dinkes.code]))
    expect(head.locator(".status--submitted")).to_be_visible()

    # 3. Bappeda types a comment and returns the room in one step, staying on it.
    bappeda = new_page()
    log_in(bappeda, operator.username)
    bappeda.goto(room_url)
    bappeda.select_option("#id_review-about", f"i{indicator_id}")
    bappeda.fill("#id_review-text", "Sumber baseline harus dokumen resmi Dinkes.")
    bappeda.get_by_role("button", name="Kembalikan ke OPD").click()
    expect(bappeda.locator(".message--success")).to_contain_text("Dikembalikan ke Dinas Kesehatan")
    assert bappeda.url.endswith(room_url)
    expect(bappeda.locator(".status--returned")).to_be_visible()

    # 4. The head sees the comment, fixes the indicator and resubmits.
    head.goto(room_url)
    expect(head.locator("#returned-comments")).to_contain_text(
        "Sumber baseline harus dokumen resmi"
    )
    head.locator(f"#indicator-{indicator_id} a[hx-get]").first.click()
    head.fill(f"#id_ind-{indicator_id}-baseline_source", "Profil Kesehatan Kota Malang 2017")
    _submit(head, reverse("opd:indicator_edit", args=[indicator_id]))
    expect(head.locator(f"#indicator-{indicator_id}")).to_contain_text(
        "Profil Kesehatan Kota Malang 2017"
    )
    _submit(head, reverse("opd:submit", args=[dinkes.code]))
    expect(head.locator(".status--submitted")).to_be_visible()

    # 5. Bappeda sees what changed since version 1, then marks it ready.
    bappeda.goto(room_url)
    bappeda.locator("#review-panel a", has_text="versi 1").click()
    expect(bappeda.locator("main")).to_contain_text("Profil Kesehatan Kota Malang 2017")
    bappeda.goto(room_url)
    bappeda.get_by_role("button", name="Tandai siap").click()
    expect(bappeda.locator(".status--ready")).to_be_visible()
    assert bappeda.url.endswith(room_url)
    room.refresh_from_db()
    assert room.status == "ready"
    assert room.submissions.count() == 2
    for page in (staff, head, bappeda):
        assert page.console_errors == []
