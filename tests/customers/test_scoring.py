from __future__ import annotations

import itertools
import random
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.customers.abc_classes import CustomerValueTypeError, InvalidCustomerValueError
from salesfunnel.customers.key_customers import Below
from salesfunnel.customers.scoring import (
    KEY_ACCOUNT_CRITERIA,
    CustomerProfile,
    InvalidScaleError,
    InvalidWeightsError,
    KeyCustomerThresholds,
    KeyCustomerType,
    MissingScoreValueError,
    Normalisation,
    RankWeighting,
    Scale,
    ScaleKind,
    ScoreCriterion,
    classify_key_customer,
    criteria_for,
    key_customer_types_table,
    rank_order_weights,
    score_accounts,
)
from salesfunnel.errors import FunnelError, InvalidFactError
from salesfunnel.i18n import Text
from salesfunnel.qualification import Criterion, evaluate
from salesfunnel.render import render
from tests.strategies import worksheet_rows

THREE = {
    "Huaxin": {"sales_amount": Decimal(1200000), "loyalty": 5},
    "Orion": {"sales_amount": Decimal(300000), "loyalty": 4},
    "Anxin": {"sales_amount": Decimal(600000), "loyalty": 1},
}
TWO_COLUMNS = criteria_for("sales_amount", "loyalty")


class TestScale:
    def test_constructors(self):
        """Each constructor sets the kind, bounds and normalisation."""
        assert Scale.amount() == Scale(ScaleKind.AMOUNT, 0, None, Normalisation.MAX)
        assert Scale.amount(negative=True).normalise is Normalisation.MIN_MAX
        assert Scale.share().describe() == "share 0..1"
        assert Scale.rating(0, 10).describe() == "rating 0..10"
        assert Scale.number().describe() == "number .."
        assert Scale.number(low=0.5, high=2.5, normalise=Normalisation.BOUNDS).low == Decimal("0.5")

    @pytest.mark.parametrize(
        ("make", "match"),
        [
            (lambda: Scale.rating(5, 1), "low < high"),
            (lambda: Scale.number(normalise=Normalisation.BOUNDS), "both a low and a high"),
            (lambda: Scale.number(low=-1, normalise=Normalisation.MAX), "zero or more"),
            (lambda: Scale.number(normalise=Normalisation.MAX), "zero or more"),
            (lambda: Scale.rating("x", 5), "must be a number|finite"),
            (lambda: Scale.rating(True, 5), "must be a number"),
            (lambda: Scale.rating(float("inf"), 5), "finite"),
        ],
    )
    def test_bad_scales(self, make, match):
        """Bounds and normalisations that do not fit are refused."""
        with pytest.raises(InvalidScaleError, match=match) as info:
            make()
        assert isinstance(info.value, ValueError)
        assert info.value.scale


class TestScoreCriterion:
    def test_worksheet_columns(self):
        """The worksheet has its nine columns and the two from section 6.1, all bilingual."""
        keys = [c.key for c in KEY_ACCOUNT_CRITERIA]
        assert keys[:9] == [
            "sales_amount",
            "sales_profit",
            "growth_potential",
            "share_of_customer",
            "competitive_strategy",
            "market_position",
            "industry_influence",
            "loyalty",
            "benefit_continuation",
        ]
        assert set(keys[9:]) == {"credit_standing", "publicity_effect"}
        assert all(c.label("en") != c.label("zh") for c in KEY_ACCOUNT_CRITERIA)
        assert KEY_ACCOUNT_CRITERIA[0].label("zh") == "销售金额"

    def test_criteria_for(self):
        """Columns are picked by key, in the order given; unknown keys are named."""
        assert [c.key for c in criteria_for("loyalty")] == ["loyalty"]
        with pytest.raises(KeyError, match="no worksheet column 'loyality'"):
            criteria_for("loyality")


