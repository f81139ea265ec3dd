"""Every message of the command line, in English and Chinese.

A message is a key of :data:`MESSAGES`, a :class:`~salesfunnel.i18n.Text`
template with ``{named}`` fields; :func:`say` fills it in the language of
the command (``--lang``, which :func:`main <salesfunnel.cli.main>` reads
before parsing, so that a usage error is in Chinese too). Errors carry
their key and fields (:class:`Message`), so that a test can show every error
in both languages. :func:`translate_argparse` turns the few messages of
:mod:`argparse` itself into catalogue messages.

>>> say("no_such_file", "zh", path="deals.csv")
'deals.csv：文件不存在'
"""

from __future__ import annotations

import contextvars
import difflib
import re
from typing import TYPE_CHECKING

from salesfunnel.i18n import Lang, Text, pick

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "LANG",
    "MESSAGES",
    "Message",
    "close_match",
    "say",
    "tr",
    "translate_argparse",
]

#: The language of the command being run (``--lang``).
LANG: contextvars.ContextVar[Lang] = contextvars.ContextVar("salesfunnel_cli_lang", default="en")


def tr(en: str, zh: str) -> str:
    """``en`` or ``zh`` in the language of the command (for help texts)."""
    return pick(en, zh, LANG.get())


_T = Text

