"""A strict CSV format for key accounts: one row per account, every problem reported.

Each row holds one key account: where it stands in its lifecycle, since when,
and the signals observed about the relationship. The columns:

| column | 中文 header (also read) | content |
|---|---|---|
| ``id`` | 编号, 客户编号 | unique id (required) |
| ``name`` | 客户名称, 名称 | the account's name (required) |
| ``stage`` | 阶段, 客户阶段 | stage key or label, English or Chinese (required) |
| ``stage_since`` | 进入阶段日期 | the date the stage was entered, ``YYYY-MM-DD`` (required) |
| ``since`` | 起始日期 | when the relationship record starts (default: ``stage_since``) |
| ``manager`` | 大客户经理 | the key-account manager |
| ``activities`` | 已完成工作 | playbook activities done: ``key`` or ``key@YYYY-MM-DD``, separated by ``;`` |
| ``notes`` | 备注, 其他 | free text |
| *a signal name* | | one column per signal (see :data:`salesfunnel.key_accounts.signals.SIGNALS`) |

Signal cells: yes/no signals take ``true``/``false``, ``yes``/``no``,
``y``/``n``, ``1``/``0`` or ``是``/``否``; numbers are plain decimals; a share
may be written ``0.35`` or ``35%``. An empty cell means *unknown*. A column
that is neither one of the columns above nor a signal is refused (a typo in
a signal name would otherwise be silently ignored); signals read by your own
evidence rules (``rules=``) are accepted too.

Reading is strict: a file with any problem imports nothing and raises one
:class:`~salesfunnel.io.problems.DataFileError` listing every problem (file,
row, column, value, why, fix); ``lenient=True`` returns the good accounts and
the problems instead. The file holds each account's current stage and its
entry date; an account's history read from it starts there.

>>> import io
>>> text = '''id,name,stage,stage_since,since,coach_found,share_of_wallet,activities
... A1,Acme,early,2026-03-01,2025-11-02,yes,35%,find_coach@2026-01-10;frequent_visits
... '''
>>> (acct,) = read_key_accounts(io.StringIO(text))
>>> acct.stage, acct.signals["share_of_wallet"], acct.activities[0].on
(<KamStage.EARLY: 'early'>, Decimal('0.35'), datetime.date(2026, 1, 10))
>>> bad = text.replace("coach_found", "coach_fund").replace("2026-03-01", "2026-13-01")
>>> read_key_accounts(io.StringIO(bad))
Traceback (most recent call last):
...
salesfunnel.io.problems.DataFileError: <stream>: 2 problems; nothing was imported:
  <stream> row 1, column coach_fund: is not a column of a key-account file nor a known signal; use id, ...
  <stream> row 2, column stage_since ('2026-13-01'): is not a calendar date in YYYY-MM-DD form; write dates as YYYY-MM-DD, for example 2026-03-31
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeVar, overload

import attrs

from salesfunnel.errors import FunnelError
from salesfunnel.funnel.records import ChangeKind, StageChange
from salesfunnel.io import _values as v
from salesfunnel.io._columns import Source, normalise, read_text
from salesfunnel.io._csv_limit import lifted_limit
from salesfunnel.io.problems import DataFileError, Problem, ReadResult
from salesfunnel.key_accounts.account import ActivityRecord, InvalidKeyAccountError, KeyAccount
from salesfunnel.key_accounts.lifecycle import KamStage
from salesfunnel.key_accounts.playbooks import find_activity
from salesfunnel.key_accounts.signals import DEFAULT_KAM_RULES, SIGNALS, KamRules, SignalKind
from salesfunnel.render import neutralise_cell, restore_cell

if TYPE_CHECKING:
    from salesfunnel.qualification import FactValue

__all__ = [
    "KEY_ACCOUNT_COLUMNS",
    "KEY_ACCOUNT_HEADERS_ZH",
    "REQUIRED_COLUMNS",
    "format_key_accounts",
    "read_key_accounts",
]

#: The fixed columns of a key-account file, in the order they are written.
KEY_ACCOUNT_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "stage",
    "stage_since",
    "since",
    "manager",
    "activities",
    "notes",
)

#: The columns every key-account file must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name", "stage", "stage_since")

#: Chinese headers accepted for each fixed column.
KEY_ACCOUNT_HEADERS_ZH: Mapping[str, tuple[str, ...]] = {
    "id": ("编号", "客户编号"),
    "name": ("客户名称", "名称"),
    "stage": ("阶段", "客户阶段"),
    "stage_since": ("进入阶段日期",),
    "since": ("起始日期",),
    "manager": ("大客户经理",),
    "activities": ("已完成工作",),
    "notes": ("备注", "其他"),
}

T = TypeVar("T")

_TRUE = frozenset({"true", "yes", "y", "1", "是", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "否", "f"})
_DATE_FIX = "write dates as YYYY-MM-DD, for example 2026-03-31"


class _Bad(Exception):  # noqa: N818  (internal signal, never escapes this module)
    def __init__(self, why: str, fix: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.fix = fix


def _date(text: str) -> date:
    try:
        return v.parse_date(text)
    except v.BadValue as err:
        raise _Bad(
            "is not a calendar date in YYYY-MM-DD form"
            if "calendar" in err.why
            else "is not a date in YYYY-MM-DD form",
            _DATE_FIX,
        ) from None


def _number(text: str) -> Decimal:
    try:
        return v.parse_percent(text)
    except v.BadValue:
        raise _Bad(
            "is not a plain number within the bounds",
            "write it like 3 or 0.35 (or 35%): ASCII digits and a decimal point, no exponent",
        ) from None


def _yes_no(text: str) -> bool:
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _Bad("is not yes or no", "write true/false, yes/no, 1/0 or 是/否 (empty: unknown)")


_RANGE_FIX = {
    SignalKind.COUNT: "write a whole number, zero or more",
    SignalKind.SHARE: "write a share between 0 and 1, such as 0.35 or 35%",
    SignalKind.RATE: "write a number, zero or more",
}


def _signal(name: str, text: str) -> FactValue:
    """Read one signal cell (not empty)."""
    signal = SIGNALS.get(name)
    if signal is None:  # a signal of the caller's own rules: infer its type
        value = text.strip().casefold()
        if value in _TRUE | _FALSE:
            return _yes_no(value)
        try:
            return _number(value)
        except _Bad:
            return text.strip()
    if signal.kind is SignalKind.YES_NO:
        return _yes_no(text)
    number = _number(text)
    try:
        signal.check(number)
    except FunnelError:
        limit = f" (at most {signal.maximum})" if signal.maximum is not None else ""
        raise _Bad(f"is out of range for {name}{limit}", _RANGE_FIX[signal.kind]) from None
    return number


def _activities(text: str) -> tuple[ActivityRecord, ...]:
    records = []
    for raw in text.split(";"):
        entry = raw.strip()
        if not entry:
            continue
        key, _, when = (part.strip() for part in entry.partition("@"))
        try:
            find_activity(key)
        except FunnelError:
            raise _Bad(
                f"names the unknown activity {key!r}",
                "use the activity keys of the playbooks (salesfunnel.playbook), "
                "optionally with @YYYY-MM-DD",
            ) from None
        records.append(ActivityRecord(key, _date(when) if when else None))
    return tuple(records)


def _aliases(extra_signals: Iterable[str]) -> dict[str, str]:
    table = {normalise(c): c for c in KEY_ACCOUNT_COLUMNS}
    for column, names in KEY_ACCOUNT_HEADERS_ZH.items():
        table.update({normalise(n): column for n in names})
    for name in (*SIGNALS, *extra_signals):
        table[normalise(name)] = name
    return table


def _stage(text: str) -> KamStage:
    try:
        return KamStage.parse(text)
    except FunnelError:
        raise _Bad(
            "is not a lifecycle stage",
            f"use one of {', '.join(s.value for s in KamStage)} (or their labels)",
        ) from None


@attrs.frozen
class _Cell:
    """Where a cell is: its line, column, the row's cells and the account id."""

    line: int
    column: str
    cells: Mapping[str, str]
    ident: str | None


