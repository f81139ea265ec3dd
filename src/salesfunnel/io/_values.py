"""Text and JSON encodings of single values shared by the CSV and JSON formats.

Each ``parse_*`` function takes the text of one cell and returns the value or
raises :class:`BadValue` with *why* and *fix*; the readers turn that into a
:class:`~salesfunnel.io.problems.Problem` with the row and column.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from decimal import Context, Decimal, localcontext
from typing import TYPE_CHECKING

from salesfunnel.errors import FunnelError
from salesfunnel.funnel.records import LineItem, checked_line_item, shared_line_items
from salesfunnel.money import currency_code, to_amount, to_probability

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from salesfunnel.funnel.stages import Funnel
    from salesfunnel.qualification import FactValue

__all__ = [
    "BadValue",
    "fact_from_json",
    "fact_to_json",
    "facts_from_json",
    "facts_to_json",
    "format_amount",
    "format_list",
    "format_products",
    "parse_amount",
    "parse_bool",
    "parse_date",
    "parse_facts",
    "parse_list",
    "parse_number",
    "parse_percent",
    "parse_probability",
    "parse_products",
    "split_escaped",
]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_FIX = "write dates as YYYY-MM-DD, for example 2026-03-31"


class BadValue(Exception):  # noqa: N818  (internal signal, never escapes the readers)
    """A value that cannot be read; carries why and the fix."""

    def __init__(self, why: str, fix: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.fix = fix


def parse_date(text: str) -> date:
    """Read an ISO 8601 calendar date, ``YYYY-MM-DD`` and nothing else."""
    value = text.strip()
    if not value:
        raise BadValue("is empty", DATE_FIX)
    if not _DATE.fullmatch(value):
        raise BadValue("is not a date in YYYY-MM-DD form", DATE_FIX)
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise BadValue(f"is not a calendar date ({err})", DATE_FIX) from None


def format_amount(value: Decimal) -> str:
    """Write an amount in plain notation (no exponent), exactly."""
    return format(value, "f")


def parse_amount(text: str) -> Decimal:
    """Read a non-negative money amount exactly (never through a float).

    The rule is :func:`~salesfunnel.money.to_amount`'s, the one copy: ASCII
    digits and a decimal point, within ``MAX_INTEGER_DIGITS`` and ``MAX_PLACES``.
    """
    value = text.strip()
    if not value:
        raise BadValue("is empty", "give the amount as a plain number such as 120000.50")
    if "," in value or " " in value or "\u00a0" in value:
        raise BadValue(
            "has a thousands separator or a decimal comma",
            "write the number without separators and with a decimal point, such as 1234567.50",
        )
    try:
        return to_amount(value)
    except FunnelError as err:
        if value.startswith("-") and _is_amount(value[1:]):
            raise BadValue(
                "is negative", "amounts are zero or more; record a refund as its own deal"
            ) from None
        if "is not a plain number" in str(err):
            raise BadValue(
                "is not a number",
                "write it like 120000.50: ASCII digits and a decimal point, no currency sign, "
                "separator or exponent",
            ) from None
        _, _, bound = str(err).partition(": ")
        raise BadValue(f"is out of bounds: {bound}", "give a smaller or rounder amount") from None


def _is_amount(text: str) -> bool:
    try:
        to_amount(text)
    except FunnelError:
        return False
    return True


_NUMBER_FIX = "write it like 3 or 0.35: ASCII digits, a sign and a decimal point, no exponent"


def parse_number(text: str) -> Decimal:
    """Read a signed plain number (ASCII digits, sign, decimal point) within the money bounds.

    ``1_000``, ``١٢٣``, ``１００``, ``1e3``, ``NaN`` and ``Infinity`` are refused,
    by the rule of :func:`~salesfunnel.money.to_amount` applied to the magnitude.
    """
    value = text.strip()
    negative = value.startswith("-")
    try:
        magnitude = to_amount(value[1:] if negative else value, field="number")
    except FunnelError:
        raise BadValue("is not a plain number within the bounds", _NUMBER_FIX) from None
    return -magnitude if negative and magnitude else magnitude


def _divided(number: Decimal) -> Decimal:
    with localcontext(
        Context(prec=_PERCENT_PRECISION)
    ):  # wide enough to be exact within the bounds
        return number / 100


#: Digits of the context that turns a percentage into a share (exact for the bounded text).
_PERCENT_PRECISION = 200


def parse_percent(text: str) -> Decimal:
    """Read ``35%`` as ``0.35`` and ``0.35`` as itself, exactly (see :func:`parse_number`)."""
    value = text.strip()
    if value.endswith("%"):
        return _divided(parse_number(value[:-1]))
    return parse_number(value)


def _shifted(number: str) -> str:
    """A percentage's text as a share's text, the point moved two places left."""
    sign = number[:1] if number[:1] in "+-" else ""
    whole, _, fraction = number[len(sign) :].partition(".")
    whole = whole.rjust(3, "0")
    return f"{sign}{whole[:-2]}.{whole[-2:]}{fraction}"


def parse_probability(text: str) -> Decimal | None:
    """Read a probability: empty for none, a share (``0.6``) or a percentage (``60%``).

    The text follows :func:`~salesfunnel.money.to_probability`'s rule (ASCII
    digits and a decimal point); ``sNaN%``, ``NaN`` and ``1e9999999%`` are refused.
    """
    value = text.strip()
    if not value:
        return None
    fix = "give a share such as 0.6 or a percentage such as 60%"
    if value.endswith("%"):
        number = value[:-1].strip()
        if not number.strip("+-."):
            raise BadValue("is not a percentage", fix)
        try:
            to_probability(_shifted(number))  # the plain-text rule, the range and the bounds
        except FunnelError as err:
            if err.__cause__ is not None:
                raise BadValue("is not a percentage", fix) from None
            raise BadValue("is outside [0, 1] (0 % to 100 %)", fix) from None
        return to_probability(_divided(Decimal(number)))
    try:
        return to_probability(value)
    except FunnelError as err:
        if err.__cause__ is not None:
            raise BadValue("is not a number", fix) from None
        raise BadValue("is outside [0, 1] (0 % to 100 %)", fix) from None


def parse_bool(text: str) -> bool:
    """Read ``true`` / ``false`` (any case); empty is ``false``."""
    value = text.strip().lower()
    if value in {"", "false"}:
        return False
    if value == "true":
        return True
    raise BadValue("is not true or false", "write true, false, or leave it empty (false)")


def split_escaped(text: str, sep: str) -> list[tuple[str, str]]:
    r"""Split ``text`` on unescaped ``sep``; return each part raw and with escapes removed.

    A backslash makes the next character literal. Unescaped white space around
    each part is removed; escaped white space (``\ ``) is kept.
    """
    if "\\" not in text:  # the common case: nothing escaped
        return [(part.strip(), part.strip()) for part in text.split(sep)]
    parts: list[tuple[str, str]] = []
    raw: list[str] = []
    plain: list[tuple[str, bool]] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            if not nxt:
                raise BadValue("ends with a lone backslash", "write \\\\ for a backslash in a name")
            raw.append(ch + nxt)
            plain.append((nxt, True))
        elif ch == sep:
            parts.append(_finish(raw, plain))
            raw, plain = [], []
        else:
            raw.append(ch)
            plain.append((ch, False))
    parts.append(_finish(raw, plain))
    return parts


def _finish(raw: list[str], plain: list[tuple[str, bool]]) -> tuple[str, str]:
    start, end = 0, len(plain)
    while start < end and not plain[start][1] and plain[start][0].isspace():
        start += 1
    while end > start and not plain[end - 1][1] and plain[end - 1][0].isspace():
        end -= 1
    return "".join(raw).strip(), "".join(ch for ch, _ in plain[start:end])


def _escape(text: str, specials: str) -> str:
    if "\\" not in text and text.strip() == text and not any(c in text for c in specials):
        return text  # nothing to escape: the common name
    out = []
    for i, ch in enumerate(text):
        edge = (i == 0 or i == len(text) - 1) and ch.isspace()
        out.append("\\" + ch if ch in specials or ch == "\\" or edge else ch)
    return "".join(out)


def format_list(items: Iterable[str]) -> str:
    r"""Join names with ``;``, escaping ``;``, ``\\`` and edge white space."""
    return ";".join(_escape(item, ";") for item in items)


def parse_list(text: str) -> tuple[str, ...]:
    """Split a ``;``-separated list of names (see :func:`format_list`)."""
    if not text.strip():
        return ()
    names = tuple(plain for _, plain in split_escaped(text, ";"))
    if any(not name for name in names):
        raise BadValue("has an empty entry", "separate names with single semicolons: a;b")
    return names


def format_products(lines: Iterable[LineItem]) -> str:
    """Write line items as ``ERP=1000;CRM=200`` (see :func:`parse_products`)."""
    return ";".join(f"{_escape(li.product, ';=')}={format_amount(li.amount)}" for li in lines)


def parse_products(text: str, *, bare_ok: bool) -> tuple[tuple[str, Decimal | None], ...]:
    r"""Read ``ERP=1000;CRM=200`` into ``(product, amount)`` pairs.

    With ``bare_ok``, a single product without an amount (``ERP``) gives
    ``("ERP", None)``: the amount column supplies it. ``=1000`` is a line
    without a product name. ``\;``, ``\=`` and ``\\`` write those characters
    inside a name.
    """
    fix = "write products as NAME=AMOUNT separated by semicolons, such as ERP=1000;CRM=200"
    entries = split_escaped(text, ";")
    pairs: list[tuple[str, Decimal | None]] = []
    for raw, plain in entries:
        if not raw:
            raise BadValue("has an empty entry", fix)
        pieces = split_escaped(raw, "=")
        if len(pieces) == 1:
            if not (bare_ok and len(entries) == 1):
                raise BadValue(f"gives no amount for product {plain!r}", fix)
            pairs.append((plain, None))
            continue
        if len(pieces) > 2:  # noqa: PLR2004  (name and amount)
            raise BadValue(f"has more than one '=' in {raw!r}", fix + r" (write \= inside a name)")
        name = pieces[0][1]
        try:
            amount = parse_amount(pieces[1][1])
        except BadValue as err:
            raise BadValue(f"amount of product {name!r} {err.why}", err.fix) from None
        pairs.append((name, amount))
    return tuple(pairs)


# -- facts ------------------------------------------------------------------

FACTS_FIX = (
    'write facts as a JSON object, such as {"budget": true, "odds": 0.6}; '
    'exact decimals as {"decimal": "0.6"}, dates as {"date": "2026-03-31"}'
)


def fact_to_json(value: FactValue) -> object:
    """Encode one fact value for JSON (see the data-formats documentation)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value  # a float fact is finite: Facts refuse NaN and infinities
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return {"date": value.isoformat()}


