"""Every data-file problem has a Chinese text: the catalogue, and the problems readers write."""

from __future__ import annotations

import io
import itertools
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.errors import FunnelError, UnknownLanguageError
from salesfunnel.io import loads, read_csv
from salesfunnel.io.key_accounts import read_key_accounts
from salesfunnel.io.problem_texts import TEMPLATES, Template, translate
from salesfunnel.io.problems import DataFileError, Problem
from tests.fuzz.test_csv import EVENTS, FUZZ, MAIN, mutated, mutated_bytes
from tests.fuzz.test_json import documents
from tests.fuzz.test_key_accounts import TEXT as KAM
from tests.io.test_presets import CASES, CRM

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Chinese characters or full-width punctuation.
_CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
_FIELD = re.compile(r"\{(\w+)(?::(\w+))?\}")

#: What a field of each kind is filled with in a template's example (English, Chinese).
_FILLS = {
    "q": ("'X{}X'", "'X{}X'"),
    "num": ("7", "7"),
    "val": ("X{}X", "X{}X"),
    "msg": ("is empty", "为空"),
    "list": ("is empty, is missing", "为空，缺失"),
}


def _filled(template: Template, text: str, lang: int) -> str:
    kinds = template.kinds
    return _FIELD.sub(
        lambda m: _FILLS.get(kinds[m.group(1)] or "", ("X{}X", "X{}X"))[lang].format(m.group(1)),
        text,
    )


