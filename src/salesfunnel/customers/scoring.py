"""Scoring future key accounts: the source's worksheet as an API (建立大客户的销售平台).

Per customer the worksheet lists sales amount, sales profit, growth potential,
share of customer, competitive strategy, market position, industry influence,
loyalty and benefit continuation (``domain.md`` §6.3); §6.1 adds credit
standing and publicity effect. Each is a :class:`ScoreCriterion` read on its
own :class:`Scale` (money, a share, a 1–5 rating, any number), normalised to
[0, 1], weighted and summed into a score in [0, 1]. Every score is explained by
its contributions (weight × normalised value per criterion).

Weights come one of three ways:

* ``weights={...}``: your own weights, which must add up to 1;
* ``importance=[...]``: criteria in order of importance, no numbers needed:
  rank-order centroid weights (Barron and Barrett 1996), rank-sum weights, or
  Ng's (2007) weight-free model, where each customer is scored with the most
  favourable weights that respect the order (equal weights on the first *k*
  criteria, the best *k* for that customer);
* neither: equal weights.

Scores are statistics, so they are floats; money read from the worksheet is
checked as money (Decimal or int, never float).

>>> from decimal import Decimal
>>> rows = {
...     "Huaxin": {"sales_amount": Decimal("1200000"), "loyalty": 5},
...     "Orion": {"sales_amount": Decimal("300000"), "loyalty": 4},
...     "Anxin": {"sales_amount": Decimal("600000"), "loyalty": 1},
... }
>>> card = score_accounts(
...     rows,
...     criteria=criteria_for("sales_amount", "loyalty"),
...     weights={"sales_amount": "0.6", "loyalty": "0.4"},
... )
>>> [(a.customer, round(a.score, 3), a.rank) for a in card]
[('Huaxin', 1.0, 1), ('Orion', 0.45, 2), ('Anxin', 0.3, 3)]
"""

from __future__ import annotations

import enum
import math
from collections.abc import Hashable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

import attrs

from salesfunnel.customers._invariants import check_customers, check_ranks
from salesfunnel.customers._worksheet import (
    KEY_ACCOUNT_CRITERIA,
    InvalidScaleError,
    Normalisation,
    Scale,
    ScaleKind,
    ScoreCriterion,
    criteria_for,
    normalise,
    read_cell,
)
from salesfunnel.customers.key_customers import (
    CustomerProfile,
    KeyCustomerClassification,
    KeyCustomerThresholds,
    KeyCustomerType,
    classify_key_customer,
    key_customer_types_table,
)
from salesfunnel.errors import FunnelError, InvalidResultError
from salesfunnel.i18n import Lang, check_lang
from salesfunnel.tables import Cell, Table, Tabular

__all__ = [
    "KEY_ACCOUNT_CRITERIA",
    "Contribution",
    "CustomerProfile",
    "InvalidScaleError",
    "InvalidWeightsError",
    "KeyCustomerClassification",
    "KeyCustomerThresholds",
    "KeyCustomerType",
    "MissingScoreValueError",
    "Normalisation",
    "RankWeighting",
    "Scale",
    "ScaleKind",
    "ScoreCriterion",
    "Scorecard",
    "ScoredAccount",
    "classify_key_customer",
    "criteria_for",
    "key_customer_types_table",
    "rank_order_weights",
    "score_accounts",
]

K = TypeVar("K", bound=Hashable)

#: Tolerance when float weights are checked to add up to 1.
WEIGHT_TOLERANCE = Fraction(1, 10**9)


class InvalidWeightsError(FunnelError, ValueError):
    """Weights that are negative, not numbers, for unknown criteria, or not adding up to 1.

    Subclasses :class:`ValueError`: the weights are given, but cannot weigh.

    Attributes:
        weights: The weights (or importance order) as given.
    """

    def __init__(self, message: str, *, weights: object) -> None:
        super().__init__(message)
        self.weights = weights


class MissingScoreValueError(FunnelError, LookupError):
    """Worksheet cells that a score needs but that are empty.

    Subclasses :class:`LookupError`: the value is looked up by customer and
    criterion and is not there. Every missing cell is listed at once.

    Attributes:
        missing: ``(customer, criterion key)`` pairs, in worksheet order.
    """

    def __init__(self, message: str, *, missing: tuple[tuple[object, str], ...]) -> None:
        super().__init__(message)
        self.missing = missing