class TestRankOrderWeights:
    def test_roc_three(self):
        """Rank-order centroid weights for three criteria are 11/18, 5/18, 2/18."""
        w = rank_order_weights(["a", "b", "c"])
        assert list(w.values()) == [Fraction(11, 18), Fraction(5, 18), Fraction(1, 9)]

    def test_rank_sum(self):
        """Rank-sum weights for three criteria are 3/6, 2/6, 1/6."""
        w = rank_order_weights(["a", "b", "c"], "rank-sum")
        assert list(w.values()) == [Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)]

    @given(st.integers(1, 15), st.sampled_from([RankWeighting.ROC, RankWeighting.RANK_SUM]))
    def test_weights_sum_to_one_and_decrease(self, n, method):
        """Rank weights add up to exactly 1 and never increase down the order."""
        w = list(rank_order_weights([f"c{i}" for i in range(n)], method).values())
        assert sum(w) == 1
        assert all(a >= b for a, b in itertools.pairwise(w))

    @pytest.mark.parametrize("order", [[], "abc", ["a", "a"], None])
    def test_bad_orders(self, order):
        """An empty, repeating or non-list order is refused."""
        with pytest.raises(InvalidWeightsError):
            rank_order_weights(order)

    def test_ng_has_no_fixed_weights(self):
        """Ng's model is per customer, so it has no fixed weights."""
        with pytest.raises(InvalidWeightsError, match="its own weights"):
            rank_order_weights(["a"], RankWeighting.NG)