#: The distinct texts the readers and the document codecs write in the test
#: suite (one of each template, and of each way templates combine), each of
#: which has a Chinese text.
WRITTEN = (
    "'-1' is not a whole number",
    "'0' is not a positive whole number",
    "'n' is not a int",
    "'needs' is not a list of fact keys",
    "'yes' is not a stage mark",
    "1 stage name has no mapping: '-1' (1 row)",
    "2 stage columns are marked",
    "2 stage names have no mapping: 'Prop' (2 rows; closest: project), 'Nego' (1 row; closest: negotiation, intent)",
    "AtLeast(3, ...) over 1 rules can never be decided sensibly; choose n between 1 and 1",
    "a category rule cannot assign 'booked': only a won deal is booked; use commit for deals that are certain",
    "a criterion has no text",
    "a rule is not a JSON object",
    "a rule reference has unknown keys: stict (its keys are ref)",
    "a salesfunnel/funnel document holds 'schema', 'version' and 'funnel'; 'funnel' is missing",
    "a salesfunnel/funnel document holds 'schema', 'version' and 'funnel'; unknown keys: x",
    "a threshold is 0 days or more",
    "a weight is a share",
    "a won deal is final",
    "activities[0] ('find_coach') is dated 2025-01-01, before the relationship record starts on 2025-12-01",
    "add a column 'Foo', map one with columns={'<header>': 'owner'} (--map '<header>=owner'), or give a default with defaults={'owner': '...'} (--default owner=...)",
    "add a column 'currency', map one with columns={'<header>': 'currency'}, or give a default with defaults={'currency': '...'}",
    "add a column 'id' (or one of its aliases)",
    "add an 'amount' column (or map one with columns={'<header>': 'amount'}), or 'products' with NAME=AMOUNT entries",
    "add an 'amount' column, or 'products' with NAME=AMOUNT entries",
    "add an amount column, map one with columns={'<header>': 'amount'} (--map '<header>=amount'), or give products with NAME=AMOUNT entries",
    "add it",
    "add the deal to the deals file, or remove its history rows",
    "add the missing change to the history, or correct the deals file",
    "add the opportunity, or remove its events",
    "amount of product 'ERP' is negative",
    "amount: Decimal('-1') is negative; amounts are zero or more (record a refund as its own deal)",
    "amounts are zero or more; record a refund as its own deal",
    "an account that passes the wall is on the sales platform or higher",
    "are not ascending",
    "are not counts of customers rising to the 4 customers",
    "books a deal that is not won",
    "both an events file and a stage history were given",
    "buying steps run backwards: 'intent' is 'decision' but the later stage 'project' is 'evaluation'; later stages map to the same or a later step",
    "check for a missing or extra comma, or an unquoted comma in a cell",
    "check the JSON syntax",
    "check the dates, or validate with a later --cutoff",
    "check the encoding the file was saved in; UTF-8 is the default",
    'check the quoting: a cell with a comma, quote or line break is written in "double quotes", with "" for a quote inside',
    "column 3 has values but no header",
    "correct it, or classify the customer again with salesfunnel",
    "correct it, or compute the result again with salesfunnel",
    "correct it, or write the scorecard again with salesfunnel",
    "correct or remove the row, or the one that won the deal",
    "correct the amount or the products, or leave the amount empty",
    "correct the amount or the reprice's new line items",
    "correct the amounts, or write the waterfall again with salesfunnel",
    "correct the class, or write the result again with salesfunnel",
    "correct the date, or the deal's created date",
    "correct the expected close date or the reschedule's new date",
    "correct the figures, or write the forecast again with salesfunnel",
    "count the deals, 0 or more",
    "criterion test type 'regex' is unknown",
    "customer 'Huaxin', loyalty: 9 is outside the scale (rating 1..5)",
    "customer 'b': float 3.5 mixed with Decimal figures; money is exact, so give every figure as Decimal (or every figure as float for non-money measures)",
    "customer 'b': the figure Decimal('-3') is negative; ABC analysis needs figures of zero or more (record a loss-making customer as 0, or analyse losses separately)",
    "deal 'D1' has 2 line items; a change of its total amount cannot say which one changed",
    "disagrees with the last reprice in the events file (90000)",
    "disagrees with the last reschedule in the events file (2026-07-31)",
    "do not add up: opening 4447106.82 plus the changes is not closing 1",
    "does not add up: its cells give count 1, amount 100000 and weighted 80000.0",
    "does not follow from the verdicts, which give 'profit_contributor'",
    "drop it, or fill it in",
    "duplicated id: also at $.opportunities[0]",
    "duplicated id: also on row 0",
    "each part of the heat is a share",
    "ends with a lone backslash",
    "every opportunity needs a name: fill it in, or give a default with defaults={'name': '...'} (--default name=...)",
    "every opportunity needs an id: fill it in, or give a default with defaults={'id': '...'} (--default id=...)",
    "export dates in ISO 8601 form, such as 2026-03-31 or 2026-03-31T10:22:31Z",
    "export it with a header row (see the column set in the data-formats docs)",
    "fact 'a': [1] is not a fact value; a fact has an empty key; fact 'd': 'x' is not a decimal number (plain ASCII, within the bounds)",
    "fact 'x': [1] is not a fact value",
    "fill it in",
    "fix it",
    "give 1 to 30 places",
    "give NAME=AMOUNT entries, or add an amount column",
    "give a Boundary",
    "give a finite value, or leave it empty",
    "give a percentage from 0 to 100, such as 60 or 60%",
    'give a period object or a label such as "2026Q3"',
    "give a share such as 0.6",
    "give a share such as 0.6 or a percentage such as 60%",
    "give a smaller or rounder amount",
    "give a stage key: target_segment, potential, intent, project, recognition, negotiation, closed, lost",
    "give an earlier date in the since column, or correct the activity date",
    "give both languages as strings",
    "give every account an id",
    "give every account its own id",
    "give every key once in an object; a reader would otherwise keep only one of them",
    "give every opportunity its own id",
    "give it a header or delete it",
    "give its text in 'en' and 'zh'",
    "give one contribution per criterion, in the scorecard's order",
    "give one count per class",
    "give one key per grouping",
    "give one point per weight",
    "give one result per criterion, in the same order",
    "give one total per trial",
    "give the date of the change",
    "give the fact keys as strings",
    "give the histories one way: events=... (salesfunnel's own file) or history=... (a CRM's stage history)",
    "give the id of the deal the change belongs to",
    "give the id of the opportunity the event belongs to",
    "give the items as a JSON array",
    "give the line items as NAME=AMOUNT;NAME=AMOUNT",
    "give the masses",
    "give the masses' sum",
    "give the points from the lowest up",
    "give the stage entered: A, B, C, D, Won, Lost",
    "give, per class, how many top-ranked customers are in it or a better class",
    "gives name a second time (also column 'name')",
    "gives no amount for product 'X'",
    "has 'colour=red', not probability=... or category=...",
    "has 1 cells but the header has 9",
    "has 1 results for 2 criteria",
    "has 2 entries; this analysis has 3 classes",
    "has 2 key(s), but the forecast is grouped by ['owner']",
    "has 2 points for 4 weights",
    "has 4 totals for 5 trials",
    "has NaN, which is not a finite number",
    "has a thousands separator or a decimal comma",
    "has an empty entry",
    "has an integer of 5000 digits",
    "has events but no opportunity in the opportunities file",
    "has more than 60 digits",
    "has more than one '=' in 'E=R=100000'",
    "has no 'type'",
    "has no 'type' of 'reschedule', 'reprice' or 'override'",
    "has no header",
    "has unknown keys: a",
    "heat weights: at least one weight must be above 0",
    "history of deal 'D1' does not chain: it ends in 'A', but the deals file has the deal in 'B'",
    "history of deal 'D1' does not chain: it moves out of the won stage 'Won', and a won deal is final",
    "history of deal 'D1' ends with amount 900, but the deals file gives 1000",
    "history of deal 'D1' ends with close date 2026-05-31, but the deals file gives 2026-06-30",
    "history of deal 'D1' starts on 2025-01-01, before the deal was created on 2026-01-05",
    "history of opportunity 'D1' does not chain: its first stage change is 'advance', not 'create'",
    "history of opportunity 'D1' does not chain: this row moves from 'intent' but the previous stage change (row 2) moved to 'potential'",
    "history of opportunity 'D1' goes back in time: 2026-01-04 is before the previous stage change on 2026-01-06 (row 3)",
    "history of opportunity 'D1' has a second 'create' row (first on row 2)",
    "history of opportunity 'D1': a 'advance' moves out of 'lost', which is lost; only an open deal moves so",
    "history of opportunity 'D1': an 'advance' skips no stage, but lists project",
    "history row for an unknown deal 'X': the deals file has no deal with this id",
    "hold Decimal objects, whole numbers, floats (read through their shortest repr), or text such as 120000.50",
    "hold dates, date-times or ISO text such as 2026-03-31; parse other text first (pandas: pd.to_datetime(df[c], format=...); polars: pl.col(c).str.to_date(format))",
    "hold text in this column (pandas: df[c].astype(str); polars: pl.col(c).cast(pl.String))",
    "holds a lone surrogate (such as \\ud800), which is not text",
    "holds a value that is not a close window",
    "holds a value that is not a fact",
    "in Excel use Save As, 'CSV UTF-8 (Comma delimited)'",
    "invalid funnel: probability falls from 'potential' (0.1) to 'intent' (0.05); it must not decrease up the ladder",
    "is 'B', but the figures and cuts put 'a' in 'A'",
    "is 1, but its place and score give rank 2",
    "is 2, above the pipeline 1; a weighted value never exceeds the amounts it weighs",
    "is 4, not between p10 5 and p90 6",
    "is Decimal('1'), not a rate in [0, 1)",
    "is a AllOf, not a Criterion",
    "is a JSON number with a fraction, which is not exact",
    "is a bool, not a Funnel object",
    "is a date-time with no time zone, and no time zone was given",
    "is a key with a lone surrogate, which is not text",
    "is a list, not a date",
    "is a required column and is missing",
    "is after stage_since 2026-01-01",
    "is an aware date-time, and no time zone was given",
    "is an integer of more than 40 digits",
    "is below the sales platform, but the wall passed",
    "is empty",
    "is empty or names a key that is not a criterion of the scorecard",
    "is empty or repeats a criterion",
    "is given only for accounts on the purchase and key-customer platforms",
    "is higher than the one before",
    "is inf, not a finite number",
    "is infinite, not a number",
    "is int, not a date",
    "is int, not text",
    "is list, not a number",
    "is longer than 65536 characters",
    "is missing",
    "is negative",
    "is negative (-1)",
    "is not 0, but new_deals is 0",
    "is not a Boundary",
    "is not a JSON object",
    "is not a [first, last] pair of dates",
    "is not a calendar date (month must be in 1..12)",
    "is not a calendar date in YYYY-MM-DD form",
    "is not a column of a key-account file nor a known signal",
    "is not a date (YYYY-MM-DD) or an ISO date-time (YYYY-MM-DD HH:MM:SS)",
    "is not a date in YYYY-MM-DD form",
    "is not a document of Funnel",
    "is not a finite number",
    "is not a lifecycle stage",
    "is not a list",
    "is not a list of [from, to] stage-key pairs",
    "is not a number",
    "is not a number in plain notation (ASCII digits, an optional sign and decimal point; no separators, exponent, NaN or infinity)",
    "is not a number of stays (1 or more)",
    "is not a percentage",
    "is not a plain number within the bounds",
    "is not a positive number of trials",
    "is not a rank (1 or more)",
    "is not a salesfunnel document schema",
    "is not a schema version (a whole number from 1)",
    "is not a stage of the funnel",
    "is not a status",
    "is not a whole number from 1 to 30",
    "is not above the threshold of 45 days, so the deal is not stale",
    "is not an ISO 4217 currency code",
    "is not an event kind",
    "is not between 0 and the total",
    "is not empty",
    "is not in [0, 100]",
    "is not in [0, 1]",
    "is not one of 'start', 'end'",
    "is not the sum of the contributions",
    "is not the sum of the products' amounts (120000)",
    "is not true or false",
    "is not used by a 'create' row",
    "is not valid JSON (Invalid control character at at character 388)",
    "is not weight × normalised (0.3333333333333333)",
    "is not yes or no",
    "is null exactly when no deal spent time in the stage",
    "is null exactly when no deal was won",
    "is null, but a quarter is needed",
    "is null, not a rule",
    'is null; fixed ABC has "before" or "inclusive"',
    "is out of bounds: '1111111111111111111' has more than 18 integer digits; amounts are below a quintillion",
    "is out of order",
    "is out of range for buying_roles_covered (at most 4)",
    "is out of range for share_of_wallet",
    "is outside 0 to 100 percent",
    "is outside [0, 1] (0 % to 100 %)",
    "is the sales platform, but the wall did not pass",
    "is won, but the funnel has no won stage",
    "judge each type once",
    "keep exactly those keys",
    "keep one 'create' row, the first",
    "keep one of the two",
    "keep one of the two columns",
    "keep one of them",
    "key account 'KA1': history ends in 'early' but the stage is 'mid'; move the account with advance/regress/uncouple/resume to keep them in step",
    "leave it empty",
    "leave skipped empty",
    "leave skipped empty, or write kind 'skip'",
    "list each opportunity's events oldest first",
    "list the accounts by platform (highest first), then by name",
    "map each to a stage of the funnel (A, B, C, D, Won, Lost), for example stages={'??': 'A'} (command line: --stage-map '??=A'), or build the funnel from the export's names with Funnel.from_stage_names([...], won=..., lost=...)",
    "mark exactly one stage: the current one",
    "mark the current stage with ●",
    "name each criterion once",
    "name each stage once",
    "name each window once",
    "name every column",
    "name the criteria ['sales_amount', 'loyalty'], but the scorecard's are ['sales_amount', 'loyalty', 'churn']",
    "names a product without an amount, and the amount column is empty",
    "names no forecast category ('bogus')",
    "names the unknown activity 'joint_plan'",
    "nests deeper than 64 levels",
    "nests objects or lists; facts are flat",
    "no stage column is marked",
    "opportunity '2': is won ('Won') but has no closed_on date; give the date it closed",
    "opportunity 'A' has a change dated 2026-01-01, after the cutoff 2025-12-31",
    "opportunity 'D1': a lost_reason needs the closed_on date it was lost on",
    "opportunity 'D1': expected_close 2020-01-01 is before created 2026-01-05; a deal cannot close before it exists",
    "opportunity 'D1': history ends in 'potential' but the stage is 'intent'; move the opportunity with the stage machine to keep them in step",
    "opportunity 'D1': line items add up to 1 but amount is 50000.50; leave amount out to use the sum of the lines",
    "opportunity 'D2': is open in 'potential' but has closed_on 2026-03-01; clear it or set the stage",
    "opportunity 'D4' is in unknown stage 'Won'; this funnel has: target_segment, potential, intent, project, recognition, negotiation, closed, lost",
    "pass tz=... (a datetime.tzinfo such as zoneinfo.ZoneInfo('Europe/Berlin'); command line: --tz Europe/Berlin), the zone the dates are to be counted in",
    "profile 'Orion': profit_share is 2, outside 0..1",
    "quarter 5: a fiscal year has quarters 1-4",
    "quote cells that contain commas",
    "rank is 1 + the number of customers with a strictly higher score",
    "rate EUR->CNY on 2020-01-01 is zero; give how many CNY one EUR is worth",
    "read the document with the function for its schema",
    "read the file with the funnel of its stages (--stages or --funnel)",
    "record the change with reprice(...) on the line items",
    "remove them, or check their spelling",
    "repeats a (bucket, category) cell",
    "repeats a close window",
    "repeats a criterion key",
    "repeats a customer",
    "repeats a grouping",
    "repeats a stage key",
    "repeats a type",
    "repeats an account",
    "repeats the column 'name'",
    "repeats the id of row 2",
    "repeats the key 'id'",
    "required column is missing",
    "revisions of opportunity 'D1' go back in time: 2026-01-08 is before the previous revision on 2026-01-09 (row 5)",
    "rule 'wall' has no criterion 'nope' (its criteria: fits_target_profile, real_need, first_contact_made, sound_finances); write the criterion out in full, or name the rule that holds it",
    "rule type 'xor' is unknown",
    "run 1 trial or more",
    "save the file as UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)'), or name its encoding: encoding='cp1252' (command line: --encoding cp1252)",
    "say why the deal moved back",
    "screen each account once",
    "see the JSON schema in the data-formats docs",
    "see the result documents in the data-formats docs",
    "see the rule forms in the data-formats docs",
    "separate names with single semicolons: a;b",
    "set from_stage to 'project', or add the missing change in between",
    "set it to null, or correct the platform",
    "set to_stage to 'lost', or write the move's own kind",
    "split it into smaller documents",
    "start each history with a 'create' row (from_stage empty)",
    "text is not {'en': ..., 'zh': ...}",
    "the CSV text is malformed (',' expected after '\"')",
    "the JSON text is malformed: Extra data (line 14, column 2)",
    "the document holds NaN, which is not a JSON number",
    "the document is empty",
    "the document is longer than 10 characters (64 MiB)",
    "the document is not a JSON object",
    "the document nests arrays and objects deeper than 64 levels",
    "the file cannot be read as no-such-codec: unknown encoding: no-such-codec",
    "the file is UTF-16 text (it starts with a UTF-16 byte-order mark), not UTF-8",
    "the file is an Excel workbook (or another zip archive), not CSV text",
    "the file is empty",
    "the file is larger than 40 bytes",
    "the file is not UTF-8 (byte 0x80 on line 1 is not valid UTF-8); it looks like UTF-16 without a byte-order mark",
    "the file is not UTF-8 (byte 0x80 on line 1 is not valid UTF-8); it may be in a legacy encoding such as cp1252",
    "the file is not UTF-8 (byte 0xa4 on line 1 is not valid UTF-8); it looks like GBK/GB18030, the default of Chinese Excel",
    "the file seems to be separated by ';' or tabs: save it with commas; the known columns are id, name, account, owner, stage, created, expected_close, amount, currency, products, probability, facts, closed_on, lost_reason, notes, category_override; rename it, or skip it on purpose (ignore=['id;name;account;owner;stage;created;expected_close;amount;currency;products'], --ignore 'id;name;account;owner;stage;created;expected_close;amount;currency;products')",
    "the grand total has group []",
    "the heat runs from 0 to 100",
    "the known columns are opportunity_id, kind, on, from_stage, to_stage, reason, skipped, forced, old, new; rename it, or skip it on purpose (ignore=['b'], --ignore 'b')",
    "the relationship record starts on or before the stage was entered",
    "the row is empty",
    "the stage is given both as a column and as marked stage columns",
    "this document is salesfunnel/waterfall version 4, but this version of salesfunnel reads up to version 1",
    "threshold limit 'x' is not a number in plain notation (ASCII digits, an optional sign and decimal point; no separators, exponent, NaN or infinity)",
    "thresholds must increase: Decimal('0.9') is followed by Decimal('0.5'); give them in order, e.g. (0.8, 0.95)",
    "unknown column",
    "unknown criterion reference 'zzz'; write the criterion out in full, or register a rule holding it",
    "unknown rule reference 'x'; register it with DEFAULT_REGISTRY.with_rules({'x': rule}) and pass registry=... (known: potential, potential.information, potential.evaluation, intent, project, recognition, negotiation, closed, wall, kam.early, kam.mid, kam.partnership, kam.synergistic, kam.uncoupling, key_customer.profit_contributor, key_customer.brand_problem, key_customer.loyal_long_standing, key_customer.small_growth, key_customer.changing_new)",
    "unknown stage 'A'; this funnel has: B, Won, Lost",
    "upgrade salesfunnel, or write the document with version 1",
    'use ["owner"], ["product"] or both',
    "use a funnel with a won stage",
    "use a string or an integer",
    "use criterion, all_of, any_of, at_least or not, or a ref",
    "use fact, threshold or below",
    "use id, name, stage, stage_since, since, manager, activities, notes or a signal: contacts, buying_roles_covered, coach_found, visits_per_month, functions_in_contact, senior_management_contact, trial_order, proposal_given, contract_signed, share_of_wallet, preferred_supplier, sole_supplier, csi_in_place, information_sharing, joint_planning, integrated_processes, shared_cost_reduction, key_account_team, exit_notice",
    "use one of 'start', 'end'",
    "use one of commit, upside_this_quarter, upside_next_quarter, pipeline, omitted, or a CRM name such as 'Best Case'; leave it empty for none",
    "use one of pre_kam, early, mid, partnership, synergistic, uncoupling (or their labels)",
    "use open, won or lost",
    "use some of earlier, this_quarter, next_quarter, later",
    "use the activity keys of the playbooks (salesfunnel.playbook), optionally with @YYYY-MM-DD",
    "use three letters such as CNY, USD or EUR",
    "win it (closed stage and closed_on), or use 'commit'",
    'write "version": 1',
    "write NAME=AMOUNT, or fill the amount column",
    "write \\\\ for a backslash in a name",
    'write a cell with a comma, quote or line break in "double quotes"',
    "write a finite number, or null for none",
    "write a salesfunnel JSON document",
    "write a share between 0 and 1, such as 0.35 or 35%",
    'write a three-letter code such as "CNY"',
    "write a whole number, zero or more",
    "write an ISO 4217 code",
    "write dates as YYYY-MM-DD, for example 2026-03-31",
    'write exact numbers as decimal strings, such as "0.6"',
    'write exact numbers as strings ("0.12"), or as JSON numbers',
    'write facts as a JSON object, such as {"budget": true, "odds": 0.6}; exact decimals as {"decimal": "0.6"}, dates as {"date": "2026-03-31"}',
    'write it as a string such as "120000.50"',
    'write it in plain notation, ASCII digits and a decimal point, like "120000.50"',
    'write it like "0.12"',
    'write it like "0.5"',
    'write it like "1200.50"',
    "write it like 120000.50: ASCII digits and a decimal point, no currency sign, separator or exponent",
    "write it like 3 or 0.35 (or 35%): ASCII digits and a decimal point, no exponent",
    "write kind 'advance'",
    "write kind 'advance' or 'skip' for a move up, 'lose' for a loss",
    "write kind 'lose'",
    "write kind 'regress' (with a reason) for a move back",
    "write kind 'reopen'",
    "write kind 'skip' with skipped 'intent'",
    'write large numbers as decimal strings within the bounds, such as "120000.50"',
    'write masses as strings of digits, such as "1024"',
    'write money and probabilities as strings, such as "0.6" or "120000.50"',
    'write money as a string ("1200.50"), counts as whole numbers, measures as numbers',
    'write money as a string ("1200.50"), fractions as "1/3", ratings and counts as numbers',
    'write numbers as strings, such as "120000.50"',
    "write products as NAME=AMOUNT separated by semicolons, such as ERP=1000;CRM=200",
    "write products as NAME=AMOUNT separated by semicolons, such as ERP=1000;CRM=200 (write \\= inside a name)",
    "write skipped 'intent;project'",
    "write the document with salesfunnel, or check what wrote it",
    "write the move's own kind",
    "write the move's own kind (advance, skip, lose)",
    "write the number without separators and with a decimal point, such as 1234567.50",
    "write the overrides as probability=SHARE;category=CATEGORY, either part empty for none, such as probability=0.8;category=commit",
    "write true or false (1 or 0)",
    "write true, false, or leave it empty (false)",
    "write true/false, yes/no, 1/0 or 是/否 (empty: unknown)",
    "write {'schema': ..., 'version': ..., ...} with one of salesfunnel/opportunities, salesfunnel/opportunity, salesfunnel/funnel, salesfunnel/verdict, salesfunnel/forecast, salesfunnel/waterfall, salesfunnel/slippage, salesfunnel/slippage-report, salesfunnel/quota-result, salesfunnel/quota-results, salesfunnel/outcome-distribution, salesfunnel/simulation, salesfunnel/abc-result, salesfunnel/combined-abc, salesfunnel/key-account, salesfunnel/key-accounts, salesfunnel/assessment, salesfunnel/next-step, salesfunnel/next-steps, salesfunnel/loyalty-model, salesfunnel/learned-probabilities, salesfunnel/exchange-rates, salesfunnel/fiscal-calendar, salesfunnel/conversion-table, salesfunnel/funnel-summary, salesfunnel/calibration, salesfunnel/backtest, salesfunnel/retention-effect, salesfunnel/scorecard, salesfunnel/scored-account, salesfunnel/customer-profile, salesfunnel/customer-profiles, salesfunnel/key-customer-thresholds, salesfunnel/key-customer-classification, salesfunnel/key-customer-classifications, salesfunnel/account-evidence, salesfunnel/accounts-evidence, salesfunnel/screening, salesfunnel/screening-report, salesfunnel/buying-map, salesfunnel/deal-heat, salesfunnel/deal-heats, salesfunnel/heat-weights, salesfunnel/stale-deal, salesfunnel/stale-deals, salesfunnel/stage-time, salesfunnel/stage-durations, salesfunnel/time-in-stages, salesfunnel/cycle-stats, salesfunnel/velocity, salesfunnel/additional-business, salesfunnel/category-policy, salesfunnel/quota, salesfunnel/forecast-submission, salesfunnel/forecast-submissions, salesfunnel/submission-review, salesfunnel/quotas, salesfunnel/kam-rules, salesfunnel/playbook, salesfunnel/playbooks, salesfunnel/rule",
)

