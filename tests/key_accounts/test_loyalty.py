from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given

from salesfunnel.errors import AmountTypeError, InvalidAmountError, UnknownLanguageError
from salesfunnel.key_accounts.loyalty import (
    CENT,
    InvalidLoyaltyModelError,
    LoyaltyModel,
    ProfitSource,
    RateOutOfRangeError,
    RetentionEffect,
    YearProfit,
    expected_tenure,
    lifetime_profit,
    retention_effect,
    to_rate,
)
from salesfunnel.render import render
from tests.strategies import loyalty_models, unit_rates

#: Reichheld and Sasser (1990): about $60 to acquire, then $30, $42, $44, $50, $56.
REICHHELD = LoyaltyModel.from_totals(60, [30, 42, 44, 50, 56], currency="USD")


def reference(model: LoyaltyModel, r: float, d: float, years: int) -> float:
    """An independent float implementation of the discounted, retention-weighted sum."""
    totals = [float(y.total) for y in model.years]
    value = -float(model.acquisition_cost)
    for t in range(1, years + 1):
        profit = totals[min(t, len(totals)) - 1]
        value += profit * r ** (t - 1) / (1 + d) ** t
    return value


class TestToRate:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0.9", Decimal("0.9")),
            (0, Decimal(0)),
            (0.1, Decimal("0.1")),
            (Decimal("0.99"), Decimal("0.99")),
        ],
    )
    def test_accepts_rates(self, value, expected):
        """Decimals, ints, strings and floats in [0, 1) are rates."""
        assert to_rate(value, field="retention") == expected

    @pytest.mark.parametrize(
        "bad", [1, "1.0", Decimal("1.5"), -0.1, 10, "ten", True, None, float("nan")]
    )
    def test_refuses_outside_zero_one(self, bad):
        """1, anything above or below [0, 1) and non-numbers are RateOutOfRangeErrors."""
        with pytest.raises(RateOutOfRangeError) as info:
            to_rate(bad, field="discount")
        assert info.value.field == "discount"
        assert isinstance(info.value, ValueError)
        assert "[0, 1)" in str(info.value)


class TestYearProfit:
    def test_total_adds_the_sources(self):
        """The year's total is the sum of its five sources."""
        year = YearProfit(
            base=30, increased_purchases="5.50", lower_costs=2, referrals=1, price_premium="0.5"
        )
        assert year.total == Decimal("39.00")
        assert year.part(ProfitSource.INCREASED_PURCHASES) == Decimal("5.50")

    def test_losses_are_allowed(self):
        """A part may be negative: a year can lose money."""
        assert YearProfit(base=-10).total == Decimal(-10)

    @pytest.mark.parametrize(
        ("value", "error"),
        [
            (1.5, AmountTypeError),
            (True, AmountTypeError),
            ("abc", InvalidAmountError),
            ("inf", InvalidAmountError),
        ],
    )
    def test_money_is_exact(self, value, error):
        """Floats and bools are refused; text must be a finite number."""
        with pytest.raises(error) as info:
            YearProfit(referrals=value)
        assert info.value.field == "referrals"

    def test_sources_have_bilingual_labels(self):
        """Each source has the chart's English and Chinese name."""
        assert ProfitSource.PRICE_PREMIUM.label("zh") == "提高价格带来的利润"
        assert ProfitSource.REFERRALS.label("zh") == "被推荐客户带来的利润"
        assert ProfitSource.LOWER_COSTS.label() == "Profit from lower operating cost"