class TestScoreAccounts:
    def test_weighted_example(self):
        """Normalised figures are weighted and summed; ranks follow the scores."""
        card = score_accounts(
            THREE, criteria=TWO_COLUMNS, weights={"sales_amount": "0.6", "loyalty": "0.4"}
        )
        assert [(a.customer, a.rank) for a in card] == [("Huaxin", 1), ("Orion", 2), ("Anxin", 3)]
        orion = card["Orion"]
        assert orion.score == pytest.approx(0.25 * 0.6 + 0.75 * 0.4)
        assert [c.criterion.key for c in orion.contributions] == ["sales_amount", "loyalty"]
        assert sum(c.contribution for c in orion.contributions) == pytest.approx(orion.score)
        assert card.weighting == "weights"

    def test_equal_weights_by_default(self):
        """Without weights or an order, every column weighs the same."""
        card = score_accounts(THREE, criteria=TWO_COLUMNS)
        assert card.weighting == "equal"
        assert all(c.weight == 0.5 for c in card["Anxin"].contributions)

    def test_roc_from_importance(self):
        """An importance order gives rank-order centroid weights."""
        card = score_accounts(THREE, criteria=TWO_COLUMNS, importance=["loyalty", "sales_amount"])
        weights = {c.criterion.key: c.weight for c in card["Huaxin"].contributions}
        assert weights == {"loyalty": 0.75, "sales_amount": 0.25}
        assert card.weighting == "roc"

    def test_only_named_columns_are_used(self):
        """With weights, only the weighted columns are read."""
        rows = {"a": {"loyalty": 3}, "b": {"loyalty": 5}}
        card = score_accounts(rows, weights={"loyalty": 1})
        assert [c.key for c in card.criteria] == ["loyalty"]
        assert card["b"].score == 1.0

    def test_ng_picks_the_most_favourable_ordered_weights(self):
        """Ng (2007): the best average of the first k normalised values."""
        rows = {
            "x": {"loyalty": 5, "credit_standing": 1},
            "y": {"loyalty": 1, "credit_standing": 5},
        }
        order = ["loyalty", "credit_standing"]
        card = score_accounts(rows, importance=order, rank_weighting="ng")
        assert card["x"].score == 1.0
        assert card["y"].score == 0.5
        assert {c.criterion.key: c.weight for c in card["y"].contributions} == {
            "loyalty": 0.5,
            "credit_standing": 0.5,
        }

    def test_ng_matches_a_linear_programme(self):
        """Ng's score equals the optimum of his linear programme, solved by scipy."""
        linprog = pytest.importorskip("scipy.optimize").linprog
        rng = random.Random(7)
        keys = ["loyalty", "credit_standing", "market_position", "industry_influence"]
        rows = {f"c{i}": {k: rng.randint(1, 5) for k in keys} for i in range(12)}
        card = score_accounts(rows, importance=keys, rank_weighting=RankWeighting.NG)
        for account in card:
            ys = [(rows[account.customer][k] - 1) / 4 for k in keys]
            # maximise Σ w·y  s.t.  w1 >= w2 >= ... >= w4 >= 0,  Σ w = 1
            a_ub = [
                [-1 if j == i else (1 if j == i + 1 else 0) for j in range(4)] for i in range(3)
            ]
            res = linprog(
                [-y for y in ys],
                A_ub=a_ub,
                b_ub=[0, 0, 0],
                A_eq=[[1, 1, 1, 1]],
                b_eq=[1],
                bounds=[(0, None)] * 4,
            )
            assert account.score == pytest.approx(-res.fun)

    @given(worksheet_rows(), st.randoms())
    def test_scores_do_not_depend_on_customer_order(self, rows, rnd):
        """Shuffling the customers changes no score and no rank."""
        items = list(rows.items())
        rnd.shuffle(items)
        a = score_accounts(rows, importance=[c.key for c in KEY_ACCOUNT_CRITERIA])
        b = score_accounts(dict(items), importance=[c.key for c in KEY_ACCOUNT_CRITERIA])
        assert [(x.customer, x.score, x.rank) for x in a] == [
            (x.customer, x.score, x.rank) for x in b
        ]

    @given(worksheet_rows(), st.data(), st.sampled_from(["equal", "roc", "ng"]))
    def test_improving_a_figure_never_hurts(self, rows, data, how):
        """Raising one figure of one customer never lowers its score or its rank."""
        customer = data.draw(st.sampled_from(sorted(rows)))
        column = data.draw(st.sampled_from(KEY_ACCOUNT_CRITERIA))
        better = {k: dict(v) for k, v in rows.items()}
        old = better[customer][column.key]
        if column.scale.kind is ScaleKind.RATING:
            better[customer][column.key] = min(old + 1, 5)
        elif column.scale.kind is ScaleKind.SHARE:
            better[customer][column.key] = min(old + Decimal("0.1"), 1)
        else:
            better[customer][column.key] = old + 1000
        order = [c.key for c in KEY_ACCOUNT_CRITERIA]
        options = {
            "equal": {},
            "roc": {"importance": order},
            "ng": {"importance": order, "rank_weighting": "ng"},
        }[how]
        before = score_accounts(rows, **options)[customer]
        after = score_accounts(better, **options)[customer]
        assert after.score >= before.score
        assert after.rank <= before.rank

    def test_equal_scores_share_a_rank(self):
        """Equal scores share the rank (1, 1, 3), listed by customer key."""
        rows = {"b": {"loyalty": 5}, "a": {"loyalty": 5}, "c": {"loyalty": 1}}
        card = score_accounts(rows, criteria=criteria_for("loyalty"))
        assert [(a.customer, a.rank) for a in card] == [("a", 1), ("b", 1), ("c", 3)]

    def test_keys_of_mixed_types(self):
        """Tied customers with keys that do not compare are ordered by their text."""
        rows = {2: {"loyalty": 5}, "a": {"loyalty": 5}}
        card = score_accounts(rows, criteria=criteria_for("loyalty"))
        assert [a.customer for a in card] == [2, "a"]

    def test_normalisations(self):
        """Min-max gives 1 to all when all are equal; by-max gives 0 when all are 0."""
        rows = {
            "a": {"sales_amount": 0, "sales_profit": 5},
            "b": {"sales_amount": 0, "sales_profit": 5},
        }
        card = score_accounts(rows, criteria=criteria_for("sales_amount", "sales_profit"))
        assert [c.normalised for c in card["a"].contributions] == [0.0, 1.0]

    def test_negative_profit_is_min_max(self):
        """Profit may be negative and is normalised between the worst and the best."""
        rows = {"a": {"sales_profit": Decimal(-100)}, "b": {"sales_profit": Decimal(300)}}
        card = score_accounts(rows, criteria=criteria_for("sales_profit"))
        assert card["a"].score == 0.0
        assert card["b"].score == 1.0

    def test_lower_is_better(self):
        """A column where less is better is turned round."""
        days = ScoreCriterion(
            "dso", Text("Days sales outstanding", "应收账款天数"), Scale.number(), False
        )
        card = score_accounts({"a": {"dso": 30}, "b": {"dso": 90.5}}, criteria=[days])
        assert card["a"].score == 1.0
        assert card["b"].score == 0.0

    def test_empty_rows(self):
        """No customers: an empty scorecard."""
        card = score_accounts({}, criteria=TWO_COLUMNS)
        assert len(card) == 0
        assert card.table().rows == ()

    def test_missing_cells_are_reported_together(self):
        """Every empty cell is listed at once; None counts as empty."""
        rows = {"a": {"loyalty": 5}, "b": {"sales_amount": Decimal(1), "loyalty": None}}
        with pytest.raises(MissingScoreValueError, match="skip_incomplete=True") as info:
            score_accounts(rows, criteria=TWO_COLUMNS)
        assert info.value.missing == (("a", "sales_amount"), ("b", "loyalty"))
        assert isinstance(info.value, LookupError)
        assert isinstance(info.value, FunnelError)

    def test_many_missing_rows_are_summarised(self):
        """A long list of incomplete rows names the first five and counts the rest."""
        rows = {f"c{i}": {} for i in range(8)}
        with pytest.raises(MissingScoreValueError, match="and 3 more customers"):
            score_accounts(rows, criteria=TWO_COLUMNS)

    def test_skip_incomplete(self):
        """With skip_incomplete, complete rows are ranked and the rest listed."""
        rows = {**THREE, "Nobody": {"loyalty": 3}}
        card = score_accounts(rows, criteria=TWO_COLUMNS, skip_incomplete=True)
        assert len(card) == 3
        assert card.incomplete == (("Nobody", ("sales_amount",)),)
        assert "not scored (incomplete): Nobody" in card.table().note
        assert "未评分" in card.table("zh").note

    @pytest.mark.parametrize(
        ("weights", "match"),
        [
            ({"sales_amount": Decimal("0.5"), "loyalty": Decimal("0.4")}, "add up to 1"),
            ({"sales_amount": 0.7, "loyalty": 0.4}, "add up to 1"),
            ({"sales_amount": -0.5, "loyalty": 1.5}, "zero or more"),
            ({"sales_amount": 1, "colour": 0}, "not a criterion"),
            ({"sales_amount": "x", "loyalty": 1}, "finite number"),
            ({"sales_amount": float("nan"), "loyalty": 1}, "finite number"),
            ({"sales_amount": True}, "must be a number"),
            ({}, "non-empty mapping"),
        ],
    )
    def test_bad_weights(self, weights, match):
        """Weights must be known, non-negative numbers adding up to 1."""
        with pytest.raises(InvalidWeightsError, match=match) as info:
            score_accounts(THREE, criteria=TWO_COLUMNS, weights=weights)
        assert isinstance(info.value, ValueError)
        assert info.value.weights == weights

    def test_float_weights_within_tolerance(self):
        """Float weights that add up to 1 up to rounding are accepted; Decimals must be exact."""
        thirds = dict.fromkeys(("loyalty", "credit_standing", "market_position"), 1 / 3)
        rows = {"a": dict.fromkeys(thirds, 3)}
        assert score_accounts(rows, weights=thirds)["a"].score == pytest.approx(0.5)
        exact = {"loyalty": Fraction(1, 3), "credit_standing": Fraction(2, 3)}
        assert score_accounts(rows, weights=exact)["a"].score == pytest.approx(0.5)

    def test_weights_and_importance_together(self):
        """Weights and an importance order exclude each other."""
        with pytest.raises(InvalidWeightsError, match="not both"):
            score_accounts(THREE, weights={"loyalty": 1}, importance=["loyalty"])

    def test_importance_names_an_unknown_column(self):
        """An importance order may only name criteria."""
        with pytest.raises(InvalidWeightsError, match="not a criterion"):
            score_accounts(THREE, criteria=TWO_COLUMNS, importance=["loyalty", "colour"])

    @pytest.mark.parametrize(
        ("row", "error", "match"),
        [
            ({"sales_amount": 1.5, "loyalty": 3}, CustomerValueTypeError, "never a float"),
            ({"sales_amount": Fraction(1, 2), "loyalty": 3}, CustomerValueTypeError, "never"),
            ({"sales_amount": True, "loyalty": 3}, CustomerValueTypeError, "Decimal or int"),
            ({"sales_amount": "5", "loyalty": 3}, CustomerValueTypeError, "Decimal or int"),
            ({"sales_amount": Decimal(-1), "loyalty": 3}, InvalidCustomerValueError, "outside"),
            ({"sales_amount": Decimal("NaN"), "loyalty": 3}, InvalidCustomerValueError, "finite"),
            ({"sales_amount": 1, "loyalty": 6}, InvalidCustomerValueError, "rating 1..5"),
            ({"sales_amount": 1, "loyalty": float("inf")}, InvalidCustomerValueError, "finite"),
            ({"sales_amount": 1, "loyalty": "5"}, CustomerValueTypeError, "a number"),
        ],
    )
    def test_bad_cells(self, row, error, match):
        """Cells of the wrong type or outside their scale are refused, naming customer and column."""
        with pytest.raises(error, match=match) as info:
            score_accounts({"x": row}, criteria=TWO_COLUMNS)
        assert info.value.key == "x"
        assert info.value.criterion in {"sales_amount", "loyalty"}

    def test_share_and_number_cells(self):
        """Shares may be floats; a share above 1 is refused."""
        share = criteria_for("share_of_customer")
        assert score_accounts({"a": {"share_of_customer": 0.25}}, criteria=share)["a"].score == 0.25
        with pytest.raises(InvalidCustomerValueError, match=r"share 0\.\.1"):
            score_accounts({"a": {"share_of_customer": 1.5}}, criteria=share)

    def test_explain_and_tables(self):
        """Scores are explained by contributions, largest first, in English or Chinese."""
        card = score_accounts(
            THREE, criteria=TWO_COLUMNS, weights={"sales_amount": "0.6", "loyalty": "0.4"}
        )
        text = card["Orion"].explain()
        assert text.splitlines()[0] == "Orion: score 0.450 (rank 2)"
        assert "Customer loyalty: 4 → 0.750 × weight 0.400 = 0.300" in text
        assert "得分 0.450（第 2 名）" in card["Orion"].explain("zh")
        assert card.table().headers == (
            "rank",
            "customer",
            "score",
            "Sales amount",
            "Customer loyalty",
        )
        assert card.table("zh").headers[:3] == ("排名", "客户", "得分")
        assert card.top(1)[0].customer == "Huaxin"
        assert "<table>" in card._repr_html_()
        with pytest.raises(KeyError):
            card["Nobody"]

    def test_full_worksheet(self):
        """All eleven columns score together."""
        rows = {
            "Huaxin": {
                "sales_amount": Decimal(2_900_000),
                "sales_profit": Decimal(600_000),
                "share_of_customer": Decimal("0.6"),
                **{c.key: 5 for c in KEY_ACCOUNT_CRITERIA if c.scale.kind is ScaleKind.RATING},
            },
            "Orion": {
                "sales_amount": Decimal(400_000),
                "sales_profit": Decimal(-20_000),
                "share_of_customer": Decimal("0.1"),
                **{c.key: 2 for c in KEY_ACCOUNT_CRITERIA if c.scale.kind is ScaleKind.RATING},
            },
        }
        card = score_accounts(rows)
        assert card["Huaxin"].score == pytest.approx((10 + 0.6) / 11)
        assert 0 < card["Orion"].score < 1
        assert len(card["Orion"].contributions) == 11


