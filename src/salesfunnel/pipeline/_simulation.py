"""The kernels of :func:`salesfunnel.pipeline.weighted.simulate` (private): common random numbers.

Every deal draws from its own random stream, seeded from a BLAKE2b digest of
the run's seed and the deal's id (never Python's salted ``hash``), so a
deal's wins depend on nothing but the seed, its id and its probability: the
order of the deals and the other deals' probabilities do not move them.

The trials are simulated all at once, one bit per trial, in Python integers
(the big-integer operations run in C over the whole row of trials):

* :func:`wins` reads, for every trial at once, a uniform number ``U`` in
  [0, 1) bit by bit (one ``getrandbits(trials)`` call per binary digit) and
  compares it with the exact binary expansion of the probability, stopping
  when every trial is decided (after about log2(trials) + 2 digits). A deal
  is won in a trial when ``U < p``: exactly with probability ``p``, and
  since ``U`` does not depend on ``p``, a higher probability only ever turns
  losses of that deal into wins.
* :class:`Totals` adds each deal's amount (in whole units) to the trials it
  wins, in bit-sliced form (one integer per binary digit of the totals,
  carried like a hardware adder), and turns the digits into one total per
  trial at the end.
"""

from __future__ import annotations

import hashlib
import random
import struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

__all__ = ["Totals", "deal_stream", "wins"]

#: What the seed digest is keyed with, so that it means this use and no other.
_PERSON = b"sf.simulate"

#: Maps the text of a binary digit to the byte of its value.
_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def deal_stream(seed: int, key: str) -> random.Random:
    """Return the random stream of the deal ``key`` in the run ``seed``.

    The stream is Python's Mersenne Twister seeded with the 256-bit BLAKE2b
    digest of the seed's decimal text and the key's UTF-8 bytes: the same on
    every platform and Python version, and independent of any other deal's.
    """
    digest = hashlib.blake2b(
        f"{seed}".encode() + b"\x00" + key.encode(), digest_size=32, person=_PERSON
    ).digest()
    return random.Random(int.from_bytes(digest, "little"))  # noqa: S311 - a seeded simulation


def wins(probability: Decimal, trials: int, stream: random.Random) -> int:
    """Return the trials a deal wins, as the set bits of an integer (bit ``t``: trial ``t``).

    Trial ``t`` reads its uniform ``U`` from bit ``t`` of successive
    ``stream.getrandbits(trials)`` calls, most significant binary digit first,
    and is won when ``U < probability``, compared exactly.

    Args:
        probability: Strictly between 0 and 1.
        trials: At least 1.
        stream: The deal's stream (:func:`deal_stream`).
    """
    num, den = probability.as_integer_ratio()
    draw = stream.getrandbits
    won, equal = 0, (1 << trials) - 1
    while True:
        num <<= 1
        digits = draw(trials)
        same = equal & digits
        if num >= den:
            # p has a 1 here: U's 0 decides a win, U's 1 keeps the tie.
            num -= den
            won |= equal ^ same
            equal = same
        else:
            # p has a 0 here: U's 1 decides a loss, U's 0 keeps the tie.
            equal ^= same
        if not equal or not num:
            # Every trial is decided, or p's expansion ends: a tie left is U >= p, a loss.
            return won


class Totals:
    """The totals of every trial, in whole units, as bit-sliced binary digits."""

    __slots__ = ("digits", "trials")

    def __init__(self, trials: int) -> None:
        """Start every trial at 0."""
        self.trials = trials
        #: ``digits[j]`` holds binary digit ``j`` of every trial's total (bit ``t``: trial ``t``).
        self.digits: list[int] = []

    def add(self, units: int, won: int) -> None:
        """Add ``units`` (at least 1) to the total of every trial set in ``won``."""
        digits, carry, j = self.digits, 0, 0
        while units or carry:
            if j == len(digits):
                digits.append(0)
            here = digits[j]
            if units & 1:
                half = here ^ won
                digits[j] = half ^ carry
                carry = (here & won) | (carry & half)
            elif carry:
                digits[j] = here ^ carry
                carry &= here
            units >>= 1
            j += 1

    def values(self) -> list[int]:
        """Return each trial's total, in trial order."""
        trials, digits = self.trials, self.digits
        groups = (len(digits) + 7) // 8
        # Eight bytes a total at least, so that the common case unpacks in C.
        width = max(groups, 8)
        out = bytearray(trials * width)
        for byte in range(groups):
            # Binary digits 8 × byte ... 8 × byte + 7 of every total, one byte per trial.
            packed = 0
            for k, row in enumerate(digits[8 * byte : 8 * byte + 8]):
                text = format(row, f"0{trials}b")[::-1].encode().translate(_DIGITS)
                packed |= int.from_bytes(text, "little") << k
            out[byte::width] = packed.to_bytes(trials, "little")
        if width == 8:  # noqa: PLR2004 - totals below 2**64 units
            return [v for (v,) in struct.iter_unpack("<Q", out)]
        return [int.from_bytes(out[i : i + width], "little") for i in range(0, len(out), width)]
