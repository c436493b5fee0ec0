"""An accessibility check of the key pages with axe-core, each as the person who uses it.

axe-core is vendored for the tests only (tests/e2e/vendor/, see its README). Every page
is loaded from a seeded demo server (with its signed documents, and an item on stage
with an offer waiting for its answer, so the live screens show their busiest state),
axe runs in the page, and no violation of impact "serious" or "critical" may remain.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from auctions.demo import PANEL_LOGIN
from lelang.demo import DEMO_PASSWORD
from tests.e2e.live import OPERATOR_LOGIN, SSE_PROBE, seeded_server

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}

# A function, not an expression: Playwright would eval() an expression in the page.
# The first three target selectors of each violation are enough to find it.
RUN_AXE = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.length,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
}"""

START_AND_OFFER = """
from django.contrib.auth import get_user_model
from auctions import services
from auctions.models import AgendaItem
from auctions.selectors import ready_indicators
User = get_user_model()
item = AgendaItem.objects.get(pk={item})
services.item_start(item=item, user=User.objects.get(username={operator!r}))
(opd, indicators), = ready_indicators(item).items()
values = {{
    (i.pk, y): (i.target_value if i.target_value is not None else i.baseline_value)
    for i in indicators for y in range(2019, 2024)
}}
services.offer_issue(item=item, opd=opd, deadline_year=2023, values=values, send_anyway=True,
                     user=User.objects.get(username={panel!r}))
"""

DOCUMENT = """
import json
from contracts.models import Document
document = Document.objects.filter(status=Document.Status.SEALED).order_by("pk").first()
print(json.dumps({"pk": document.pk, "token": document.token}))
"""

# (name, path, login or None for anonymous, viewport or None, live region or None).
# The path is formatted with the session, display token, document and its token.
PAGES = [
    ("login", "/accounts/login/", None, None, None),
    ("home", "/", OPERATOR_LOGIN, None, None),
    ("data-room-staff", "/opd/dinkes/ruang-data/", "staf.dinkes", None, None),
    ("data-room-head", "/opd/dinkes/ruang-data/", "kepala.dinkes", None, None),
    ("console", "/sesi/{session}/konsol/", OPERATOR_LOGIN, None, "#console-live"),
    ("projector", "/layar/{token}/", None, {"width": 1920, "height": 1080}, None),
    ("panel", "/sesi/{session}/panel/", PANEL_LOGIN, None, "#panel-live"),
    # The head of the unit on stage (kepala.dinsos in the demo), on a phone.
    ("answer-phone", "/sesi/{session}/jawab/", "{head}", PHONE, "#answer-live"),
    ("documents", "/dokumen/", OPERATOR_LOGIN, None, None),
    ("document", "/dokumen/{document}/", OPERATOR_LOGIN, None, None),
    ("verification", "/verifikasi/{verify}/", None, None, None),
    ("quarterly-report", "/pemantauan/kec-sukun/2020/4/", "camat.sukun", None, None),
    ("city-dashboard", "/dasbor/", PANEL_LOGIN, None, None),
    ("unit-scorecard", "/dasbor/opd/dinkes/", PANEL_LOGIN, None, None),
    ("sanctions", "/dasbor/sanksi/", PANEL_LOGIN, None, None),
    ("public", "/publik/", None, None, None),
    ("notifications", "/notifikasi/", "kepala.dinkes", None, None),
]


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with seeded_server(tmp_path_factory, "accessibility", documents=True) as app:
        app.shell(
            START_AND_OFFER.format(item=app.item_id, operator=OPERATOR_LOGIN, panel=PANEL_LOGIN)
        )
        app.document = json.loads(app.shell(DOCUMENT).splitlines()[-1])
        yield app


def _open(browser, app, path: str, login: str | None, viewport: dict | None):
    # add_script_tag() injects axe as an inline script, which the pages' strict
    # Content-Security-Policy (script-src 'self') blocks: this test alone bypasses it.
    context = browser.new_context(
        base_url=app.server.url,
        locale="id-ID",
        bypass_csp=True,
        **({"viewport": viewport} if viewport else {}),
    )
    context.set_default_timeout(10_000)
    context.add_init_script(SSE_PROBE)
    page = context.new_page()
    if login:
        page.goto("/accounts/login/")
        page.get_by_label("Nama pengguna").fill(login)
        page.get_by_label("Sandi").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    answer = page.goto(path)
    assert answer is not None and answer.ok, f"{path} answered {answer and answer.status}"
    return page


def _report(name: str, path: str, violations: list[dict]) -> str:
    lines = [f"{name} ({path}): {len(violations)} serious or critical violation(s)"]
    for v in violations:
        lines.append(f"  {v['id']} [{v['impact']}] {v['help']} ({v['nodes']} element(s))")
        lines.extend(f"      {target}" for target in v["targets"])
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("name", "path", "login", "viewport", "live"), PAGES, ids=[p[0] for p in PAGES]
)
def test_no_serious_accessibility_violation(browser, live_app, name, path, login, viewport, live):
    app = live_app
    values = {
        "session": app.session,
        "token": app.token,
        "head": app.head,
        "document": app.document["pk"],
        "verify": app.document["token"],
    }
    path = path.format(**values)
    page = _open(browser, app, path, login and login.format(**values), viewport)
    try:
        if live:  # the stream is open and has brought its first state
            page.wait_for_function("() => __sse.opens >= 1 && __sse.messages >= 1")
            expect(page.locator(live)).not_to_be_empty()
        page.add_script_tag(path=AXE)
        violations = [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]
        assert not violations, _report(name, path, violations)
    finally:
        page.context.close()
