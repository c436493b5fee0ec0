"""Words an official expects: "Wali Kota", "Batas waktu", "sedang paparan", the planning
agency by its own name, invented demo people, a back office without odd Indonesian, and a
README that names only files a fresh clone has."""

import datetime
import re
import subprocess
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from auctions.models import AgendaItem, Auction, Session
from lelang.models import User
from lelang.roles import Role
from opd.models import DataRoom, Official, Opd, Position

ROOT = Path(__file__).resolve().parents[2]


def indonesian(text: str) -> str:
    with translation.override("id"):
        return str(translation.gettext(text))


# --- The Indonesian catalogue ---------------------------------------------------------

#: Words that must not appear in what people read, and the word to use instead.
AVOIDED = {
    r"\bwalikota\b": "Wali Kota",
    r"\btenggat\b": "Batas waktu",
    r"\bkantor belakang\b": "Administrasi",
    r"\bizin django\b": "Hak sistem",
    r"\brubah\b": "ubah",
    r"\bmerubah\b": "mengubah",
}


def test_the_catalogue_avoids_words_an_official_would_not_use(settings):
    catalogue = Path(settings.LOCALE_PATHS[0]) / "id" / "LC_MESSAGES" / "django.po"
    found = []
    for entry in polib.pofile(str(catalogue)):
        for text in (entry.msgstr, *entry.msgstr_plural.values()):
            found += [
                f"{entry.msgid!r}: {text!r} (say “{better}”)"
                for pattern, better in AVOIDED.items()
                if re.search(pattern, text, re.IGNORECASE)
            ]
    assert found == []


def test_the_offer_deadline_is_batas_waktu_and_an_item_on_stage_is_sedang_paparan():
    assert indonesian("Deadline") == "Batas waktu"
    with translation.override("id"):
        assert str(AgendaItem.State.PRESENTING.label) == "Sedang paparan"


def test_the_panel_is_the_wali_kota_and_deputy(db):
    with translation.override("id"):
        assert "wali kota" in str(Role.PANEL.label)


def test_a_session_has_a_judul_and_a_position_a_nama_jabatan(client, operator, dinkes):
    client.force_login(operator)
    position = Position.objects.create(opd=dinkes, title="Sekretaris Dinas")
    session_form = client.get(reverse("admin:auctions_session_add")).content.decode()
    position_form = client.get(
        reverse("admin:opd_position_change", args=[position.pk])
    ).content.decode()
    assert re.search(r">\s*Judul:", session_form)
    assert "Nama jabatan" not in session_form
    assert re.search(r">\s*Nama jabatan:", position_form)


# --- Django's own texts, in our words ---------------------------------------------------


def test_the_back_office_speaks_plain_indonesian(client, operator, dinkes_head):
    client.force_login(operator)
    index = client.get(reverse("admin:index")).content.decode()
    password = client.get(
        reverse("admin:auth_user_password_change", args=[dinkes_head.pk])
    ).content.decode()
    for page in (index, password):
        for word in ("Kantor belakang", "Rubah", "RUBAH", "Izin Django", "autentidikasi"):
            assert word not in page
    assert "Ubah atau lihat daftar" in index
    assert "Masuk dengan kata sandi" in password
    assert "If disabled" not in password  # Django's English-only warning, replaced


# --- The planning agency's name -----------------------------------------------------------


def test_the_planning_agency_is_named_by_the_setting(client, operator, settings):
    settings.LELANG_PLANNING_AGENCY = "Barenlitbang"
    assert (
        "Gunakan akun yang diberikan Barenlitbang" in client.get(reverse("login")).content.decode()
    )
    client.force_login(operator)
    header = client.get(reverse("home")).content.decode()
    assert "Barenlitbang (operator sesi)" in header


def test_the_agency_is_bappeda_unless_set(client, operator):
    client.force_login(operator)
    assert "Bappeda (operator sesi)" in client.get(reverse("home")).content.decode()


