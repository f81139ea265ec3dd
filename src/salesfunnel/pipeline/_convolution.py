"""Numerical kernels behind :mod:`salesfunnel.pipeline.distribution` (private).

Three ways to turn independent two-point variables (an amount ``k`` units with
probability ``p``, else 0) into the distribution of their sum, each returning a
:class:`Table`: integer masses over a common denominator, so that cumulative
probabilities compare exactly with any level.

* :func:`exact_table`: a sparse convolution with exact integer weights
  (the denominator is the product of the probabilities' denominators).
* :func:`lattice_table`: the same convolution over *every* lattice point,
  vectorised by packing the whole probability vector into one Python integer
  (80 bits a point: 48-bit masses, 31-bit probabilities, headroom so that no
  carry crosses a point). One deal costs a handful of linear-time big-integer
  operations, so the loop over points runs in C. Masses are rounded *down* at
  every step and points far outside the running mean ± ``window`` standard
  deviations are dropped; both only ever remove mass, so the computed masses
  are below the exact ones pointwise and the total missing mass bounds the
  error of every cumulative probability.
* :func:`edgeworth_table`: the Edgeworth expansion of the standardised sum,
  discretised on a grid.

:class:`Deals` holds the uncertain deals in the forms the methods need: whole
multiples of their common unit, the cumulants and the Berry–Esseen bound of the
normal expansion, the work of the lattice programme, and amounts rounded to a
grid with the Bernstein bound of that rounding.
"""

from __future__ import annotations

import bisect
import contextlib
import decimal
import itertools
import math
import operator
import struct
from decimal import Decimal
from fractions import Fraction
from statistics import NormalDist
from typing import TYPE_CHECKING

from salesfunnel.errors import InvalidResultError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

#: Bits of a mass, a probability and a packed point of the lattice programme.
MASS_BITS, PROB_BITS, SLOT_BITS = 48, 31, 80
_SLOT_BYTES = SLOT_BITS // 8
_ONE = 1 << MASS_BITS
_PROB_ONE = 1 << PROB_BITS
_PATTERN = ((1 << (MASS_BITS + 1)) - 1).to_bytes(_SLOT_BYTES, "little")
_SLOT_FORMAT = f"<Q{_SLOT_BYTES - 8}x"

#: The largest work (sums of support sizes) and deal count for exact arithmetic.
EXACT_BUDGET, EXACT_MAX_DEALS = 200_000, 400

#: How far (in standard deviations, plus the largest amount) the dynamic
#: programme's window reaches around the running mean.
WINDOW_SD = 9.0

#: The probability the rounding error of a grid may exceed its stated amount.
GRID_TAIL = 1e-6

#: Shevtsova's Berry–Esseen constant for independent, non-identical summands.
_BERRY_ESSEEN = 0.56

#: Upper bounds of sup |He_k(z) φ(z)| for the Hermite polynomials k = 2, 3, 5.
_HE2, _HE3, _HE5 = 0.39895, 0.55059, 2.30711

#: Scale of the cumulative probabilities of a normal-expansion table.
_FLOAT_ONE = 1 << 52

_STANDARD = NormalDist()


@contextlib.contextmanager
def exact_context() -> Iterator[None]:
    """Decimal arithmetic without rounding (only + - * are used inside)."""
    with decimal.localcontext() as ctx:
        ctx.prec = decimal.MAX_PREC
        ctx.Emax = decimal.MAX_EMAX
        ctx.Emin = decimal.MIN_EMIN
        ctx.traps[decimal.Inexact] = True
        yield