def facts_to_json(facts: Mapping[str, FactValue]) -> dict[str, object]:
    """Encode facts as a JSON-ready object, keys in sorted order."""
    return {key: fact_to_json(facts[key]) for key in sorted(facts)}


def fact_from_json(value: object) -> FactValue:
    """Decode one fact value (the inverse of :func:`fact_to_json`); NaN and infinities are refused."""
    if isinstance(value, float) and not math.isfinite(value):
        raise BadValue(f"{value!r} is not a finite number", FACTS_FIX)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (tag, text), *_ = value.items()
        if isinstance(text, str):
            if tag == "decimal":
                try:
                    return parse_number(text)
                except BadValue:
                    raise BadValue(
                        f"{text[:40]!r} is not a decimal number (plain ASCII, within the bounds)",
                        FACTS_FIX,
                    ) from None
            if tag == "date":
                return parse_date(text)
    shown = json.dumps(value, ensure_ascii=False)
    raise BadValue(f"{shown[:60]} is not a fact value", FACTS_FIX)


def _facts_read(value: object, read: Callable[[object], FactValue]) -> dict[str, FactValue]:
    """Decode a facts object with ``read`` for each value; every bad entry is named."""
    if not isinstance(value, dict):
        raise BadValue("is not a JSON object", FACTS_FIX)
    out: dict[str, FactValue] = {}
    bad: list[str] = []
    for key, item in value.items():
        if not key:
            bad.append("a fact has an empty key")
            continue
        try:
            out[key] = read(item)
        except BadValue as err:
            bad.append(f"fact {key!r}: {err.why}")
    if bad:
        raise BadValue("; ".join(bad), FACTS_FIX)
    return out


