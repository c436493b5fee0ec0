import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from lelang.models import User
from opd.models import Opd

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
    assert Opd.objects.filter(is_demo=True).count() == 17
    for code in ("dinkes", "dindik", "dpupr", "bappeda", "inspektorat", "diskominfo", "kec-sukun"):
        assert Opd.objects.filter(code=code).exists()
    roles = set(User.objects.filter(is_demo=True).values_list("role", flat=True))
    assert roles == {"bappeda", "panel", "opd_head", "opd_staff", "inspector"}
    assert all("(contoh)" in u.name for u in User.objects.filter(is_demo=True))


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


def test_demo_banner_shows_while_demo_data_is_loaded(client, operator):
    client.force_login(operator)
    assert "Data contoh" not in client.get("/").content.decode()
    call_command("seed_demo", quiet_logins=True)
    assert "Data contoh" in client.get("/").content.decode()


def test_demo_logins_work(client):
    call_command("seed_demo", quiet_logins=True)
    from lelang.demo import DEMO_PASSWORD

    for username in ("bappeda", "walikota", "kepala.dinkes", "staf.dinkes", "inspektur"):
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        client.post("/accounts/logout/")