class RankWeighting(enum.Enum):
    """Weights from an order of importance alone (most important first)."""

    #: Rank-order centroid (Barron and Barrett 1996): ``w_i = (1/n) Σ_{j>=i} 1/j``;
    #: the centre of all weight vectors that respect the order.
    ROC = "roc"
    #: Rank sum: ``w_i = 2 (n + 1 - i) / (n (n + 1))``; flatter than ROC.
    RANK_SUM = "rank-sum"
    #: Ng (2007): no fixed weights; each customer gets the highest score that
    #: any order-respecting weights allow, which is the best average of its
    #: first ``k`` normalised values over ``k = 1..n``.
    NG = "ng"


#: How a scorecard's weights can have been found (:attr:`Scorecard.weighting`).
WEIGHTINGS = ("weights", "equal", *(w.value for w in RankWeighting))


def rank_order_weights(
    order: Sequence[str], method: RankWeighting | str = RankWeighting.ROC
) -> dict[str, Fraction]:
    """Weights for criteria given in order of importance (most important first).

    Args:
        order: Criterion keys, most important first.
        method: ``RankWeighting.ROC`` or ``RankWeighting.RANK_SUM`` (Ng's
            model has no fixed weights; use it through
            :func:`score_accounts`).

    Returns:
        Exact weights (fractions) that add up to 1.

    Raises:
        InvalidWeightsError: For an empty or repeating order, or ``NG``.

    >>> {k: str(w) for k, w in rank_order_weights(["profit", "loyalty", "growth"]).items()}
    {'profit': '11/18', 'loyalty': '5/18', 'growth': '1/9'}
    """
    method = RankWeighting(method)
    order = _order(order)
    n = len(order)
    if method is RankWeighting.NG:
        raise InvalidWeightsError(
            "Ng's model gives each customer its own weights; pass importance=... and "
            "rank_weighting='ng' to score_accounts instead",
            weights=order,
        )
    if method is RankWeighting.ROC:
        return {
            k: sum((Fraction(1, j) for j in range(i, n + 1)), Fraction(0)) / n
            for i, k in enumerate(order, 1)
        }
    return {k: Fraction(2 * (n + 1 - i), n * (n + 1)) for i, k in enumerate(order, 1)}


def _order(order: Sequence[str]) -> tuple[str, ...]:
    if isinstance(order, str) or not isinstance(order, Sequence) or not order:
        raise InvalidWeightsError(
            f"give the criteria in order of importance as a non-empty list, got {order!r}",
            weights=order,
        )
    if len(set(order)) != len(order):
        raise InvalidWeightsError(
            f"each criterion may appear once in the importance order, got {list(order)}",
            weights=order,
        )
    return tuple(order)


def _weight(key: str, w: object, weights: object) -> Fraction:
    """Read one weight exactly (floats through their shortest repr)."""
    if isinstance(w, bool) or not isinstance(w, (int, float, Decimal, Fraction, str)):
        raise InvalidWeightsError(
            f"the weight of {key!r} must be a number, got {w!r}", weights=weights
        )
    try:
        return Fraction(Decimal(repr(w)) if isinstance(w, float) else w)
    except (ValueError, OverflowError, ArithmeticError):
        raise InvalidWeightsError(
            f"the weight of {key!r} must be a finite number, got {w!r}", weights=weights
        ) from None


def _weights(
    weights: Mapping[str, object], known: Mapping[str, ScoreCriterion]
) -> dict[str, Fraction]:
    if not isinstance(weights, Mapping) or not weights:
        raise InvalidWeightsError(
            f"weights must be a non-empty mapping of criterion to weight, got {weights!r}",
            weights=weights,
        )
    out: dict[str, Fraction] = {}
    inexact = False
    for key, w in weights.items():
        if key not in known:
            raise InvalidWeightsError(
                f"weight for {key!r}, which is not a criterion; the criteria are "
                f"{', '.join(known)}",
                weights=weights,
            )
        exact = _weight(key, w, weights)
        if exact < 0:
            raise InvalidWeightsError(
                f"the weight of {key!r} is {w!r}; weights are zero or more", weights=weights
            )
        inexact = inexact or isinstance(w, float)
        out[key] = exact
    total = sum(out.values(), Fraction(0))
    if total != 1 and not (inexact and abs(total - 1) <= WEIGHT_TOLERANCE):
        raise InvalidWeightsError(
            f"weights must add up to 1, these add up to {float(total):.6g}; scale them, "
            "or give importance=[...] to have weights derived from an order",
            weights=weights,
        )
    return out