def facts_from_json(value: object) -> dict[str, FactValue]:
    """Decode a facts object; every bad entry is named in the error."""
    return _facts_read(value, fact_from_json)


#: A facts cell longer than this is refused before it is parsed.
MAX_FACTS_TEXT = 65_536
#: Facts are flat: a value is a scalar or a one-key tagged object.
_MAX_FACTS_DEPTH = 2
#: Integer facts longer than this (in digits) are refused before conversion.
_MAX_INT_DIGITS = 40


def _depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in JSON text, strings skipped."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise BadValue(f"has an integer of {len(text)} digits", FACTS_FIX)
    return int(text)


def _no_constant(text: str) -> object:
    raise BadValue(f"has {text}, which is not a finite number", FACTS_FIX)


def parse_facts(text: str) -> dict[str, FactValue]:
    """Read a facts cell: empty for none, else a JSON object (see :func:`fact_to_json`).

    Size, depth and integer length are bounded before the text is parsed.
    """
    if not text.strip():
        return {}
    if len(text) > MAX_FACTS_TEXT:
        raise BadValue(f"is longer than {MAX_FACTS_TEXT} characters", FACTS_FIX)
    if _depth(text) > _MAX_FACTS_DEPTH:
        raise BadValue("nests objects or lists; facts are flat", FACTS_FIX)
    try:
        value = json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise BadValue(f"is not valid JSON ({err.msg} at character {err.pos})", FACTS_FIX) from None
    return facts_from_json(value)