class TestLoyaltyModel:
    def test_profit_by_year(self):
        """Year 0 is minus the acquisition cost; later years repeat the last listed one."""
        assert [REICHHELD.profit(t) for t in range(7)] == [
            Decimal(-60),
            *(Decimal(p) for p in (30, 42, 44, 50, 56, 56)),
        ]
        assert len(REICHHELD) == 5
        assert REICHHELD.currency == "USD"

    def test_cumulative_and_breakeven(self):
        """The running total pays back the acquisition cost in year 2."""
        assert REICHHELD.cumulative() == tuple(Decimal(x) for x in (-60, -30, 12, 56, 106, 162))
        assert REICHHELD.breakeven_year() == 2
        assert LoyaltyModel.from_totals(100, [10]).breakeven_year(horizon=5) is None
        assert LoyaltyModel.from_totals(0, [10]).breakeven_year() == 0

    def test_table(self):
        """The table shows each year by source with totals and the running total."""
        table = LoyaltyModel(10, [YearProfit(base=5, referrals=1)], "CNY").table("zh", horizon=2)
        assert table.headers[1] == "基本利润"
        assert table.rows[0][-2:] == (Decimal(-10), Decimal(-10))
        assert table.rows[2] == (2, Decimal(5), 0, 0, Decimal(1), 0, Decimal(6), Decimal(2))
        assert "(CNY)" in table.title
        assert "Profit per customer" in render(REICHHELD.table())

    def test_checks(self):
        """No years, non-YearProfit years, a negative cost or a bad year number are refused."""
        with pytest.raises(InvalidLoyaltyModelError, match="year 1"):
            LoyaltyModel(10, [])
        with pytest.raises(InvalidLoyaltyModelError, match="YearProfit"):
            LoyaltyModel(10, [30])  # type: ignore[list-item]
        with pytest.raises(InvalidAmountError):
            LoyaltyModel(-1, [YearProfit()])
        with pytest.raises(InvalidLoyaltyModelError, match="year 0 is the acquisition"):
            REICHHELD.year(0)
        with pytest.raises(InvalidLoyaltyModelError):
            REICHHELD.profit(True)  # type: ignore[arg-type]
        with pytest.raises(InvalidLoyaltyModelError, match="horizon"):
            REICHHELD.cumulative(0)
        with pytest.raises(UnknownLanguageError):
            REICHHELD.table("fr")  # type: ignore[arg-type]


class TestLifetimeProfit:
    def test_worked_example(self):
        """The Reichheld and Sasser figures at 80 % retention and a 10 % discount rate."""
        assert lifetime_profit(REICHHELD, retention="0.8", discount="0.1") == Decimal("47.93")
        assert lifetime_profit(
            REICHHELD, retention="0.8", discount="0.1", perpetual=True
        ) == Decimal("85.91")

    def test_no_discount_full_retention_is_the_cumulative(self):
        """With nothing lost and no discounting, the sum is the running total."""
        value = lifetime_profit(REICHHELD, retention=0, discount=0, horizon=1)
        assert value == Decimal(-30)
        assert lifetime_profit(REICHHELD, retention="0.99", discount=0, quantum=None) > 100

    def test_perpetual_closed_form(self):
        """The perpetual tail agrees with a long finite horizon."""
        perpetual = lifetime_profit(REICHHELD, retention="0.7", discount="0.05", perpetual=True)
        long = lifetime_profit(REICHHELD, retention="0.7", discount="0.05", horizon=400)
        assert perpetual == long

    def test_rounding(self):
        """Results are rounded to cents unless quantum=None."""
        exact = lifetime_profit(REICHHELD, retention="0.8", discount="0.1", quantum=None)
        assert exact.quantize(CENT) == Decimal("47.93")
        assert exact != Decimal("47.93")
        assert lifetime_profit(
            REICHHELD, retention="0.8", discount="0.1", quantum=Decimal(1)
        ) == Decimal(48)

    @pytest.mark.parametrize(
        "kw",
        [
            {"retention": 1, "discount": "0.1"},
            {"retention": "0.8", "discount": "1.2"},
            {"retention": "-0.1", "discount": "0.1"},
            {"retention": "80%", "discount": "0.1"},
        ],
    )
    def test_bad_rates(self, kw):
        """A retention or discount rate outside [0, 1) is refused."""
        with pytest.raises(RateOutOfRangeError):
            lifetime_profit(REICHHELD, **kw)

    def test_horizon_checks(self):
        """A horizon below 1, or both horizon and perpetual, is refused."""
        with pytest.raises(InvalidLoyaltyModelError):
            lifetime_profit(REICHHELD, retention="0.8", discount="0.1", horizon=0)
        with pytest.raises(InvalidLoyaltyModelError, match="not both"):
            lifetime_profit(REICHHELD, retention="0.8", discount="0.1", horizon=3, perpetual=True)

    @given(loyalty_models, unit_rates, unit_rates)
    def test_matches_an_independent_float_implementation(self, model, r, d):
        """The Decimal result agrees with a float loop to within a cent."""
        years = len(model.years) + 2
        ours = lifetime_profit(model, retention=r, discount=d, horizon=years, quantum=None)
        assert math.isclose(float(ours), reference(model, float(r), float(d), years), abs_tol=0.01)

    @given(loyalty_models, unit_rates, unit_rates, unit_rates)
    def test_rises_with_retention(self, model, r1, r2, d):
        """With profits of zero or more, higher retention never lowers lifetime profit."""
        low, high = sorted((r1, r2))
        for perpetual in (False, True):
            a = lifetime_profit(model, retention=low, discount=d, perpetual=perpetual, quantum=None)
            b = lifetime_profit(
                model, retention=high, discount=d, perpetual=perpetual, quantum=None
            )
            assert a <= b

    @given(loyalty_models, unit_rates, unit_rates, unit_rates)
    def test_falls_with_the_discount_rate(self, model, r, d1, d2):
        """With profits of zero or more, a higher discount rate never raises lifetime profit."""
        low, high = sorted((d1, d2))
        for perpetual in (False, True):
            a = lifetime_profit(model, retention=r, discount=low, perpetual=perpetual, quantum=None)
            b = lifetime_profit(
                model, retention=r, discount=high, perpetual=perpetual, quantum=None
            )
            assert a >= b

    def test_strictly_with_positive_profit(self):
        """With a positive later profit, the effects are strict."""
        one = lifetime_profit(REICHHELD, retention="0.5", discount="0.1")
        two = lifetime_profit(REICHHELD, retention="0.6", discount="0.1")
        three = lifetime_profit(REICHHELD, retention="0.6", discount="0.2")
        assert one < two and three < two


