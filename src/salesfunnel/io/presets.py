"""Ready-made import mappings for the exports of Salesforce, HubSpot, Pipedrive and Odoo.

A preset maps an export's columns and how it says won or lost; the stage
names are the user's own (every CRM lets them be renamed), so give them with
``stages={...}`` or read into a funnel built from them with
:meth:`~salesfunnel.Funnel.from_stage_names`. A won or lost deal comes out
with ``closed_on`` and no history (open from ``created``, closed on
``closed_on``), unless a stage history is read too.

The column names were checked against the vendors' documentation (see the
how-to "Bring your CRM export" for the pages):

- **Salesforce** (Opportunity object; Opportunity field reference): the
  report labels ``Opportunity Name``/``Name``, ``Account Name``,
  ``Opportunity Owner``, ``Stage``, ``Amount``, ``Close Date``,
  ``Created Date``, ``Probability (%)``, ``Currency``, ``Closed`` and
  ``Won``, and the API names a Data Loader export writes (``Id``,
  ``StageName``, ``CloseDate``, ``CreatedDate``, ``Probability``,
  ``CurrencyIsoCode``, ``IsClosed``, ``IsWon``). ``CloseDate`` is a date,
  ``CreatedDate`` a date-time; ``Probability`` is a percent (0-100). A
  closed deal's close date is its ``CloseDate``. ``Forecast Category`` is
  skipped: Salesforce's "Best Case" is this quarter or next, which cannot be
  told from the row.
- **Salesforce OpportunityHistory** (object reference): ``OpportunityId``,
  ``StageName``, ``Amount``, ``CloseDate``, ``Probability``,
  ``CreatedDate`` (when the change was made).
- **HubSpot** (default deal properties; stage calculated properties):
  ``Record ID``, ``Deal Name``, ``Deal Stage``, ``Amount``, ``Close Date``
  (the day the deal is expected to close, or was closed), ``Create Date``,
  ``Deal owner``, ``Associated Company``, ``Deal probability`` (a share,
  0-1), ``Pipeline`` (skipped) and ``Date entered "<stage>"`` (the date and
  time the deal entered the stage) for the history. Won and lost are the
  stages ``closedwon`` / ``Closed Won`` and ``closedlost`` / ``Closed Lost``.
- **Pipedrive** (deal fields of the API: ``title``, ``value``,
  ``currency``, ``status`` open/won/lost, ``add_time``, ``won_time``,
  ``lost_time``, ``expected_close_date``, ``lost_reason``, in UTC): the
  export headers ``Deal - ID``, ``Deal - Title``, ``Deal - Value``,
  ``Deal - Currency``, ``Deal - Stage``, ``Deal - Status``, ``Deal - Owner``,
  ``Deal - Organization``, ``Deal - Expected close date``,
  ``Deal - Deal created``, ``Deal - Won time``, ``Deal - Lost time``,
  ``Deal - Lost reason``, ``Deal - Probability`` (a percent).
- **Odoo** (``crm.lead``): ``id``, ``name``, ``partner_id``, ``user_id``,
  ``stage_id``, ``expected_revenue``, ``probability`` (0-100),
  ``date_deadline``, ``create_date``, ``date_closed``, ``active``,
  ``lost_reason_id`` (``lost_reason`` before Odoo 16), ``company_currency``,
  and the labels of an export that is not import-compatible. Odoo's own
  rule: a lead is lost when ``active`` is false (and its probability 0),
  won when in a won stage (probability 100).

.. versionadded:: 0.10
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from salesfunnel.errors import FunnelError
from salesfunnel.io.mapping import HISTORY_FIELDS, ImportMapping, closest

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["PRESETS", "Preset", "UnknownPresetError", "preset"]


@attrs.frozen
class Preset:
    """An export layout: the opportunities mapping, and how its stage history is read.

    Attributes:
        name: The preset's name (``"salesforce"``, ...).
        mapping: The opportunities file's mapping.
        history: The mapping of a separate history table (Salesforce
            ``OpportunityHistory``), or ``None`` when the CRM has none.
        stage_date_columns: A pattern whose group ``stage`` finds the stage
            in a header of a "date entered" column of the opportunities file
            (HubSpot), or ``None``.
    """

    name: str
    mapping: ImportMapping
    history: ImportMapping | None = None
    stage_date_columns: re.Pattern[str] | None = None


_SALESFORCE = ImportMapping(
    name="salesforce",
    columns={
        "Id": "id",
        "Opportunity ID": "id",
        "Name": "name",
        "Opportunity Name": "name",
        "Account Name": "account",
        "Opportunity Owner": "owner",
        "Stage": "stage",
        "StageName": "stage",
        "Amount": "amount",
        "Close Date": "expected_close",
        "CloseDate": "expected_close",
        "Created Date": "created",
        "CreatedDate": "created",
        "Probability (%)": "probability",
        "Probability": "probability",
        "Currency": "currency",
        "Opportunity Currency": "currency",
        "CurrencyIsoCode": "currency",
        "Closed": "is_closed",
        "IsClosed": "is_closed",
        "Won": "is_won",
        "IsWon": "is_won",
    },
    won_stages={"Closed Won"},
    lost_stages={"Closed Lost"},
    probability_scale="percent",
    unknown_columns="ignore",
    close_date_field="expected_close",
)

_SALESFORCE_HISTORY = ImportMapping(
    name="salesforce",
    known=HISTORY_FIELDS,
    columns={
        "OpportunityId": "opportunity_id",
        "Opportunity ID": "opportunity_id",
        "StageName": "stage",
        "Stage Name": "stage",
        "CreatedDate": "on",
        "Created Date": "on",
        "Amount": "amount",
        "CloseDate": "expected_close",
        "Close Date": "expected_close",
    },
    won_stages={"Closed Won"},
    lost_stages={"Closed Lost"},
    ignore={"Id"},  # the history row's own id, not the opportunity's
    unknown_columns="ignore",
)

_HUBSPOT = ImportMapping(
    name="hubspot",
    columns={
        "Record ID": "id",
        "Deal ID": "id",
        "Deal Name": "name",
        "Associated Company": "account",
        "Deal owner": "owner",
        "Deal Stage": "stage",
        "Amount": "amount",
        "Close Date": "expected_close",
        "Create Date": "created",
        "Deal probability": "probability",
        "Currency": "currency",
        "Deal currency code": "currency",
        "Closed Lost Reason": "lost_reason",
    },
    won_stages={"closedwon", "Closed Won"},
    lost_stages={"closedlost", "Closed Lost"},
    probability_scale="fraction",
    unknown_columns="ignore",
    close_date_field="expected_close",
)

_PIPEDRIVE = ImportMapping(
    name="pipedrive",
    columns={
        "Deal - ID": "id",
        "Deal - Title": "name",
        "Deal - Value": "amount",
        "Deal - Currency": "currency",
        "Deal - Stage": "stage",
        "Deal - Status": "status",
        "Deal - Owner": "owner",
        "Deal - Organization": "account",
        "Deal - Expected close date": "expected_close",
        "Deal - Deal created": "created",
        "Deal - Won time": "won_on",
        "Deal - Lost time": "lost_on",
        "Deal - Lost reason": "lost_reason",
        "Deal - Probability": "probability",
    },
    probability_scale="percent",
    unknown_columns="ignore",
)

_ODOO = ImportMapping(
    name="odoo",
    columns={
        "id": "id",
        "ID": "id",
        "name": "name",
        "Opportunity": "name",
        "partner_id": "account",
        "Customer": "account",
        "user_id": "owner",
        "Salesperson": "owner",
        "stage_id": "stage",
        "Stage": "stage",
        "expected_revenue": "amount",
        "Expected Revenue": "amount",
        "probability": "probability",
        "Probability": "probability",
        "date_deadline": "expected_close",
        "Expected Closing": "expected_close",
        "create_date": "created",
        "Created on": "created",
        "date_closed": "closed_on",
        "Closed Date": "closed_on",
        "active": "active",
        "Active": "active",
        "lost_reason_id": "lost_reason",
        "lost_reason": "lost_reason",
        "Lost Reason": "lost_reason",
        "company_currency": "currency",
        "Currency": "currency",
    },
    won_stages={"Won"},
    probability_scale="percent",
    unknown_columns="ignore",
)

#: HubSpot's stage-entry columns: ``Date entered "Closed Won (Sales Pipeline)"``.
HUBSPOT_DATE_ENTERED = re.compile(
    r'Date entered ["\u201c]?(?P<stage>.+?)(?: \((?P<pipeline>[^()]+)\))?["\u201d]?'
)

#: The presets by name.
PRESETS: Mapping[str, Preset] = MappingProxyType(
    {
        "salesforce": Preset("salesforce", _SALESFORCE, _SALESFORCE_HISTORY),
        "hubspot": Preset("hubspot", _HUBSPOT, None, HUBSPOT_DATE_ENTERED),
        "pipedrive": Preset("pipedrive", _PIPEDRIVE),
        "odoo": Preset("odoo", _ODOO),
    }
)


class UnknownPresetError(FunnelError, LookupError):
    """A preset name that is not one of :data:`PRESETS`.

    Subclasses :class:`LookupError`: the name is looked up and not found.

    Attributes:
        name: The name asked for.
    """

    def __init__(self, name: str) -> None:
        near = closest(name, PRESETS, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        super().__init__(
            f"unknown preset {name!r}{hint}; the presets are {', '.join(PRESETS)}, or map "
            "the columns yourself with columns={...}"
        )
        self.name = name


def preset(name: str) -> Preset:
    """Return the preset called ``name`` (any case).

    >>> preset("Pipedrive").mapping.columns["Deal - Status"]
    'status'

    Raises:
        UnknownPresetError: For a name not in :data:`PRESETS`.
    """
    found = PRESETS.get(name.strip().lower())
    if found is None:
        raise UnknownPresetError(name)
    return found
