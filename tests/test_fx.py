from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.errors import AmountTypeError, CurrencyError, FunnelError, InvalidDateError
from salesfunnel.fx import ExchangeRates, InvalidRateError, MissingRateError, Rate
from tests.strategies import amounts, dates

RATES = ExchangeRates.to(
    "CNY",
    {
        date(2026, 7, 1): {"USD": "7.12", "EUR": "7.75"},
        date(2026, 9, 30): {"USD": "7.05"},
    },
)


class TestRate:
    def test_converts_fields(self):
        """Codes are normalised and the rate becomes a Decimal."""
        r = Rate(date(2026, 1, 1), "usd", " cny", "7.1")
        assert (r.base, r.quote, r.rate) == ("USD", "CNY", Decimal("7.1"))

    def test_zero_rate_is_refused(self):
        """A zero rate raises InvalidRateError (a ValueError) naming the pair and date."""
        with pytest.raises(InvalidRateError) as info:
            Rate(date(2026, 1, 1), "USD", "CNY", "0")
        assert isinstance(info.value, ValueError)
        assert (info.value.base, info.value.quote, info.value.on) == (
            "USD",
            "CNY",
            date(2026, 1, 1),
        )

    def test_same_currency_is_refused(self):
        """A rate from a currency to itself is refused."""
        with pytest.raises(InvalidRateError, match="no rate to itself"):
            Rate(date(2026, 1, 1), "CNY", "CNY", "1")

    def test_bad_inputs(self):
        """Floats, bad codes and datetimes are refused with the foundation's errors."""
        with pytest.raises(AmountTypeError):
            Rate(date(2026, 1, 1), "USD", "CNY", 7.1)
        with pytest.raises(CurrencyError):
            Rate(date(2026, 1, 1), "US$", "CNY", "7.1")
        with pytest.raises(InvalidDateError):
            Rate(datetime(2026, 1, 1), "USD", "CNY", "7.1")


class TestExchangeRates:
    def test_latest_rate_on_or_before(self):
        """The rate in force is the latest dated on or before the day."""
        assert RATES.rate("USD", "CNY", on=date(2026, 7, 1)) == Decimal("7.12")
        assert RATES.rate("USD", "CNY", on=date(2026, 9, 29)) == Decimal("7.12")
        assert RATES.rate("USD", "CNY", on=date(2027, 1, 1)) == Decimal("7.05")

    def test_same_currency_is_one(self):
        """A currency converts to itself at 1, unrounded, with no rate needed."""
        assert RATES.rate("JPY", "JPY", on=date(2000, 1, 1)) == 1
        assert ExchangeRates().convert(Decimal("1.005"), "CNY", "CNY", on=date(2026, 1, 1)) == (
            Decimal("1.005")
        )

    def test_inverse_rate(self):
        """A rate given one way is used the other way too."""
        assert RATES.convert(Decimal(7120), "CNY", "USD", on=date(2026, 8, 1)) == Decimal("1000.00")

    def test_direct_rate_wins_over_inverse(self):
        """When both directions are given for a day, each direction uses its own rate."""
        rates = ExchangeRates(
            [
                Rate(date(2026, 1, 1), "USD", "CNY", "7"),
                Rate(date(2026, 1, 1), "CNY", "USD", "0.15"),
            ]
        )
        assert rates.rate("CNY", "USD", on=date(2026, 1, 2)) == Decimal("0.15")
        assert rates.rate("USD", "CNY", on=date(2026, 1, 2)) == Decimal(7)

    def test_convert_rounds_half_even_to_cents(self):
        """Converted amounts are rounded half-even to cents."""
        rates = ExchangeRates([Rate(date(2026, 1, 1), "USD", "CNY", "0.125")])
        assert rates.convert(Decimal(1), "USD", "CNY", on=date(2026, 1, 1)) == Decimal("0.12")
        assert rates.convert(Decimal(3), "USD", "CNY", on=date(2026, 1, 1)) == Decimal("0.38")

    def test_missing_rate_names_currency_and_date(self):
        """No rate on or before the date raises MissingRateError naming currency and date."""
        with pytest.raises(MissingRateError) as info:
            RATES.convert(Decimal(1), "EUR", "CNY", on=date(2026, 6, 30))
        err = info.value
        assert isinstance(err, LookupError)
        assert isinstance(err, FunnelError)
        assert (err.currency, err.to, err.on) == ("EUR", "CNY", date(2026, 6, 30))
        assert "EUR" in str(err)
        assert "2026-06-30" in str(err)

    def test_missing_pair(self):
        """A pair with no rates at all is missing on every date."""
        with pytest.raises(MissingRateError, match=r"no GBP->CNY exchange rate on or before"):
            RATES.rate("GBP", "CNY", on=date(2026, 8, 1))

    def test_max_age(self):
        """With max_age_days, a rate older than that is missing."""
        rates = ExchangeRates(RATES.rates, max_age_days=30)
        assert rates.rate("EUR", "CNY", on=date(2026, 7, 31)) == Decimal("7.75")
        with pytest.raises(MissingRateError, match="older than max_age_days=30"):
            rates.rate("EUR", "CNY", on=date(2026, 8, 1))

    @pytest.mark.parametrize("age", [-1, True, "30", 1.5])
    def test_bad_max_age(self, age):
        """max_age_days must be a non-negative int or None."""
        with pytest.raises(InvalidRateError, match="max_age_days"):
            ExchangeRates((), max_age_days=age)

    def test_conflicting_rates_are_refused(self):
        """Two different rates for one pair and day are refused; equal duplicates are fine."""
        with pytest.raises(InvalidRateError, match="keep one"):
            ExchangeRates(
                [
                    Rate(date(2026, 1, 1), "USD", "CNY", "7"),
                    Rate(date(2026, 1, 1), "USD", "CNY", "7.1"),
                ]
            )
        same = Rate(date(2026, 1, 1), "USD", "CNY", "7")
        assert ExchangeRates([same, same]).rate("USD", "CNY", on=date(2026, 1, 1)) == 7

    def test_currencies_and_value_semantics(self):
        """Rate sets are values: equal for equal rates in any order, and list their currencies."""
        assert RATES.currencies == {"USD", "EUR", "CNY"}
        assert ExchangeRates(reversed(RATES.rates)) == RATES
        assert hash(ExchangeRates(reversed(RATES.rates))) == hash(RATES)

    def test_rejects_datetime(self):
        """The date of a conversion must be a plain date."""
        with pytest.raises(InvalidDateError):
            RATES.rate("USD", "CNY", on=datetime(2026, 8, 1))

    @given(amounts, dates, st.decimals(min_value="0.01", max_value=100, places=4))
    def test_round_trip_within_a_cent_per_unit(self, amount, day, rate):
        """Converting there and back returns the amount within the rounding of two conversions."""
        rates = ExchangeRates([Rate(date(2019, 1, 1), "USD", "CNY", rate)])
        there = rates.convert(amount, "USD", "CNY", on=day)
        back = rates.convert(there, "CNY", "USD", on=day)
        assert abs(back - amount) <= Decimal("0.01") + Decimal("0.005") / rate
