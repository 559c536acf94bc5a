"""Position maths against examples worked by hand (the numbers in each comment)."""

from __future__ import annotations

import math

import pytest

from tvtui.market.fx import convert, rate, totals
from tvtui.market.positions import Lot, Valuation, position_of


def test_average_cost_across_lots_includes_fees() -> None:
    # 1 @ 100 + fee 1, 3 @ 120 + fee 2: cost 463 for 4, average 115.75
    position = position_of([Lot(1, 100, fees=1), Lot(3, 120, fees=2)])
    assert position.quantity == 4
    assert position.cost == pytest.approx(463)
    assert position.average_cost == pytest.approx(115.75)
    valued = position.valued(130, previous_close=125)
    assert valued.market_value == pytest.approx(520)  # 4 x 130
    assert valued.unrealised == pytest.approx(57)  # 520 - 463
    assert valued.total_gain_pct == pytest.approx(57 / 463 * 100)
    assert valued.day_gain == pytest.approx(20)  # 4 x (130 - 125)


def test_a_partial_sale_realises_its_gain_at_the_average_cost_less_its_fees() -> None:
    lots = [Lot(1, 100, fees=1), Lot(3, 120, fees=2), Lot(-2, 140, fees=1)]
    position = position_of(lots)
    assert position.realised == pytest.approx(47.5)  # 2 x (140 - 115.75) - 1
    assert position.quantity == 2
    assert position.average_cost == pytest.approx(115.75)  # unchanged by a sale
    valued = position.valued(130)
    assert valued.unrealised == pytest.approx(28.5)  # 2 x (130 - 115.75)
    assert valued.total_gain == pytest.approx(76)  # 28.5 + 47.5
    assert valued.day_gain is None  # no previous close known
    assert position.fees == pytest.approx(4)


def test_a_short_gains_when_the_price_falls() -> None:
    # sold 10 @ 50, fee 5: proceeds 495, average entry 49.5
    position = position_of([Lot(-10, 50, fees=5)])
    assert position.quantity == -10
    assert position.average_cost == pytest.approx(49.5)
    valued = position.valued(40, previous_close=42)
    assert valued.market_value == pytest.approx(-400)
    assert valued.unrealised == pytest.approx(95)  # 10 x (49.5 - 40)
    assert valued.total_gain_pct == pytest.approx(95 / 495 * 100)
    assert valued.day_gain == pytest.approx(20)  # -10 x (40 - 42)
    covered = position_of([Lot(-10, 50, fees=5), Lot(10, 45)])
    assert covered.realised == pytest.approx(45)  # 10 x (49.5 - 45)
    assert not covered.is_open


def test_selling_through_zero_closes_the_long_and_opens_a_short() -> None:
    # long 5 @ 10; sell 8 @ 12 with fee 8: 5 close (fee share 5), 3 open short (fee share 3)
    position = position_of([Lot(5, 10), Lot(-8, 12, fees=8)])
    assert position.realised == pytest.approx(5)  # 5 x (12 - 10) - 5
    assert position.quantity == pytest.approx(-3)
    assert position.cost == pytest.approx(-33)  # -3 x 12 + 3
    assert position.average_cost == pytest.approx(11)


def test_a_closed_position_keeps_only_its_realised_gain() -> None:
    position = position_of([Lot(2, 10), Lot(-2, 15)])
    assert not position.is_open and position.average_cost is None
    valued = position.valued(20, previous_close=19)
    assert valued == Valuation(0.0, 0.0, 10.0, None, 0.0)
    tiny = position_of([Lot(0.1, 10), Lot(0.2, 10), Lot(-0.3, 10)])
    assert not tiny.is_open  # float dust is not a position


def test_dated_lots_apply_in_date_order() -> None:
    bought_later = [Lot(-1, 30, date="2026-03-01"), Lot(2, 20, date="2026-01-01")]
    position = position_of(bought_later)
    assert position.realised == pytest.approx(10)  # bought 2 @ 20 first, then sold 1 @ 30
    assert position.quantity == 1
    undated = position_of([Lot(-1, 30), Lot(2, 20)])
    assert undated.realised == pytest.approx(10)  # short 1 @ 30, covered @ 20
    assert undated.quantity == 1 and undated.average_cost == pytest.approx(20)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"quantity": 0, "price": 1}, "quantity must not be 0"),
        ({"quantity": 1, "price": -5}, "price must be above 0"),
        ({"quantity": 1, "price": 5, "fees": -1}, "fees must not be negative"),
        ({"quantity": math.nan, "price": 5}, "finite"),
        ({"quantity": True, "price": 5}, "must be a number"),
        ({"quantity": "3", "price": 5}, "must be a number"),
    ],
)
def test_a_bad_lot_is_refused_with_a_clear_message(fields: dict, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        Lot(**fields)


PRICES = {"FX:EURUSD": 1.1, "FX:USDJPY": 150.0}


def test_rates_direct_inverted_and_crossed_through_usd() -> None:
    assert rate(PRICES, "EUR", "USD") == pytest.approx(1.1)
    assert rate(PRICES, "usd", "eur") == pytest.approx(1 / 1.1)
    assert rate(PRICES, "JPY", "USD") == pytest.approx(1 / 150)
    assert rate(PRICES, "EUR", "JPY") == pytest.approx(165)  # 1.1 x 150
    assert rate(PRICES, "JPY", "EUR") == pytest.approx(1 / 165)
    assert rate(PRICES, "GBP", "USD") is None
    assert rate({"FX:EURUSD": 0.0}, "EUR", "USD") is None  # a broken quote is no rate
    assert convert(10, "EUR", "USD", PRICES) == pytest.approx(11)


def test_totals_convert_each_row_and_name_the_ones_without_a_rate() -> None:
    rows = [
        ("BINANCE:BTCUSDT", "USD", Valuation(1000, 100, 100, 10, 10)),
        ("XETR:SAP", "EUR", Valuation(200, 20, 20, 10, 2)),
        ("TSE:7203", "JPY", Valuation(15000, 1500, 1500, 10, 150)),
        ("LSE:VOD", "GBP", Valuation(50, 5, 5, 10, 1)),
    ]
    result = totals(rows, "usd", PRICES)
    assert result.currency == "USD"
    assert result.market_value == pytest.approx(1320)  # 1000 + 220 + 100
    assert result.total_gain == pytest.approx(132)  # 100 + 22 + 10
    assert result.day_gain == pytest.approx(13.2)  # 10 + 2.2 + 1
    assert result.unconverted == ["LSE:VOD"]