class _Reader:
    """Reads one file's rows, collecting problems."""

    def __init__(self, name: str, rules: KamRules) -> None:
        self.name = name
        self.width = 0
        self.problems: list[Problem] = []
        self.extra = sorted(rules.signals() - SIGNALS.keys())
        self.aliases = _aliases(self.extra)

    def problem(
        self,
        line: int,
        column: str | None,
        value: str | None,
        why: str,
        fix: str = "",
        account_id: str | None = None,
    ) -> None:
        self.problems.append(Problem(self.name, line, column, value, why, fix, account_id))

    def header(self, cells: list[str]) -> dict[str, int] | None:
        """Map columns to cell positions; ``None`` when a required one is missing."""
        self.width = len(cells)
        columns: dict[str, int] = {}
        for i, written in enumerate(cells):
            column = self.aliases.get(normalise(written))
            if column is None:
                if not written.strip():
                    self.problem(1, f"#{i + 1}", None, "has no header", "name every column")
                    continue
                self.problem(
                    1,
                    written,
                    None,
                    "is not a column of a key-account file nor a known signal",
                    f"use {', '.join(KEY_ACCOUNT_COLUMNS)} or a signal: "
                    f"{', '.join((*SIGNALS, *self.extra))}",
                )
            elif column in columns:
                self.problem(1, written, None, f"repeats the column {column!r}", "keep one of them")
            else:
                columns[column] = i
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        for column in missing:
            self.problem(1, column, None, "is a required column and is missing", "add it")
        return None if missing else columns

    def read(self, at: _Cell, parse: Callable[[str], T], *, required: bool = False) -> T | None:
        """Parse one cell; record a problem and return ``None`` if it is bad or empty."""
        text = at.cells.get(at.column, "")
        if not text.strip():
            if required:
                self.problem(at.line, at.column, text, "is empty", "fill it in", at.ident)
            return None
        try:
            return parse(text)
        except _Bad as err:
            self.problem(at.line, at.column, text, err.why, err.fix, at.ident)
            return None

    def row(self, line: int, cells: list[str], columns: dict[str, int]) -> KeyAccount | None:
        """Build the account of one row, or record its problems and return ``None``."""
        if len(cells) > self.width:
            self.problem(
                line,
                None,
                None,
                f"has {len(cells)} cells but the header has {self.width}",
                "quote cells that contain commas",
            )
            return None
        before = len(self.problems)
        cell = {c: restore_cell(cells[i]) if i < len(cells) else "" for c, i in columns.items()}
        ident = cell["id"].strip()
        who = ident or None

        def at(column: str) -> _Cell:
            return _Cell(line, column, cell, who)

        if not ident:
            self.problem(line, "id", cell["id"], "is empty", "give every account an id")
        name = self.read(at("name"), str.strip, required=True)
        kam_stage = self.read(at("stage"), _stage, required=True)
        entered = self.read(at("stage_since"), _date, required=True)
        since = self.read(at("since"), _date)
        records = self.read(at("activities"), _activities) or ()
        signals: dict[str, FactValue] = {}
        for key in columns:
            if key not in KEY_ACCOUNT_COLUMNS:
                signals[key] = self.read(at(key), functools.partial(_signal, key))
        if len(self.problems) > before or name is None or kam_stage is None or entered is None:
            return None
        start = entered if since is None else since
        if start > entered:
            self.problem(
                line,
                "since",
                cell["since"],
                f"is after stage_since {entered}",
                "the relationship record starts on or before the stage was entered",
                who,
            )
            return None
        try:
            return KeyAccount(
                ident,
                name,
                kam_stage,
                since=start,
                manager=cell.get("manager", "").strip(),
                signals={k: v for k, v in signals.items() if v is not None},
                activities=records,
                history=(StageChange(None, kam_stage.value, entered, kind=ChangeKind.CREATE),),
                notes=cell.get("notes", "").strip(),
            )
        except InvalidKeyAccountError as err:  # the one check left: activity dates
            self.problem(
                line,
                "activities",
                cell.get("activities"),
                str(err).removeprefix(f"key account {ident!r}: ").split("; ")[0],
                "give an earlier date in the since column, or correct the activity date",
                who,
            )
            return None


