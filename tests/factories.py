"""factory_boy factories for the project's models, plus ``make_member``."""

import datetime

import factory
from factory.django import DjangoModelFactory

from lelang.models import User
from lelang.roles import Role
from opd.models import Official, Opd, Position, Tenure

PASSWORD = "Sandi-Uji-2018!"
TENURE_START = datetime.date(2018, 1, 1)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"pengguna{n}")
    name = factory.Sequence(lambda n: f"Pengguna Uji {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.id")
    role = Role.OPD_STAFF
    # Hashed at build time, so the row is written once (no post-generation save).
    password = factory.django.Password(PASSWORD)


class OpdFactory(DjangoModelFactory):
    class Meta:
        model = Opd

    code = factory.Sequence(lambda n: f"opd{n}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    kind = Opd.Kind.DINAS


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    opd = factory.SubFactory(OpdFactory)
    title = factory.Sequence(lambda n: f"Staf {n}")
    is_head = False


class OfficialFactory(DjangoModelFactory):
    class Meta:
        model = Official

    name = factory.Sequence(lambda n: f"Pejabat Uji {n}")
    nip = ""
    user = None


class TenureFactory(DjangoModelFactory):
    class Meta:
        model = Tenure

    official = factory.SubFactory(OfficialFactory)
    position = factory.SubFactory(PositionFactory)
    start_date = TENURE_START
    end_date = None
    is_acting = False


def make_member(user: User, opd: Opd, *, head: bool = False, acting: bool = False) -> Tenure:
    """Give ``user`` a current position in ``opd`` (its head position if ``head``).

    Creates the Official linked to the user, the Position and the Tenure; returns the tenure.
    """
    official = Official.objects.filter(user=user).first() or OfficialFactory(
        user=user, name=user.name or user.username
    )
    if head:
        position = PositionFactory(opd=opd, is_head=True, title=f"Kepala {opd.name}")
    else:
        position = PositionFactory(opd=opd, is_head=False)
    return TenureFactory(official=official, position=position, is_acting=acting)
