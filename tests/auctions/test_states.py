import itertools

import pytest

from auctions.models import AgendaItem
from auctions.states import TRANSITIONS, IllegalTransition, can_move, check_move

S = AgendaItem.State


def test_the_happy_path_is_allowed():
    path = [S.WAITING, S.PRESENTING, S.NEGOTIATING, S.ACCEPTED, S.SIGNED]
    for current, target in itertools.pairwise(path):
        assert can_move(current, target)


def test_a_refusal_can_reopen_a_negotiation_but_not_skip_to_signed():
    assert can_move(S.REFUSED, S.NEGOTIATING)
    assert not can_move(S.REFUSED, S.SIGNED)


@pytest.mark.parametrize("current", [S.WAITING, S.PRESENTING, S.NEGOTIATING])
def test_items_not_concluded_can_be_postponed(current):
    assert can_move(current, S.POSTPONED)


def test_illegal_moves_are_refused_with_a_clear_message():
    with pytest.raises(IllegalTransition, match="Menunggu"):
        check_move(S.WAITING, S.ACCEPTED)


def test_every_state_is_in_the_table():
    assert set(TRANSITIONS) == set(S.values)
