"""Property tests of the split by quantified shares (R17: exact to the fen, stable, deterministic)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from services.funds.domain import split_among_households
from shared.money import portion_at_least, split_by_shares

amounts = st.integers(min_value=0, max_value=10**13)
share_tables = st.dictionaries(
    st.text(alphabet="0123456789abcdef-", min_size=1, max_size=12), st.integers(min_value=1, max_value=10**6), min_size=1, max_size=40
)


@settings(max_examples=400, deadline=None)
@given(amounts, share_tables)
def test_r17_parts_always_sum_exactly_to_the_amount(amount, shares):
    assert sum(split_by_shares(amount, shares).values()) == amount


@settings(max_examples=400, deadline=None)
@given(amounts, share_tables)
def test_r17_no_part_differs_from_its_exact_share_by_a_fen_or_more(amount, shares):
    parts = split_by_shares(amount, shares)
    total = sum(shares.values())
    for key, units in shares.items():
        exact = Fraction(amount * units, total)
        assert abs(parts[key] - exact) < 1


@settings(max_examples=200, deadline=None)
@given(amounts, share_tables, st.randoms(use_true_random=False))
def test_r17_the_same_input_gives_the_same_split_whatever_the_order(amount, shares, rnd):
    items = list(shares.items())
    rnd.shuffle(items)
    assert split_by_shares(amount, dict(items)) == split_by_shares(amount, shares)


@settings(max_examples=200, deadline=None)
@given(amounts, share_tables)
def test_r17_households_split_is_the_money_split(amount, shares):
    assert split_among_households(amount, shares) == split_by_shares(amount, shares)


@settings(max_examples=400, deadline=None)
@given(amounts, st.integers(min_value=0, max_value=10_000))
def test_r9_poor_portion_never_misses_its_floor_by_rounding(amount, bp):
    portion = portion_at_least(amount, bp)
    assert portion * 10_000 >= amount * bp > (portion - 1) * 10_000 or portion == 0
    assert 0 <= portion <= amount
