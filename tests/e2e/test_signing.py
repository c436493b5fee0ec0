"""From "Sanggup" to a verified PDF, in the browser as each person does it.

The follow-up session's first unit on stage, the panel's offer out. The head answers
*Sanggup* on a phone and signs the pact there; the Wali Kota countersigns from the
panel; the projector shows the pact's first page with DITANDATANGANI. The inspector
filters the desk, downloads the evidence pack (its manifest matches its files) and
the pact, opens the address printed under the pact's QR code, and the verification
page accepts the downloaded PDF and rejects an altered one.
"""

import csv
import hashlib
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from auctions.demo import PANEL_LOGIN
from contracts.pdf import text_of
from lelang.demo import DEMO_PASSWORD
from tests.e2e.live import (
    OPERATOR_LOGIN,
    STEP_MS,
    Screen,
    open_screen,
    seeded_server,
    wait_until_connected,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
WALL = {"width": 1280, "height": 720}
INSPECTOR_LOGIN = "inspektur"

ON_STAGE_WITH_OFFER = """
from django.contrib.auth import get_user_model
from auctions import services
from auctions.models import AgendaItem
from auctions.selectors import ready_indicators
users = get_user_model().objects
item = AgendaItem.objects.get(pk={item})
services.item_start(item=item, user=users.get(username={operator!r}))
item.refresh_from_db()
(opd, indicators), = ready_indicators(item).items()
values = {{
    (i.pk, y): (i.target_value if i.target_value is not None else i.baseline_value)
    for i in indicators for y in range(2019, 2024)
}}
services.offer_issue(item=item, opd=opd, deadline_year=2023, values=values, send_anyway=True,
                     user=users.get(username={panel!r}))
"""


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with seeded_server(tmp_path_factory, "signing") as app:
        app.shell(
            ON_STAGE_WITH_OFFER.format(item=app.item_id, operator=OPERATOR_LOGIN, panel=PANEL_LOGIN)
        )
        yield app


def _sign_on_document_page(page, password: str = DEMO_PASSWORD) -> None:
    form = page.locator("#sign form")
    expect(form).to_be_visible()
    form.locator("input[name='password']").fill(password)
    form.get_by_role("button", name="Tandatangani sekarang").click()


def test_sanggup_signed_countersigned_shown_downloaded_and_verified(browser, live_app):
    app = live_app
    session = f"/sesi/{app.session}"
    screens: list[Screen] = []
    try:
        projector = open_screen(
            browser,
            app,
            "projector",
            f"/layar/{app.token}/",
            "#projector-live",
            None,
            viewport=WALL,
        )
        head = open_screen(
            browser, app, "head", f"{session}/jawab/", "#answer-live", app.head, viewport=PHONE
        )
        panel = open_screen(
            browser, app, "panel", f"{session}/panel/", "#panel-live", PANEL_LOGIN, viewport=WALL
        )
        screens += [projector, head, panel]
        for screen in screens:
            wait_until_connected(screen)

        # 1. The head answers Sanggup on the phone; the pact is ready to sign at once.
        answer = head.region()
        answer.locator("label.choice--accept").click()
        answer.locator("#c-password").fill(DEMO_PASSWORD)
        answer.get_by_role("button", name="Kirim jawaban saya").click()
        sign_link = answer.get_by_role("link", name="Baca dan tanda tangani pakta")
        expect(sign_link).to_be_visible(timeout=STEP_MS)

        # 2. ... reads and signs it there, on the phone (a wrong password first).
        sign_link.click()
        expect(head.page.get_by_role("heading", level=1)).to_contain_text("Pakta integritas")
        _sign_on_document_page(head.page, "salah-sandi")
        expect(head.page.locator("#sign")).to_contain_text("Kata sandi salah")
        _sign_on_document_page(head.page)
        expect(head.page.locator(".messages")).to_contain_text("menunggu tanda tangan Wali Kota")
        assert head.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # 3. The panel sees it signed by the head and countersigns.
        countersign = panel.region().get_by_role("link", name="Tanda tangani")
        expect(countersign).to_be_visible(timeout=STEP_MS)
        countersign.click()
        _sign_on_document_page(panel.page)
        expect(panel.page.locator(".messages")).to_contain_text("telah disegel")
        number = panel.page.locator(".lead strong").first.inner_text()
        assert re.fullmatch(r"PIK/\d{4}/DINSOS/2019", number), number

        # 4. The wall shows the pact's first page, stamped.
        signed = projector.page.locator(".signed-pact")
        expect(signed).to_be_visible(timeout=STEP_MS)
        expect(signed).to_contain_text("DITANDATANGANI")
        expect(signed.locator("img")).to_have_js_property("complete", True)
        assert signed.locator("img").evaluate("img => img.naturalWidth") > 500

        # 5. The inspector finds it on the desk and takes the evidence pack.
        inspector = open_screen(
            browser, app, "inspector", "/dokumen/", "main", INSPECTOR_LOGIN, viewport=WALL
        )
        screens.append(inspector)
        page = inspector.page
        page.locator("input[name='q']").fill("DINSOS")
        page.locator("input[name='q']").press("Enter")
        expect(page.locator("main")).to_contain_text(number)
        with page.expect_download() as pack:
            page.locator("#desk-evidence").click()
        archive = zipfile.ZipFile(pack.value.path())
        names = archive.namelist()
        manifest_name = next(n for n in names if n.endswith("MANIFEST.csv"))
        rows = list(csv.reader(io.StringIO(archive.read(manifest_name).decode("utf-8-sig"))))
        listed = {row[0]: row[2] for row in rows[1:] if row and row[2]}
        files = [n for n in names if n != manifest_name]
        assert any(n.endswith(".pdf") for n in files), names
        for name in files:
            assert listed[name] == hashlib.sha256(archive.read(name)).hexdigest(), name

        # 6. The pact itself, and the address under its QR code.
        page.get_by_role("link", name=number).first.click()
        href = page.get_by_role("link", name="Unduh PDF bertanda tangan").get_attribute("href")
        pact = page.request.get(href).body()
        # The address as printed (a line may break inside it): the token is what follows.
        printed = text_of(pact)
        assert "/verifikasi/" in printed, "no verification address printed on the pact"
        tail = re.sub(r"\s+", "", printed.split("/verifikasi/", 1)[1])
        path = "/verifikasi/" + tail.split("/", 1)[0] + "/"

        public = browser.new_context(base_url=app.server.url, locale="id-ID")
        visitor = public.new_page()
        visitor.goto(path)
        expect(visitor.locator("#document")).to_contain_text(number)
        expect(visitor.locator("#document")).to_contain_text("Ditandatangani dan disegel")
        visitor.locator("input[type=file]").set_input_files(
            {"name": "pakta.pdf", "mimeType": "application/pdf", "buffer": pact}
        )
        visitor.get_by_role("button", name="Periksa berkas").click()
        expect(visitor.locator("[data-result]")).to_have_attribute("data-result", "match")
        altered = bytearray(pact)
        altered[len(altered) // 2] ^= 0x20
        visitor.locator("input[type=file]").set_input_files(
            {"name": "pakta.pdf", "mimeType": "application/pdf", "buffer": bytes(altered)}
        )
        visitor.get_by_role("button", name="Periksa berkas").click()
        expect(visitor.locator("[data-result]")).to_have_attribute("data-result", "mismatch")
        public.close()

        problems = {s.name: s.errors for s in screens}
        assert problems == {s.name: [] for s in screens}
    finally:
        for screen in screens:
            screen.page.context.close()