class TestKeyCustomerType:
    def test_five_types_bilingual(self):
        """There are five types, each with English and Chinese labels, a description and advice."""
        assert len(KeyCustomerType) == 5
        assert [t.label("zh") for t in KeyCustomerType] == [
            "利润贡献的重要客户",
            "维护品牌的问题客户",
            "忠诚购买的老客户",
            "有成长潜力的小客户",
            "不断变化的新客户",
        ]
        for t in KeyCustomerType:
            assert t.label() != t.label("zh")
            assert t.advice() and t.advice("zh") and t.description() and t.description("zh")

    def test_source_advice_for_new_customers(self):
        """New customers carry the source's advice: choose carefully and watch long term."""
        advice = KeyCustomerType.CHANGING_NEW.advice()
        assert "do not pour resources" in advice
        assert "长期观察" in KeyCustomerType.CHANGING_NEW.advice("zh")

    def test_table(self):
        """The types table lists the five types with advice."""
        table = key_customer_types_table("zh")
        assert len(table.rows) == 5
        assert table.headers[1] == "类型"
        assert "Profit-contributing" in render(key_customer_types_table(), "text")


class TestCustomerProfile:
    def test_facts_leave_out_unknowns(self):
        """Only known fields become facts."""
        profile = CustomerProfile("a", profit_share=Decimal("0.1"), tenure_years=2)
        assert dict(profile.facts()) == {"profit_share": Decimal("0.1"), "tenure_years": 2}

    @pytest.mark.parametrize(
        ("field", "value", "error"),
        [
            ("profit_share", 1.5, InvalidCustomerValueError),
            ("brand_importance", 0, InvalidCustomerValueError),
            ("problem_level", 6, InvalidCustomerValueError),
            ("tenure_years", -1, InvalidCustomerValueError),
            ("repeat_purchases", -2, InvalidCustomerValueError),
            ("growth_rate", -1.5, InvalidCustomerValueError),
            ("revenue_share", Decimal("NaN"), InvalidCustomerValueError),
            ("growth_rate", float("inf"), InvalidCustomerValueError),
            ("tenure_years", "two", CustomerValueTypeError),
            ("repeat_purchases", True, CustomerValueTypeError),
        ],
    )
    def test_ranges(self, field, value, error):
        """Fields outside their range, or not numbers, are refused."""
        with pytest.raises(error) as info:
            CustomerProfile("a", **{field: value})
        assert info.value.criterion == field
        assert info.value.key == "a"