@attrs.frozen
class Contribution:
    """One criterion's part in a customer's score.

    Attributes:
        criterion: The column.
        value: The figure as given.
        normalised: The figure mapped to [0, 1].
        weight: The weight used for this customer (fixed, or Ng's choice).
        contribution: ``weight × normalised``.
    """

    criterion: ScoreCriterion
    value: object
    normalised: float
    weight: float
    contribution: float

    def __attrs_post_init__(self) -> None:
        """Refuse a figure or weight outside [0, 1], and a contribution that is not their product.

        Raises:
            InvalidResultError: For the normalised figure or the contribution.
            InvalidWeightsError: For the weight.
        """
        if not 0 <= self.normalised <= 1:
            raise InvalidResultError("Contribution", "normalised", "is not in [0, 1]")
        if not 0 <= self.weight <= 1:
            raise InvalidWeightsError(
                f"Contribution.weight {self.weight!r} is not in [0, 1]; a weight is a share",
                weights=self.weight,
            ).at("weight", why="is not in [0, 1]", fix="a weight is a share")
        if self.contribution != self.weight * self.normalised:
            raise InvalidResultError(
                "Contribution",
                "contribution",
                f"is not weight × normalised ({self.weight * self.normalised!r})",
                "correct it, or write the scorecard again with salesfunnel",
            )


@attrs.frozen
class ScoredAccount(Generic[K]):
    """A customer's key-account score, rank and the contributions behind it.

    Attributes:
        customer: The customer key.
        score: The weighted score in [0, 1].
        rank: 1 + the number of customers with a strictly higher score.
        contributions: One per criterion, in worksheet order.
    """

    customer: K
    score: float
    rank: int
    contributions: tuple[Contribution, ...]

    def __attrs_post_init__(self) -> None:
        """Refuse a score that is not the sum of the contributions, and a rank below 1.

        (The figures are checked against their scales by :func:`score_accounts`
        and by the document reader, with :func:`read_cell`.)

        Raises:
            InvalidResultError: For the score or the rank.
        """
        if self.score != math.fsum(c.contribution for c in self.contributions):
            raise InvalidResultError(
                "ScoredAccount",
                "score",
                "is not the sum of the contributions",
                "correct it, or write the scorecard again with salesfunnel",
            )
        if self.rank < 1:
            raise InvalidResultError("ScoredAccount", "rank", "is not a rank (1 or more)")

    def explain(self, lang: Lang = "en") -> str:
        """Say how the score is made up, largest contribution first.

        >>> card = score_accounts(
        ...     {"A": {"loyalty": 5, "credit_standing": 3}},
        ...     criteria=criteria_for("loyalty", "credit_standing"),
        ... )
        >>> print(card["A"].explain())
        A: score 0.750 (rank 1)
          Customer loyalty: 5 → 1.000 × weight 0.500 = 0.500
          Credit standing: 3 → 0.500 × weight 0.500 = 0.250
        """
        lang = check_lang(lang)
        head = (
            f"{self.customer}: score {self.score:.3f} (rank {self.rank})"
            if lang == "en"
            else f"{self.customer}：得分 {self.score:.3f}（第 {self.rank} 名）"
        )
        word = "weight" if lang == "en" else "权重"
        lines = [head]
        lines.extend(
            f"  {c.criterion.label(lang)}: {c.value} → {c.normalised:.3f} × {word} "
            f"{c.weight:.3f} = {c.contribution:.3f}"
            for c in sorted(self.contributions, key=lambda c: -c.contribution)
        )
        return "\n".join(lines)


