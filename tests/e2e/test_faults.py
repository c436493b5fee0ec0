"""The database unreachable for a moment during a submission, seen from the browser.

Kecamatan Sukun's head types a realisation into the still open TW IV 2020 report and
saves while the database cannot be reached: the card is not replaced, what was typed
stays in the field, the message says nothing was saved; once the database is back,
the same click saves it. On PostgreSQL the outage is real (the server's connections
are cut and new ones refused); on SQLite, whose file cannot be taken away from a
running server, the save is answered with the server's own 503 page instead.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lelang.demo import DEMO_PASSWORD
from tests.e2e.live import seeded_server

pytestmark = pytest.mark.e2e

HEAD = "camat.sukun"
REPORT = "/pemantauan/kec-sukun/2020/4/"
PAGE_503 = Path(__file__).resolve().parents[2] / "templates" / "503.html"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with seeded_server(tmp_path_factory, "faults", documents=True) as app:
        yield app


def _database(app, allow: bool) -> None:
    """Cut the server off its PostgreSQL database, or let it back in."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(app.env["DATABASE_URL"])
    name = config["NAME"]
    with psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
                sql.Identifier(name), sql.SQL("true" if allow else "false")
            )
        )
        if not allow:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )


def test_a_save_while_the_database_is_away_keeps_the_typing(browser, live_app):
    app = live_app
    context = browser.new_context(
        base_url=app.server.url, locale="id-ID", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(HEAD)
    page.get_by_label("Sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    page.goto(REPORT)

    card = page.locator("article.report-line").first
    field = card.locator("input[name$='-realization']")
    field.fill("12,5")
    card.locator("textarea[name$='-narrative']").fill("Catatan yang belum tersimpan")

    if app.database == "postgresql":
        _database(app, allow=False)
    else:
        body = PAGE_503.read_text(encoding="utf-8").replace("{{ planning_agency }}", "Bappeda")
        page.route(
            re.compile(r".*/pemantauan/baris/\d+/$"),
            lambda route: route.fulfill(status=503, body=body, content_type="text/html"),
        )
    try:
        card.get_by_role("button", name="Simpan").click()
        alert = card.locator(".request-error")
        # The connection pool waits up to its timeout (10 s) for a connection first.
        expect(alert).to_contain_text("Basis data sedang tidak dapat dihubungi", timeout=25_000)
        expect(alert).to_contain_text("Tidak ada yang tersimpan")
        expect(field).to_have_value("12,5")
        expect(card.locator("textarea[name$='-narrative']")).to_have_value(
            "Catatan yang belum tersimpan"
        )
    finally:
        if app.database == "postgresql":
            _database(app, allow=True)
        else:
            page.unroute(re.compile(r".*/pemantauan/baris/\d+/$"))

    saved = app.shell(
        "from monitoring.models import ReportLine;"
        "print(ReportLine.objects.filter(report__opd__code='kec-sukun',"
        " narrative='Catatan yang belum tersimpan').count())"
    )
    assert saved.strip().splitlines()[-1] == "0"  # nothing half written

    # The database is back: the same click saves, and the message goes away.
    card.get_by_role("button", name="Simpan").click()
    card = page.locator("article.report-line").first
    expect(card.locator("[data-field='realization']")).to_contain_text("12,5")
    expect(card.locator(".request-error")).to_have_count(0)
    context.close()