class Table:
    """Masses on ascending points, as integers over a common denominator.

    The points are either listed (``points``) or evenly spaced from
    ``offset`` by ``step``.
    """

    __slots__ = ("cum", "denominator", "offset", "points", "step", "weights")

    def __init__(
        self,
        weights: Sequence[int],
        denominator: int,
        *,
        points: Sequence[Decimal] | None = None,
        offset: Decimal = Decimal(0),
        step: Decimal = Decimal(1),
    ) -> None:
        """Keep the weights and their running sums."""
        self.weights = tuple(weights)
        self.cum = tuple(itertools.accumulate(self.weights))
        self.denominator = denominator
        self.points = None if points is None else tuple(points)
        self.offset = offset
        self.step = step

    def __len__(self) -> int:
        """Return the number of points."""
        return len(self.weights)

    def check(self, owner: str) -> None:
        """Refuse masses that are no distribution: a denominator of 0, no masses, points out of place.

        Cheap (one pass over the points, in C): run for every distribution built.

        Raises:
            InvalidResultError: Naming the field (under ``table``) at fault.
        """
        if self.denominator < 1:
            why = f"{str(self.denominator)!r} is not a positive whole number"
            raise InvalidResultError(owner, ("table", "denominator"), why, "give the masses' sum")
        if not self.weights:
            raise InvalidResultError(owner, ("table", "weights"), "is empty", "give the masses")
        points = self.points
        if points is None:
            return
        if len(points) != len(self.weights):
            raise InvalidResultError(
                owner,
                ("table", "points"),
                f"has {len(points)} points for {len(self.weights)} weights",
                "give one point per weight",
            )
        if not all(map(operator.lt, points, points[1:])):
            why, fix = "are not ascending", "give the points from the lowest up"
            raise InvalidResultError(owner, ("table", "points"), why, fix)

    def point(self, i: int) -> Decimal:
        """Return the ``i``-th point."""
        if self.points is not None:
            return self.points[i]
        with exact_context():
            return self.offset + i * self.step

    def mean(self) -> Fraction:
        """Return the exact mean of the masses (one pass in C over the weights)."""
        if self.points is not None:
            with exact_context():
                total = sum(map(operator.mul, self.points, self.weights), Decimal(0))
            return Fraction(total) / self.denominator
        moment = sum(map(operator.mul, range(len(self.weights)), self.weights))
        return Fraction(self.offset) + Fraction(self.step) * Fraction(moment, self.denominator)

    def mass(self, i: int) -> Fraction:
        """Return the mass at the ``i``-th point."""
        return Fraction(self.weights[i], self.denominator)

    def cumulative(self, i: int) -> Fraction:
        """Return the mass at or below the ``i``-th point."""
        return Fraction(self.cum[i], self.denominator)

    def _position(self, x: Decimal) -> Fraction:
        return (Fraction(x) - Fraction(self.offset)) / Fraction(self.step)

    def index_le(self, x: Decimal) -> int:
        """Return the index of the last point at or below ``x`` (-1 if none)."""
        if self.points is not None:
            return bisect.bisect_right(self.points, x) - 1
        return min(math.floor(self._position(x)), len(self) - 1)

    def index_lt(self, x: Decimal) -> int:
        """Return the index of the last point below ``x`` (-1 if none)."""
        if self.points is not None:
            return bisect.bisect_left(self.points, x) - 1
        return min(math.ceil(self._position(x)) - 1, len(self) - 1)

    def index_at(self, x: Decimal) -> int | None:
        """Return the index of the point ``x``, or ``None`` if it is not one."""
        i = self.index_le(x)
        return i if i >= 0 and self.point(i) == x else None

    def first_at_least(self, level: Decimal) -> int | None:
        """Return the first index whose cumulative mass reaches ``level`` (``None``: none does)."""
        threshold = math.ceil(Fraction(level) * self.denominator)
        i = bisect.bisect_left(self.cum, threshold)
        return None if i == len(self) else i

    def last_reaching(self, level: Decimal) -> int:
        """Return the last index whose point is reached (or beaten) with mass ``level``."""
        threshold = math.floor((1 - Fraction(level)) * self.denominator)
        return min(bisect.bisect_right(self.cum, threshold), len(self) - 1)


def bernstein(variance: float, largest: float, tail: float) -> float:
    """Return t with P(|Z| >= t) <= tail for a centred sum of terms bounded by ``largest``."""
    log = math.log(2 / tail)
    linear = largest * log / 3
    return linear + math.sqrt(linear * linear + 2 * variance * log)


def sparse_cost(units: Sequence[int]) -> int:
    """Return an upper bound of the work of :func:`exact_table` (sum of support sizes)."""
    total, reach = 0, 0
    for k, u in enumerate(units, start=1):
        reach += u
        total += min(1 << min(k, 62), reach + 1)
    return total


def lattice_cells(units: Sequence[int], probs: Sequence[float], window: float) -> int:
    """Return the cell updates :func:`lattice_table` makes on ``units`` (ascending)."""
    total, reach, mean, var, top = 0, 0, 0.0, 0.0, 0
    for u, p in zip(units, probs, strict=True):
        if u <= 0:
            continue
        reach += u
        mean += p * u
        var += u * u * p * (1 - p)
        top = max(top, u)
        total += min(reach, int(2 * (window * math.sqrt(var) + top))) + 1
    return total


def exact_table(
    units: Sequence[int], probs: Sequence[Decimal], offset: Decimal, unit: Decimal
) -> Table:
    """Convolve exactly: the point ``offset + s × unit`` gets weight w / Π denominators."""
    weights: dict[int, int] = {0: 1}
    denominator = 1
    for u, p in zip(units, probs, strict=True):
        num, den = p.as_integer_ratio()
        miss = den - num
        nxt: dict[int, int] = {}
        for s, w in weights.items():
            nxt[s] = nxt.get(s, 0) + w * miss
            nxt[s + u] = nxt.get(s + u, 0) + w * num
        weights = {s: w for s, w in nxt.items() if w}
        denominator *= den
    keys = sorted(weights)
    with exact_context():
        points = [offset + s * unit for s in keys]
    return Table([weights[s] for s in keys], denominator, points=points)