def _parse(source: Source, rules: KamRules, encoding: str) -> ReadResult[KeyAccount]:
    name, text = read_text(source, encoding)
    reader = _Reader(name, rules)
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    accounts: list[KeyAccount] = []
    seen: dict[str, int] = {}
    try:
        with lifted_limit():
            columns = reader.header(next(rows))
            last = rows.line_num
            for cells in rows:
                line, last = last + 1, rows.line_num
                if not any(c.strip() for c in cells) or columns is None:
                    continue
                account = reader.row(line, cells, columns)
                if account is None:
                    continue
                if account.id in seen:
                    reader.problem(
                        line,
                        "id",
                        account.id,
                        f"repeats the id of row {seen[account.id]}",
                        "give every account its own id",
                        account.id,
                    )
                    continue
                seen[account.id] = line
                accounts.append(account)
    except csv.Error as err:
        reader.problem(
            rows.line_num or 1,
            None,
            None,
            f"the CSV text is malformed ({err})",
            'write a cell with a comma, quote or line break in "double quotes"',
        )
    return ReadResult(accounts, reader.problems)


@overload
def read_key_accounts(
    source: Source,
    *,
    rules: KamRules = DEFAULT_KAM_RULES,
    encoding: str = "utf-8",
    lenient: Literal[False] = False,
) -> tuple[KeyAccount, ...]: ...


