"""The product as one piece, from an empty database to the mayor's dashboard.

No demo data: a new installation, migrated, with one superuser made on the command line
(``createsuperuser``, as any Django installation begins). Everything after that happens in
the browser, as the people do it:

1. Setup. The superuser creates Bappeda's account in the back office; Bappeda sets up the
   planning period, two units with their positions, the accounts, the officials with their
   tenures and the auction in the back office (``/admin/``: the product has no other screen
   for these), and plans the session on ``/sesi/baru/``.
2. Data rooms. Dinas Kesehatan's staff fill theirs inline and the head submits; Bappeda
   returns it with a comment, the head fixes and resubmits. Dinas Sosial's head downloads
   the Excel template, fills it (openpyxl), uploads it and submits. Bappeda marks both ready.
3. The live session, on console, projector (1920×1080), panel and two heads' phones
   (390×844) at once: Dinas Kesehatan accepts after a counter-proposal and a second offer;
   Dinas Sosial's head answers *Tidak sanggup*, Bappeda appoints a Plt. from the console,
   who logs in with the one-time password and accepts.
4. The pacts: each head (and the Plt.) signs on the phone, the Wali Kota countersigns both
   at the signing ceremony; the inspector downloads the evidence pack and verifies a pact by
   the address under its QR code.
5. One quarter: the staff enter TW I 2019, the head submits, Bappeda verifies, and the
   mayor's dashboard counts it.

Screenshots of the key screens go to ``docs/screenshots/`` (shown in the README).
"""

import csv
import hashlib
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from contracts.pdf import text_of
from tests.e2e.live import (
    ROOT,
    STEP_MS,
    Screen,
    manage,
    open_screen,
    seeded_server,
    wait_until_connected,
    wait_until_quiet,
)

pytestmark = pytest.mark.e2e

SHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 720}
WALL = {"width": 1920, "height": 1080}

PASSWORD = "Kinerja-Kota-2018!"
ADMIN = "admin"
BAPPEDA, PANEL, INSPECTOR = "bappeda", "walikota", "inspektur"
HEAD_A, STAFF_A, HEAD_B = "kepala.dinkes", "staf.dinkes", "kepala.dinsos"
PLT_NAME, PLT_LOGIN = "Rahmat Hidayat", "plt.dinsos"

# Two units, each with its head position (Dinas Kesehatan also a staff position).
UNITS = [
    ("Dinas Kesehatan", "Dinkes", "dinkes", ["Kepala Dinas Kesehatan", "Staf Perencanaan"]),
    ("Dinas Sosial", "Dinsos", "dinsos", ["Kepala Dinas Sosial"]),
]
# username, full name, role, NIP, position (None: no official in a unit)
PEOPLE = [
    (PANEL, "Sutiaji", "panel", None, None),
    (INSPECTOR, "Hadi Santoso", "inspector", None, None),
    (HEAD_A, "Husnul Muarif", "opd_head", "196803151994031007", "Kepala Dinas Kesehatan"),
    (STAFF_A, "Rina Kurniawati", "opd_staff", "198502102010012015", "Staf Perencanaan"),
    (HEAD_B, "Penny Indriani", "opd_head", "197004201996032004", "Kepala Dinas Sosial"),
]
AUCTION = "Lelang Kinerja RPJMD 2018–2023"
SESSION = "Lelang Kinerja Hari 1"
INDICATOR_A = "Prevalensi stunting balita"
INDICATOR_B = "Cakupan bantuan sosial tepat sasaran"


def shot(page, name: str) -> None:
    """The screen as its person sees it on arrival: from the top of the page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / name))


def browser_page(browser, app, login, password=PASSWORD, viewport=LAPTOP):
    """A logged-in page of its own (cookies of its own), collecting page errors."""
    context = browser.new_context(base_url=app.server.url, locale="id-ID", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "response",
        lambda answer: (
            answer.status >= 400
            and page.errors.append(f"{answer.status} {answer.request.method} {answer.url}")
        ),
    )
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm and the like
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(login)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    return page


# --- the back office -------------------------------------------------------------------


def admin_save(page) -> None:
    page.locator("input[name='_save']").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def autocomplete(page, select_id: str, text: str) -> None:
    """Pick ``text`` in one of the admin's autocomplete (select2) fields."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()
    expect(page.locator(f"#{select_id} option:checked")).to_contain_text(text)