def _fixed(p: Decimal) -> int:
    return round(Fraction(p) * _PROB_ONE)


def lattice_table(
    units: Sequence[int],
    probs: Sequence[Decimal],
    offset: Decimal,
    step: Decimal,
    window: float,
) -> tuple[Table, float]:
    """Convolve over every point ``offset + s × step``; return the table and its error.

    The error is the probability mass lost to rounding and to the window plus
    the total variation caused by rounding the probabilities to
    :data:`PROB_BITS` bits: every cumulative probability of the table is
    within it of the exact one.
    """
    fixed = [_fixed(p) for p in probs]
    rounding = math.fsum(
        abs(float(Fraction(p) - Fraction(f, _PROB_ONE))) for p, f in zip(probs, fixed, strict=True)
    )
    base = sum(u for u, f in zip(units, fixed, strict=True) if f == _PROB_ONE)
    items = sorted((u, f) for u, f in zip(units, fixed, strict=True) if 0 < f < _PROB_ONE and u)
    state, lo, hi, mean, var, top = _ONE, 0, 0, 0.0, 0.0, 0
    mask, mask_slots = 0, 0
    for u, f in items:
        state = ((_PROB_ONE - f) * state + f * (state << (u * SLOT_BITS))) >> PROB_BITS
        hi += u
        p = f / _PROB_ONE
        mean += p * u
        var += u * u * p * (1 - p)
        top = max(top, u)
        reach = window * math.sqrt(var) + top
        new_lo = max(lo, math.floor(mean - reach))
        hi = min(hi, math.ceil(mean + reach))
        if new_lo > lo:
            state >>= (new_lo - lo) * SLOT_BITS
            lo = new_lo
        slots = hi - lo + 1
        if slots > mask_slots:
            mask_slots = 2 * slots
            mask = int.from_bytes(_PATTERN * mask_slots, "little")
        state &= mask
        if state.bit_length() > slots * SLOT_BITS:
            state &= (1 << (slots * SLOT_BITS)) - 1
    # A mass has at most MASS_BITS + 1 < 64 bits: each point's low 8 bytes hold it.
    data = state.to_bytes((hi - lo + 1) * _SLOT_BYTES, "little")
    weights = [w for (w,) in struct.iter_unpack(_SLOT_FORMAT, data)]
    first = next(i for i, w in enumerate(weights) if w)
    last = len(weights) - next(i for i, w in enumerate(reversed(weights)) if w)
    lost = (_ONE - sum(weights)) / _ONE
    with exact_context():
        start = offset + (base + lo + first) * step
    table = Table(weights[first:last], _ONE, offset=start, step=step)
    return table, (lost + rounding) * (1 + 1e-9) + 1e-15


def edgeworth(z: float, g1: float, g2: float) -> float:
    """Return the two-term Edgeworth approximation of the standardised CDF at ``z``."""
    if z < -40:  # noqa: PLR2004 - far beyond any probability a float holds
        return 0.0
    if z > 40:  # noqa: PLR2004
        return 1.0
    z2 = z * z
    he2, he3, he5 = z2 - 1, z * (z2 - 3), z * (z2 * z2 - 10 * z2 + 15)
    density = math.exp(-z2 / 2) / math.sqrt(2 * math.pi)
    return _STANDARD.cdf(z) - density * (g1 / 6 * he2 + g2 / 24 * he3 + g1 * g1 / 72 * he5)


def edgeworth_table(
    centre: Decimal,
    step: Decimal,
    moments: tuple[float, float, float, float],
    low: Decimal,
    high: Decimal,
    span: float,
) -> Table:
    """Discretise the Edgeworth CDF on ``centre + j × step``, ``span`` deviations each way.

    Each point gets the mass of the half-open cell around it; the first point
    also takes everything below, the last everything above, so the cumulative
    probability at a point is the expansion at the cell's upper edge (made
    non-decreasing and kept in [0, 1]).
    """
    mean, sigma, g1, g2 = moments
    width = float(step)
    reach = math.ceil(span * sigma / width)
    first = max(-reach, math.ceil((Fraction(low) - Fraction(centre)) / Fraction(step)))
    last = min(reach, math.floor((Fraction(high) - Fraction(centre)) / Fraction(step)))
    cum: list[int] = []
    level = 0
    mid = float(centre)
    for j in range(first, last):
        z = (mid + (j + 0.5) * width - mean) / sigma
        value = min(max(edgeworth(z, g1, g2), 0.0), 1.0)
        level = max(level, round(value * _FLOAT_ONE))
        cum.append(level)
    cum.append(_FLOAT_ONE)
    weights = [b - a for a, b in itertools.pairwise([0, *cum])]
    with exact_context():
        start = centre + first * step
    return Table(weights, _FLOAT_ONE, offset=start, step=step)