def test_a_refusal_and_the_submit_button_name_the_configured_agency(
    client, settings, mayor, dinkes_head, dinkes, period
):
    settings.LELANG_PLANNING_AGENCY = "Barenlitbang"
    auction = Auction.objects.create(name="Lelang Kinerja RPJMD 2018–2023", period=period)
    session = Session.objects.create(
        auction=auction, title="Hari 1", date=datetime.date(2018, 12, 3)
    )
    client.force_login(mayor)
    refused = client.get(reverse("auctions:console", args=[session.pk]))
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "minta Barenlitbang memeriksa peran dan jabatan Anda" in page
    assert "Bappeda" not in page
    planning = client.get(reverse("auctions:session_create")).content.decode()
    assert "Hanya Barenlitbang yang menjalankan sesi." in planning

    DataRoom.objects.create(opd=dinkes, period=period)
    client.force_login(dinkes_head)
    room = client.get(reverse("opd:data_room", args=[dinkes.code])).content.decode()
    assert re.search(r'<button type="submit" class="button">\s*Ajukan ke Barenlitbang\s*<', room)
    assert "Bappeda" not in room


def test_the_back_office_offers_the_operators_role_under_the_agency_s_name(
    client, settings, operator, dinkes_head
):
    settings.LELANG_PLANNING_AGENCY = "Barenlitbang"
    client.force_login(operator)
    form = client.get(reverse("admin:lelang_user_change", args=[dinkes_head.pk])).content.decode()
    assert '<option value="bappeda">Barenlitbang (operator sesi)</option>' in form
    listing = client.get(reverse("admin:lelang_user_changelist"), {"role": "bappeda"})
    page = listing.content.decode()
    assert "Barenlitbang (operator sesi)" in page and "Bappeda (operator sesi)" not in page
    assert [user.username for user in listing.context["cl"].result_list] == ["operator"]


def test_the_server_error_page_names_the_configured_agency(client, settings, operator, monkeypatch):
    settings.LELANG_PLANNING_AGENCY = "Barenlitbang"

    def broken(user):
        raise RuntimeError("the start page broke")

    monkeypatch.setattr("lelang.views.sections_for", broken)
    client.raise_request_exception = False
    client.force_login(operator)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Bila berulang, hubungi Barenlitbang." in response.content.decode()


# --- The demo's people ---------------------------------------------------------------------

#: Real officials of Kota Malang around 2018: the demo must not use their names.
REAL_OFFICIALS = ("Sutiaji", "Sofyan Edi", "Wasto", "Moch. Anton", "Hadi Santoso")


@pytest.fixture
def demo(db):
    call_command("seed_demo", quiet_logins=True)


def test_every_demo_person_is_invented_and_marked(demo):
    names = list(Official.objects.filter(is_demo=True).values_list("name", flat=True))
    names += list(User.objects.filter(is_demo=True).values_list("name", flat=True))
    assert names
    assert [name for name in names if not name.endswith("(contoh)")] == []
    assert [name for name in names if any(real in name for real in REAL_OFFICIALS)] == []


def test_the_demo_says_wali_kota_and_names_malangs_planning_agency(demo):
    titles = list(Position.objects.filter(is_demo=True).values_list("title", flat=True))
    assert "Wali Kota Malang" in titles and "Wakil Wali Kota Malang" in titles
    assert not [title for title in titles if "Walikota" in title]
    assert Opd.objects.get(code="bappeda").short_name == "Barenlitbang"


def test_the_readme_demo_logins_exist(demo):
    readme = (ROOT / "README.md").read_text()
    table = readme.split("| username | role |", 1)[1].split("\n\n", 1)[0]
    usernames = set(re.findall(r"`([a-z.]+)`", table))
    assert {"bappeda", "walikota", "kepala.dinkes", "inspektur"} <= usernames
    missing = usernames - set(User.objects.values_list("username", flat=True))
    assert missing == set()


# --- The README ---------------------------------------------------------------------------


def test_the_readme_names_only_files_a_fresh_clone_has():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    folders = {"/".join(path.split("/")[:i]) + "/" for path in tracked for i in range(1, 4)}
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"`([^`\s]+)`", readme)) | set(re.findall(r"\]\(([^)\s]+)\)", readme))
    # Paths of files and folders: outside the clone ("../"), or starting with one of its
    # top-level names, or ending in a file extension (not URLs or "LISTEN/NOTIFY").
    top = {path.split("/")[0] for path in tracked}
    paths = {
        name
        for name in named
        if re.fullmatch(r"\.{0,2}[\w.\-]*(/[\w.\-*]*)+", name)
        and (name.startswith("../") or name.split("/")[0] in top or re.search(r"\.\w{1,4}$", name))
    }
    # Made at run time, not kept in git.
    paths -= {"var/"}
    missing = [
        path
        for path in sorted(paths)
        if path not in tracked
        and path.rstrip("/") + "/" not in folders
        and not any(re.fullmatch(path.replace("*", ".*"), file) for file in tracked)
    ]
    assert missing == []
