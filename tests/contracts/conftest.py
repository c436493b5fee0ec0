"""An accepted (and a refused) negotiation of Dinas Kesehatan (documents go to a temporary
media folder, sealed with the run's demo certificate: see tests/conftest.py)."""

import pytest

from auctions import services as auction_services
from auctions.models import Decision
from contracts.models import Document
from tests.auctions.conftest import (  # noqa: F401  (fixtures)
    arbitrary_offer,
    auction,
    item,
    offer,
    on_stage,
    ready_dinkes,
    session,
)
from tests.factories import PASSWORD


def answer(offer, user, kind, **kwargs):  # noqa: F811
    return auction_services.decision_record(
        offer=offer, kind=kind, user=user, password=PASSWORD, **kwargs
    )


@pytest.fixture
def accepted(offer, dinkes_head):  # noqa: F811
    answer(offer, dinkes_head, Decision.Kind.ACCEPT)
    return offer


@pytest.fixture
def pact(accepted):
    return Document.objects.get(kind=Document.Kind.PACT)


@pytest.fixture
def refused(offer, dinkes_head):  # noqa: F811
    answer(
        offer,
        dinkes_head,
        Decision.Kind.REFUSE,
        reason_category=Decision.Reason.BUDGET,
        reason="Anggaran tidak cukup",
    )
    return Document.objects.get(kind=Document.Kind.REFUSAL)