def add_account(page, username: str, name: str, role: str) -> None:
    page.goto("/admin/lelang/user/add/")
    page.locator("#id_username").fill(username)
    page.locator("#id_name").fill(name)
    page.locator("#id_role").select_option(role)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    admin_save(page)


def set_up_in_the_back_office(browser, app):
    # The one account made on the command line adds Bappeda's.
    admin = browser_page(browser, app, ADMIN)
    add_account(admin, BAPPEDA, "Dwi Rahayu", "bappeda")
    admin.context.close()

    page = browser_page(browser, app, BAPPEDA)
    page.goto("/admin/opd/period/add/")
    page.locator("#id_name").fill("RPJMD 2018–2023")
    page.locator("#id_start_year").fill("2018")
    page.locator("#id_end_year").fill("2023")
    page.locator("#id_is_current").check()
    admin_save(page)

    for name, short, code, positions in UNITS:
        page.goto("/admin/opd/opd/add/")
        page.locator("#id_name").fill(name)
        page.locator("#id_short_name").press_sequentially(short)
        # The code is filled in from the short name as it is typed.
        expect(page.locator("#id_code")).to_have_value(code)
        page.locator("#id_kind").select_option("dinas")
        for index, title in enumerate(positions):
            page.locator("#positions-group .add-row a").click()
            page.locator(f"#id_positions-{index}-title").fill(title)
            if title.startswith("Kepala"):
                page.locator(f"#id_positions-{index}-is_head").check()
        admin_save(page)
        expect(page.locator("#result_list")).to_contain_text(code)

    for username, name, role, nip, position in PEOPLE:
        add_account(page, username, name, role)
        if position is None:
            continue
        page.goto("/admin/opd/official/add/")
        page.locator("#id_name").fill(name)
        page.locator("#id_nip").fill(nip)
        autocomplete(page, "id_user", name)
        page.locator("#tenures-group .add-row a").click()
        autocomplete(page, "id_tenures-0-position", position)
        page.locator("#id_tenures-0-start_date").fill("2018-01-02")
        admin_save(page)
    page.goto("/admin/opd/official/")
    shot(page, "01-admin-officials.png")

    page.goto("/admin/auctions/auction/add/")
    page.locator("#id_name").fill(AUCTION)
    page.locator("#id_period").select_option(label="RPJMD 2018–2023")
    admin_save(page)

    # The session is planned in the app itself.
    page.goto("/sesi/baru/")
    form = page.locator("#session-form")
    form.locator("#id_title").fill(SESSION)
    form.locator("#id_date").fill("12/11/2018")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/sesi/\d+/konsol/$"))
    expect(page.locator("main")).to_contain_text(SESSION)
    assert page.errors == []
    return page, re.search(r"/sesi/\d+/", page.url)[0]


# --- the data rooms --------------------------------------------------------------------


def submit_form(page, action: str) -> None:
    page.locator(f"form[action='{action}'] button[type=submit]").click()


def saved_then_reload(page, kind: str) -> None:
    """A new objective or program is saved and the whole room comes back (the new part
    changes forms elsewhere on the page), scrolled to it."""
    expect(page).to_have_url(re.compile(rf"/ruang-data/\?baru={kind}-\d+#{kind}-\d+$"))
    page.wait_for_load_state()


