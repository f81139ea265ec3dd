"""Writing opportunities as CSV: the deals file, and the events file that holds their histories.

Text cells that a spreadsheet would run as a formula are guarded with a
leading ``'`` (:func:`salesfunnel.render.neutralise_cell`, which the reader
undoes), and a file named by its path is replaced atomically
(:func:`salesfunnel.io._atomic.atomic_write`).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO

from salesfunnel.errors import FunnelError
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.i18n import Lang, check_lang
from salesfunnel.io import _values as v
from salesfunnel.io._atomic import UnencodableTextError, atomic_write, unencodable
from salesfunnel.io._columns import COLUMNS, EVENT_COLUMNS, EVENT_HEADERS_ZH, HEADERS_ZH
from salesfunnel.io._events import event_rows
from salesfunnel.render import neutralise_cell

__all__ = ["HistoryWouldBeLostError", "has_plain_history", "write_csv"]


_MAX_IDS_SHOWN = 5

#: The columns the library writes as numbers or ISO dates, never as free text:
#: written as they are (a formula guard would only mangle them). Every other
#: column holds text a user typed (ids, names, products, reasons, notes...).
_PLAIN_COLUMNS = frozenset(
    {"created", "expected_close", "amount", "probability", "closed_on", "on"}
)


class HistoryWouldBeLostError(FunnelError, ValueError):
    """Writing opportunities with a history to CSV without an events file.

    Subclasses :class:`ValueError`: the arguments would lose data. Pass
    ``events=`` to write the histories too, or ``drop_history=True`` to write
    the current state only, on purpose.

    Attributes:
        opportunity_ids: The opportunities whose history would be lost.
    """

    def __init__(self, opportunity_ids: Sequence[str]) -> None:
        shown = ", ".join(repr(i) for i in opportunity_ids[:_MAX_IDS_SHOWN])
        extra = len(opportunity_ids) - _MAX_IDS_SHOWN
        more = f" and {extra} more" if extra > 0 else ""
        super().__init__(
            f"opportunities {shown}{more} have stage changes or revisions that a CSV "
            "file without an events file cannot hold; pass events=... to write them "
            "too, or drop_history=True to write the current state only"
        )
        self.opportunity_ids = tuple(opportunity_ids)


def _cells(opportunity: Opportunity) -> dict[str, str]:
    lines = opportunity.line_items
    single_unnamed = len(lines) == 1 and lines[0].product == ""
    return {
        "id": opportunity.id,
        "name": opportunity.name,
        "account": opportunity.account,
        "owner": opportunity.owner,
        "stage": opportunity.stage,
        "created": opportunity.created.isoformat(),
        "expected_close": opportunity.expected_close.isoformat(),
        "amount": v.format_amount(opportunity.amount),
        "currency": opportunity.currency,
        "products": "" if single_unnamed else v.format_products(lines),
        "probability": "" if opportunity.probability is None else str(opportunity.probability),
        "facts": v.format_facts(opportunity.facts),
        "closed_on": "" if opportunity.closed_on is None else opportunity.closed_on.isoformat(),
        "lost_reason": opportunity.lost_reason or "",
        "notes": opportunity.notes,
        "category_override": opportunity.category_override or "",
    }


def has_plain_history(opportunity: Opportunity) -> bool:
    """Whether the opportunity's history is exactly what a reader synthesises.

    That is :attr:`~salesfunnel.Opportunity.history_is_default` and no
    revisions: nothing an events file would need to hold.
    """
    return opportunity.history_is_default and not opportunity.revisions


def _write(
    target: str | os.PathLike[str] | IO[str],
    columns: Sequence[str],
    headers: Sequence[str],
    rows: Iterable[Mapping[str, str]],
    *,
    bom: bool,
    raw: bool,
    then: Callable[[], None] | None = None,
) -> None:
    """Write one CSV file; ``then`` runs once it is written, before a path is replaced.

    So the events file, written by ``then``, is in place before the deals file
    replaces the old one, and a failure in either leaves the old deals file.
    """
    guarded = [not raw and c not in _PLAIN_COLUMNS for c in columns]
    name = os.fspath(target) if isinstance(target, (str, os.PathLike)) else "<stream>"
    id_column = columns[0]

    def emit(handle: IO[str]) -> None:
        if bom:
            handle.write("\ufeff")
        writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(headers)
        for row in rows:
            cells = [row[c] for c in columns]
            try:
                writer.writerow(
                    [neutralise_cell(t) if g else t for t, g in zip(cells, guarded, strict=True)]
                )
            except UnicodeEncodeError as err:
                # a cell that fails alone: only whole cells are written, one row a call
                column = next(c for c in columns if not _encodes(row[c], err.encoding))
                where = f" in the {column} of opportunity {row[id_column]!r}"
                raise unencodable(name, err, where) from None
            except csv.Error:  # pragma: no cover - Python 3.10's csv module, on a NUL
                column = next(c for c in columns if "\x00" in str(row[c]))
                raise UnencodableTextError(
                    name,
                    "\x00",
                    f"{name}: cannot write '\\x00' in the {column} of opportunity "
                    f"{row[id_column]!r}: a NUL character, which the csv module of "
                    "Python 3.10 cannot write (3.11 can); remove it (the file was not changed)",
                ) from None
        if then is not None:
            then()

    if isinstance(target, (str, os.PathLike)):
        atomic_write(target, emit, encoding="utf-8", newline="")
    else:
        emit(target)


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def write_csv(
    opportunities: Iterable[Opportunity],
    target: str | os.PathLike[str] | IO[str],
    *,
    events: str | os.PathLike[str] | IO[str] | None = None,
    lang: Lang = "en",
    bom: bool = False,
    drop_history: bool = False,
    raw: bool = False,
) -> None:
    r"""Write opportunities to a CSV file, and their histories to an events file.

    Reading the files back with :func:`read_csv` gives equal opportunities.
    The text is UTF-8 with ``\r\n`` line ends; ``bom=True`` starts it with a
    byte-order mark, which Excel needs to show Chinese text correctly.

    Safe to open in a spreadsheet: a text cell (an id, name, account,
    owner, stage, product, reason, note...) that begins with ``=``, ``+``,
    ``-``, ``@``, TAB or CR gets a leading ``'``, so it shows as text and runs
    no formula (OWASP's advice against CSV injection); :func:`read_csv` takes
    the ``'`` off again. Amounts, probabilities and dates are written as they
    are. ``raw=True`` writes every cell verbatim.

    A target given by its path is written atomically: to a temporary file in
    the same folder, then renamed onto the target, so on any failure the
    previous file is unchanged. The events file is written first and the
    deals file is replaced after it; a failure in either leaves the deals
    file as it was. An open file is written to as it is.

    Args:
        opportunities: The opportunities, written in order.
        target: A path, or an open text file (opened with ``newline=""``).
        events: Where to write the events file (stage changes and revisions).
        lang: ``"en"`` for the column names, ``"zh"`` for the Chinese headers.
        bom: Start each file with a UTF-8 byte-order mark.
        drop_history: Write without an events file even though some
            opportunities have a history (only their current state is kept).
        raw: Write text cells verbatim, without the formula guard (for a
            program that will never open the file in a spreadsheet).

    Raises:
        HistoryWouldBeLostError: If an opportunity has a history beyond its
            creation, or revisions, and neither ``events`` nor
            ``drop_history=True`` is given.
        UnknownLanguageError: For a ``lang`` other than ``"en"`` or ``"zh"``.
        UnencodableTextError: For text no UTF-8 file can hold (a lone
            surrogate such as ``"\ud800"``), naming the opportunity and column.
        OSError: When a file cannot be written.

    >>> import io
    >>> from datetime import date
    >>> deal = Opportunity(
    ...     id="D1",
    ...     name="CRM",
    ...     account="Acme",
    ...     owner="Ann",
    ...     stage="potential",
    ...     created=date(2026, 1, 5),
    ...     expected_close=date(2026, 6, 30),
    ...     line_items={"CRM": "50000", "Support": "5000"},
    ...     currency="EUR",
    ... )
    >>> from salesfunnel.io import read_csv
    >>> out = io.StringIO()
    >>> write_csv([deal], out, lang="zh")
    >>> print(out.getvalue().splitlines()[0])
    编号,项目名称,客户,项目经理,阶段,创建日期,预计成交日期,金额,币种,提供的产品,概率,资格事实,结束日期,丢单原因,其他,预测类别
    >>> read_csv(io.StringIO(out.getvalue())) == (deal,)
    True
    """
    lang = check_lang(lang)
    opportunities = tuple(opportunities)
    if events is None and not drop_history:
        lost = [o.id for o in opportunities if not has_plain_history(o)]
        if lost:
            raise HistoryWouldBeLostError(lost)
    headers = COLUMNS if lang == "en" else tuple(HEADERS_ZH[c][0] for c in COLUMNS)
    then = None
    if events is not None:
        ev_target = events
        ev_headers = (
            EVENT_COLUMNS if lang == "en" else tuple(EVENT_HEADERS_ZH[c][0] for c in EVENT_COLUMNS)
        )
        ev_rows = (row for o in opportunities for row in event_rows(o))

        def then() -> None:
            _write(ev_target, EVENT_COLUMNS, ev_headers, ev_rows, bom=bom, raw=raw)

    _write(
        target, COLUMNS, headers, (_cells(o) for o in opportunities), bom=bom, raw=raw, then=then
    )