#: Texts in Chinese as a sales-operations analyst reads them.
IN_CHINESE = {
    "is empty": "为空",
    "is not a date in YYYY-MM-DD form": "不是 YYYY-MM-DD 格式的日期",
    "add a column 'owner' (or one of its aliases)": "请添加列 'owner'（或它的别名之一）",
    "duplicated id: also on row 3": "编号重复：第 3 行也用了这个编号",
    "opportunity 'D1': expected_close 2025-06-30 is before created 2026-01-05; "
    "a deal cannot close before it exists": "商机 'D1'：expected_close 2025-06-30 早于 "
    "created 2026-01-05；商机不能在创建之前成交",
    "history of opportunity 'D1': a 'skip' from 'potential' to 'intent' passes no stage": (
        "商机 'D1' 的历史记录：从 'potential' 到 'intent' 的 'skip' 没有越过任何阶段"
    ),
    "2 stage names have no mapping: 'Prop' (2 rows; closest: project), "
    "'Nego' (1 row; closest: negotiation, intent)": "有 2 个阶段名称没有映射："
    "'Prop'（2 行；最接近：project），'Nego'（1 行；最接近：negotiation, intent）",
    "the file is not UTF-8 (byte 0xb1 on line 1 is not valid UTF-8); "
    "it looks like GBK/GB18030, the default of Chinese Excel": "文件不是 UTF-8 编码"
    "（第 1 行的字节 0xb1 不是有效的 UTF-8）；看起来是 GBK/GB18030，即中文版 Excel 的默认编码",
    "unknown column": "未知的列",
    "the known columns are id, name; rename it, or skip it on purpose "
    "(ignore=['a; b'], --ignore 'a; b')": "已知的列有：id, name；请改用已知的列名，或明确忽略该列"
    "（ignore=['a; b']，--ignore 'a; b'）",
    "a salesfunnel/funnel document holds 'schema', 'version' and 'funnel'; unknown keys: x": (
        "salesfunnel/funnel 文档只含 'schema'、'version' 和 'funnel' 三个键；未知的键：x"
    ),
    "is a string, not a Funnel object": "是字符串，不是 Funnel 对象",
    "is not a KamStage": "不是有效的 KamStage",
    "the JSON text is malformed: Expecting value (line 1, column 1)": (
        "JSON 文本格式有误：应为一个值（第 1 行第 1 列）"
    ),
    "is not a calendar date (an odd detail)": "不是有效的日历日期（an odd detail）",
}


