"""How a CRM export's columns, stage names and values map onto salesfunnel fields.

An :class:`ImportMapping` says which export header gives which field
(``columns``), which export stage value is which funnel stage (``stages``),
what text to use when a column is absent or a cell empty (``defaults``), the
time zone that turns a date-time into a date (``tz``) and whether
probabilities are shares or percentages (``probability_scale``). The CSV
reader (``read_csv(..., columns=..., stages=...)``), the DataFrame readers and
every command-line option (``--map``, ``--stage-map``, ``--default``) build
one; a preset (:mod:`salesfunnel.io.presets`) is a ready-made one.

>>> from zoneinfo import ZoneInfo
>>> m = ImportMapping(
...     columns={"Close Date": "expected_close", "Deal Stage": "stage"},
...     stages={"Proposition": "recognition"},
...     tz=ZoneInfo("Asia/Shanghai"),
... )
>>> m.field_names(["Close Date", "Deal Stage", "amount"])
['expected_close', 'stage', 'amount']
>>> m.stage("Proposition"), m.stage("intent")
('recognition', 'intent')
>>> ImportMapping(columns={"Close Date": "close_date"})
Traceback (most recent call last):
...
salesfunnel.io.mapping.UnknownFieldError: column 'Close Date' is mapped to 'close_date', which is not a field; the closest is 'closed_on'; the fields are id, name, account, ...

A value the export writes differently is converted by :meth:`ImportMapping.canonical`:
date-times become dates in ``tz``, percentages shares, stage names keys, and
a status column (open / won / lost) the won or lost stage.

.. versionadded:: 0.10
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import tzinfo
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import attrs

from salesfunnel.errors import FunnelError
from salesfunnel.io._columns import COLUMNS, HEADERS_EN, HEADERS_ZH, normalise
from salesfunnel.io.cells import BadCell, to_bool, to_date, to_probability_text

if TYPE_CHECKING:
    from salesfunnel.funnel.stages import Funnel

__all__ = [
    "FIELDS",
    "HISTORY_FIELDS",
    "STATUS_FIELDS",
    "Canonical",
    "ImportMapping",
    "InvalidMappingError",
    "UnknownFieldError",
    "UnmappedStage",
    "UnmappedStageError",
    "check_stages",
    "closest",
    "unmapped_stages",
]

#: Fields that only tell an opportunity's outcome; they are not stored, they
#: decide its stage and ``closed_on`` (see :meth:`ImportMapping.canonical`):
#: ``status`` (open / won / lost), ``is_closed`` and ``is_won`` (booleans),
#: ``active`` (a false value means lost), ``won_on`` and ``lost_on`` (dates).
STATUS_FIELDS: tuple[str, ...] = ("status", "is_closed", "is_won", "active", "won_on", "lost_on")

#: Every field an opportunities column can map to: the file columns, then the
#: outcome fields of :data:`STATUS_FIELDS`.
FIELDS: tuple[str, ...] = (*COLUMNS, *STATUS_FIELDS)

#: Every field a column of a stage-history table can map to: the deal's id,
#: the stage entered, the date (or date-time) of the change, and optionally
#: the amount and expected close date the deal had from then on and a reason.
HISTORY_FIELDS: tuple[str, ...] = (
    "opportunity_id",
    "stage",
    "on",
    "amount",
    "expected_close",
    "reason",
)

#: The fields whose cells are dates (date-times are converted in ``tz``).
DATE_FIELDS: frozenset[str] = frozenset(
    {"created", "expected_close", "closed_on", "won_on", "lost_on", "on"}
)

_MAX_SHOWN = 3


class InvalidMappingError(FunnelError, ValueError):
    """An import mapping built wrongly: an entry that is not text, an unknown option.

    Subclasses :class:`ValueError`: the mapping given is a wrong value.
    """


class UnknownFieldError(InvalidMappingError):
    """A mapping sends a column to a field salesfunnel does not have.

    Subclasses :class:`ValueError` (through :class:`InvalidMappingError`):
    the mapping given is a wrong value.

    Attributes:
        header: The export header mapped.
        field: The unknown field it was mapped to.
        known: The fields that exist.
        closest: The known field most like ``field``, or ``None``.
    """

    def __init__(self, header: str, field: str, known: Sequence[str]) -> None:
        near = closest(field, known, n=1)
        self.header = header
        self.field = field
        self.known = tuple(known)
        self.closest = near[0] if near else None
        hint = f"; the closest is {self.closest!r}" if self.closest else ""
        super().__init__(
            f"column {header!r} is mapped to {field!r}, which is not a field{hint}; "
            f"the fields are {', '.join(known)}"
        )


@attrs.frozen
class UnmappedStage:
    """An export stage name that is no stage of the funnel and has no mapping.

    Attributes:
        name: The stage name as written in the export.
        rows: How many rows use it.
        closest: The funnel's stage keys most like it, best first.
    """

    name: str
    rows: int
    closest: tuple[str, ...]

    def __str__(self) -> str:
        """Describe it as ``'Proposition' (3 rows; closest: recognition)``."""
        near = f"; closest: {', '.join(self.closest)}" if self.closest else ""
        return f"{self.name!r} ({self.rows} row{'s' if self.rows != 1 else ''}{near})"


def stage_fix(unmapped: Sequence[UnmappedStage], funnel: Funnel) -> str:
    """The fix for stage names without a mapping, with an example from the first."""
    first = unmapped[0]
    target = first.closest[0] if first.closest else funnel.keys()[0]
    return (
        f"map each to a stage of the funnel ({', '.join(funnel.keys())}), for example "
        f"stages={{{first.name!r}: {target!r}}} (command line: --stage-map "
        f"'{first.name}={target}'), or build the funnel from the export's names with "
        "Funnel.from_stage_names([...], won=..., lost=...)"
    )


class UnmappedStageError(FunnelError, LookupError):
    """Stage names in an export that are neither funnel stages nor mapped to one.

    Every such name is listed at once, each with the closest stage keys.

    Subclasses :class:`LookupError`: the names are looked up and not found.

    Attributes:
        stages: Every unmapped name (:class:`UnmappedStage`), in first-seen order.
    """

    def __init__(self, stages: Sequence[UnmappedStage], funnel: Funnel) -> None:
        self.stages = tuple(stages)
        n = len(self.stages)
        super().__init__(
            f"{n} stage name{'s' if n != 1 else ''} of the export "
            f"{'have' if n != 1 else 'has'} no mapping: "
            f"{', '.join(str(s) for s in self.stages)}; {stage_fix(self.stages, funnel)}"
        )


def closest(word: str, candidates: Iterable[str], *, n: int = _MAX_SHOWN) -> tuple[str, ...]:
    """Return up to ``n`` candidates most like ``word`` (case-insensitive), best first.

    >>> closest("Proposal", ["potential", "project", "recognition"])
    ('project', 'potential')
    """
    target = word.lower()
    scored = []
    for candidate in dict.fromkeys(candidates):
        low = candidate.lower()
        ratio = difflib.SequenceMatcher(None, target, low).ratio()
        prefix = next(
            (i for i, (a, b) in enumerate(zip(target, low, strict=False)) if a != b),
            min(len(target), len(low)),
        )
        score = ratio + (0.15 if prefix >= 3 else 0.0)  # noqa: PLR2004  (a shared stem)
        if ratio >= 0.4:  # noqa: PLR2004  (difflib's usual cutoff, loosened)
            scored.append((-score, candidate))
    return tuple(c for _, c in sorted(scored)[:n])


def _frozen_map(value: Mapping[str, str] | None) -> Mapping[str, str]:
    if value is None:
        return MappingProxyType({})
    out: dict[str, str] = {}
    for key, item in dict(value).items():
        if not isinstance(key, str) or not isinstance(item, str):
            msg = f"mapping entries are text to text, got {key!r}: {item!r}"
            raise InvalidMappingError(msg)
        out[key.strip()] = item.strip()
    return MappingProxyType(out)


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _frozen_set(value: Iterable[str]) -> frozenset[str]:
    return frozenset(str(v).strip() for v in value)


_ALIASES = {
    **{normalise(c): c for c in FIELDS},
    **{normalise(n): c for c, names in HEADERS_ZH.items() for n in names},
    **{normalise(n): c for c, names in HEADERS_EN.items() for n in names},
}
_HISTORY_ALIASES = {
    **{normalise(c): c for c in HISTORY_FIELDS},
    "deal_id": "opportunity_id",
    "date": "on",
    "to_stage": "stage",
}


#: Other names accepted for a target field: a one-product column may be
#: mapped to ``product`` (the ``products`` cell then holds one product name).
TARGET_SYNONYMS: Mapping[str, str] = MappingProxyType({"product": "products"})


def _target_map(value: Mapping[str, str] | None) -> Mapping[str, str]:
    plain = _frozen_map(value)
    return MappingProxyType({k: TARGET_SYNONYMS.get(v, v) for k, v in plain.items()})


def _default_map(value: Mapping[str, str] | None) -> Mapping[str, str]:
    plain = _frozen_map(value)
    return MappingProxyType({TARGET_SYNONYMS.get(k, k): v for k, v in plain.items()})


@attrs.frozen
class ImportMapping:
    """How one export's headers, stage names and values map onto salesfunnel fields.

    Every target is checked when the mapping is built. Headers are matched
    as written (surrounding spaces ignored); a header the mapping does not
    name is read as a salesfunnel column (or one of its aliases) when it is
    one.

    Attributes:
        columns: Export header to field name (:data:`FIELDS`, or
            :data:`HISTORY_FIELDS` for a history table; ``product`` is
            taken for ``products``, a column of one product name per deal).
        stages: Export stage value to funnel stage key; a value not named is
            read as a stage key or label of the funnel.
        defaults: Field to the text used when its column is absent or its
            cell empty (``{"currency": "USD"}``).
        tz: The time zone of date-times: an aware value is converted to it
            and a naive one is taken as wall time in it, then the date is
            kept. ``None`` refuses date-times (a date-time's date depends on
            the zone, so it is never guessed).
        probability_scale: ``"fraction"`` for shares (``0.6``; ``60%`` is
            accepted too), ``"percent"`` for percentages (``60``, ``60.0``,
            ``60%``; above 100 is a problem).
        won_stages: Export stage values that mean won (for example HubSpot's
            ``closedwon``); such a deal is put in the funnel's won stage.
        lost_stages: Export stage values that mean lost; put in the lost outcome.
        ignore: Export headers skipped on purpose.
        unknown_columns: ``"problem"`` reports a column that maps to nothing;
            ``"ignore"`` skips it (the presets' choice: exports carry many
            columns salesfunnel has no use for).
        close_date_field: For a won or lost deal with no ``closed_on`` (nor
            ``won_on`` / ``lost_on``), the field whose date is its close date
            (Salesforce and HubSpot: ``"expected_close"``, their one close
            date); ``None`` leaves it a problem.
        name: A name for messages (the preset's name).
    """

    columns: Mapping[str, str] = attrs.field(factory=dict, converter=_target_map)
    stages: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    defaults: Mapping[str, str] = attrs.field(factory=dict, converter=_default_map)
    tz: tzinfo | None = None
    probability_scale: Literal["fraction", "percent"] = "fraction"
    won_stages: frozenset[str] = attrs.field(default=(), converter=_frozen_set)
    lost_stages: frozenset[str] = attrs.field(default=(), converter=_frozen_set)
    ignore: frozenset[str] = attrs.field(default=(), converter=_frozen_set)
    unknown_columns: Literal["problem", "ignore"] = "problem"
    close_date_field: str | None = None
    name: str = "custom"
    #: The fields the columns may map to (:data:`FIELDS` or :data:`HISTORY_FIELDS`).
    known: tuple[str, ...] = attrs.field(default=FIELDS, converter=_str_tuple)

    def __attrs_post_init__(self) -> None:
        """Check every target field and option."""
        for header, field in self.columns.items():
            if field not in self.known:
                raise UnknownFieldError(header, field, self.known)
        for field in self.defaults:
            if field not in self.known:
                raise UnknownFieldError(f"(default for {field})", field, self.known)
        if self.probability_scale not in {"fraction", "percent"}:
            msg = f"probability_scale is 'fraction' or 'percent', got {self.probability_scale!r}"
            raise InvalidMappingError(msg)
        if self.tz is not None and not isinstance(self.tz, tzinfo):
            msg = f"tz is a datetime.tzinfo such as zoneinfo.ZoneInfo('UTC'), got {self.tz!r}"
            raise InvalidMappingError(msg)

    @property
    def is_plain(self) -> bool:
        """Tell whether the mapping changes nothing (the plain file format)."""
        return self == ImportMapping(known=self.known)

    def evolve(self, **changes: object) -> ImportMapping:
        """Return a copy with ``changes``; ``columns``, ``stages``, ``defaults`` are merged in."""
        merged: dict[str, object] = dict(changes)
        for key in ("columns", "stages", "defaults"):
            if key in changes:
                extra = changes[key]
                merged[key] = {**getattr(self, key), **dict(extra or {})}  # type: ignore[call-overload]
        return attrs.evolve(self, **merged)  # type: ignore[arg-type]

    def field_of(self, header: str) -> str | None:
        """Return the field ``header`` gives, or ``None`` for no field."""
        head = header.strip()
        if head in self.columns:
            return self.columns[head]
        aliases = _ALIASES if self.known == FIELDS else _HISTORY_ALIASES
        field = aliases.get(normalise(head))
        if field is None or field not in self.known:
            return None
        if field in STATUS_FIELDS:  # outcome fields are read only when mapped by name
            return None
        return field

    def field_names(self, header: Sequence[str]) -> list[str]:
        """Return the field each header gives (the header as written when none).

        Raises:
            UnknownFieldError: Never for a built mapping (its targets are
                checked when it is built); kept in the signature for callers
                that build mappings by other means.
        """
        return [self.field_of(h) or h.strip() for h in header]

    def stage(self, value: str) -> str:
        """Return the funnel stage key for an export stage value (unmapped: as written)."""
        text = value.strip()
        return self.stages.get(text, text)

    def canonical(self, cells: Mapping[str, str], funnel: Funnel) -> Canonical:
        """Convert one row's cells (keyed by field) to the plain file format's text.

        Dates and date-times become ``YYYY-MM-DD`` (in :attr:`tz`), a
        percentage a share, the stage a key; the outcome fields decide the
        stage and ``closed_on``, and are removed. Defaults fill empty cells;
        then a deal without a name takes its id, and a closed deal without
        an expected close date takes its ``closed_on`` (before any default
        for ``expected_close``, which is for open deals).
        Problems are returned, never raised, with the field and value.
        """
        return _canonical(self, cells, funnel, None)

    def canonical_rows(self, rows: Iterable[Mapping[str, str]], funnel: Funnel) -> list[Canonical]:
        """:meth:`canonical` of each row, each distinct date and probability text converted once.

        An export repeats its dates and probabilities; a column of distinct
        texts (date-times to the second) costs a bounded table.
        """
        seen: dict[tuple[str, str], str | BadCell] = {}
        return [_canonical(self, cells, funnel, seen) for cells in rows]


@attrs.frozen
class Canonical:
    """One row in the plain format's text, and the problems found converting it.

    Attributes:
        cells: The converted cells, keyed by field.
        problems: ``(field, value, why, fix)`` for each problem.
        stage_from_outcome: ``True`` when the outcome fields set the stage
            (its stage cell was not needed).
        quiet: Fields whose later problems would only repeat these (a date
            that could not be read, and a date taken from it).
    """

    cells: Mapping[str, str]
    problems: tuple[tuple[str, str, str, str], ...]
    stage_from_outcome: bool = False
    quiet: frozenset[str] = frozenset()


_STATUS = {"open": "open", "won": "won", "lost": "lost"}


def _outcome(mapping: ImportMapping, cells: Mapping[str, str]) -> str | None:
    """Return ``open`` / ``won`` / ``lost`` from the outcome fields, or ``None``."""
    status = cells.get("status", "").strip().lower()
    if status:
        if status not in _STATUS:
            raise BadCell("is not a status", "use open, won or lost")
        return _STATUS[status]
    if "active" in cells and not to_bool(cells["active"] or "true"):
        return "lost"
    if "is_closed" in cells or "is_won" in cells:
        closed = to_bool(cells.get("is_closed", ""))
        won = to_bool(cells.get("is_won", ""))
        if won:
            return "won"
        if closed:
            return "lost"
        return "open" if "is_closed" in cells else None
    stage = cells.get("stage", "").strip()
    if stage in mapping.won_stages:
        return "won"
    if stage in mapping.lost_stages:
        return "lost"
    return None


#: The most distinct date and probability texts :meth:`ImportMapping.canonical_rows` keeps.
_SEEN_LIMIT = 50_000


def _converted(
    seen: dict[tuple[str, str], str | BadCell] | None,
    key: tuple[str, str],
    convert: Callable[[], str],
) -> str | BadCell:
    """``convert()`` (or the ``BadCell`` it raises), looked up in ``seen`` by ``key`` first."""
    found = seen.get(key) if seen is not None else None
    if found is None:
        try:
            found = convert()
        except BadCell as err:
            found = err.with_traceback(None)  # kept without the frames it was raised in
        if seen is not None:
            if len(seen) >= _SEEN_LIMIT:
                seen.clear()
            seen[key] = found
    return found


def _iso_date(text: str, tz: tzinfo | None) -> str:
    return to_date(text, tz).isoformat()


def _canonical(  # noqa: PLR0915  (one pass over the row, in the order the rules apply)
    mapping: ImportMapping,
    cells: Mapping[str, str],
    funnel: Funnel,
    seen: dict[tuple[str, str], str | BadCell] | None,
) -> Canonical:
    problems: list[tuple[str, str, str, str]] = []
    out = dict(cells.items())
    defaulted = set()
    for field, text in mapping.defaults.items():
        if not out.get(field, "").strip():
            out[field] = text
            defaulted.add(field)
    for field in DATE_FIELDS:
        text = out.get(field, "")
        if text.strip():
            day = _converted(seen, ("date", text), functools.partial(_iso_date, text, mapping.tz))
            if isinstance(day, BadCell):
                problems.append((field, text, day.why, day.fix))
                out[field] = ""
            else:
                out[field] = day
    share_text = out.get("probability", "")
    if share_text.strip():
        share = _converted(
            seen,
            ("probability", share_text),
            lambda: to_probability_text(share_text, mapping.probability_scale),
        )
        if isinstance(share, BadCell):
            problems.append(("probability", share_text, share.why, share.fix))
        else:
            out["probability"] = share
    field = "status"
    try:
        field = "active" if "active" in out and "status" not in out else "status"
        outcome = _outcome(mapping, out)
    except BadCell as err:
        bad = next(f for f in (field, "is_closed", "is_won") if f in out)
        problems.append((bad, out.get(bad, ""), err.why, err.fix))
        outcome = None
    from_outcome = False
    if outcome in {"won", "lost"}:
        from_outcome = True
        if outcome == "won" and funnel.won is None:
            problems.append(
                (
                    "stage",
                    out.get("stage", ""),
                    "is won, but the funnel has no won stage",
                    "use a funnel with a won stage",
                )
            )
        else:
            out["stage"] = funnel.lost.key if outcome == "lost" else funnel.won.key  # type: ignore[union-attr]
        when = out.get("won_on" if outcome == "won" else "lost_on", "").strip()
        if when and not out.get("closed_on", "").strip():
            out["closed_on"] = when
        if not out.get("closed_on", "").strip() and mapping.close_date_field:
            out["closed_on"] = out.get(mapping.close_date_field, "")
        if outcome == "won":
            out.pop("lost_reason", None)
    elif out.get("stage", "").strip():
        out["stage"] = mapping.stage(out["stage"])
        if outcome == "open":
            out.pop("closed_on", None)
            out.pop("lost_reason", None)
    failed = {p[0] for p in problems}
    if not out.get("name", "").strip() and out.get("id", "").strip():
        out["name"] = out["id"]  # many exports have no project name: the id names the deal
    if not out.get("expected_close", "").strip() or "expected_close" in defaulted:
        if out.get("closed_on", "").strip():
            out["expected_close"] = out["closed_on"]  # a closed deal was expected when it closed
        elif failed & {"closed_on", "won_on", "lost_on"}:
            failed.add("expected_close")
    if not out.get("closed_on", "").strip():
        out.pop("lost_reason", None)  # a reason with no close date is an open deal's leftover
    for status_field in STATUS_FIELDS:
        out.pop(status_field, None)
    if failed & {"won_on", "lost_on"}:
        failed.add("closed_on")
    return Canonical(MappingProxyType(out), tuple(problems), from_outcome, frozenset(failed))


def unmapped_stages(
    values: Iterable[str], funnel: Funnel, mapping: ImportMapping | None = None
) -> tuple[UnmappedStage, ...]:
    """Return every stage value that is no funnel stage and has no mapping, all at once.

    A value is known when the mapping maps it, or it is a stage key or an
    English or Chinese label of the funnel. Each unknown one comes with its
    row count and the closest stage keys (by :mod:`difflib`).

    >>> from salesfunnel import DEFAULT_FUNNEL
    >>> [str(s) for s in unmapped_stages(["Proposition", "intent", "Proposition"], DEFAULT_FUNNEL)]
    ["'Proposition' (2 rows; closest: recognition, project, negotiation)"]
    """
    m = mapping or ImportMapping()
    labels: set[str] = set()
    for st in (*funnel, funnel.lost):
        labels.update((st.key, st.text.en, st.text.zh))
    counts: dict[str, int] = {}
    for value in values:
        text = value.strip()
        if not text:
            continue
        if m.stage(text) in labels or text in m.won_stages or text in m.lost_stages:
            continue
        counts[text] = counts.get(text, 0) + 1
    keys = funnel.keys()
    return tuple(UnmappedStage(name, n, closest(name, keys)) for name, n in counts.items())


def check_stages(
    values: Iterable[str], funnel: Funnel, mapping: ImportMapping | None = None
) -> None:
    """Raise :class:`UnmappedStageError` listing every unmapped stage value.

    Raises:
        UnmappedStageError: If :func:`unmapped_stages` finds any.
    """
    found = unmapped_stages(values, funnel, mapping)
    if found:
        raise UnmappedStageError(found, funnel)