def format_facts(facts: Mapping[str, FactValue]) -> str:
    """Write facts as a compact JSON object (empty for no facts)."""
    if not facts:
        return ""
    return json.dumps(facts_to_json(facts), ensure_ascii=False, separators=(",", ":"))


def make_lines(
    pairs: tuple[tuple[str, Decimal | None], ...], amount: Decimal | None
) -> tuple[LineItem, ...]:
    """Turn parsed product pairs (and the amount column) into line items.

    The amounts come from :func:`parse_amount` (checked by
    :func:`~salesfunnel.money.to_amount`), so the items are built without
    the check again; one line is shared with the equal lines of other
    records. The items equal ``LineItem(name, amount)``.
    """
    if len(pairs) == 1:
        name, value = pairs[0]
        return shared_line_items(name, amount if value is None else value)  # type: ignore[arg-type]
    return tuple(
        checked_line_item(name, amount if value is None else value)  # type: ignore[arg-type]
        for name, value in pairs
    )


def parse_stage(text: str, funnel: Funnel) -> str:
    """Read a stage: its key, or its exact English or Chinese label in ``funnel``."""
    value = text.strip()
    if not value:
        raise BadValue("is empty", f"give a stage key: {', '.join(funnel.keys())}")
    if value in funnel:
        return value
    for stage in (*funnel.stages, funnel.lost):
        if value in (stage.text.en, stage.text.zh):
            return stage.key
    raise BadValue("is not a stage of the funnel", f"use one of {', '.join(funnel.keys())}")


def parse_currency(text: str) -> str:
    """Read an ISO 4217 currency code (any case, surrounding spaces ignored)."""
    try:
        return currency_code(text)
    except FunnelError:
        raise BadValue(
            "is not an ISO 4217 currency code", "use three letters such as CNY, USD or EUR"
        ) from None


# -- canonical numbers and facts of JSON documents -----------------------------

#: The plain notation of a decimal string in a document: ASCII digits, an
#: optional sign and decimal point; no separators, other scripts, full-width
#: forms, exponent, white space, NaN or infinity.
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)

#: The most digits a decimal string in a document may hold: the precision of
#: :func:`~salesfunnel.money.money_context`, so every figure read is exact in it.
MAX_DECIMAL_DIGITS = 60

PLAIN_FIX = 'write it in plain notation, ASCII digits and a decimal point, like "120000.50"'


def plain_decimal(text: str) -> Decimal:
    """Read a decimal string of a JSON document: plain notation, at most 60 digits."""
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise BadValue(
            "is not a number in plain notation (ASCII digits, an optional sign and "
            "decimal point; no separators, exponent, NaN or infinity)",
            PLAIN_FIX,
        )
    if sum(ch.isdigit() for ch in text) > MAX_DECIMAL_DIGITS:
        raise BadValue(f"has more than {MAX_DECIMAL_DIGITS} digits", PLAIN_FIX)
    return Decimal(text)


def json_fact(value: object) -> FactValue:
    """Decode one fact value of a JSON document, canonical values only.

    As :func:`fact_from_json`, but a ``{"decimal": ...}`` must be in plain
    notation (see :func:`plain_decimal`) and non-finite floats
    (``{"float": "nan"}``) are refused.
    """
    if isinstance(value, float) and not math.isfinite(value):
        raise BadValue(f"{value!r} is not a finite number", FACTS_FIX)
    if isinstance(value, dict) and len(value) == 1:
        (tag, text), *_ = value.items()
        if tag == "decimal" and isinstance(text, str):
            try:
                return plain_decimal(text)
            except BadValue as err:
                raise BadValue(f"{text[:40]!r} {err.why}", FACTS_FIX) from None
        if tag == "float" and text in {"nan", "inf", "-inf"}:
            raise BadValue(f"the float {text} is not a finite number", FACTS_FIX)
    return fact_from_json(value)


def json_facts(value: object) -> dict[str, FactValue]:
    """Decode a facts object of a JSON document (see :func:`json_fact`)."""
    return _facts_read(value, json_fact)