class TestCatalogue:
    @pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.en[:40])
    def test_each_template_has_a_chinese_text_with_its_fields(self, template):
        """The Chinese text is Chinese and has the same fields as the English one."""
        assert _CHINESE.search(template.zh), template
        assert {m.group(1) for m in _FIELD.finditer(template.zh)} == set(template.fields), template
        assert all(m.group(2) is None for m in _FIELD.finditer(template.zh)), template

    @pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.en[:40])
    def test_each_template_is_reached(self, template):
        """No earlier template takes a template's own text (the order is from particular to general)."""
        assert translate(_filled(template, template.en, 0), "zh") == _filled(
            template, template.zh, 1
        )

    @pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.en[:40])
    def test_fields_never_touch(self, template):
        """Literal text stands between any two fields, so each field's end can be found."""
        segments = template.segments()
        assert all(
            isinstance(a, str) or isinstance(b, str) for a, b in itertools.pairwise(segments)
        ), template

    @pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.en[:40])
    def test_chinese_punctuation(self, template):
        """Chinese text uses full-width punctuation; ASCII marks stay inside code only."""
        assert not re.search(r"[\u4e00-\u9fff][,;:!?]|[,;!?][\u4e00-\u9fff]", template.zh), template
        assert not re.search(r"[\u4e00-\u9fff]\(|\)[\u4e00-\u9fff]", template.zh), template

    def test_each_english_text_once(self):
        english = [t.en for t in TEMPLATES]
        assert len(english) == len(set(english))

    def test_languages(self):
        assert translate("", "zh") == ""
        assert translate("is empty; fill it in", "zh") == "为空；请填写"
        assert translate("is empty; no such text", "zh") is None
        assert translate("is empty", "en") == "is empty"
        with pytest.raises(UnknownLanguageError):
            translate("is empty", "fr")  # type: ignore[arg-type]

    @pytest.mark.parametrize(("english", "chinese"), sorted(IN_CHINESE.items()))
    def test_in_chinese(self, english, chinese):
        assert translate(english, "zh") == chinese

    def test_a_field_given_twice_is_the_same_text(self):
        """A repeated field must repeat its text: a mismatch is not the template."""
        fix = "save the file as UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)'), "
        assert translate(
            fix + "or name its encoding: encoding='x' (command line: --encoding x)", "zh"
        )
        assert (
            translate(fix + "or name its encoding: encoding='x' (command line: --encoding y)", "zh")
            is None
        )
        assert (
            translate(
                "add a column 'a', map one with columns={'<header>': 'f'}, "
                "or give a default with defaults={'g': '...'}",
                "zh",
            )
            is None
        )

    @pytest.mark.parametrize(
        "template", [t for t in TEMPLATES if t.messages], ids=lambda t: t.en[:40]
    )
    def test_a_template_with_a_message_gives_each_field_once(self, template):
        """Such a template is cut field by field, so a field given twice could not be checked."""
        assert len(set(template.fields)) == len(template.fields), template

    def test_a_nested_message_is_cut_where_it_translates(self):
        """Where a field could end in several places, the cut that translates wins."""
        assert translate("fact 'a: b': is empty", "zh") == "事实 'a: b'：为空"
        assert translate("opportunity 'x': y': is empty", "zh") is None
        assert (
            translate("is not a calendar date (a (b) c)", "zh") == "不是有效的日历日期（a (b) c）"
        )
        assert translate("is a bool, not a, not a number", "zh") is None
        assert (
            translate("customer 'b': the figure 3 is negative", "zh") == "客户 'b'：数值 3 为负数"
        )

    def test_a_field_holds_no_second_message(self):
        """A plain field never takes ``"; "``: the text is two messages, translated apart."""
        assert translate("is not a KamStage; fill it in", "zh") == "不是有效的 KamStage；请填写"
        assert translate("has unknown keys: a; b", "zh") == "有未知的键：a; b"