def fill_room_inline(page) -> str:
    """Dinas Kesehatan's staff: an objective, a program, an indicator with comparator and
    a case, all inline. Returns the indicator's id."""
    page.goto("/opd/dinkes/ruang-data/")
    page.locator("#id_objective-new-name").fill("Meningkatnya status gizi masyarakat")
    submit_form(page, "/opd/dinkes/ruang-data/sasaran/")
    saved_then_reload(page, "objective")
    expect(page.locator("#objectives")).to_contain_text("Meningkatnya status gizi")
    page.locator("#id_program-new-name").fill("Program Gizi Masyarakat")
    submit_form(page, "/opd/dinkes/ruang-data/program/")
    saved_then_reload(page, "program")
    program = page.locator("section.program", has_text="Program Gizi Masyarakat")
    expect(program).to_be_visible()
    program_id = program.get_attribute("id").removeprefix("program-")
    program.locator("details.add-form > summary").first.click()
    prefix = f"#id_ind-new-{program_id}-"
    page.select_option(prefix + "objective", label="Meningkatnya status gizi masyarakat")
    page.fill(prefix + "name", INDICATOR_A)
    page.fill(prefix + "unit", "%")
    page.select_option(prefix + "polarity", "lower")
    page.fill(prefix + "baseline_value", "27,5")
    page.fill(prefix + "baseline_year", "2017")
    page.fill(prefix + "baseline_source", "Pemantauan Status Gizi 2017")
    page.fill(prefix + "target_value", "14")
    page.fill(prefix + "target_year", "2023")
    submit_form(page, f"/opd/program/{program_id}/indikator/")
    indicator = page.locator("article.indicator", has_text=INDICATOR_A)
    expect(indicator).to_contain_text("27,5")
    indicator_id = indicator.get_attribute("id").removeprefix("indicator-")

    indicator.locator("details.add-form > summary").nth(0).click()
    cmp = f"#id_cmp-new-{indicator_id}-"
    page.fill(cmp + "label", "Rata-rata Jawa Timur")
    page.select_option(cmp + "kind", "province")
    page.fill(cmp + "value", "26,9")
    page.fill(cmp + "year", "2017")
    page.fill(cmp + "source", "Riskesdas 2018")
    submit_form(page, f"/opd/indikator/{indicator_id}/pembanding/")
    indicator = page.locator(f"#indicator-{indicator_id}")
    expect(indicator).to_contain_text("Rata-rata Jawa Timur")
    indicator.locator("details.add-form > summary").nth(2).click()
    page.fill(f"#id_case-new-{indicator_id}-title", "Kelurahan Kotalama")
    page.fill(f"#id_case-new-{indicator_id}-description", "Balita gizi kurang di RW 05.")
    submit_form(page, f"/opd/indikator/{indicator_id}/kasus/")
    expect(page.locator(f"#indicator-{indicator_id}")).to_contain_text("Kelurahan Kotalama")
    expect(page.locator("#checklist .check--ok")).to_be_visible()
    return indicator_id


def header_row(sheet) -> tuple[int, dict]:
    for row in range(1, 10):
        names = {sheet.cell(row, col).value: col for col in range(1, sheet.max_column + 1)}
        if "Program" in names:
            return row, names
    raise AssertionError(f"no header row in {sheet.title}")


def put(sheet, values: dict) -> None:
    row, columns = header_row(sheet)
    row += 1
    while sheet.cell(row, 1).value not in (None, ""):
        row += 1
    for name, value in values.items():
        sheet.cell(row, columns[name]).value = value


