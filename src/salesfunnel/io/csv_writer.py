"""Writing opportunities as CSV: the deals file, and the events file that holds their histories."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import IO

from salesfunnel.errors import FunnelError
from salesfunnel.funnel.opportunity import Opportunity
from salesfunnel.i18n import Lang, check_lang
from salesfunnel.io import _values as v
from salesfunnel.io._columns import COLUMNS, EVENT_COLUMNS, EVENT_HEADERS_ZH, HEADERS_ZH
from salesfunnel.io._events import event_rows

__all__ = ["HistoryWouldBeLostError", "has_plain_history", "write_csv"]


_MAX_IDS_SHOWN = 5


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
) -> None:
    def emit(handle: IO[str]) -> None:
        if bom:
            handle.write("\ufeff")
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows([row[c] for c in columns] for row in rows)

    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="utf-8", newline="") as handle:  # noqa: PTH123
            emit(handle)
    else:
        emit(target)


def write_csv(
    opportunities: Iterable[Opportunity],
    target: str | os.PathLike[str] | IO[str],
    *,
    events: str | os.PathLike[str] | IO[str] | None = None,
    lang: Lang = "en",
    bom: bool = False,
    drop_history: bool = False,
) -> None:
    """Write opportunities to a CSV file, and their histories to an events file.

    Reading the files back with :func:`read_csv` gives equal opportunities.
    The text is UTF-8; ``bom=True`` starts it with a byte-order mark, which
    Excel needs to show Chinese text correctly.

    Args:
        opportunities: The opportunities, written in order.
        target: A path, or an open text file (opened with ``newline=""``).
        events: Where to write the events file (stage changes and revisions).
        lang: ``"en"`` for the column names, ``"zh"`` for the Chinese headers.
        bom: Start each file with a UTF-8 byte-order mark.
        drop_history: Write without an events file even though some
            opportunities have a history (only their current state is kept).

    Raises:
        HistoryWouldBeLostError: If an opportunity has a history beyond its
            creation, or revisions, and neither ``events`` nor
            ``drop_history=True`` is given.
        UnknownLanguageError: For a ``lang`` other than ``"en"`` or ``"zh"``.

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
    _write(target, COLUMNS, headers, (_cells(o) for o in opportunities), bom=bom)
    if events is not None:
        ev_headers = (
            EVENT_COLUMNS if lang == "en" else tuple(EVENT_HEADERS_ZH[c][0] for c in EVENT_COLUMNS)
        )
        rows = (row for o in opportunities for row in event_rows(o))
        _write(events, EVENT_COLUMNS, ev_headers, rows, bom=bom)