@pytest.mark.parametrize("text", WRITTEN)
def test_every_written_text_has_a_chinese_text(text):
    """Each text is Chinese, and keeps the numbers and quoted values of the English one."""
    chinese = translate(text, "zh")
    assert chinese is not None and _CJK.search(chinese), text
    for number in re.findall(r"\d+", text):
        assert number in chinese, (text, number)
    for quoted in re.findall(r"(?<!\w)'[^'\s]+'(?!\w)", text):
        assert quoted in chinese, (text, quoted)


def _problems(read) -> tuple[Problem, ...]:
    try:
        result = read()
    except DataFileError as err:
        return err.problems
    except FunnelError:
        return ()
    return getattr(result, "problems", ())


def _untranslated(problems: tuple[Problem, ...]) -> list[str]:
    return [
        text for p in problems for text in (p.why, p.fix) if text and translate(text, "zh") is None
    ]


@FUZZ
@given(mutated(MAIN), mutated(EVENTS))
def test_every_problem_of_a_mutated_opportunities_file_has_a_chinese_text(text, events):
    problems = _problems(
        lambda: read_csv(io.StringIO(text), events=io.StringIO(events), lenient=True)
    )
    assert _untranslated(problems) == []


@FUZZ
@given(mutated_bytes(MAIN), st.sampled_from(["utf-8", "gb18030", "latin-1", "ascii"]))
def test_every_problem_of_odd_bytes_has_a_chinese_text(data, encoding):
    problems = _problems(lambda: read_csv(io.BytesIO(data), encoding=encoding, lenient=True))
    assert _untranslated(problems) == []


