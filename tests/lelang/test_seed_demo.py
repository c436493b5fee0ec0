import datetime

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from lelang.demo import UNITS, demo_logins
from lelang.models import User
from opd.models import Official, Opd, Tenure

pytestmark = pytest.mark.django_db


def _table_snapshot():
    """Every row of every table of ours, as plain values."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label in ("lelang", "opd"):
            snapshot[model._meta.label] = sorted(map(repr, model.objects.values_list()))
    return snapshot


def test_it_loads_the_malang_units_and_one_login_per_role():
    call_command("seed_demo", quiet_logins=True)
    assert Opd.objects.filter(is_demo=True).count() == len(UNITS) == 22
    for code in ("dinkes", "dindik", "dpupr", "bappeda", "inspektorat", "diskominfo", "kec-sukun"):
        assert Opd.objects.filter(code=code).exists()
    # The follow-up session's units and the review workflow's, each with its head's login.
    for code, name in (
        ("dinsos", "Dinas Sosial"),
        ("diskopum", "Dinas Koperasi dan Usaha Mikro"),
        ("disnaker", "Dinas Tenaga Kerja"),
        ("dlh", "Dinas Lingkungan Hidup"),
        ("dispendukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    ):
        opd = Opd.objects.get(code=code, is_demo=True)
        assert opd.name == name
        head = Tenure.objects.get(position__opd=opd, position__is_head=True, end_date=None)
        assert head.official.user.username == f"kepala.{code}"
        assert head.official.user.role == "opd_head"
        assert head.official.name.endswith("(contoh)")
    roles = set(User.objects.filter(is_demo=True).values_list("role", flat=True))
    assert roles == {"bappeda", "panel", "opd_head", "opd_staff", "inspector", "monitoring"}
    assert all("(contoh)" in u.name for u in User.objects.filter(is_demo=True))
    assert all(o.name.endswith("(contoh)") for o in Official.objects.filter(is_demo=True))
    nips = [o.nip for o in Official.objects.filter(is_demo=True) if o.nip]
    assert len(nips) == len(set(nips)) and all(len(nip) == 18 for nip in nips)


def test_the_acting_head_of_dishub_was_in_office_before_the_auction():
    call_command("seed_demo", quiet_logins=True)
    tenures = Tenure.objects.filter(position__opd__code="dishub").order_by("start_date")
    earlier, acting = tenures
    assert acting.is_acting and acting.end_date is None
    assert acting.start_date < datetime.date(2018, 11, 1)
    assert not earlier.is_acting and earlier.end_date < acting.start_date
    assert acting.official.user.username == "kepala.dishub"


def test_the_printed_logins_start_with_the_follow_up_sessions_head():
    call_command("seed_demo", quiet_logins=True)
    usernames = [username for _role, username, _name in demo_logins()]
    assert usernames[:3] == ["bappeda", "walikota", "kepala.dinsos"]
    assert {"kepala.diskopum", "kepala.disnaker", "kepala.dlh"} <= set(usernames)
    assert len(usernames) == len(set(usernames))


def test_running_it_twice_changes_nothing(capsys):
    call_command("seed_demo", quiet_logins=True)
    before = _table_snapshot()
    call_command("seed_demo", quiet_logins=True)
    assert _table_snapshot() == before
    assert "tidak ada yang berubah" in capsys.readouterr().out


def test_it_never_touches_real_rows_and_refuses_a_clash(dinkes):
    # ``dinkes`` is a real (non-demo) unit with a code the demo wants.
    before = _table_snapshot()
    with pytest.raises(CommandError, match="dinkes"):
        call_command("seed_demo", quiet_logins=True)
    assert _table_snapshot() == before


@pytest.mark.parametrize(
    "real",
    [
        lambda: Opd.objects.create(code="dinsos", name="Dinas Sosial", kind=Opd.Kind.DINAS),
        lambda: User.objects.create(username="kepala.diskopum", name="Pegawai nyata"),
    ],
    ids=["unit", "login"],
)
def test_a_real_row_with_a_new_demo_code_or_login_stops_it(real):
    real()
    before = _table_snapshot()
    with pytest.raises(CommandError, match=r"dinsos|kepala\.diskopum"):
        call_command("seed_demo", quiet_logins=True)
    assert _table_snapshot() == before


def test_demo_banner_shows_while_demo_data_is_loaded(client, operator):
    client.force_login(operator)
    assert "Data contoh" not in client.get("/").content.decode()
    call_command("seed_demo", quiet_logins=True)
    assert "Data contoh" in client.get("/").content.decode()


def test_demo_logins_work(client):
    call_command("seed_demo", quiet_logins=True)
    from lelang.demo import DEMO_PASSWORD

    for username in (
        "bappeda",
        "walikota",
        "kepala.dinsos",
        "kepala.dinkes",
        "staf.dinkes",
        "inspektur",
    ):
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        client.post("/accounts/logout/")
