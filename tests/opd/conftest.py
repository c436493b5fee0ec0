"""Data-room fixtures: a current period and Dinas Kesehatan's data room."""

from decimal import Decimal

import pytest

from opd.models import (
    CaseExample,
    Comparator,
    DataRoom,
    Indicator,
    Program,
    StrategicObjective,
    SupportingRow,
    SupportingTable,
)


@pytest.fixture
def dinkes_room(period, dinkes):
    return DataRoom.objects.create(opd=dinkes, period=period)


@pytest.fixture
def dindik_room(period, dindik):
    return DataRoom.objects.create(opd=dindik, period=period)


DEFAULT_OBJECTIVE = "Meningkatnya derajat kesehatan masyarakat"


def make_objective(room, name=DEFAULT_OBJECTIVE) -> StrategicObjective:
    """The room's strategic objective of this name, created if missing."""
    objective, _ = StrategicObjective.objects.get_or_create(data_room=room, name=name)
    return objective


def make_indicator(room, *, complete=True, program_name="Kesehatan Ibu dan Anak", **fields):
    """An indicator of ``room`` under its strategic objective (``DEFAULT_OBJECTIVE`` unless
    ``objective`` is given; ``objective=None`` makes one without)."""
    program, _ = Program.objects.get_or_create(data_room=room, name=program_name)
    if "objective" not in fields:
        fields["objective"] = make_objective(room)
    values = {
        "name": "Angka Kematian Ibu",
        "unit": "per 100.000 kelahiran hidup",
        "polarity": "lower",
        "baseline_value": Decimal("53.6"),
        "baseline_year": 2017,
        "baseline_source": "Profil Kesehatan 2017",
        "target_value": Decimal("40") if complete else None,
        "target_year": 2023 if complete else None,
        **fields,
    }
    indicator = Indicator.objects.create(program=program, **values)
    if complete:
        Comparator.objects.create(
            indicator=indicator,
            label="Jawa Timur",
            kind="province",
            value=Decimal("91.5"),
            year=2017,
            source="Dinkes Jatim",
        )
        table = SupportingTable.objects.create(indicator=indicator, title="Ibu hamil per kecamatan")
        SupportingRow.objects.create(table=table, label="Sukun", value=Decimal("2140"))
        CaseExample.objects.create(indicator=indicator, title="Kasus", description="Contoh.")
    return indicator


@pytest.fixture
def complete_indicator(dinkes_room):
    return make_indicator(dinkes_room)