def profile(**fields):
    return CustomerProfile("c", **fields)


FULL = {
    "profit_share": Decimal("0.01"),
    "brand_importance": 2,
    "problem_level": 1,
    "tenure_years": 2,
    "repeat_purchases": 2,
    "revenue_share": Decimal("0.05"),
    "growth_rate": Decimal("0.05"),
}


class TestClassifyKeyCustomer:
    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            ({"profit_share": Decimal("0.08")}, KeyCustomerType.PROFIT_CONTRIBUTOR),
            ({"brand_importance": 5, "problem_level": 4}, KeyCustomerType.BRAND_PROBLEM),
            ({"tenure_years": 5, "repeat_purchases": 9}, KeyCustomerType.LOYAL_LONG_STANDING),
            ({"revenue_share": Decimal("0.005"), "growth_rate": 0.4}, KeyCustomerType.SMALL_GROWTH),
            ({"tenure_years": Decimal("0.5")}, KeyCustomerType.CHANGING_NEW),
        ],
    )
    def test_each_type(self, changes, expected):
        """Each default rule picks out its type from an otherwise plain profile."""
        result = classify_key_customer(profile(**{**FULL, **changes}))
        assert result.primary is expected
        assert result.matched == (expected,)
        assert result.undecided == ()
        assert result.missing == ()
        assert not result.provisional

    def test_no_type(self):
        """A plain, fully known profile matches no type."""
        result = classify_key_customer(profile(**FULL))
        assert result.primary is None
        assert result.matched == ()
        assert "no type matched" in result.explain()

    def test_several_types_and_priority(self):
        """A customer may match several types; the primary is the first in priority order."""
        both = profile(
            **{**FULL, "profit_share": Decimal("0.2"), "tenure_years": 8, "repeat_purchases": 20}
        )
        result = classify_key_customer(both)
        assert result.matched == (
            KeyCustomerType.PROFIT_CONTRIBUTOR,
            KeyCustomerType.LOYAL_LONG_STANDING,
        )
        reordered = classify_key_customer(
            both,
            priority=[
                KeyCustomerType.LOYAL_LONG_STANDING,
                KeyCustomerType.PROFIT_CONTRIBUTOR,
            ],
        )
        assert reordered.primary is KeyCustomerType.LOYAL_LONG_STANDING

    def test_missing_fields_are_reported_not_guessed(self):
        """A field a rule needs but the profile lacks leaves the type undecided and is listed."""
        result = classify_key_customer(profile(tenure_years=Decimal("0.5")))
        assert result.primary is KeyCustomerType.CHANGING_NEW
        assert KeyCustomerType.PROFIT_CONTRIBUTOR in result.undecided
        assert result.missing == ("profit_share", "brand_importance", "problem_level")
        assert result.provisional
        assert "(provisional)" in result.explain()
        assert "missing: profit_share" in result.explain()

    def test_empty_profile(self):
        """With nothing known, every type is undecided and every needed field missing."""
        result = classify_key_customer(profile())
        assert result.primary is None
        assert len(result.undecided) == 5
        assert set(result.missing) == set(FULL)
        assert result.provisional

    def test_new_small_growing_is_new(self):
        """A first-year customer's growth is not yet a trend: it is new, not small-and-growing."""
        result = classify_key_customer(
            profile(**{**FULL, "tenure_years": 0.5, "revenue_share": 0.001, "growth_rate": 2})
        )
        assert result.matched == (KeyCustomerType.CHANGING_NEW,)
        assert not result.verdict(KeyCustomerType.SMALL_GROWTH).passed

    def test_replace_thresholds(self):
        """Thresholds are replaceable values."""
        custom = attrs.evolve(KeyCustomerThresholds(), profit_share=Decimal("0.005"))
        result = classify_key_customer(profile(**FULL), thresholds=custom)
        assert result.primary is KeyCustomerType.PROFIT_CONTRIBUTOR
        rule = custom.rules()[KeyCustomerType.PROFIT_CONTRIBUTOR]
        assert rule.text("en") == "Profit share at least 0.5 %"

    def test_replace_rules_and_use_a_mapping(self):
        """Own rules replace the defaults per type, and a plain mapping works as a profile."""
        vip = Criterion.fact("vip", "On the VIP list", "在贵宾名单上")
        result = classify_key_customer(
            {"customer": "Acme", "vip": True, **FULL},
            rules={KeyCustomerType.BRAND_PROBLEM: vip},
        )
        assert result.customer == "Acme"
        assert result.primary is KeyCustomerType.BRAND_PROBLEM

    def test_explain_in_chinese(self):
        """The explanation marks each type and gives the advice."""
        result = classify_key_customer(profile(**{**FULL, "profit_share": Decimal("0.3")}))
        text = result.explain("zh")
        assert text.splitlines()[0] == "c: 利润贡献的重要客户"
        assert "  ✓ 利润贡献的重要客户" in text
        assert "  ✗ 不断变化的新客户" in text
        assert "建议：" in text
        assert "  ✓ Profit-contributing key customer" in result.explain()

    def test_below_needs_a_number(self):
        """A "below" criterion refuses a fact that is not a number."""
        rule = KeyCustomerThresholds().rules()[KeyCustomerType.CHANGING_NEW]
        with pytest.raises(InvalidFactError):
            evaluate(rule, {"tenure_years": "new"})
        assert Below("x", 0.5)({"x": 0.25})
        assert not Below("x", Decimal(1))({"x": 1})


class TestKeyCustomerThresholdValues:
    def test_plain_numbers_are_accepted_as_exact_limits(self):
        """Ints, strings and floats become exact Decimal limits, and the rules build."""
        from decimal import Decimal

        from salesfunnel.customers.key_customers import KeyCustomerThresholds

        t = KeyCustomerThresholds(new_years=2, growth_rate=0.25, profit_share="0.1")
        assert (t.new_years, t.growth_rate, t.profit_share) == (
            Decimal(2),
            Decimal("0.25"),
            Decimal("0.1"),
        )
        assert len(t.rules()) == 5

    def test_bad_limits_are_refused(self):
        """Negative, non-finite and non-numeric limits are refused with a typed error."""
        import pytest

        from salesfunnel.customers.abc_classes import InvalidThresholdsError
        from salesfunnel.customers.key_customers import KeyCustomerThresholds

        for bad in (-1, float("nan"), "abc", None, True):
            with pytest.raises(InvalidThresholdsError):
                KeyCustomerThresholds(new_years=bad)