#: Every message of the command line: key to its English and Chinese template.
MESSAGES: dict[str, Text] = {
    # files and options
    "no_such_file": _T("{path}: no such file", "{path}：文件不存在"),
    "not_found": _T("no such file", "文件不存在"),
    "directory": _T("is a directory, not a file", "是文件夹，不是文件"),
    "is_a_directory": _T("{path}: is a directory, not a file", "{path}：是文件夹，不是文件"),
    "unsupported_file": _T(
        "{path}: cannot tell the kind of file from its name; name it .csv or .json",
        "{path}：无法从文件名判断文件类型；请使用 .csv 或 .json 结尾的文件名",
    ),
    "mapping_csv_only": _T(
        "{path}: the mapping options read CSV files only",
        "{path}：映射选项只能读取 CSV 文件",
    ),
    "no_opportunities": _T("{path}: the file has no opportunities", "{path}：文件中没有商机"),
    "no_key_accounts": _T("{path}: the file has no key accounts", "{path}：文件中没有大客户"),
    "output_format": _T(
        "-o {path}: cannot tell the format from the suffix {suffix!r}; name the file .txt, .md, "
        ".html, .csv or .json, or pass --format",
        "-o {path}：无法从后缀 {suffix!r} 判断输出格式；请使用 .txt、.md、.html、.csv 或 .json "
        "结尾的文件名，或指定 --format",
    ),
    "several_tables": _T(
        "--format csv writes one table, and there are {count} ({names}); pick one with "
        "--table NAME, or give -o FILE.csv to write one file per table",
        "--format csv 只写一张表，而这里有 {count} 张（{names}）；请用 --table NAME 选一张，"
        "或用 -o FILE.csv 每张表写一个文件",
    ),
    "unknown_table": _T(
        "--table {name!r}: no such table; choose {names}",
        "--table {name!r}：没有这张表；可选 {names}",
    ),
    # exchange rates
    "rates_need_currency": _T(
        "--rates needs --currency (the reporting currency)",
        "--rates 需要同时指定 --currency（报告币种）",
    ),
    "rates_mixed": _T(
        "--rates takes either one rates file or CODE=VALUE pairs, not both",
        "--rates 只能是一个汇率文件，或若干 CODE=VALUE，不能混用",
    ),
    "rates_two_files": _T(
        "--rates: give one rates file (columns date,currency,rate), not {count}",
        "--rates：只能给一个汇率文件（列为 date,currency,rate），而不是 {count} 个",
    ),
    "rate_value": _T(
        "{text!r} is not a rate{why}; write CODE=VALUE, e.g. USD=7.1 (one USD in the "
        "reporting currency), or name a rates file",
        "{text!r} 不是汇率{why}；请写成 CODE=VALUE，例如 USD=7.1（一美元折合多少报告币种），"
        "或给出汇率文件",
    ),
    "rates_file_columns": _T(
        "{path}: the rates file needs the columns date, currency, rate (missing: {missing})",
        "{path}：汇率文件需要 date、currency、rate 三列（缺少：{missing}）",
    ),
    "rates_file_row": _T(
        "{path}, row {row}: {why}; write date as YYYY-MM-DD and rate as a number",
        "{path} 第 {row} 行：{why}；日期请写成 YYYY-MM-DD，汇率写成数字",
    ),
    "no_rate": _T(
        "opportunity {id!r} is in {code} but there is no rate into {currency}; add "
        "--rates {code}=VALUE",
        "商机 {id!r} 的币种为 {code}，但没有折算为 {currency} 的汇率；请添加 --rates {code}=VALUE",
    ),
    "several_currencies": _T(
        "the deals are in {found}; pass --currency CODE and --rates (a file with columns "
        "date,currency,rate, or CODE=VALUE pairs) to convert them",
        "商机涉及多个币种（{found}）；请用 --currency CODE 和 --rates（列为 date,currency,rate "
        "的文件，或 CODE=VALUE）进行折算",
    ),
    "target_one_currency": _T(
        "--target is one amount, but the deals are in several currencies; pass --currency "
        "and --rates to convert them",
        "--target 是一个金额，但商机涉及多个币种；请用 --currency 和 --rates 进行折算",
    ),
    "target_value": _T(
        "{text!r} is not an amount ({why}); write it like 50000000",
        "{text!r} 不是金额（{why}）；请写成 50000000 这样的数字",
    ),
    # dates and numbers
    "not_a_date": _T(
        "{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-30",
        "{text!r} 不是日期；请写成 YYYY-MM-DD，例如 2026-09-30",
    ),
    "date_range": _T(
        "{text!r} is out of range; give a date from {first} to {last}",
        "{text!r} 超出范围；请给出 {first} 至 {last} 之间的日期",
    ),
    "by_choice": _T(
        "{value!r}: choose owner, product or owner,product",
        "{value!r}：请选择 owner、product 或 owner,product",
    ),
    "by_match": _T(
        "{value!r}: did you mean {match!r}? (choose owner, product or owner,product)",
        "{value!r}：您是想用 {match!r} 吗？（可选 owner、product 或 owner,product）",
    ),
    # abc
    "abc_no_rate": _T(
        "deal {id} is in {code}; pass --rates to convert it",
        "商机 {id} 的币种为 {code}；请用 --rates 折算",
    ),
    "abc_no_profit": _T(
        "deal {id} has no profit (no profit column or fact); pass --margin, e.g. --margin 0.3 "
        "for a 30 % margin on the won amount",
        "商机 {id} 没有利润（没有利润列或事实）；请指定 --margin，例如 --margin 0.3 表示成交金额的 30%",
    ),
    "abc_number": _T(
        "{where}: {text!r} is not a number; write it with ASCII digits and a decimal point, "
        "without separators, like -1200.50",
        "{where}：{text!r} 不是数字；请用半角数字和小数点书写，不加分隔符，例如 -1200.50",
    ),
    "abc_amount": _T("{where}: {why}", "{where}：{why}"),
    "abc_criteria": _T(
        "{text!r}: choose revenue, profit and/or volume, e.g. revenue or revenue,volume",
        "{text!r}：请选择 revenue、profit 和/或 volume，例如 revenue 或 revenue,volume",
    ),
    "abc_margin": _T(
        "{text!r} is not a margin; give a share of the won amount such as 0.3",
        "{text!r} 不是利润率；请给出成交金额的比例，例如 0.3",
    ),
    "abc_thresholds": _T("{text!r}: {why}", "{text!r}：{why}"),
    "abc_values_header": _T(
        "{path}: a customer-value file has two columns, the customer and a number "
        "(e.g. customer,spend); found {count}",
        "{path}：客户数值文件有两列，客户和数值（例如 customer,spend）；实际有 {count} 列",
    ),
    "abc_values_empty_customer": _T(
        "the customer is empty; write a name in the first column",
        "客户为空；请在第一列写上客户名称",
    ),
    "abc_values_twice": _T(
        "customer {customer!r} is listed twice (first on row {first}); give each customer one row",
        "客户 {customer!r} 出现两次（第一次在第 {first} 行）；每个客户只写一行",
    ),
    "abc_values_options": _T(
        "{options}: a customer-value file gives the figures itself; leave these options out",
        "{options}：客户数值文件本身给出数值；请去掉这些选项",
    ),
    "abc_values_fix": _T("correct the row, or leave it out", "请修改该行，或将其删除"),
    "abc_values_no_rows": _T("{path}: the file has no customers", "{path}：文件中没有客户"),
    # funnel options
    "stages_need_lost": _T(
        "--stages needs --lost, the export's name of the lost outcome",
        "--stages 需要同时指定 --lost（导出文件中丢单结果的名称）",
    ),
    "stages_bad": _T(
        "--stages {stages!r}: {why}; name each open stage once, bottom to top, then the won "
        "one, e.g. --stages 'Prospecting,Engaging,Won' --won Won --lost Lost",
        "--stages {stages!r}：{why}；请从低到高列出每个进行中阶段各一次，最后是成交阶段，例如 "
        "--stages 'Prospecting,Engaging,Won' --won Won --lost Lost",
    ),
    "funnel_file_missing": _T(
        "--funnel {path}: {what}; {write_one}",
        "--funnel {path}：{what}；{write_one}",
    ),
    "funnel_file_large": _T(
        "--funnel {path}: a funnel document is at most 1 MB; {write_one}",
        "--funnel {path}：漏斗文档最大 1 MB；{write_one}",
    ),
    "funnel_file_bad": _T(
        "--funnel {path}: not a funnel ({why}); {write_one}",
        "--funnel {path}：不是漏斗文档（{why}）；{write_one}",
    ),
    "funnel_write_one": _T(
        "give a salesfunnel/funnel JSON document, as salesfunnel.io.dumps(funnel) writes it, "
        "or the stages with --stages NAMES --won NAME --lost NAME",
        "请给出 salesfunnel/funnel JSON 文档（即 salesfunnel.io.dumps(funnel) 的输出），"
        "或用 --stages NAMES --won NAME --lost NAME 给出阶段",
    ),
    "funnel_and_stages": _T(
        "--funnel and --stages/--won/--lost both give the funnel; use one of them",
        "--funnel 与 --stages/--won/--lost 都用于指定漏斗；只能用其中一种",
    ),
    "won_lost_alone": _T(
        "--won and --lost go with --stages (the export's stage names)",
        "--won 和 --lost 需与 --stages（导出文件的阶段名称）一起使用",
    ),
    # mapping options
    "pair_form": _T(
        "{option} {value!r}: write it as NAME=VALUE, e.g. {option} 'Close Date=expected_close'",
        "{option} {value!r}：请写成 NAME=VALUE，例如 {option} 'Close Date=expected_close'",
    ),
    "bad_zone": _T(
        "--tz {name!r}: not a time zone name; use one such as UTC, Europe/Berlin or Asia/Shanghai",
        "--tz {name!r}：不是时区名称；请使用 UTC、Europe/Berlin 或 Asia/Shanghai 这样的名称",
    ),
    "mapping_large": _T("{path}: a mapping file is at most 1 MB", "{path}：映射文件最大 1 MB"),
    "mapping_json": _T(
        "{path}: not valid JSON ({why} on line {line})",
        "{path}：不是有效的 JSON（第 {line} 行：{why}）",
    ),
    "mapping_object": _T(
        "{path}: a JSON mapping is an object with columns, stages, ...",
        "{path}：JSON 映射应是包含 columns、stages 等键的对象",
    ),
    "mapping_row": _T(
        "{path} row {row}: write kind,from,to with kind column, stage or default",
        "{path} 第 {row} 行：请写成 kind,from,to，kind 为 column、stage 或 default",
    ),
    "mapping_scale": _T(
        "probability_scale {scale!r}: use fraction or percent",
        "probability_scale {scale!r}：请使用 fraction 或 percent",
    ),
    # sample
    "not_a_directory": _T("{path}: exists and is not a directory", "{path}：已存在，且不是文件夹"),
    "files_exist": _T(
        "{path}: {names} already exist; pass --force to overwrite",
        "{path}：{names} 已存在；如要覆盖请加 --force",
    ),
    # argparse's own messages
    "usage_suffix": _T("{message}; see {prog} --help", "{message}；参见 {prog} --help"),
    "required": _T("the following arguments are required: {names}", "缺少以下必需参数：{names}"),
    "unrecognized": _T("unrecognized arguments: {names}", "无法识别的参数：{names}"),
    "did_you_mean": _T(
        "unrecognized argument {name}; did you mean {match}?",
        "无法识别的参数 {name}；您是想用 {match} 吗？",
    ),
    "unknown_command": _T(
        "unknown command {name!r}; did you mean {match!r}? (choose from {choices})",
        "未知命令 {name!r}；您是想用 {match!r} 吗？（可选：{choices}）",
    ),
    "unknown_command_plain": _T(
        "unknown command {name!r} (choose from {choices})",
        "未知命令 {name!r}（可选：{choices}）",
    ),
    "invalid_choice": _T(
        "argument {option}: invalid choice {value!r} (choose from {choices})",
        "参数 {option}：无效的选项 {value!r}（可选：{choices}）",
    ),
    "invalid_choice_match": _T(
        "argument {option}: invalid choice {value!r}; did you mean {match!r}? (choose from "
        "{choices})",
        "参数 {option}：无效的选项 {value!r}；您是想用 {match!r} 吗？（可选：{choices}）",
    ),
    "expected_one": _T("argument {option}: expected one argument", "参数 {option}：需要一个值"),
    "invalid_value": _T(
        "argument {option}: invalid value {value!r}", "参数 {option}：无效的值 {value!r}"
    ),
    "argument": _T("argument {option}: {why}", "参数 {option}：{why}"),
    "ambiguous": _T(
        "ambiguous option: {name} could match {matches}",
        "选项有歧义：{name} 可能是 {matches}",
    ),
    "argparse": _T("{message}", "{message}"),
    # the outer guard
    "interrupted": _T("interrupted", "已中断"),
    "unexpected": _T(
        "unexpected error ({what}){hint}",
        "意外错误（{what}）{hint}",
    ),
    "debug_hint": _T(
        "; run again with --debug to see the traceback",
        "；请加 --debug 重新运行以查看回溯信息",
    ),
}