class Deals:
    """The uncertain deals, ascending by amount, in the forms the methods need."""

    def __init__(self, deals: Sequence[tuple[Decimal, Decimal]]) -> None:
        deals = sorted(deals)
        self.amounts = [a for a, _p in deals]
        self.probs = [p for _a, p in deals]
        self.floats = [float(p) for p in self.probs]
        if not deals:
            return
        #: The amounts in integer multiples of 10**exponent, and their greatest common unit.
        self.exponent = min(int(a.as_tuple().exponent) for a in self.amounts)
        self.scaled = [int(a.scaleb(-self.exponent)) for a in self.amounts]
        g = math.gcd(*self.scaled)
        self.unit = Decimal(g).scaleb(self.exponent)
        self.units = [n // g for n in self.scaled]
        self._moments: tuple[float, float, float, float] | None = None
        self._cells: dict[int, int] = {}

    def moments(self) -> tuple[float, float, float, float]:
        """Return (ε, σ, γ1, γ2): the Edgeworth expansion's bound and parameters.

        ε is the Berry–Esseen bound of the distance to the normal curve plus
        the largest possible size of the Edgeworth correction terms, so it
        bounds the distance between the expansion and the exact distribution.
        """
        if self._moments is None:
            unit = float(self.unit)
            k2, k3, k4, rho = [], [], [], []
            for u, q in zip(self.units, self.floats, strict=True):
                x = u * unit
                v = q * (1 - q)
                k2.append(x * x * v)
                k3.append(x**3 * v * (1 - 2 * q))
                k4.append(x**4 * v * (1 - 6 * v))
                rho.append(x**3 * v * (q * q + (1 - q) ** 2))
            sigma = math.sqrt(math.fsum(k2))
            g1, g2 = math.fsum(k3) / sigma**3, math.fsum(k4) / sigma**4
            eps = (
                _BERRY_ESSEEN * math.fsum(rho) / sigma**3
                + _HE2 * abs(g1) / 6
                + _HE3 * abs(g2) / 24
                + _HE5 * g1 * g1 / 72
            )
            self._moments = (min(eps, 1.0), sigma, g1, g2)
        return self._moments

    def cells(self, ratio: int = 1) -> int:
        """Return the lattice programme's work on a grid of ``ratio`` units."""
        if ratio not in self._cells:
            units = (
                self.units if ratio == 1 else [(2 * u + ratio) // (2 * ratio) for u in self.units]
            )
            self._cells[ratio] = lattice_cells(units, self.floats, WINDOW_SD)
        return self._cells[ratio]

    def on_grid(self, step: Decimal) -> tuple[list[int], Decimal, Decimal]:
        """Round the amounts to ``step``; return the units, the mean shift and the error amount.

        The rounding's expected effect (Σ error × p) is added back as a shift,
        so what is left is a centred sum of bounded terms, which Bernstein's
        inequality bounds except with probability :data:`GRID_TAIL`.
        """
        exponent = min(self.exponent, int(step.as_tuple().exponent))
        factor = 10 ** (self.exponent - exponent)
        size = int(step.scaleb(-exponent))
        units, errors = [], []
        for n in self.scaled:
            k, rest = divmod(n * factor, size)
            if 2 * rest > size or (2 * rest == size and k % 2):
                k, rest = k + 1, rest - size
            units.append(k)
            errors.append(rest)
        with exact_context():
            shift = sum((e * p for e, p in zip(errors, self.probs, strict=True)), Decimal(0))
            shift = shift.scaleb(exponent)
        scale = 10.0**exponent
        spread = math.fsum(
            (e * scale) ** 2 * q * (1 - q) for e, q in zip(errors, self.floats, strict=True)
        )
        largest = max(abs(e) for e in errors) * scale
        on_unit = round_to(shift, self.unit)
        amount = bernstein(spread, largest, GRID_TAIL) + float(abs(shift - on_unit))
        return units, on_unit, ceil_to(amount, self.unit)


def round_to(value: Decimal, unit: Decimal) -> Decimal:
    """Round ``value`` to the nearest multiple of ``unit``."""
    with exact_context():
        return round(Fraction(value) / Fraction(unit)) * unit


def ceil_to(amount: float, unit: Decimal) -> Decimal:
    """Round a float amount up to a multiple of ``unit``."""
    with exact_context():
        return math.ceil(Fraction(amount) / Fraction(unit)) * unit


def nice_steps(unit: Decimal) -> Iterator[Decimal]:
    """Yield unit × 1, 2, 5, 10, 20, 50, … for ever."""
    for power in itertools.count():  # pragma: no branch - endless
        for m in (1, 2, 5):
            yield unit * m * 10**power