@attrs.frozen
class Scorecard(Tabular, Generic[K]):
    """Scored customers, best first, and the customers that could not be scored.

    Iterate for :class:`ScoredAccount` in rank order (ties by customer key);
    index by customer key. Scorecards compare and hash by value.

    Attributes:
        accounts: The scored customers, best first.
        criteria: The columns used, in worksheet order.
        weighting: How the weights were found: ``"weights"``, ``"equal"``,
            or a :class:`RankWeighting` value.
        incomplete: Customers left out, each with the criteria it lacks
            (only with ``skip_incomplete=True``).
    """

    accounts: tuple[ScoredAccount[K], ...]
    criteria: tuple[ScoreCriterion, ...]
    weighting: str
    incomplete: tuple[tuple[K, tuple[str, ...]], ...] = ()

    def __attrs_post_init__(self) -> None:
        """Refuse criteria, weightings, scores, ranks and customers that do not fit together.

        Raises:
            InvalidResultError: Naming the field (and the account) at fault.
        """
        keys = [c.key for c in self.criteria]
        if len(set(keys)) != len(keys):
            raise InvalidResultError("Scorecard", "criteria", "repeats a criterion key")
        if self.weighting not in WEIGHTINGS:
            names = ", ".join(WEIGHTINGS)
            raise InvalidResultError(
                "Scorecard", "weighting", f"is not one of {names}", f"use one of {names}"
            )
        for i, a in enumerate(self.accounts):
            if tuple(c.criterion for c in a.contributions) != self.criteria:
                named = [c.criterion.key for c in a.contributions]
                raise InvalidResultError(
                    "Scorecard",
                    ("accounts", i, "contributions"),
                    f"name the criteria {named}, but the scorecard's are {keys}",
                    "give one contribution per criterion, in the scorecard's order",
                )
        check_ranks(self.accounts)
        check_customers(self.accounts, self.incomplete, keys)

    def __iter__(self) -> Iterator[ScoredAccount[K]]:
        """Yield the scored customers, best first."""
        return iter(self.accounts)

    def __len__(self) -> int:
        """Return the number of scored customers."""
        return len(self.accounts)

    def __getitem__(self, customer: K) -> ScoredAccount[K]:
        """Return the scored customer ``customer``.

        Raises:
            KeyError: If the customer was not scored.
        """
        for account in self.accounts:
            if account.customer == customer:
                return account
        raise KeyError(customer)

    def top(self, n: int) -> tuple[ScoredAccount[K], ...]:
        """The best ``n`` customers."""
        return self.accounts[:n]

    def table(self, lang: Lang = "en") -> Table:
        """Rank, customer, score and the contribution of each criterion."""
        zh = check_lang(lang) == "zh"
        headers = (
            "排名" if zh else "rank",
            "客户" if zh else "customer",
            "得分" if zh else "score",
            *(c.label(lang) for c in self.criteria),
        )
        rows: list[tuple[Cell, ...]] = [
            (
                a.rank,
                str(a.customer),
                round(a.score, 4),
                *(round(c.contribution, 4) for c in a.contributions),
            )
            for a in self.accounts
        ]
        title = "大客户评分" if zh else "Key-account scores"
        note = ""
        if self.incomplete:
            names = ", ".join(str(k) for k, _ in self.incomplete)
            note = f"未评分（数据不全）：{names}" if zh else f"not scored (incomplete): {names}"
        return Table(title, headers, rows, note)