@FUZZ
@given(mutated(KAM))
def test_every_problem_of_a_mutated_key_account_file_has_a_chinese_text(text):
    problems = _problems(lambda: read_key_accounts(io.StringIO(text), lenient=True))
    assert _untranslated(problems) == []


@FUZZ
@given(mutated_bytes(KAM))
def test_every_problem_of_a_key_account_file_of_odd_bytes_has_a_chinese_text(data):
    problems = _problems(lambda: read_key_accounts(io.BytesIO(data), lenient=True))
    assert _untranslated(problems) == []


_EXPORTS = {case: (CRM / deals).read_text(encoding="utf-8") for case, (deals, *_) in CASES.items()}
_HISTORIES = {
    case: (CRM / history).read_text(encoding="utf-8")
    for case, (_, history, *_) in CASES.items()
    if history is not None
}


@FUZZ
@given(st.sampled_from(sorted(CASES)), st.data())
def test_every_problem_of_a_mutated_crm_export_has_a_chinese_text(case, data):
    """A CRM export read through its preset (with its stage history, if any)."""
    _, history, funnel, tz = CASES[case]
    text = data.draw(mutated(_EXPORTS[case]))
    rows = data.draw(mutated(_HISTORIES[case])) if history is not None else None
    problems = _problems(
        lambda: read_csv(
            io.StringIO(text),
            preset=case.split("+", maxsplit=1)[0],
            funnel=funnel,
            tz=data.draw(st.sampled_from([tz, None])),
            history=None if rows is None else io.StringIO(rows),
            lenient=True,
        )
    )
    assert _untranslated(problems) == []