def fill_room_by_excel(page, tmp_path: Path) -> None:
    """Dinas Sosial's head: the empty room's Excel is the template, filled and uploaded."""
    page.goto("/opd/dinsos/ruang-data/")
    with page.expect_download() as download:
        page.locator("a[href='/opd/dinsos/ruang-data/excel/']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    program = "Program Perlindungan dan Jaminan Sosial"
    put(
        workbook["Indikator"],
        {
            "Program": program,
            "Jenis program": "program",
            "Sasaran strategis": "Menurunnya angka kemiskinan",
            "Indikator": INDICATOR_B,
            "Satuan": "%",
            "Polaritas": "naik",
            "Agregasi": "nilai akhir",
            "Sumber data": "DTKS",
            "Baseline nilai": 82.4,
            "Baseline tahun": 2017,
            "Baseline sumber": "DTKS Kota Malang 2017",
            "Target usulan": 98,
            "Tahun target": 2023,
        },
    )
    put(
        workbook["Pembanding"],
        {
            "Program": program,
            "Indikator": INDICATOR_B,
            "Label": "Rata-rata Jawa Timur",
            "Jenis": "provinsi",
            "Nilai": 85.1,
            "Tahun": 2017,
            "Sumber": "BPS Jawa Timur",
        },
    )
    put(
        workbook["Data pendukung"],
        {
            "Program": program,
            "Indikator": INDICATOR_B,
            "Tabel": "Penerima bantuan per kecamatan",
            "Kolom nilai": "KPM",
            "Sumber tabel": "DTKS 2017",
            "Baris": "Klojen",
            "Nilai": 1200,
        },
    )
    filled = tmp_path / "ruang-data-dinsos.xlsx"
    workbook.save(filled)
    page.locator("#workbook").set_input_files(str(filled))
    page.locator("form.upload-form button[type=submit]").click()
    expect(page.locator("article.indicator", has_text=INDICATOR_B)).to_contain_text("82,4")
    expect(page.locator("#checklist .check--ok")).to_be_visible()


def data_rooms(browser, app, bappeda, tmp_path):
    staff = browser_page(browser, app, STAFF_A)
    indicator_id = fill_room_inline(staff)
    shot(staff, "02-data-room.png")

    head_a = browser_page(browser, app, HEAD_A)
    head_a.goto("/opd/dinkes/ruang-data/")
    submit_form(head_a, "/opd/dinkes/ruang-data/ajukan/")
    expect(head_a.locator(".status--submitted")).to_be_visible()

    head_b = browser_page(browser, app, HEAD_B)
    fill_room_by_excel(head_b, tmp_path)
    head_b.goto("/opd/dinsos/ruang-data/")
    submit_form(head_b, "/opd/dinsos/ruang-data/ajukan/")
    expect(head_b.locator(".status--submitted")).to_be_visible()

    # Bappeda returns Dinas Kesehatan's room with a comment on its indicator.
    bappeda.goto("/opd/tinjauan/")
    shot(bappeda, "03-review-queue.png")
    bappeda.goto("/opd/dinkes/ruang-data/")
    bappeda.select_option("#id_review-about", f"i{indicator_id}")
    bappeda.fill("#id_review-text", "Sumber baseline harus dokumen resmi Dinkes.")
    bappeda.get_by_role("button", name="Kembalikan ke OPD").click()
    expect(bappeda.locator(".status--returned")).to_be_visible()

    # The head fixes the baseline's source and submits again.
    head_a.goto("/opd/dinkes/ruang-data/")
    expect(head_a.locator("#returned-comments")).to_contain_text("dokumen resmi Dinkes")
    head_a.locator(f"#indicator-{indicator_id} a[hx-get]").first.click()
    head_a.fill(f"#id_ind-{indicator_id}-baseline_source", "Profil Kesehatan Kota Malang 2017")
    submit_form(head_a, f"/opd/indikator/{indicator_id}/ubah/")
    expect(head_a.locator(f"#indicator-{indicator_id}")).to_contain_text("Profil Kesehatan")
    submit_form(head_a, "/opd/dinkes/ruang-data/ajukan/")
    expect(head_a.locator(".status--submitted")).to_be_visible()

    for code in ("dinkes", "dinsos"):
        bappeda.goto(f"/opd/{code}/ruang-data/")
        bappeda.get_by_role("button", name="Tandai siap").click()
        expect(bappeda.locator(".status--ready")).to_be_visible()
    errors = staff.errors + head_a.errors + head_b.errors + bappeda.errors
    assert errors == []
    for page in (staff, head_a, head_b):
        page.context.close()


# --- the live session ------------------------------------------------------------------


def send_offer(panel: Screen, unit: str, version: int) -> None:
    """The panel sends the composer's grid as it stands (after "Kirim tetap" if warned)."""
    form = panel.page.locator("form.offer-form")
    expect(form).to_contain_text(unit, timeout=STEP_MS)
    form.locator("input[name$='-note']").fill("Penawaran panel")
    # The last message may read the same (a new negotiation starts at version 1 again).
    panel.page.locator("#flash").evaluate("el => { el.textContent = ''; }")
    form.get_by_role("button", name="Kirim penawaran").click()
    sent = panel.page.locator("#flash", has_text=f"Penawaran versi {version} dikirim")
    sent_anyway = form.get_by_role("button", name="Kirim tetap")
    expect(sent.or_(sent_anyway).first).to_be_visible(timeout=STEP_MS)
    if not sent.is_visible():
        sent_anyway.click()
    expect(sent).to_be_visible(timeout=STEP_MS)


def answer(phone: Screen, kind: str, password: str = PASSWORD, **fields) -> None:
    wait_until_quiet(phone)
    form = phone.page.locator("form.answer__form")
    form.locator(f"input[name='c-kind'][value='{kind}']").check()
    for selector, value in fields.items():
        box = form.locator(selector)
        if box.evaluate("el => el.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)
    form.locator("#c-password").fill(password)
    form.locator("button[type=submit]").click()


def sign_pact_on_phone(phone: Screen, password: str = PASSWORD) -> None:
    link = phone.region().get_by_role("link", name="Baca dan tanda tangani pakta")
    expect(link).to_be_visible(timeout=STEP_MS)
    link.click()
    form = phone.page.locator("#sign form")
    form.locator("input[name='password']").fill(password)
    form.get_by_role("button", name="Tandatangani sekarang").click()
    expect(phone.page.locator(".messages")).to_contain_text("menunggu tanda tangan")


def live_session(browser, app, bappeda, session: str) -> str:
    """The session in five screens; the Plt.'s one-time password."""
    bappeda.goto(f"{session}konsol/")
    # The agenda: both units, added in the console.
    for unit in ("Dinas Kesehatan", "Dinas Sosial"):
        bappeda.locator("#id_opd").select_option(label=unit)
        bappeda.locator(f"form[action='{session}agenda/'] button[type=submit]").click()
        expect(bappeda.locator("#flash")).to_contain_text("ditambahkan", timeout=STEP_MS)
    display = bappeda.locator("a[href*='/layar/']").first.get_attribute("href")
    token = re.search(r"/layar/([^/]+)/", display)[1]

    screens: list[Screen] = []
    try:
        for name, path, live, login, size in [
            ("console", f"{session}konsol/", "#console-live", BAPPEDA, LAPTOP),
            ("projector", f"/layar/{token}/", "#projector-live", None, WALL),
            ("panel", f"{session}panel/", "#panel-live", PANEL, LAPTOP),
            ("dinkes", f"{session}jawab/", "#answer-live", HEAD_A, PHONE),
            ("dinsos", f"{session}jawab/", "#answer-live", HEAD_B, PHONE),
        ]:
            screens.append(
                open_screen(browser, app, name, path, live, login, password=PASSWORD, viewport=size)
            )
        console, projector, panel, dinkes, dinsos = screens
        for screen in screens:
            wait_until_connected(screen)

        # Dinas Kesehatan on stage: offer, counter-proposal, second offer, Sanggup.
        console.page.locator("button[hx-post$='/start/']").first.click()
        stage = console.region().locator(".console__stage")
        expect(stage).to_contain_text("Dinas Kesehatan", timeout=STEP_MS)
        send_offer(panel, "Dinas Kesehatan", 1)
        expect(dinkes.region().locator("h2")).to_contain_text("Penawaran versi 1", timeout=STEP_MS)
        expect(projector.region().locator(".screen__state")).to_contain_text(
            "Penawaran 1 diajukan", timeout=STEP_MS
        )
        shot(projector.page, "04-projector.png")
        shot(panel.page, "05-panel.png")
        answer(
            dinkes,
            "counter",
            **{"input[name^='c-c_'] >> nth=-1": "16", "#c-reason": "Butuh waktu lebih"},
        )
        expect(dinkes.page.locator("#answer-flash")).to_contain_text("sudah dicatat")
        expect(panel.page.locator("form.offer-form")).to_contain_text(
            "ini akan menjadi versi 2", timeout=STEP_MS
        )
        send_offer(panel, "Dinas Kesehatan", 2)
        expect(dinkes.region().locator("h2")).to_contain_text("Penawaran versi 2", timeout=STEP_MS)
        shot(dinkes.page, "06-phone-answer.png")
        answer(dinkes, "accept")
        verdict = projector.region().locator(".verdict--accepted")
        expect(verdict).to_contain_text("DITERIMA", timeout=STEP_MS)
        shot(projector.page, "07-projector-accepted.png")
        sign_pact_on_phone(dinkes)

        # Dinas Sosial: Tidak sanggup; the position goes to a Plt. from the console.
        console.page.locator("button[hx-post$='/start/']").first.click()
        expect(stage).to_contain_text("Dinas Sosial", timeout=STEP_MS)
        send_offer(panel, "Dinas Sosial", 1)
        expect(dinsos.region().locator("h2")).to_contain_text("Penawaran versi 1", timeout=STEP_MS)
        answer(
            dinsos,
            "refuse",
            **{"#c-reason-category": "budget", "#c-reason": "Anggaran belum tersedia"},
        )
        form = console.page.locator("form.handover")
        expect(form).to_be_visible(timeout=STEP_MS)
        form.locator("input[name='mode'][value='new']").check()
        form.get_by_label("Nama lengkap").fill(PLT_NAME)
        form.get_by_label("NIP (18 angka)").fill("197805122003121009")
        form.get_by_label("Jabatan sendiri").fill("Sekretaris Dinas Sosial")
        form.get_by_label("Nama pengguna untuk masuk").fill(PLT_LOGIN)
        form.get_by_role("button", name="Tunjuk sebagai Plt.").click()
        flash = console.page.locator("#flash")
        expect(flash).to_contain_text("kata sandi sekali pakai", timeout=STEP_MS)
        plt_password = re.search(r"kata sandi sekali pakai: (\S+) —", flash.inner_text())[1]
        expect(dinsos.region()).to_contain_text(f"Diserahkan kepada {PLT_NAME}", timeout=STEP_MS)
        shot(console.page, "08-console-handover.png")

        send_offer(panel, "Dinas Sosial", 1)  # the Plt.'s negotiation
        plt = open_screen(
            browser,
            app,
            "plt",
            f"{session}jawab/",
            "#answer-live",
            PLT_LOGIN,
            password=plt_password,
            viewport=PHONE,
        )
        screens.append(plt)
        wait_until_connected(plt)
        answer(plt, "accept", password=plt_password)
        expect(console.region().locator(".stage-title")).to_contain_text(
            "Diterima", timeout=STEP_MS
        )
        sign_pact_on_phone(plt, plt_password)
        for screen in screens:
            assert screen.errors + screen.failed_requests == [], screen.name
        return plt_password
    except BaseException:
        for screen in screens:  # the test's failure handler shows them
            print(screen.name, screen.errors, screen.failed_requests)
        raise
    for screen in screens:
        screen.page.context.close()


# --- the pacts, the evidence and the verification ---------------------------------------


def countersign_and_verify(browser, app) -> None:
    mayor = browser_page(browser, app, PANEL)
    mayor.goto("/dokumen/tandatangan/")
    rows = mayor.locator("form.card tbody tr")
    expect(rows).to_have_count(2)
    mayor.locator("#id_password").fill(PASSWORD)
    shot(mayor, "09-signing-ceremony.png")
    mayor.locator("form.card button[type=submit]").click()
    expect(mayor.locator(".messages")).to_contain_text("disegel")
    mayor.context.close()

    inspector = browser_page(browser, app, INSPECTOR)
    inspector.goto("/dokumen/")
    shot(inspector, "10-documents.png")
    with inspector.expect_download() as pack:
        inspector.locator("#desk-evidence").click()
    archive = zipfile.ZipFile(pack.value.path())
    manifest = next(n for n in archive.namelist() if n.endswith("MANIFEST.csv"))
    rows = list(csv.reader(io.StringIO(archive.read(manifest).decode("utf-8-sig"))))
    listed = {row[0]: row[2] for row in rows[1:] if row and row[2]}
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
    assert len([n for n in pdfs if "/" in n]) >= 2, archive.namelist()
    for name in pdfs:
        assert listed[name] == hashlib.sha256(archive.read(name)).hexdigest(), name

    number = inspector.locator("main a", has_text=re.compile(r"PIK/.*/DINKES/")).first
    number_text = number.inner_text()
    number.click()
    href = inspector.get_by_role("link", name="Unduh PDF bertanda tangan").get_attribute("href")
    pact = inspector.request.get(href).body()
    tail = re.sub(r"\s+", "", text_of(pact).split("/verifikasi/", 1)[1])
    path = "/verifikasi/" + tail.split("/", 1)[0] + "/"
    inspector.context.close()

    public = browser.new_context(base_url=app.server.url, locale="id-ID", viewport=LAPTOP)
    visitor = public.new_page()
    visitor.goto(path)
    expect(visitor.locator("#document")).to_contain_text(number_text)
    expect(visitor.locator("#document")).to_contain_text("Ditandatangani dan disegel")
    visitor.locator("input[type=file]").set_input_files(
        {"name": "pakta.pdf", "mimeType": "application/pdf", "buffer": pact}
    )
    visitor.get_by_role("button", name="Periksa berkas").click()
    expect(visitor.locator("[data-result]")).to_have_attribute("data-result", "match")
    shot(visitor, "11-verification.png")
    public.close()


# --- one quarter -------------------------------------------------------------------------


def quarter(browser, app, bappeda) -> None:
    report = "/pemantauan/dinkes/2019/1/"
    staff = browser_page(browser, app, STAFF_A)
    staff.goto(report)
    staff.get_by_role("button", name="Buka laporan").click()
    cards = staff.locator("article.report-line")
    expect(cards).to_have_count(1)
    cards.first.locator("input[name$='-realization']").fill("24,1")
    cards.first.locator("textarea[name$='-narrative']").fill("Sesuai rencana")
    cards.first.get_by_role("button", name="Simpan").click()
    expect(cards.first.locator("[data-field='realization']")).to_be_visible()
    shot(staff, "12-quarterly-report.png")

    head = browser_page(browser, app, HEAD_A)
    head.goto(report)
    head.get_by_role("button", name="Ajukan laporan").click()
    expect(head.locator("#report-status")).to_contain_text("Diajukan")

    bappeda.goto(report)
    bappeda.get_by_role("button", name="Verifikasi").click()
    expect(bappeda.locator("#report-status")).to_contain_text("Terverifikasi")

    mayor = browser_page(browser, app, PANEL, viewport=LAPTOP)
    mayor.goto("/dasbor/?year=2019&quarter=1")
    expect(mayor.locator("#kpi-counted")).not_to_have_text("0")
    expect(mayor.locator("main")).to_contain_text("Dinas Kesehatan")
    shot(mayor, "13-dashboard.png")
    assert staff.errors + head.errors + mayor.errors == []
    for page in (staff, head, mayor):
        page.context.close()


# --- the journey -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory):
    with seeded_server(tmp_path_factory, "whole-journey", demo=False) as app:
        env = {**app.env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
        # The one step without a screen on a new installation: the first account.
        manage(env, "createsuperuser", "--no-input", "--username", ADMIN, "--email", "it@malang.id")
        yield app


def test_from_an_empty_database_to_the_mayors_dashboard(browser, empty_app, tmp_path):
    app = empty_app
    try:
        bappeda, session = set_up_in_the_back_office(browser, app)
        data_rooms(browser, app, bappeda, tmp_path)
        live_session(browser, app, bappeda, session)
        countersign_and_verify(browser, app)
        quarter(browser, app, bappeda)
        assert bappeda.errors == []
    except BaseException:
        # What each open screen showed when it failed, next to the test's other files.
        for n, context in enumerate(browser.contexts):
            for m, page in enumerate(context.pages):
                print(n, m, page.url, getattr(page, "errors", None))
                if page.locator("#flash").count():
                    print("   flash:", page.locator("#flash").inner_text())
                page.screenshot(path=str(tmp_path / f"failed-{n}-{m}.png"), full_page=True)
        print(f"screens at the failure: {tmp_path}/failed-*.png")
        print(f"the server's last traceback:\n{app.server.last_traceback()}")
        raise
    finally:
        for context in browser.contexts:
            context.close()