def say(key: str, language: Lang | None = None, **fields: object) -> str:
    """The message ``key`` in ``language`` (default: the command's), its fields filled in."""
    return MESSAGES[key](language or LANG.get()).format(**fields)


class Message:
    """A message of the catalogue with its fields; ``str()`` is the text in the command's language.

    Attributes:
        key: Its key in :data:`MESSAGES`.
        fields: The values of its ``{named}`` fields.
    """

    def __init__(self, key: str, **fields: object) -> None:
        if key not in MESSAGES:
            msg = f"no CLI message {key!r}"
            raise KeyError(msg)
        self.key = key
        self.fields = fields

    def text(self, language: Lang | None = None) -> str:
        """The message in ``language`` (default: the command's)."""
        return say(self.key, language, **self.fields)

    def __str__(self) -> str:
        """The message in the command's language."""
        return self.text()


def close_match(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word`` (:func:`difflib.get_close_matches`), or ``None``."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


_ARGPARSE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (?P<names>.*)"), "required"),
    (re.compile(r"unrecognized arguments: (?P<names>.*)"), "unrecognized"),
    (
        re.compile(
            r"argument (?P<option>\S+): invalid choice: (?P<value>'.*?') \(choose from (?P<choices>.*)\)"
        ),
        "invalid_choice",
    ),
    (re.compile(r"argument (?P<option>\S+): expected one argument"), "expected_one"),
    (
        re.compile(r"argument (?P<option>\S+): invalid \S+ value: (?P<value>'.*')"),
        "invalid_value",
    ),
    (re.compile(r"ambiguous option: (?P<name>\S+) could match (?P<matches>.*)"), "ambiguous"),
    (re.compile(r"argument (?P<option>[^:]+): (?P<why>.*)"), "argument"),
)


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text  # noqa: PLR2004


def translate_argparse(message: str) -> Message:
    """The catalogue message for one of :mod:`argparse`'s own (any other is kept as it is)."""
    for pattern, key in _ARGPARSE:
        found = pattern.fullmatch(message)
        if found is None:
            continue
        fields = found.groupdict()
        if "value" in fields:
            fields["value"] = _unquote(fields["value"])
        if key == "invalid_choice":
            choices = [_unquote(c.strip()) for c in fields["choices"].split(", ")]
            fields["choices"] = ", ".join(choices)
            match = close_match(fields["value"], choices)
            if match is not None:
                return Message("invalid_choice_match", match=match, **fields)
        return Message(key, **fields)
    return Message("argparse", message=message)