_HOSTILE = ["NaN", "-Infinity", "9" * 5000, "1e999999", '"\\ud800"', '"1_000"', "[" * 70, "{"]


def _edited(text: str, data: st.DataObject) -> str:
    """``text`` cut short, or with a character dropped, or a piece put in."""
    kind = data.draw(st.sampled_from(["truncate", "insert", "delete", "hostile"]))
    at = data.draw(st.integers(0, len(text)))
    if kind == "truncate":
        return text[:at]
    if kind == "delete":
        return text[:at] + text[at + 1 :]
    pieces = st.sampled_from(_HOSTILE) if kind == "hostile" else st.text(max_size=3)
    return text[:at] + data.draw(pieces) + text[at:]


def _changed(value: object, data: st.DataObject) -> object:
    """``value`` with one nested key renamed or dropped, or one value replaced."""
    if isinstance(value, dict) and value:
        key = data.draw(st.sampled_from(sorted(value)))
        action = data.draw(st.sampled_from(["rename", "drop", "recurse", "swap"]))
        if action == "rename":
            value[key + data.draw(st.sampled_from(["x", "_", "; y"]))] = value.pop(key)
        elif action == "drop":
            del value[key]
        elif action == "swap":
            value[key] = data.draw(
                st.one_of(
                    st.none(),
                    st.booleans(),
                    st.integers(),
                    st.floats(),
                    st.text(max_size=5),
                    st.lists(st.integers(), max_size=2),
                    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
                )
            )
        else:
            value[key] = _changed(value[key], data)
    elif isinstance(value, list) and value:
        i = data.draw(st.integers(0, len(value) - 1))
        value[i] = _changed(value[i], data)
    return value