@overload
def read_key_accounts(
    source: Source,
    *,
    rules: KamRules = DEFAULT_KAM_RULES,
    encoding: str = "utf-8",
    lenient: Literal[True],
) -> ReadResult[KeyAccount]: ...


def read_key_accounts(
    source: Source,
    *,
    rules: KamRules = DEFAULT_KAM_RULES,
    encoding: str = "utf-8",
    lenient: bool = False,
) -> tuple[KeyAccount, ...] | ReadResult[KeyAccount]:
    """Read key accounts from a CSV file (a path or an open file).

    Args:
        source: The file: a path, or an open text or binary file.
        rules: The evidence rules whose signals the file may carry besides
            the catalogue's.
        encoding: The file's encoding (UTF-8, with or without a byte-order
            mark, unless named).
        lenient: Return a :class:`~salesfunnel.io.problems.ReadResult` (the
            good accounts and every problem) instead of raising.

    Returns:
        The accounts in file order (strict), or a ``ReadResult`` (lenient).

    Raises:
        DataFileError: Listing every problem in the file (strict), or for an
            empty file.
        FileEncodingError: For a file that is not text in ``encoding``.
        OSError: If the file cannot be opened.
    """
    result = _parse(source, rules, encoding)
    if lenient:
        return result
    if result.problems:
        raise DataFileError(result.problems[0].file, result.problems)
    return result.records


def _cell(value: FactValue, *, guard: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    return neutralise_cell(str(value)) if guard else str(value)


def format_key_accounts(
    accounts: Iterable[KeyAccount], *, signals: Iterable[str] = (), raw: bool = False
) -> str:
    """Write accounts as the CSV text :func:`read_key_accounts` reads.

    The file holds each account's current stage and the date it entered it
    (the earlier history is not written), its signals (one column per signal
    used by any account, catalogue order, then ``signals``' extra names) and
    its activity records. Lines end in CR LF. A text cell that a spreadsheet
    would run as a formula (one beginning with ``=``, ``+``, ``-``, ``@``, TAB
    or CR) gets a leading ``'``, which :func:`read_key_accounts` strips again;
    ``raw=True`` writes every cell verbatim.

    >>> from datetime import date
    >>> a = KeyAccount("A1", "=1+1", "mid", since=date(2026, 1, 5), signals={"contacts": 4})
    >>> print(format_key_accounts([a]), end="")
    id,name,stage,stage_since,since,manager,activities,notes,contacts
    A1,'=1+1,mid,2026-01-05,2026-01-05,,,,4
    >>> read_key_accounts(io.StringIO(format_key_accounts([a]))) == (a,)
    True
    """
    rows = list(accounts)
    used = {k for a in rows for k, v in a.signals.items() if v is not None}
    names = [k for k in SIGNALS if k in used]
    names += [k for k in (*signals, *sorted(used - SIGNALS.keys())) if k not in names]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((*KEY_ACCOUNT_COLUMNS, *names))
    guard = not raw
    for a in rows:
        acts = ";".join(
            r.activity + (f"@{r.on.isoformat()}" if r.on is not None else "") for r in a.activities
        )
        writer.writerow(
            (
                *(_cell(t, guard=guard) for t in (a.id, a.name)),
                a.stage.value,
                a.entered.isoformat(),
                a.since.isoformat(),
                *(_cell(t, guard=guard) for t in (a.manager, acts, a.notes)),
                *(_cell(a.signals.get(k), guard=guard) for k in names),
            )
        )
    return out.getvalue()
