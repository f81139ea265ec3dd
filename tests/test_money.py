from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel import FunnelError
from salesfunnel.errors import (
    AmountTypeError,
    CurrencyError,
    InvalidAmountError,
    InvalidProbabilityError,
)
from salesfunnel.money import ISO_4217, currency_code, to_amount, to_probability


class TestToAmount:
    def test_accepts_decimal_int_and_numeric_strings(self):
        """Decimals, ints and numeric strings become exact Decimals."""
        assert to_amount(Decimal("1.10")) == Decimal("1.10")
        assert to_amount(5) == Decimal(5)
        assert to_amount(" 1200.50 ") == Decimal("1200.50")

    @pytest.mark.parametrize("text", ["1_000", "١٢٣", "１００", "1,000", "1e3", "12 USD", "0x10"])
    def test_refuses_text_that_is_not_plain_ascii_notation(self, text):
        """Numbers in text are ASCII digits with a sign and a point: no separators, scripts or exponent."""
        with pytest.raises(InvalidAmountError, match="plain number"):
            to_amount(text)

    @pytest.mark.parametrize(
        "value",
        [
            Decimal("1e18"),
            Decimal("1e999999"),
            10**18,
            pytest.param(10**5000, id="5000-digit int"),
            "1" * 19,
            Decimal("1e-11"),
            "0.00000000001",
        ],
    )
    def test_refuses_amounts_out_of_bounds(self, value):
        """Over 18 integer digits or 10 decimal places is refused at once, whatever the size."""
        with pytest.raises(InvalidAmountError, match=r"integer digits|decimal places"):
            to_amount(value)
        with pytest.raises(InvalidAmountError):
            to_amount(3e226, allow_float=True)

    def test_probabilities_are_kept_bounded(self):
        """A probability finer than 20 places is rounded, never refused for it."""
        assert to_probability(2.225073858507203e-309) == 0
        assert to_probability("0.123456789012345") == Decimal("0.123456789012345")

    def test_refuses_float_by_default(self):
        """A float is refused with a message that shows the exact alternative."""
        with pytest.raises(AmountTypeError, match=r"Decimal\('0.1'\)") as info:
            to_amount(0.1)
        assert isinstance(info.value, TypeError)
        assert info.value.field == "amount"

    def test_float_allowed_by_keyword_uses_shortest_repr(self):
        """With allow_float the float's shortest repr is the value."""
        assert to_amount(0.1, allow_float=True) == Decimal("0.1")

    @pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
    def test_refuses_non_finite_floats_even_when_allowed(self, bad):
        """NaN and infinities are never amounts."""
        with pytest.raises(InvalidAmountError):
            to_amount(bad, allow_float=True)

    @pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), "nan", "-inf"])
    def test_refuses_non_finite_decimals(self, bad):
        """NaN and infinite Decimals (or strings) are refused."""
        with pytest.raises(InvalidAmountError, match=r"finite|plain number"):
            to_amount(bad)

    def test_refuses_negative(self):
        """A negative amount is refused and the message suggests a refund deal."""
        with pytest.raises(InvalidAmountError, match="negative") as info:
            to_amount("-0.01")
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, FunnelError)

    def test_negative_zero_becomes_zero(self):
        """-0 is normalised to 0."""
        assert str(to_amount(Decimal("-0"))) == "0"

    @pytest.mark.parametrize("bad", [True, None, [1], object()])
    def test_refuses_other_types(self, bad):
        """Bools and non-numbers are type errors."""
        with pytest.raises(AmountTypeError):
            to_amount(bad)

    def test_refuses_non_numeric_strings(self):
        """A string that is not a number says how to write one."""
        with pytest.raises(InvalidAmountError, match=r"1200\.50"):
            to_amount("12 USD")

    @given(
        st.decimals(
            min_value=0, max_value=Decimal(10**18) - 1, allow_nan=False, allow_infinity=False
        ).filter(lambda d: d == d.quantize(Decimal("1e-10")))
    )
    def test_round_trips_any_non_negative_decimal(self, value):
        """Every non-negative Decimal within the bounds converts to itself."""
        assert to_amount(value) == value


class TestCurrencyCode:
    def test_normalises_case_and_space(self):
        """Codes are stripped and upper-cased."""
        assert currency_code(" usd ") == "USD"

    @pytest.mark.parametrize("bad", ["US", "USDX", "US$", "XYZ", "", "人民币"])
    def test_refuses_malformed_or_unknown(self, bad):
        """Anything that is not an active ISO 4217 code is refused."""
        with pytest.raises(CurrencyError) as info:
            currency_code(bad)
        assert isinstance(info.value, ValueError)

    def test_refuses_non_strings(self):
        """A number is not a currency code."""
        with pytest.raises(CurrencyError, match="three-letter"):
            currency_code(840)

    def test_list_has_the_major_currencies(self):
        """The code list includes the currencies the sample uses."""
        assert {"CNY", "USD", "EUR", "JPY", "GBP"} <= ISO_4217


class TestToProbability:
    def test_accepts_floats_and_keeps_them_short(self):
        """Probabilities may be floats; 0.6 stays 0.6."""
        assert to_probability(0.6) == Decimal("0.6")

    @pytest.mark.parametrize("bad", [-0.1, 1.01, 60, "abc", math.nan, None])
    def test_refuses_outside_unit_interval_or_non_numbers(self, bad):
        """Values outside [0, 1] and non-numbers are refused."""
        with pytest.raises(InvalidProbabilityError) as info:
            to_probability(bad)
        assert isinstance(info.value, ValueError)

    def test_bounds_are_inclusive(self):
        """0 and 1 are valid probabilities."""
        assert to_probability(0) == 0
        assert to_probability("1") == 1