def score_accounts(
    rows: Mapping[K, Mapping[str, object]],
    *,
    criteria: Sequence[ScoreCriterion] = KEY_ACCOUNT_CRITERIA,
    weights: Mapping[str, object] | None = None,
    importance: Sequence[str] | None = None,
    rank_weighting: RankWeighting | str = RankWeighting.ROC,
    skip_incomplete: bool = False,
) -> Scorecard[K]:
    """Score and rank customers on the key-account worksheet.

    Args:
        rows: Customer key to its worksheet row (criterion key to figure).
            Keys that are not criteria are ignored.
        criteria: The columns to score on (default: all of
            :data:`KEY_ACCOUNT_CRITERIA`). With ``weights`` or ``importance``
            only the columns named there are used.
        weights: Criterion key to weight (Decimal, int, fraction, numeric
            string or float); they must add up to 1 (exactly, or within
            ``1e-9`` when any is a float).
        importance: Criterion keys in order of importance, most important
            first, instead of weights.
        rank_weighting: With ``importance``: ``ROC`` (default),
            ``RANK_SUM`` or ``NG``.
        skip_incomplete: Leave out customers with empty cells (listed in
            :attr:`Scorecard.incomplete`) instead of raising.

    Returns:
        The :class:`Scorecard`, best first. Scores do not depend on the order
        of the customers, and improving one figure of one customer never
        lowers its score or its rank.

    Raises:
        InvalidWeightsError: For weights that are bad or do not add up to 1,
            or both ``weights`` and ``importance``.
        MissingScoreValueError: For empty cells (all are listed), unless
            ``skip_incomplete``.
        InvalidCustomerValueError: For a figure outside its scale.
        CustomerValueTypeError: For a figure of the wrong type.
    """
    known = {c.key: c for c in criteria}
    if weights is not None and importance is not None:
        raise InvalidWeightsError(
            "give either weights or an importance order, not both", weights=weights
        )
    fixed: dict[str, Fraction] | None
    method = RankWeighting(rank_weighting)
    if weights is not None:
        fixed, label = _weights(weights, known), "weights"
    elif importance is not None:
        order = _order(importance)
        unknown = [k for k in order if k not in known]
        if unknown:
            raise InvalidWeightsError(
                f"{unknown[0]!r} in the importance order is not a criterion; the criteria "
                f"are {', '.join(known)}",
                weights=importance,
            )
        fixed = None if method is RankWeighting.NG else rank_order_weights(order, method)
        label = method.value
    else:
        fixed, label = {k: Fraction(1, len(known)) for k in known}, "equal"
    chosen = set(fixed) if fixed is not None else set(importance or ())
    used = tuple(c for c in criteria if c.key in chosen)
    complete, incomplete = _split(rows, used, skip=skip_incomplete)
    values = {c.key: [read_cell(c, k, rows[k][c.key]) for k in complete] for c in used}
    normalised = {}
    for c in used:
        norm = normalise(c.scale, values[c.key]) if complete else []
        normalised[c.key] = norm if c.higher_is_better else [1 - x for x in norm]
    scored = []
    for i, customer in enumerate(complete):
        ys = [normalised[c.key][i] for c in used]
        if fixed is not None:
            ws = [float(fixed[c.key]) for c in used]
        else:
            ws = _ng_weights(ys, used, importance)  # type: ignore[arg-type]
        parts = tuple(
            Contribution(c, rows[customer][c.key], y, w, w * y)
            for c, y, w in zip(used, ys, ws, strict=True)
        )
        scored.append((customer, math.fsum(p.contribution for p in parts), parts))
    return Scorecard(_ranked(scored), used, label, incomplete)


def _split(
    rows: Mapping[K, Mapping[str, object]], used: tuple[ScoreCriterion, ...], *, skip: bool
) -> tuple[list[K], tuple[tuple[K, tuple[str, ...]], ...]]:
    complete: list[K] = []
    incomplete: list[tuple[K, tuple[str, ...]]] = []
    for customer, row in rows.items():
        absent = tuple(c.key for c in used if row.get(c.key) is None)
        if absent:
            incomplete.append((customer, absent))
        else:
            complete.append(customer)
    if incomplete and not skip:
        pairs = tuple((k, c) for k, cs in incomplete for c in cs)
        shown = "; ".join(f"{k!r}: {', '.join(cs)}" for k, cs in incomplete[:5])
        more = f" and {len(incomplete) - 5} more customers" if len(incomplete) > 5 else ""  # noqa: PLR2004
        raise MissingScoreValueError(
            f"empty worksheet cells: {shown}{more}; fill them in, or pass "
            "skip_incomplete=True to score the complete rows only",
            missing=pairs,
        )
    return complete, tuple(incomplete)


def _ng_weights(
    ys: list[float], used: tuple[ScoreCriterion, ...], importance: Sequence[str]
) -> list[float]:
    """Ng (2007): equal weights on the first k criteria by importance, the best k."""
    position = {k: i for i, k in enumerate(importance)}
    by_importance = sorted(range(len(used)), key=lambda j: position[used[j].key])
    best_k, best, running = 1, -1.0, 0.0
    for k, j in enumerate(by_importance, 1):
        running += ys[j]
        if running / k > best:
            best_k, best = k, running / k
    ws = [0.0] * len(used)
    for j in by_importance[:best_k]:
        ws[j] = 1 / best_k
    return ws


def _ranked(
    scored: list[tuple[K, float, tuple[Contribution, ...]]],
) -> tuple[ScoredAccount[K], ...]:
    """Best score first; equal scores by customer key (by its text if keys do not compare)."""
    try:
        ordered = sorted(scored, key=lambda item: (-item[1], item[0]))
    except TypeError:
        ordered = sorted(scored, key=lambda item: (-item[1], str(item[0])))
    out: list[ScoredAccount[K]] = []
    for i, (customer, score, parts) in enumerate(ordered):
        rank = out[-1].rank if out and out[-1].score == score else i + 1
        out.append(ScoredAccount(customer, score, rank, parts))
    return tuple(out)