class TestExpectedTenure:
    def test_one_over_churn(self):
        """Expected tenure is 1 / (1 - retention) years."""
        assert expected_tenure("0.8") == 5
        assert expected_tenure(0) == 1
        with pytest.raises(RateOutOfRangeError):
            expected_tenure(1)


class TestRetentionEffect:
    def test_five_points_of_retention(self):
        """From 80 % to 85 % retention adds about a quarter to lifetime profit."""
        effect = retention_effect(REICHHELD, retention="0.8", to="0.85", discount="0.1")
        assert isinstance(effect, RetentionEffect)
        assert (effect.before, effect.after, effect.change) == (
            Decimal("47.93"),
            Decimal("59.78"),
            Decimal("11.85"),
        )
        assert effect.change_ratio == pytest.approx(0.2472, abs=1e-4)

    def test_explain(self):
        """explain says it in one sentence, in English or Chinese."""
        effect = retention_effect(REICHHELD, retention="0.8", to="0.85", discount="0.1")
        assert effect.explain() == (
            "Raising retention from 80% to 85% changes lifetime profit per customer "
            "from 47.93 to 59.78 (+25%)."
        )
        assert effect.explain("zh").startswith("将客户保留率从80%提高到85%")
        with pytest.raises(UnknownLanguageError):
            effect.explain("xx")  # type: ignore[arg-type]

    def test_zero_before_has_no_ratio(self):
        """A lifetime profit of zero before gives no ratio, and explain omits it."""
        model = LoyaltyModel.from_totals(100, [50])
        effect = retention_effect(model, retention="0.5", to="0.6", discount=0, perpetual=True)
        assert effect.before == 0
        assert effect.change_ratio is None
        assert "(" not in effect.explain()

    def test_bad_target_rate(self):
        """The target rate is checked like the others."""
        with pytest.raises(RateOutOfRangeError) as info:
            retention_effect(REICHHELD, retention="0.8", to="1", discount="0.1")
        assert info.value.field == "to"


class TestRetentionEffectInvariants:
    @pytest.mark.parametrize(
        ("field", "value", "why"),
        [
            ("discount", Decimal(1), "not a rate in [0, 1)"),
            ("retention", Decimal("-0.1"), "not a rate in [0, 1)"),
            ("to", 0.5, "not a rate in [0, 1)"),
            ("before", Decimal("NaN"), "not a finite Decimal"),
            ("after", 3, "not a finite Decimal"),
        ],
    )
    def test_refused(self, field, value, why):
        from salesfunnel.errors import InvalidResultError
        from salesfunnel.key_accounts.loyalty import RetentionEffect

        fields = {
            "retention": Decimal("0.8"),
            "to": Decimal("0.9"),
            "discount": Decimal("0.1"),
            "before": Decimal(-5),
            "after": Decimal(10),
            field: value,
        }
        with pytest.raises(InvalidResultError) as err:
            RetentionEffect(**fields)  # type: ignore[arg-type]
        assert err.value.where == (field,)
        assert why in str(err.value)