@FUZZ
@given(documents, st.data())
def test_every_problem_of_a_mutated_json_text_has_a_chinese_text(text, data):
    for _ in range(data.draw(st.integers(1, 3))):
        text = _edited(text, data)
    assert _untranslated(_problems(lambda: loads(text))) == []


@FUZZ
@given(documents, st.data())
def test_every_problem_of_a_json_document_with_changed_values_has_a_chinese_text(text, data):
    changed = json.dumps(_changed(json.loads(text), data))
    assert _untranslated(_problems(lambda: loads(changed))) == []


def test_a_problem_and_an_error_in_chinese():
    """Where, value, why and fix read in Chinese; the English line is unchanged."""
    p = Problem("d.csv", 4, "created", "3/1/2026", "is not a date in YYYY-MM-DD form", "fill it in")
    assert (
        p.describe("zh")
        == "d.csv 第 4 行，列 created（'3/1/2026'）：不是 YYYY-MM-DD 格式的日期；请填写"
    )
    assert p.describe("en") == str(p)
    at = Problem("d.json", None, "$.opportunities[0].amount", None, "is empty", "")
    assert at.describe("zh") == "d.json $.opportunities[0].amount 处：为空"
    whole = Problem("d.csv", None, "amount", None, "is empty")
    assert whole.describe("zh") == "d.csv 列 amount：为空"
    unknown = Problem("d.csv", 2, None, None, "a text no reader writes", "")
    assert unknown.describe("zh") == "d.csv 第 2 行：a text no reader writes"
    err = DataFileError("d.csv", [p, at])
    assert err.describe("zh").startswith("d.csv：2 个问题；未导入任何数据：\n  d.csv 第 4 行")
    assert str(err) == err.describe("en")


def test_json_problems_are_problems_too():
    """A JSON document's problems go through the same catalogue (checked on one broken value)."""
    with pytest.raises(DataFileError) as info:
        loads(json.dumps({"schema": "salesfunnel/opportunities", "version": 1}))
    assert all(p.text("why", "zh") for p in info.value.problems)
