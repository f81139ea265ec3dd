"""The data problems' texts in Chinese: one catalogue of message templates.

The readers word every :class:`~salesfunnel.io.problems.Problem` in English
(``why`` and ``fix``); :func:`translate` gives the same text in another
language by matching it against the templates of :data:`TEMPLATES`. A
template is the English text with fields for the parts that vary:

- ``{name}``: copied as it is (an id, a stage, a number); it holds no ``"; "``,
  so a field never swallows a second message joined to the first;
- ``{name:q}``: a quoted value as Python writes it (``'D1'``, ``"it's"``),
  copied as it is, whatever it holds;
- ``{name:num}``: a whole number (a count, a row);
- ``{name:val}``: a value as Python writes it (``Decimal('-1')``, ``'US$'``, ``inf``);
- ``{name:code}``: a name in code (``KamStage``, ``salesfunnel.playbook``);
- ``{name:any}``: copied as it is, whatever it holds (a list that may hold
  ``"; "``, a text cut short);
- ``{name:msg}``: a message of its own, translated in turn;
- ``{name:list}``: messages joined by ``", "``, each translated in turn;
- ``{name:note}``: a detail translated when the catalogue knows it and copied
  as it is when not (the text of a Python error, such as a codec's).

Texts without a field are looked up directly. Texts joined by ``"; "`` are
translated part by part when every part has a text; the others are matched
against the templates in catalogue order, the first match winning.

>>> translate("is empty", "zh")
'为空'
>>> translate("is not a calendar date (day is out of range for month)", "zh")
'不是有效的日历日期（该月没有这一天）'
>>> translate("is not a calendar date (year 0 is out of range)", "zh")
'不是有效的日历日期（year 0 is out of range）'
>>> translate("amount of product 'ERP' is not a number", "zh")
"产品 'ERP' 的金额不是数字"
>>> translate("is empty; fill it in", "zh")
'为空；请填写'
>>> translate("is empty", "en")
'is empty'

A text no template matches has no translation (``None``); the tests hold
every text the readers write to a template.

>>> translate("a text no reader writes", "zh") is None
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import cast

import attrs

from salesfunnel.i18n import Lang, check_lang

__all__ = ["TEMPLATES", "Template", "translate"]

_FIELD = re.compile(r"\{(\w+)(?::(q|num|val|code|any|msg|list|note))?\}")

_QUOTED = r"'[^'\\]*(?:\\.[^'\\]*)*'|\"[^\"\\]*(?:\\.[^\"\\]*)*\""

#: What each kind of field matches (``msg``, ``list`` and ``note`` are then
#: translated in turn). Patterns are written so that a long value (a list of
#: two thousand rows) costs a single pass.
_KIND_PATTERNS: dict[str | None, str] = {
    None: r"(?:[^;]|;(?! ))[^;]*(?:;(?! )[^;]*)*",
    "q": _QUOTED,
    "num": r"-?[0-9]+",
    "val": _QUOTED + r"|\S+",
    "code": r"[A-Za-z_][\w.]*",
    "any": r".+",
    "msg": r".+",
    "list": r".+",
    "note": r".+",
}
#: The same for a field that text follows: the shortest value is tried first.
_LAZY_PATTERNS: dict[str | None, str] = {
    **_KIND_PATTERNS,
    None: r"(?:[^;]|;(?! ))+?",
    "any": r".+?",
    "msg": r".+?",
    "list": r".+?",
    "note": r".+?",
}
_KIND_RES = {kind: re.compile(pattern, re.DOTALL) for kind, pattern in _KIND_PATTERNS.items()}
_SEP = "; "


@attrs.frozen
class Template:
    """One message in English and Chinese.

    Attributes:
        en: The English text, with a field (``{name}``, ``{name:q}``,
            ``{name:msg}``...) for each part that varies (see the module's
            description).
        zh: The Chinese text, with the same fields (each as ``{name}``).
    """

    en: str
    zh: str

    @property
    def fields(self) -> tuple[str, ...]:
        """The names of the varying parts, in English order."""
        return tuple(m.group(1) for m in _FIELD.finditer(self.en))

    @property
    def kinds(self) -> dict[str, str | None]:
        """Each field's kind (``None`` for a plain ``{name}``), as it is first given."""
        kinds: dict[str, str | None] = {}
        for m in _FIELD.finditer(self.en):
            kinds.setdefault(m.group(1), m.group(2))
        return kinds

    @property
    def messages(self) -> frozenset[str]:
        """The fields that are translated in turn (``msg``, ``list`` and ``note``)."""
        return frozenset(
            m.group(1) for m in _FIELD.finditer(self.en) if m.group(2) in ("msg", "list", "note")
        )

    def pattern(self) -> re.Pattern[str]:
        """The regular expression that matches an English text of this template."""
        parts: list[str] = []
        seen: set[str] = set()
        at = 0
        for m in _FIELD.finditer(self.en):
            parts.append(re.escape(self.en[at : m.start()]))
            name = m.group(1)
            if name in seen:  # a field given twice is the same text twice
                parts.append(f"(?P={name})")
            else:
                kinds = _KIND_PATTERNS if m.end() == len(self.en) else _LAZY_PATTERNS
                parts.append(f"(?P<{name}>{kinds[m.group(2)]})")
                seen.add(name)
            at = m.end()
        parts.append(re.escape(self.en[at:]))
        return re.compile("".join(parts), re.DOTALL)

    def segments(self) -> tuple[str | tuple[str, str | None], ...]:
        """The English text as literal parts and ``(name, kind)`` fields, in order."""
        out: list[str | tuple[str, str | None]] = []
        at = 0
        for m in _FIELD.finditer(self.en):
            if m.start() > at:
                out.append(self.en[at : m.start()])
            out.append((m.group(1), m.group(2)))
            at = m.end()
        if at < len(self.en):
            out.append(self.en[at:])
        return tuple(out)


def _t(en: str, zh: str) -> Template:
    return Template(en, zh)


#: Every message the readers write, with its Chinese text. Texts without a
#: varying part are matched exactly; the others in this order, the first
#: match winning (so a more particular template comes before a general one).
TEMPLATES: tuple[Template, ...] = (
    # -- cells: empty, missing, dates ---------------------------------------
    _t("is empty", "为空"),
    _t("is not empty", "不为空"),
    _t("is missing", "缺失"),
    _t("fill it in", "请填写"),
    _t("leave it empty", "请留空"),
    _t("add it", "请补上"),
    _t("fix it", "请更正"),
    _t("drop it, or fill it in", "请删除该行，或把它填写完整"),
    _t("the row is empty", "该行为空"),
    _t("is not a date in YYYY-MM-DD form", "不是 YYYY-MM-DD 格式的日期"),
    _t("is not a calendar date in YYYY-MM-DD form", "不是 YYYY-MM-DD 格式的有效日期"),
    _t("is not a calendar date ({detail:note})", "不是有效的日历日期（{detail}）"),
    _t("day is out of range for month", "该月没有这一天"),
    _t("month must be in 1..12", "月份必须在 1..12 之间"),
    _t("check the day and month", "请检查日和月"),
    _t("write dates as YYYY-MM-DD, for example {example}", "日期请写成 YYYY-MM-DD，例如 {example}"),
    _t(
        "is not a date (YYYY-MM-DD) or an ISO date-time (YYYY-MM-DD HH:MM:SS)",
        "不是日期（YYYY-MM-DD）或 ISO 日期时间（YYYY-MM-DD HH:MM:SS）",
    ),
    _t(
        "export dates in ISO 8601 form, such as 2026-03-31 or 2026-03-31T10:22:31Z",
        "导出日期时请用 ISO 8601 格式，例如 2026-03-31 或 2026-03-31T10:22:31Z",
    ),
    _t(
        "is a date-time with no time zone, and no time zone was given",
        "是不带时区的日期时间，而且没有指定时区",
    ),
    _t("is an aware date-time, and no time zone was given", "是带时区的日期时间，而且没有指定时区"),
    _t(
        "pass tz=... (a datetime.tzinfo such as zoneinfo.ZoneInfo('Europe/Berlin'); "
        "command line: --tz Europe/Berlin), the zone the dates are to be counted in",
        "请传入 tz=...，即计算日期所用的时区（一个 datetime.tzinfo，例如 "
        "zoneinfo.ZoneInfo('Europe/Berlin')；命令行：--tz Europe/Berlin）",
    ),
    _t("is not a valid date-time ({detail:note})", "不是有效的日期时间（{detail}）"),
    _t("check the date and time", "请检查日期和时间"),
    # -- cells: numbers, amounts, shares ------------------------------------
    _t("is not a number", "不是数字"),
    _t("is not a finite number", "不是有限数"),
    _t("give a finite value, or leave it empty", "请给出有限值，或留空"),
    _t("is negative", "为负数"),
    _t("is negative ({value})", "为负数（{value}）"),
    _t("is not a plain number", "不是普通写法的数字"),
    _t("is not a plain number within the bounds", "不是范围内的普通写法数字"),
    _t("has a thousands separator or a decimal comma", "含有千位分隔符或小数逗号"),
    _t(
        "write the number without separators and with a decimal point, such as 1234567.50",
        "请去掉分隔符、用小数点书写数字，例如 1234567.50",
    ),
    _t(
        "give the amount as a plain number such as 120000.50",
        "请用普通写法的数字给出金额，例如 120000.50",
    ),
    _t(
        "write it like 120000.50: ASCII digits and a decimal point, "
        "no currency sign, separator or exponent",
        "请写成 120000.50 这样：ASCII 数字加小数点，不带货币符号、分隔符或指数",
    ),
    _t(
        "write it like 3 or 0.35 (or 35%): ASCII digits and a decimal point, no exponent",
        "请写成 3 或 0.35（或 35%）这样：ASCII 数字加小数点，不用指数",
    ),
    _t(
        "write it like 3 or 0.35: ASCII digits, a sign and a decimal point, no exponent",
        "请写成 3 或 0.35 这样：ASCII 数字、正负号和小数点，不用指数",
    ),
    _t(
        "amounts are zero or more; record a refund as its own deal",
        "金额须为 0 或以上；退款请作为单独的商机记录",
    ),
    _t(
        "amounts are zero or more (record a refund as its own deal)",
        "金额须为 0 或以上（退款请作为单独的商机记录）",
    ),
    _t("is out of bounds: {bound:msg}", "超出范围：{bound}"),
    _t("amounts are below a quintillion", "金额须小于 10^18（一百亿亿）"),
    _t(
        "an integer of about {digits:num} digits has more than {limit:num} integer digits",
        "一个约 {digits} 位的整数，整数部分超过 {limit} 位",
    ),
    _t("give a smaller or rounder amount", "请给出更小或位数更少的金额"),
    _t("is not a percentage", "不是百分比"),
    _t("is outside [0, 1] (0 % to 100 %)", "不在 [0, 1] 范围内（即 0 % 到 100 %）"),
    _t("is outside 0 to 100 percent", "不在 0 到 100 的百分比范围内"),
    _t("is above 1, and probabilities are read as shares", "大于 1，而概率按 0 到 1 的比例读取"),
    _t("give a share such as 0.6", "请给出比例，例如 0.6"),
    _t(
        "give a share such as 0.6 or a percentage such as 60%",
        "请给出比例（例如 0.6）或百分比（例如 60%）",
    ),
    _t(
        "for percentages without a % sign pass probability_scale='percent' "
        "(--probability-scale percent)",
        "不带 % 号的百分比请传入 probability_scale='percent'（--probability-scale percent）",
    ),
    _t(
        "give a percentage from 0 to 100, such as 60 or 60%",
        "请给出 0 到 100 之间的百分比，例如 60 或 60%",
    ),
    _t("is not in [0, 1]", "不在 [0, 1] 范围内"),
    _t("is not in [0, 100]", "不在 [0, 100] 范围内"),
    _t("a weight is a share", "权重是一个比例"),
    _t("write a whole number, zero or more", "请写 0 或以上的整数"),
    _t("write a number, zero or more", "请写 0 或以上的数"),
    _t(
        "write a share between 0 and 1, such as 0.35 or 35%",
        "请写 0 到 1 之间的比例，例如 0.35 或 35%",
    ),
    _t("is not an ISO 4217 currency code", "不是 ISO 4217 货币代码"),
    _t("use three letters such as CNY, USD or EUR", "请使用三个字母，例如 CNY、USD 或 EUR"),
    _t("write an ISO 4217 code", "请写 ISO 4217 货币代码"),
    _t('write a three-letter code such as "CNY"', '请写三个字母的代码，例如 "CNY"'),
    _t("is not true or false", "不是 true 或 false"),
    _t("write true, false, or leave it empty (false)", "请写 true 或 false，或留空（视为 false）"),
    _t("write true or false (1 or 0)", "请写 true 或 false（1 或 0）"),
    _t("is not yes or no", "不是 yes 或 no"),
    _t(
        "write true/false, yes/no, 1/0 or 是/否 (empty: unknown)",
        "请写 true/false、yes/no、1/0 或 是/否（留空表示未知）",
    ),
    # -- products and line items ----------------------------------------------
    _t("amount of product {product:q} {why:msg}", "产品 {product} 的金额{why}"),
    _t("gives no amount for product {product:q}", "没有给出产品 {product} 的金额"),
    _t("has more than one '=' in {raw:q}", "{raw} 中有不止一个 '='"),
    _t("has an empty entry", "有空的条目"),
    _t("separate names with single semicolons: a;b", "名称之间请用单个分号分隔：a;b"),
    _t("ends with a lone backslash", "以单独的反斜杠结尾"),
    _t("write \\\\ for a backslash in a name", "名称中的反斜杠请写作 \\\\"),
    _t(
        "write products as NAME=AMOUNT separated by semicolons, such as ERP=1000;CRM=200",
        "请把产品写成以分号分隔的 NAME=AMOUNT，例如 ERP=1000;CRM=200",
    ),
    _t(
        "write products as NAME=AMOUNT separated by semicolons, such as ERP=1000;CRM=200 "
        "(write \\= inside a name)",
        "请把产品写成以分号分隔的 NAME=AMOUNT，例如 ERP=1000;CRM=200（名称中的 = 写作 \\=）",
    ),
    _t(
        "give NAME=AMOUNT entries, or add an amount column",
        "请给出 NAME=AMOUNT 条目，或添加 amount 列",
    ),
    _t(
        "names a product without an amount, and the amount column is empty",
        "列出了没有金额的产品，而 amount 列又为空",
    ),
    _t("write NAME=AMOUNT, or fill the amount column", "请写成 NAME=AMOUNT，或填写 amount 列"),
    _t("is not the sum of the products' amounts ({total})", "不等于各产品金额之和（{total}）"),
    _t(
        "correct the amount or the products, or leave the amount empty",
        "请更正金额或产品，或把金额留空",
    ),
    _t(
        "give the line items as NAME=AMOUNT;NAME=AMOUNT", "请把产品明细写成 NAME=AMOUNT;NAME=AMOUNT"
    ),
    # -- the file: size, encoding ---------------------------------------------
    _t("the file is empty", "文件为空"),
    _t(
        "export it with a header row (see the column set in the data-formats docs)",
        "导出时请带上表头行（列的定义见数据格式文档）",
    ),
    _t("the file is larger than {limit} bytes", "文件超过 {limit} 字节"),
    _t("split it into smaller documents", "请把它拆分成几个较小的文件"),
    _t(
        "the file is an Excel workbook (or another zip archive), not CSV text",
        "该文件是 Excel 工作簿（或其他 zip 压缩包），不是 CSV 文本",
    ),
    _t(
        "in Excel use Save As, 'CSV UTF-8 (Comma delimited)'",
        "请在 Excel 中“另存为” 'CSV UTF-8 (Comma delimited)'（中文版：CSV UTF-8（逗号分隔））",
    ),
    _t(
        "the file is UTF-16 text (it starts with a UTF-16 byte-order mark), not UTF-8",
        "该文件是 UTF-16 文本（以 UTF-16 字节顺序标记开头），不是 UTF-8",
    ),
    _t("the file is not UTF-8 ({where:msg})", "文件不是 UTF-8 编码（{where}）"),
    _t(
        "byte 0x{byte} on line {line} is not valid UTF-8",
        "第 {line} 行的字节 0x{byte} 不是有效的 UTF-8",
    ),
    _t(
        "it looks like GBK/GB18030, the default of Chinese Excel",
        "看起来是 GBK/GB18030，即中文版 Excel 的默认编码",
    ),
    _t("it looks like UTF-16 without a byte-order mark", "看起来是不带字节顺序标记的 UTF-16"),
    _t("it may be in a legacy encoding such as cp1252", "可能是 cp1252 之类的旧式编码"),
    _t(
        "save the file as UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)'), "
        "or name its encoding: encoding='{enc}' (command line: --encoding {enc})",
        "请把文件另存为 UTF-8（Excel 中：“另存为” 'CSV UTF-8 (Comma delimited)'），"
        "或指明它的编码：encoding='{enc}'（命令行：--encoding {enc}）",
    ),
    _t(
        "the file cannot be read as {encoding}: {detail:note}",
        "无法按 {encoding} 读取文件：{detail}",
    ),
    _t("unknown encoding: {encoding}", "未知的编码：{encoding}"),
    _t("illegal multibyte sequence", "非法的多字节序列"),
    _t("ordinal not in range(128)", "超出 range(128)，不是 ASCII"),
    _t("invalid start byte", "无效的起始字节"),
    _t("invalid continuation byte", "无效的后续字节"),
    _t("truncated data", "数据不完整"),
    _t("illegal encoding", "非法的编码"),
    _t(
        "check the encoding the file was saved in; UTF-8 is the default",
        "请确认文件保存时所用的编码；默认是 UTF-8",
    ),
    # -- the table: header, cells, columns ------------------------------------
    _t("the CSV text is malformed ({detail:note})", "CSV 文本格式有误（{detail}）"),
    _t("unexpected end of data", "数据意外结束"),
    _t(
        'check the quoting: a cell with a comma, quote or line break is written in "double quotes", '
        'with "" for a quote inside',
        '请检查引号：含逗号、引号或换行的单元格要用 "双引号" 括起来，单元格内的引号写作 ""',
    ),
    _t(
        'write a cell with a comma, quote or line break in "double quotes"',
        '含逗号、引号或换行的单元格请用 "双引号" 括起来',
    ),
    _t("has {cells} cells but the header has {width}", "有 {cells} 个单元格，而表头有 {width} 列"),
    _t(
        "check for a missing or extra comma, or an unquoted comma in a cell",
        "请检查是否少了或多了逗号，或某个单元格里有未加引号的逗号",
    ),
    _t("quote cells that contain commas", "含逗号的单元格请加引号"),
    _t("column {number} has values but no header", "第 {number} 列有值，但没有表头"),
    _t("give it a header or delete it", "请给它加上表头，或删除该列"),
    _t("has no header", "没有表头"),
    _t("name every column", "请给每一列命名"),
    _t("unknown column", "未知的列"),
    _t(
        "the file seems to be separated by ';' or tabs: save it with commas",
        "文件似乎是用 ';' 或制表符分隔的：请改用逗号分隔保存",
    ),
    _t("the known columns are {known}", "已知的列有：{known}"),
    _t(
        "rename it, or skip it on purpose (ignore=[{header:q}], --ignore {header:q})",
        "请改用已知的列名，或明确忽略该列（ignore=[{header}]，--ignore {header}）",
    ),
    _t(
        "gives {field} a second time (also column {column:q})",
        "再次给出了 {field}（列 {column} 已给出）",
    ),
    _t("keep one of the two columns", "请只保留其中一列"),
    _t("keep one of the two", "请只保留其中一个"),
    _t("keep one of them", "请只保留其中一个"),
    _t("repeats the column {column:q}", "与列 {column} 重复"),
    _t("required column is missing", "缺少必需的列"),
    _t("is a required column and is missing", "是必需的列，但缺失"),
    _t("add a column {column:q} (or one of its aliases)", "请添加列 {column}（或它的别名之一）"),
    _t(
        "add an 'amount' column, or 'products' with NAME=AMOUNT entries",
        "请添加 'amount' 列，或在 'products' 列中写 NAME=AMOUNT 条目",
    ),
    _t(
        "add an 'amount' column (or map one with columns={'<header>': 'amount'}), "
        "or 'products' with NAME=AMOUNT entries",
        "请添加 'amount' 列（或用 columns={'<header>': 'amount'} 映射一列），"
        "或在 'products' 列中写 NAME=AMOUNT 条目",
    ),
    _t(
        "add an amount column, map one with columns={'<header>': 'amount'} "
        "(--map '<header>=amount'), or give products with NAME=AMOUNT entries",
        "请添加 amount 列，或用 columns={'<header>': 'amount'} 映射一列"
        "（--map '<header>=amount'），或用 NAME=AMOUNT 条目给出产品",
    ),
    _t(
        "add a column {names:any}, map one with columns={'<header>': {quoted:q}} "
        "(--map '<header>={field}'), or give a default with defaults={{quoted}: '...'} "
        "(--default {field}=...)",
        "请添加列 {names}，或用 columns={'<header>': {quoted}} 映射一列"
        "（--map '<header>={field}'），或用 defaults={{quoted}: '...'} 给出默认值"
        "（--default {field}=...）",
    ),
    _t(
        "add a column {names:any}, map one with columns={'<header>': {quoted:q}}, "
        "or give a default with defaults={{quoted}: '...'}",
        "请添加列 {names}，或用 columns={'<header>': {quoted}} 映射一列，"
        "或用 defaults={{quoted}: '...'} 给出默认值",
    ),
    _t(
        "every opportunity needs a {field}: fill it in, "
        "or give a default with defaults={{quoted:q}: '...'} (--default {field}=...)",
        "每个商机都需要 {field}：请填写，或用 defaults={{quoted}: '...'} 给出默认值"
        "（--default {field}=...）",
    ),
    _t(
        "every opportunity needs an {field}: fill it in, "
        "or give a default with defaults={{quoted:q}: '...'} (--default {field}=...)",
        "每个商机都需要 {field}：请填写，或用 defaults={{quoted}: '...'} 给出默认值"
        "（--default {field}=...）",
    ),
    # -- the report form's marked stage columns -------------------------------
    _t("no stage column is marked", "没有标记任何阶段列"),
    _t("mark the current stage with ●", "请用 ● 标出当前阶段"),
    _t("mark exactly one stage: the current one", "只标记一个阶段，即当前阶段"),
    _t(
        "the stage is given both as a column and as marked stage columns",
        "阶段既由 stage 列给出，又由打了标记的各阶段列给出",
    ),
    # -- rows of the opportunities file ----------------------------------------
    _t("duplicated id", "编号重复"),
    _t("duplicated id: also on row {rows}", "编号重复：第 {rows} 行也用了这个编号"),
    _t("duplicated id: also at {paths:any}", "编号重复：{paths} 处也用了这个编号"),
    _t("give every opportunity its own id", "请给每个商机一个唯一的编号"),
    _t("is not a stage of the funnel", "不是该漏斗的阶段"),
    _t("give a stage key: {keys}", "请给出阶段键：{keys}"),
    _t("give the stage entered: {keys}", "请给出进入的阶段：{keys}"),
    _t("is not a status", "不是有效的状态"),
    _t("use open, won or lost", "请使用 open、won 或 lost"),
    _t("is won, but the funnel has no won stage", "是赢单，但该漏斗没有赢单阶段"),
    _t("use a funnel with a won stage", "请使用带有赢单阶段的漏斗"),
    _t(
        "read the file with the funnel of its stages (--stages or --funnel)",
        "请用包含这些阶段的漏斗读取该文件（--stages 或 --funnel）",
    ),
    _t(
        "disagrees with the last reschedule in the events file ({date})",
        "与事件文件中最后一次改期（{date}）不一致",
    ),
    _t(
        "correct the expected close date or the reschedule's new date",
        "请更正预计成交日期，或改期中的新日期",
    ),
    _t(
        "disagrees with the last reprice in the events file ({amount})",
        "与事件文件中最后一次改价（{amount}）不一致",
    ),
    _t("correct the amount or the reprice's new line items", "请更正金额，或改价中的新产品明细"),
    _t("books a deal that is not won", "把尚未赢单的商机记为已落单（booked）"),
    _t(
        "win it (closed stage and closed_on), or use 'commit'",
        "请先让它赢单（closed 阶段并填写 closed_on），或改用 'commit'",
    ),
    _t("names no forecast category ({text:q})", "不是有效的预测类别（{text}）"),
    _t(
        "use one of {names}, or a CRM name such as 'Best Case'",
        "请使用以下之一：{names}，或 CRM 中的名称，例如 'Best Case'",
    ),
    _t("leave it empty for none", "没有则留空"),
    _t(
        "opportunity {id:q} has a change dated {on}, after the cutoff {cutoff}",
        "商机 {id} 有一条日期为 {on} 的变更，晚于截止日期 {cutoff}",
    ),
    _t(
        "check the dates, or validate with a later --cutoff", "请检查日期，或用更晚的 --cutoff 校验"
    ),
    _t("opportunity {id:q} is in unknown stage {stage:q}", "商机 {id} 处于未知阶段 {stage}"),
    _t("unknown stage {stage:q}", "未知阶段 {stage}"),
    _t("this funnel has: {keys}", "该漏斗的阶段有：{keys}"),
    # -- stage-name mappings of CRM exports ----------------------------------
    _t("1 stage name has no mapping: {names:list}", "有 1 个阶段名称没有映射：{names}"),
    _t(
        "1 stage name of the export has no mapping: {names:list}",
        "导出文件中有 1 个阶段名称没有映射：{names}",
    ),
    _t(
        "map each to a stage of the funnel ({stages:any}), for example stages={{name:q}: "
        "{target:q}} (command line: --stage-map '{raw:any}'), or build the funnel from the "
        "export's names with Funnel.from_stage_names([...], won=..., lost=...)",
        "请把它们各自映射到漏斗的一个阶段（{stages}），例如 stages={{name}: {target}}"
        "（命令行：--stage-map '{raw}'），或用导出文件中的名称构建漏斗："
        "Funnel.from_stage_names([...], won=..., lost=...)",
    ),
    # -- the events file -----------------------------------------------------
    _t("give the id of the opportunity the event belongs to", "请给出该事件所属商机的编号"),
    _t("is not an event kind", "不是有效的事件类型"),
    _t("is not used by a {kind:q} row", "{kind} 行不使用此列"),
    _t(
        "has {raw:q}, not probability=... or category=...",
        "写的是 {raw}，不是 probability=... 或 category=...",
    ),
    _t(
        "write the overrides as probability=SHARE;category=CATEGORY, either part empty for none, "
        "such as probability=0.8;category=commit",
        "请把覆盖值写成 probability=SHARE;category=CATEGORY，不需要的部分留空，"
        "例如 probability=0.8;category=commit",
    ),
    _t(
        "has events but no opportunity in the opportunities file",
        "有事件，但商机文件中没有这个商机",
    ),
    _t("add the opportunity, or remove its events", "请添加该商机，或删除它的事件"),
    _t(
        "history of opportunity {id:q} has a second 'create' row (first on row {row})",
        "商机 {id} 的历史记录有第二个 'create' 行（第一个在第 {row} 行）",
    ),
    _t("keep one 'create' row, the first", "只保留一个 'create' 行，即第一个"),
    _t(
        "history of opportunity {id:q} goes back in time: {on} is before the previous stage "
        "change on {previous} (row {row})",
        "商机 {id} 的历史记录时间倒流：{on} 早于上一次阶段变更的日期 {previous}（第 {row} 行）",
    ),
    _t(
        "revisions of opportunity {id:q} go back in time: {on} is before the previous revision "
        "on {previous} (row {row})",
        "商机 {id} 的修订时间倒流：{on} 早于上一次修订的日期 {previous}（第 {row} 行）",
    ),
    _t("list each opportunity's events oldest first", "请把每个商机的事件按时间从早到晚排列"),
    _t(
        "comes after the events of opportunities that follow its opportunity; "
        "a stream reads the events in the order of the opportunities file",
        "这一行排在了商机文件中更靠后的商机的事件之后；流式读取时，事件须按商机文件中的商机顺序排列",
    ),
    _t(
        "list the events in the order of the opportunities file (as write_csv writes them), "
        "or read the files whole with read_csv",
        "请按商机文件中商机的顺序排列事件（write_csv 写出的就是这种顺序），或用 read_csv 整体读取文件",
    ),
    _t("chunk_size is {size}", "chunk_size 为 {size}"),
    _t("give a whole number of rows, at least 1", "请给出至少为 1 的整数行数"),
    _t(
        "history of opportunity {id:q} does not chain: its first stage change is {kind:q}, "
        "not 'create'",
        "商机 {id} 的历史记录接不上：第一次阶段变更是 {kind}，不是 'create'",
    ),
    _t(
        "start each history with a 'create' row (from_stage empty)",
        "每段历史记录请以 'create' 行开头（from_stage 留空）",
    ),
    _t(
        "history of opportunity {id:q} does not chain: this row moves from {start:q} "
        "but the previous stage change (row {row}) moved to {end:q}",
        "商机 {id} 的历史记录接不上：本行从 {start} 移出，但上一次阶段变更（第 {row} 行）移到的是 {end}",
    ),
    _t(
        "set from_stage to {stage:q}, or add the missing change in between",
        "请把 from_stage 设为 {stage}，或补上中间缺少的变更",
    ),
    _t("history of opportunity {id:q}: {why:msg}", "商机 {id} 的历史记录：{why}"),
    # -- moves of the stage machine (change rules) ----------------------------
    _t(
        "an {kind:q} never ends in the lost outcome {lost:q}",
        "{kind} 不会以丢单结果 {lost} 结束",
    ),
    _t("write kind 'lose'", "请把 kind 写成 'lose'"),
    _t(
        "an {kind:q} from {start:q} to {end:q} does not move up the funnel",
        "从 {start} 到 {end} 的 {kind} 并没有在漏斗中向上推进",
    ),
    _t(
        "write kind 'regress' (with a reason) for a move back",
        "回退请把 kind 写成 'regress'（并写明原因）",
    ),
    _t(
        "an 'advance' from {start:q} to {end:q} passes {stages}",
        "从 {start} 到 {end} 的 'advance' 越过了 {stages}",
    ),
    _t("write kind 'skip' with skipped {stages:q}", "请把 kind 写成 'skip'，skipped 写成 {stages}"),
    _t(
        "an 'advance' skips no stage, but lists {stages}", "'advance' 不跳过阶段，却列出了 {stages}"
    ),
    _t("leave skipped empty, or write kind 'skip'", "请让 skipped 留空，或把 kind 写成 'skip'"),
    _t(
        "a 'skip' from {start:q} to {end:q} passes no stage",
        "从 {start} 到 {end} 的 'skip' 没有越过任何阶段",
    ),
    _t("write kind 'advance'", "请把 kind 写成 'advance'"),
    _t(
        "a 'skip' from {start:q} to {end:q} passes {stages}, not {listed}",
        "从 {start} 到 {end} 的 'skip' 越过的是 {stages}，而不是 {listed}",
    ),
    _t("write skipped {stages:q}", "请把 skipped 写成 {stages}"),
    _t(
        "a 'regress' from {start:q} to {end:q} does not move back to an earlier open stage",
        "从 {start} 到 {end} 的 'regress' 并没有退回到更早的未结阶段",
    ),
    _t(
        "write kind 'advance' or 'skip' for a move up, 'lose' for a loss",
        "向上推进请把 kind 写成 'advance' 或 'skip'，丢单请写成 'lose'",
    ),
    _t(
        "a move back from {start:q} to {end:q} needs a reason",
        "从 {start} 退回到 {end} 需要写明原因",
    ),
    _t("say why the deal moved back", "请说明商机为什么回退"),
    _t(
        "only a 'skip' lists skipped stages, not a {kind:q}",
        "只有 'skip' 才列出跳过的阶段，{kind} 不列",
    ),
    _t("leave skipped empty", "请让 skipped 留空"),
    _t("a won deal is final", "已赢单的商机不能再变动"),
    _t("write kind 'reopen'", "请把 kind 写成 'reopen'"),
    _t(
        "a {kind:q} moves out of {start:q}, which is won",
        "{kind} 从 {start} 移出，而 {start} 是赢单阶段",
    ),
    _t(
        "a {kind:q} moves out of {start:q}, which is lost",
        "{kind} 从 {start} 移出，而 {start} 是丢单结果",
    ),
    _t("only an open deal moves so", "只有未结的商机才能这样变动"),
    _t(
        "a {kind:q} ends in the lost outcome {lost:q}, not in {end:q}",
        "{kind} 应以丢单结果 {lost} 结束，而不是 {end}",
    ),
    _t(
        "set to_stage to {lost:q}, or write the move's own kind",
        "请把 to_stage 设为 {lost}，或写出这次变动本身的类型",
    ),
    _t(
        "a 'close' moves from the unrecorded stage {unrecorded:q} to the won stage or the lost "
        "outcome, not from {start:q} to {end:q}",
        "'close' 是从未记录的阶段 {unrecorded} 移到赢单阶段或丢单结果，而不是从 {start} 到 {end}",
    ),
    _t(
        "write the move's own kind (advance, skip, lose)",
        "请写出这次变动本身的类型（advance、skip、lose）",
    ),
    _t(
        "a 'reopen' moves from the lost outcome to an open stage, not from {start:q} to {end:q}",
        "'reopen' 是从丢单结果移到未结阶段，而不是从 {start} 到 {end}",
    ),
    _t("write the move's own kind", "请写出这次变动本身的类型"),
    # -- a CRM's stage history -------------------------------------------------
    _t("both an events file and a stage history were given", "同时给出了事件文件和阶段历史"),
    _t(
        "give the histories one way: events=... (salesfunnel's own file) or history=... "
        "(a CRM's stage history)",
        "请只用一种方式给出历史记录：events=...（salesfunnel 自己的文件）或 history=...（CRM 的阶段历史）",
    ),
    _t("give the id of the deal the change belongs to", "请给出该变更所属商机的编号"),
    _t("give the date of the change", "请给出变更的日期"),
    _t(
        "history of deal {id:q} does not chain: it moves out of the won stage {stage:q}, "
        "and a won deal is final",
        "商机 {id} 的历史记录接不上：它移出了赢单阶段 {stage}，而已赢单的商机不能再变动",
    ),
    _t(
        "correct or remove the row, or the one that won the deal",
        "请更正或删除该行，或让商机赢单的那一行",
    ),
    _t(
        "history of deal {id:q} starts on {on}, before the deal was created on {created}",
        "商机 {id} 的历史记录始于 {on}，早于商机的创建日期 {created}",
    ),
    _t("correct the date, or the deal's created date", "请更正该日期，或商机的创建日期"),
    _t(
        "history of deal {id:q} does not chain: it ends in {end:q}, but the deals file has "
        "the deal in {stage:q}",
        "商机 {id} 的历史记录接不上：它止于 {end}，但商机文件中该商机处于 {stage}",
    ),
    _t(
        "add the missing change to the history, or correct the deals file",
        "请在历史记录中补上缺少的变更，或更正商机文件",
    ),
    _t(
        "history of deal {id:q} ends with amount {amount}, but the deals file gives {given}",
        "商机 {id} 的历史记录最后的金额是 {amount}，但商机文件中是 {given}",
    ),
    _t(
        "history of deal {id:q} ends with close date {date}, but the deals file gives {given}",
        "商机 {id} 的历史记录最后的预计成交日期是 {date}，但商机文件中是 {given}",
    ),
    _t(
        "history row for an unknown deal {id:q}: the deals file has no deal with this id",
        "历史行属于未知的商机 {id}：商机文件中没有这个编号",
    ),
    _t(
        "add the deal to the deals file, or remove its history rows",
        "请把该商机加入商机文件，或删除它的历史行",
    ),
    _t("deal {id:q} has {count} line items", "商机 {id} 有 {count} 条产品明细"),
    _t(
        "a change of its total amount cannot say which one changed",
        "只改总金额，无法说明是哪一条明细变了",
    ),
    _t(
        "record the change with reprice(...) on the line items",
        "请用 reprice(...) 按产品明细记录该变更",
    ),
    # -- an opportunity's own rules (domain errors) ---------------------------
    _t("opportunity {id:q}: {why:msg}", "商机 {id}：{why}"),
    _t(
        "expected_close {close} is before created {created}",
        "expected_close {close} 早于 created {created}",
    ),
    _t("a deal cannot close before it exists", "商机不能在创建之前成交"),
    _t(
        "closed_on {closed} is before created {created}",
        "closed_on {closed} 早于 created {created}",
    ),
    _t(
        "a lost_reason needs the closed_on date it was lost on",
        "有 lost_reason 时，需要填写丢单日期 closed_on",
    ),
    _t("is won ({stage:q}) but has no closed_on date", "已赢单（{stage}），但没有 closed_on 日期"),
    _t("is lost ({stage:q}) but has no closed_on date", "已丢单（{stage}），但没有 closed_on 日期"),
    _t("give the date it closed", "请填写成交或丢单的日期"),
    _t(
        "is open in {stage:q} but has closed_on {date}",
        "仍处于未结阶段 {stage}，却填写了 closed_on {date}",
    ),
    _t("clear it or set the stage", "请清空它，或更正阶段"),
    _t(
        "line items add up to {total} but amount is {amount}",
        "产品明细合计 {total}，但金额是 {amount}",
    ),
    _t("leave amount out to use the sum of the lines", "省略 amount 即使用各明细之和"),
    _t(
        "history is empty; it starts with the creation entry (leave it out)",
        "历史记录为空；历史记录本就从创建条目开始（请省略 history）",
    ),
    _t(
        "history is empty; leave it out to start with creation",
        "历史记录为空；省略它即从创建开始",
    ),
    _t("history starts with a move from {stage:q}", "历史记录以从 {stage} 移出的变动开始"),
    _t(
        "the first entry is the creation (from_stage=None)",
        "第一条应是创建条目（from_stage=None）",
    ),
    _t(
        "history starts on {on}, before created {created}",
        "历史记录始于 {on}，早于创建日期 {created}",
    ),
    _t("history starts on {on}, before since={since}", "历史记录始于 {on}，早于 since={since}"),
    _t(
        "history does not chain at entry {entry}: it moves from {start:q} but entry {previous} "
        "moved to {end:q}",
        "历史记录在第 {entry} 条处接不上：它从 {start} 移出，但第 {previous} 条移到的是 {end}",
    ),
    _t(
        "history goes back in time at entry {entry}: {on} is before {previous}",
        "历史记录在第 {entry} 条处时间倒流：{on} 早于 {previous}",
    ),
    _t(
        "history ends in {end:q} but the stage is {stage:q}",
        "历史记录止于 {end}，但当前阶段是 {stage}",
    ),
    _t(
        "history ends in {end:q} but the stage is {stage}",
        "历史记录止于 {end}，但当前阶段是 {stage}",
    ),
    _t(
        "move the opportunity with the stage machine to keep them in step",
        "请用阶段状态机移动商机，让两者保持一致",
    ),
    _t(
        "move the account with advance/regress/uncouple/resume to keep them in step",
        "请用 advance/regress/uncouple/resume 移动客户，让两者保持一致",
    ),
    _t(
        "a category rule cannot assign 'booked': only a won deal is booked",
        "类别规则不能指定 'booked'：只有已赢单的商机才算已落单",
    ),
    _t("use commit for deals that are certain", "确定能成交的商机请用 commit"),
    _t(
        "give either product= (one product) or line_items= (several), not both",
        "product=（一个产品）和 line_items=（多个产品）只能给出其一",
    ),
    _t("give amount= or line_items=", "请给出 amount= 或 line_items="),
    _t(
        "an opportunity needs a non-empty string id, got {value:any}",
        "商机需要一个非空字符串编号，实际是 {value}",
    ),
    _t(
        "a key account needs a non-empty string id, got {value:any}",
        "关键客户需要一个非空字符串编号，实际是 {value}",
    ),
    _t("opportunity id {id:q} begins or ends with spaces", "商机编号 {id} 的开头或结尾有空格"),
    _t(
        "write {id:q} (the readers trim them, as they trim stages)",
        "请写成 {id}（读取时会去掉这些空格，阶段也一样）",
    ),
    _t(
        "entry {index:num} is {kind:code}, not a StageChange",
        "第 {index} 条是 {kind}，不是 StageChange",
    ),
    _t(
        "history entry {index:num} is {kind:code}, not a StageChange",
        "历史记录第 {index} 条是 {kind}，不是 StageChange",
    ),
    _t(
        "history entry {index:num} moves to {stage:q}, which is not a lifecycle stage ({stages})",
        "历史记录第 {index} 条移到 {stage}，它不是生命周期阶段（{stages}）",
    ),
    _t("history starts with a move", "历史记录以一次变动开始"),
    _t(
        "its first entry is the creation (from_stage=None, kind=ChangeKind.CREATE)",
        "第一条应是创建条目（from_stage=None，kind=ChangeKind.CREATE）",
    ),
    _t("revisions[{index:num}] is {kind:code}", "revisions[{index}] 是 {kind}"),
    _t("use Reschedule, Reprice or Override", "请使用 Reschedule、Reprice 或 Override"),
    _t(
        "revisions[{index:num}] on {on} is before {last}",
        "revisions[{index}] 的日期 {on} 早于 {last}",
    ),
    _t(
        "revisions are kept oldest first, none before creation",
        "修订按时间从早到晚排列，且不早于创建日期",
    ),
    _t("line_items[{index:num}] is {kind:code}", "line_items[{index}] 是 {kind}"),
    _t(
        "use LineItem(product, amount) or a {product: amount} mapping",
        "请使用 LineItem(product, amount) 或 {product: amount} 映射",
    ),
    _t("activities[{index:num}] is {kind:code}", "activities[{index}] 是 {kind}"),
    _t("use ActivityRecord(key, on)", "请使用 ActivityRecord(key, on)"),
    _t("facts are flat, give each entry its own key", "事实只能是单层的，请给每个条目一个自己的键"),
    _t(
        "expected a three-letter ISO 4217 code, got {value:any}",
        "应为三个字母的 ISO 4217 代码，实际是 {value}",
    ),
    _t("pass a number", "请传入数字"),
    _t(
        "pass Decimal('{value}') or the string '{value}' so the value is exact",
        "请传入 Decimal('{value}') 或字符串 '{value}'，使数值精确",
    ),
    _t(
        "write it with ASCII digits and a decimal point, no separators or exponent, like '1200.50'",
        "请用 ASCII 数字加小数点书写，不带分隔符或指数，例如 '1200.50'",
    ),
    _t(
        "column {header:q} is mapped to {field:q}, which is not a field",
        "列 {header} 被映射到 {field}，但这不是一个字段",
    ),
    _t("the closest is {closest:q}", "最接近的是 {closest}"),
    _t("the fields are {fields}", "字段有：{fields}"),
    _t(
        "mapping entries are text to text, got {key:any}: {item:any}",
        "映射条目须为文本到文本，实际是 {key}: {item}",
    ),
    _t(
        "probability_scale is 'fraction' or 'percent', got {value:any}",
        "probability_scale 须为 'fraction' 或 'percent'，实际是 {value}",
    ),
    _t(
        "tz is a datetime.tzinfo such as zoneinfo.ZoneInfo('UTC'), got {value:any}",
        "tz 须为 datetime.tzinfo，例如 zoneinfo.ZoneInfo('UTC')，实际是 {value}",
    ),
    _t("invalid funnel: {why:msg}", "无效的漏斗：{why}"),
    _t(
        "probability falls from {lower:q} ({low}) to {upper:q} ({high})",
        "概率从 {lower}（{low}）降到了 {upper}（{high}）",
    ),
    _t("it must not decrease up the ladder", "沿阶段向上，概率不能下降"),
    _t("it has no stages", "漏斗没有阶段"),
    _t("give at least an entry stage", "请至少给出一个入口阶段"),
    _t("lost={stage:q} is not a Stage", "lost={stage} 不是 Stage"),
    _t(
        "the stage key {key:q} is reserved for deals whose stage was not recorded",
        "阶段键 {key} 保留给未记录阶段的商机",
    ),
    _t("rename the stage", "请给该阶段改名"),
    _t("duplicate stage key(s) {keys}", "阶段键重复：{keys}"),
    _t("keys must be unique", "键必须唯一"),
    _t("the lost outcome {stage:q} must have kind LOST", "丢单结果 {stage} 的类型必须是 LOST"),
    _t("pass it as lost=", "请用 lost= 传入"),
    _t(
        "won stage(s) {stages}: a funnel has at most one, last on the ladder",
        "赢单阶段 {stages}：一个漏斗至多有一个，且位于阶段序列的最后",
    ),
    _t(
        "entry {stage:q} must be exactly one open stage of the ladder",
        "入口 {stage} 必须恰好是阶段序列中的一个未结阶段",
    ),
    _t("edge {start:q} -> {end:q} names an unknown stage", "边 {start} -> {end} 指向未知的阶段"),
    _t(
        "edge {start:q} -> {end:q} does not go up the ladder",
        "边 {start} -> {end} 没有沿阶段向上",
    ),
    _t(
        "moving back is a separate, reasoned move, not an edge",
        "回退是另一种需要写明原因的变动，不是一条边",
    ),
    _t("edge {start:q} -> {end:q} leaves a terminal stage", "边 {start} -> {end} 从终结阶段出发"),
    _t(
        "stage(s) {stages} cannot be reached from the entry {entry:q}",
        "从入口 {entry} 无法到达阶段 {stages}",
    ),
    _t("add an edge into them or remove them", "请添加通往它们的边，或删除它们"),
    _t("stage(s) {stages} cannot reach {top:q}", "阶段 {stages} 无法到达 {top}"),
    _t("a deal there could only be lost", "处于这些阶段的商机只能丢单"),
    _t(
        "won stage {stage:q} has probability {probability}",
        "赢单阶段 {stage} 的概率是 {probability}",
    ),
    _t("it must be 1", "它必须为 1"),
    _t(
        "lost outcome {stage:q} has probability {probability}",
        "丢单结果 {stage} 的概率是 {probability}",
    ),
    _t("it must be 0", "它必须为 0"),
    _t(
        "buying steps run backwards: {stage:q} is {step:q} but the later stage {later:q} "
        "is {later_step:q}",
        "购买步骤顺序颠倒：{stage} 对应 {step}，但其后的阶段 {later} 对应 {later_step}",
    ),
    _t(
        "later stages map to the same or a later step",
        "后面的阶段应对应相同或更靠后的购买步骤",
    ),
    _t("heat weights: at least one weight must be above 0", "热度权重：至少要有一个权重大于 0"),
    _t(
        "AtLeast({n}, ...) over {count} rules can never be decided sensibly",
        "AtLeast({n}, ...) 作用于 {count} 条规则，永远无法合理地判定",
    ),
    _t("choose n between {low} and {high}", "请在 {low} 到 {high} 之间选择 n"),
    _t(
        "quarter {quarter}: a fiscal year has quarters 1-4",
        "季度 {quarter}：一个财年只有第 1-4 季度",
    ),
    _t("period {period}: a fiscal year has quarters 1-4", "期间 {period}：一个财年只有第 1-4 季度"),
    _t("rate {pair} on {on} is zero", "{on} 的汇率 {pair} 为零"),
    _t("give how many {quote} one {base} is worth", "请给出 1 {base} 值多少 {quote}"),
    _t(
        "thresholds must increase: {first} is followed by {then}",
        "阈值必须递增：{first} 之后是 {then}",
    ),
    _t("give them in order, e.g. {example}", "请按递增顺序给出，例如 {example}"),
    _t("the figure {value} is negative", "数值 {value} 为负数"),
    _t("round it to {places} places or fewer", "请四舍五入到不超过 {places} 位小数"),
    _t(
        "use three letters such as 'USD', 'EUR' or 'CNY'",
        "请使用三个字母，例如 'USD'、'EUR' 或 'CNY'",
    ),
    _t(
        "give a share such as 0.6 (not a percentage such as 60)",
        "请给出比例，例如 0.6（而不是 60 这样的百分比）",
    ),
    _t("give a number in [0, 1]", "请给出 [0, 1] 之间的数"),
    # -- key-account files -----------------------------------------------------
    _t("key account {id:q}: {why:msg}", "关键客户 {id}：{why}"),
    _t("is not a lifecycle stage", "不是有效的客户生命周期阶段"),
    _t("use one of {values} (or their labels)", "请使用以下之一：{values}（或它们的标签）"),
    _t(
        "is not a column of a key-account file nor a known signal",
        "既不是关键客户文件的列，也不是已知的信号",
    ),
    _t("use {columns} or a signal: {signals:any}", "请使用 {columns}，或信号：{signals}"),
    _t("give every account an id", "请给每个客户一个编号"),
    _t("give every account its own id", "请给每个客户一个唯一的编号"),
    _t("repeats the id of row {row}", "与第 {row} 行的编号重复"),
    _t(
        "is out of range for {signal} (at most {maximum})", "超出 {signal} 的范围（最多 {maximum}）"
    ),
    _t("is out of range for {signal}", "超出 {signal} 的范围"),
    _t("names the unknown activity {key:q}", "指向未知的活动 {key}"),
    _t(
        "use the activity keys of the playbooks (salesfunnel.playbook), optionally with @YYYY-MM-DD",
        "请使用行动手册（salesfunnel.playbook）中的活动键，可附加 @YYYY-MM-DD",
    ),
    _t("is after stage_since {date}", "晚于 stage_since {date}"),
    _t(
        "the relationship record starts on or before the stage was entered",
        "关系记录的开始日期不能晚于进入该阶段的日期",
    ),
    _t(
        "activities[{index}] ({key:q}) is dated {on}, before the relationship record starts "
        "on {since}",
        "activities[{index}]（{key}）的日期是 {on}，早于关系记录的开始日期 {since}",
    ),
    _t("move since= back", "请把 since= 提前"),
    _t(
        "give an earlier date in the since column, or correct the activity date",
        "请在 since 列填写更早的日期，或更正活动日期",
    ),
    _t("is below the sales platform, but the wall passed", "低于销售平台，但已通过围墙准则"),
    _t("is the sales platform, but the wall did not pass", "处于销售平台，但未通过围墙准则"),
    _t(
        "an account that passes the wall is on the sales platform or higher",
        "通过围墙准则的客户处于销售平台或更高的平台",
    ),
    _t("set it to null, or correct the platform", "请把它设为 null，或更正平台"),
    _t(
        "is given only for accounts on the purchase and key-customer platforms",
        "只有购买平台和重要客户平台上的客户才有此项",
    ),
    _t(
        "list the accounts by platform (highest first), then by name",
        "请先按平台（从高到低）、再按名称排列客户",
    ),
    _t("screen each account once", "每个客户只筛选一次"),
    _t("repeats an account", "重复了某个客户"),
    # -- customers, ABC, scorecards --------------------------------------------
    _t(
        "customer {customer:q}, {field}: {value} is outside the scale ({scale})",
        "客户 {customer} 的 {field}：{value} 超出量表范围（{scale}）",
    ),
    _t("customer {customer:q}: {why:msg}", "客户 {customer}：{why}"),
    _t("float {value} mixed with Decimal figures", "浮点数 {value} 与 Decimal 数值混用"),
    _t(
        "money is exact, so give every figure as Decimal (or every figure as float for "
        "non-money measures)",
        "金额必须精确，请把所有数值都给成 Decimal（非金额的度量也可以全部给成 float）",
    ),
    _t(
        "ABC analysis needs figures of zero or more (record a loss-making customer as 0, "
        "or analyse losses separately)",
        "ABC 分析需要 0 或以上的数值（亏损的客户记为 0，或单独分析亏损）",
    ),
    _t("profile {name:q}: {why:msg}", "客户画像 {name}：{why}"),
    _t("repeats a customer", "重复了某个客户"),
    _t(
        "the customer is empty; write a name in the first column",
        "客户为空；请在第一列写上客户名称",
    ),
    _t(
        "customer {customer:q} is listed twice (first on row {first:num})",
        "客户 {customer} 出现两次（第一次在第 {first} 行）",
    ),
    _t("give each customer one row", "每个客户只写一行"),
    _t("correct the row, or leave it out", "请修改该行，或将其删除"),
    _t(
        "write it with ASCII digits and a decimal point, without separators, like -1200.50",
        "请用半角数字和小数点书写，不加分隔符，例如 -1200.50",
    ),
    _t(
        "is {given}, but the figures and cuts put {key:q} in {actual:q}",
        "是 {given}，但按数值和分界，{key} 应属于 {actual}",
    ),
    _t(
        "correct the class, or write the result again with salesfunnel",
        "请更正类别，或用 salesfunnel 重新写出结果",
    ),
    _t("use a string or an integer", "请使用字符串或整数"),
    _t(
        'write money as a string ("1200.50"), fractions as "1/3", ratings and counts as numbers',
        '请把金额写成字符串（"1200.50"），分数写成 "1/3"，评分和计数写成数字',
    ),
    _t(
        'write money as a string ("1200.50"), counts as whole numbers, measures as numbers',
        '请把金额写成字符串（"1200.50"），计数写成整数，度量写成数字',
    ),
    _t(
        'write exact numbers as strings ("0.12"), or as JSON numbers',
        '精确的数请写成字符串（"0.12"）或 JSON 数字',
    ),
    _t('write it like "0.12"', '请写成 "0.12" 这样'),
    _t('write it like "0.5"', '请写成 "0.5" 这样'),
    _t('write it like "1200.50"', '请写成 "1200.50" 这样'),
    _t(
        "name the criteria {named}, but the scorecard's are {known}",
        "列出的准则是 {named}，而评分卡的准则是 {known}",
    ),
    _t(
        "give one contribution per criterion, in the scorecard's order",
        "请按评分卡的顺序，每个准则给出一个贡献值",
    ),
    _t(
        "does not follow from the verdicts, which give {given}",
        "与判定结果不符，判定结果为 {given}",
    ),
    _t(
        "correct it, or classify the customer again with salesfunnel",
        "请更正，或用 salesfunnel 重新给客户分类",
    ),
    _t(
        "correct it, or write the scorecard again with salesfunnel",
        "请更正，或用 salesfunnel 重新写出评分卡",
    ),
    _t(
        "is empty or names a key that is not a criterion of the scorecard",
        "为空，或指向的键不是评分卡的准则",
    ),
    _t("is empty or repeats a criterion", "为空，或重复了某个准则"),
    _t("repeats a criterion key", "重复了某个准则键"),
    _t("name each criterion once", "每个准则只写一次"),
    _t("repeats a type", "重复了某个类型"),
    _t("judge each type once", "每个类型只判定一次"),
    _t("has {count} results for {criteria} criteria", "有 {count} 个结果，却有 {criteria} 个准则"),
    _t("give one result per criterion, in the same order", "请每个准则给出一个结果，顺序相同"),
    _t("is not weight × normalised ({value})", "不等于 权重 × 归一化值（{value}）"),
    _t("is not the sum of the contributions", "不等于各项贡献之和"),
    _t("has {count} entries", "有 {count} 个条目"),
    _t("this analysis has {count} classes", "该分析有 {count} 个类别"),
    _t("give one count per class", "请每个类别给出一个计数"),
    _t("are not ascending", "不是升序"),
    _t(
        "are not counts of customers rising to the {count} customers",
        "不是逐级增加到 {count} 个客户的客户数",
    ),
    _t(
        "give, per class, how many top-ranked customers are in it or a better class",
        "请按类别给出排名靠前、属于该类别或更优类别的客户数",
    ),
    _t("is not a rank (1 or more)", "不是有效的排名（1 或以上）"),
    _t(
        "is {rank}, but its place and score give rank {expected}",
        "是 {rank}，但按其位置和得分，排名应为 {expected}",
    ),
    _t(
        "rank is 1 + the number of customers with a strictly higher score",
        "排名 = 1 + 得分严格更高的客户数",
    ),
    _t("is null", "为 null"),
    _t('fixed ABC has "before" or "inclusive"', '固定 ABC 取 "before" 或 "inclusive"'),
    _t("give 1 to 30 places", "请给出 1 到 30 位"),
    _t("is not a whole number from 1 to 30", "不是 1 到 30 之间的整数"),
    # -- result documents: figures that must agree ----------------------------
    _t(
        "correct it, or compute the result again with salesfunnel",
        "请更正，或用 salesfunnel 重新计算结果",
    ),
    _t(
        "correct the amounts, or write the waterfall again with salesfunnel",
        "请更正金额，或用 salesfunnel 重新写出瀑布表",
    ),
    _t(
        "correct the figures, or write the forecast again with salesfunnel",
        "请更正数值，或用 salesfunnel 重新写出预测",
    ),
    _t("each part of the heat is a share", "热度的每一部分都是比例"),
    _t("the heat runs from 0 to 100", "热度的范围是 0 到 100"),
    _t(
        "is not above the threshold of {days} days, so the deal is not stale",
        "没有超过 {days} 天的阈值，因此该商机并未停滞",
    ),
    _t("a threshold is 0 days or more", "阈值为 0 天或以上"),
    _t("is not a number of stays (1 or more)", "不是有效的停留次数（1 或以上）"),
    _t("is not between 0 and the total", "不在 0 与总数之间"),
    _t(
        "is null exactly when no deal spent time in the stage",
        "当且仅当没有商机在该阶段停留时才为 null",
    ),
    _t("is null exactly when no deal was won", "当且仅当没有商机赢单时才为 null"),
    _t("is not 0, but {field} is 0", "不是 0，但 {field} 为 0"),
    _t("count the deals, 0 or more", "商机数应为 0 或以上"),
    _t(
        "does not add up: its cells give count {count}, amount {amount} and weighted {weighted}",
        "对不上：其单元格给出的数量为 {count}，金额为 {amount}，加权金额为 {weighted}",
    ),
    _t(
        "do not add up: opening {opening} plus the changes is not closing {closing}",
        "对不上：期初 {opening} 加上各项变动不等于期末 {closing}",
    ),
    _t("is {weighted}, above the pipeline {pipeline}", "为 {weighted}，高于管道金额 {pipeline}"),
    _t(
        "a weighted value never exceeds the amounts it weighs",
        "加权值不会超过被加权的金额",
    ),
    _t(
        "is {value}, not between p10 {p10} and p90 {p90}",
        "为 {value}，不在 p10 {p10} 与 p90 {p90} 之间",
    ),
    _t("is {value}, not a rate in [0, 1)", "为 {value}，不是 [0, 1) 内的比率"),
    _t(
        "has {count} key(s), but the forecast is grouped by {grouping}",
        "有 {count} 个键，但该预测按 {grouping} 分组",
    ),
    _t("give one key per grouping", "请每个分组给出一个键"),
    _t("repeats a grouping", "重复了某个分组"),
    _t('use ["owner"], ["product"] or both', '请使用 ["owner"]、["product"] 或两者'),
    _t("the grand total has group []", "总计的分组为 []"),
    _t("repeats a (bucket, category) cell", "重复了某个 (bucket, category) 单元格"),
    _t("has {points} points for {weights} weights", "有 {points} 个点，却有 {weights} 个权重"),
    _t("give one point per weight", "请每个权重给出一个点"),
    _t("give the points from the lowest up", "请从最低的点开始依次给出"),
    _t("has {totals} totals for {trials} trials", "有 {totals} 个总计，却有 {trials} 次试验"),
    _t("give one total per trial", "请每次试验给出一个总计"),
    _t("is not a positive number of trials", "不是正的试验次数"),
    _t("run 1 trial or more", "请至少运行 1 次试验"),
    _t("give the masses", "请给出概率质量"),
    _t("give the masses' sum", "请给出概率质量之和"),
    _t(
        'write masses as strings of digits, such as "1024"',
        '请把概率质量写成数字字符串，例如 "1024"',
    ),
    _t("is higher than the one before", "比前一个高"),
    _t("is out of order", "顺序不对"),
    _t("repeats a stage key", "重复了某个阶段键"),
    _t("name each stage once", "每个阶段只写一次"),
    _t("holds a value that is not a close window", "含有不是成交时间窗的值"),
    _t("repeats a close window", "重复了某个成交时间窗"),
    _t("name each window once", "每个时间窗只写一次"),
    _t("use some of {names}", "请使用以下的一个或多个：{names}"),
    _t(
        'give a period object or a label such as "2026Q3"', '请给出期间对象，或 "2026Q3" 这样的标签'
    ),
    _t("is a quarter, but a whole year is needed", "是一个季度，但这里需要整年"),
    _t("is null, but a quarter is needed", "为 null，但这里需要一个季度"),
    _t("is not a [first, last] pair of dates", "不是 [first, last] 日期对"),
    _t("is not one of {names:any}", "不是以下之一：{names}"),
    _t("see the result documents in the data-formats docs", "请参阅数据格式文档中的结果文档说明"),
    # -- facts -----------------------------------------------------------------
    _t("fact {key:q}: {why:msg}", "事实 {key}：{why}"),
    _t("a fact has an empty key", "有一个事实的键为空"),
    _t("a mapping is not a fact value", "映射（对象）不是有效的事实值"),
    _t("holds a value that is not a fact", "含有不是事实的值"),
    _t("the float {value} is not a finite number", "浮点数 {value} 不是有限数"),
    _t(
        "is not a number in plain notation (ASCII digits, an optional sign and decimal point; "
        "no separators, exponent, NaN or infinity)",
        "不是普通写法的数字（ASCII 数字，可带正负号和小数点；不能有分隔符、指数、NaN 或无穷大）",
    ),
    _t("has more than {digits} digits", "超过 {digits} 位数字"),
    _t("has {value}, which is not a finite number", "含有 {value}，它不是有限数"),
    _t("has an integer of {digits} digits", "含有一个 {digits} 位的整数"),
    _t("is longer than {count} characters", "超过 {count} 个字符"),
    _t("nests objects or lists; facts are flat", "嵌套了对象或列表；事实只能是单层的"),
    _t(
        "is not valid JSON ({detail:note} at character {at})",
        "不是有效的 JSON（第 {at} 个字符处：{detail}）",
    ),
    _t(
        'write facts as a JSON object, such as {"budget": true, "odds": 0.6}; '
        'exact decimals as {"decimal": "0.6"}, dates as {"date": "2026-03-31"}',
        '请把事实写成 JSON 对象，例如 {"budget": true, "odds": 0.6}；'
        '精确小数写作 {"decimal": "0.6"}，日期写作 {"date": "2026-03-31"}',
    ),
    _t("is not a JSON object", "不是 JSON 对象"),
    # -- rules as data ---------------------------------------------------------
    _t("unknown rule reference {name:q}", "未知的规则引用 {name}"),
    _t(
        "register it with DEFAULT_REGISTRY.with_rules({{name:q}: rule}) and pass registry=... "
        "(known: {known:any})",
        "请用 DEFAULT_REGISTRY.with_rules({{name}: rule}) 注册它，并传入 registry=...（已知：{known}）",
    ),
    _t("unknown criterion reference {key:q}", "未知的准则引用 {key}"),
    _t(
        "write the criterion out in full, or register a rule holding it",
        "请完整写出该准则，或注册一条包含它的规则",
    ),
    _t(
        "rule {name:q} has no criterion {key:q} (its criteria: {known})",
        "规则 {name} 没有准则 {key}（它的准则有：{known}）",
    ),
    _t(
        "write the criterion out in full, or name the rule that holds it",
        "请完整写出该准则，或指明包含它的规则",
    ),
    _t("rule type {kind:q} is unknown", "规则类型 {kind} 未知"),
    _t(
        "use criterion, all_of, any_of, at_least or not, or a ref",
        "请使用 criterion、all_of、any_of、at_least 或 not，或使用 ref",
    ),
    _t("criterion test type {kind:q} is unknown", "准则的检验类型 {kind} 未知"),
    _t("use fact, threshold or below", "请使用 fact、threshold 或 below"),
    _t(
        "has no 'type' of 'reschedule', 'reprice' or 'override'",
        "缺少 'type'（应为 'reschedule'、'reprice' 或 'override'）",
    ),
    _t("has no {key:q}", "缺少 {key}"),
    _t("'needs' is not a list of fact keys", "'needs' 不是事实键的列表"),
    _t("give the fact keys as strings", "请把事实键写成字符串"),
    _t("a rule reference", "规则引用"),
    _t("a criterion", "准则"),
    _t("a {kind} rule", "{kind} 规则"),
    _t("a {kind} test", "{kind} 检验"),
    _t("text is not {'en': ..., 'zh': ...}", "text 不是 {'en': ..., 'zh': ...} 的形式"),
    _t("give both languages as strings", "请把两种语言都写成字符串"),
    _t("a rule is not a JSON object", "规则不是 JSON 对象"),
    _t("see the rule forms in the data-formats docs", "请参阅数据格式文档中规则的写法"),
    _t("a criterion has no text", "准则没有文字"),
    _t("give its text in 'en' and 'zh'", "请用 'en' 和 'zh' 给出它的文字"),
    # -- JSON documents: text and bounds ---------------------------------------
    _t("the document is empty", "文档为空"),
    _t("write a salesfunnel JSON document", "请写一个 salesfunnel JSON 文档"),
    _t("the document is not a JSON object", "文档不是 JSON 对象"),
    _t(
        "the document is longer than {count} characters (64 MiB)",
        "文档超过 {count} 个字符（64 MiB）",
    ),
    _t(
        "the document nests arrays and objects deeper than {depth} levels",
        "文档中数组和对象的嵌套超过 {depth} 层",
    ),
    _t("the document {why:msg}", "文档{why}"),
    _t("holds {value}, which is not a JSON number", "含有 {value}，它不是 JSON 数字"),
    _t(
        "holds an integer of {digits} digits, more than {limit}",
        "含有一个 {digits} 位的整数，超过 {limit} 位",
    ),
    _t(
        "holds the number {value:any}, which is not a finite number of at most {digits} digits",
        "含有数字 {value}，它不是不超过 {digits} 位的有限数",
    ),
    _t(
        "holds a lone surrogate (such as \\ud800), which is not text",
        "含有孤立的代理字符（例如 \\ud800），不是文本",
    ),
    _t(
        "write the document with salesfunnel, or check what wrote it",
        "请用 salesfunnel 写出该文档，或检查它是由什么程序写出的",
    ),
    _t("write a finite number, or null for none", "请写有限数，没有值时写 null"),
    _t(
        'write large numbers as decimal strings within the bounds, such as "120000.50"',
        '大数请写成范围内的十进制字符串，例如 "120000.50"',
    ),
    _t(
        'write exact numbers as decimal strings, such as "0.6"',
        '精确的数请写成十进制字符串，例如 "0.6"',
    ),
    _t(
        "the JSON text is malformed: {detail:note} (line {line}, column {column})",
        "JSON 文本格式有误：{detail}（第 {line} 行第 {column} 列）",
    ),
    _t("Expecting property name enclosed in double quotes", "应为用双引号括起的属性名"),
    _t("Expecting value", "应为一个值"),
    _t("Expecting {what:q} delimiter", "应为分隔符 {what}"),
    _t("Extra data", "有多余的数据"),
    _t("Invalid control character at", "有无效的控制字符"),
    _t("Unterminated string starting at", "字符串没有结束"),
    _t("Invalid \\escape", "有无效的转义"),
    _t("Invalid \\uXXXX escape", "有无效的 \\uXXXX 转义"),
    _t("check the JSON syntax", "请检查 JSON 语法"),
    _t("is an integer of more than {digits} digits", "是超过 {digits} 位的整数"),
    _t("nests deeper than {depth} levels", "嵌套超过 {depth} 层"),
    _t("repeats the key {key:q}", "重复了键 {key}"),
    _t(
        "give every key once in an object; a reader would otherwise keep only one of them",
        "对象中每个键只能出现一次；否则读取时只会保留其中一个",
    ),
    _t("is a key with a lone surrogate, which is not text", "是含孤立代理字符的键，不是文本"),
    _t("is infinite, not a number", "是无穷大，不是数字"),
    _t("is {value}, not a finite number", "是 {value}，不是有限数"),
    _t("has NaN, which is not a finite number", "含有 NaN，它不是有限数"),
    # -- JSON documents: schema, version, keys ---------------------------------
    _t(
        "write {'schema': ..., 'version': ..., ...} with one of {known:any}",
        "请写成 {'schema': ..., 'version': ..., ...}，schema 取以下之一：{known}",
    ),
    _t("is not a salesfunnel document schema", "不是 salesfunnel 文档的 schema"),
    _t("is not a schema version (a whole number from 1)", "不是 schema 版本号（从 1 起的整数）"),
    _t('write "version": {version}', '请写 "version": {version}'),
    _t(
        "a {schema} document holds 'schema', 'version' and '{key}'",
        "{schema} 文档只含 'schema'、'version' 和 '{key}' 三个键",
    ),
    _t("unknown keys: {keys:any}", "未知的键：{keys}"),
    _t("unknown keys: ", "未知的键：（空的键名）"),
    _t("keep exactly those keys", "请只保留这些键"),
    _t("is not a list", "不是列表"),
    _t("give the items as a JSON array", "请把各项写成 JSON 数组"),
    _t("is not a document of {cls:code}", "不是 {cls} 文档"),
    _t(
        "read the document with the function for its schema", "请用与其 schema 对应的函数读取该文档"
    ),
    _t(
        "this document is {schema} version {version}, but this version of salesfunnel reads up "
        "to version {supported}",
        "该文档是 {schema} 第 {version} 版，而当前版本的 salesfunnel 最多只能读取第 {supported} 版",
    ),
    _t(
        "upgrade salesfunnel, or write the document with version {supported}",
        "请升级 salesfunnel，或按第 {supported} 版写出该文档",
    ),
    # -- JSON documents: values of the wrong kind ------------------------------
    _t("see the JSON schema in the data-formats docs", "请参阅数据格式文档中的 JSON schema"),
    _t('write numbers as strings, such as "120000.50"', '请把数字写成字符串，例如 "120000.50"'),
    _t("is a JSON number with a fraction, which is not exact", "是带小数的 JSON 数字，不精确"),
    _t(
        'write money and probabilities as strings, such as "0.6" or "120000.50"',
        '请把金额和概率写成字符串，例如 "0.6" 或 "120000.50"',
    ),
    _t('write it as a string such as "120000.50"', '请写成字符串，例如 "120000.50"'),
    _t(
        'write it in plain notation, ASCII digits and a decimal point, like "120000.50"',
        '请用普通写法书写：ASCII 数字加小数点，例如 "120000.50"',
    ),
    _t("has unknown keys: {keys:any}", "有未知的键：{keys}"),
    _t("has unknown keys: ", "有未知的键：（空的键名）"),
    _t("remove them, or check their spelling", "请删除它们，或检查拼写"),
    _t("is not a list of [from, to] stage-key pairs", "不是 [from, to] 阶段键对的列表"),
    _t("give a {cls:code}", "请给出一个 {cls}"),
    _t("is null, not a {cls:code} object", "为 null，不是 {cls} 对象"),
    _t("is null, not {what:msg}", "为 null，不是{what}"),
    _t("is {kind:msg}, not a {cls:code} object", "是{kind}，不是 {cls} 对象"),
    _t("is {kind:msg}, not {what:msg}", "是{kind}，不是{what}"),
    _t("is {kind:code}, not a date", "是 {kind}，不是日期"),
    _t("is {kind:code}, not a number", "是 {kind}，不是数字"),
    _t("is {kind:code}, not text", "是 {kind}，不是文本"),
    _t("is a {kind:code}, not a {cls:code}", "是 {kind}，不是 {cls}"),
    _t("is not a {cls:code}", "不是有效的 {cls}"),
    _t("use one of {values:any}", "请使用以下之一：{values}"),
    _t("a string", "字符串"),
    _t("a number", "数字"),
    _t("a list", "列表"),
    _t("an object", "对象"),
    _t("a bool", "布尔值"),
    _t("a date", "日期"),
    _t("a whole number", "整数"),
    _t("true or false", "布尔值 true 或 false"),
    _t("a currency code", "货币代码"),
    _t("a figure", "数值"),
    _t("a customer key", "客户键"),
    _t("a probability", "概率"),
    _t("a rule", "规则"),
    _t("a [first, last] pair of dates", "日期对 [first, last]"),
    _t("a list of stage keys", "阶段键的列表"),
    _t("a non-empty list of close windows", "非空的成交时间窗列表"),
    _t(
        "hold dates, date-times or ISO text such as 2026-03-31; parse other text first "
        "(pandas: pd.to_datetime(df[c], format=...); polars: pl.col(c).str.to_date(format))",
        "此列请放日期、日期时间或 2026-03-31 这样的 ISO 文本；其他文本请先解析"
        "（pandas：pd.to_datetime(df[c], format=...)；polars：pl.col(c).str.to_date(format)）",
    ),
    _t(
        "hold text in this column (pandas: df[c].astype(str); polars: pl.col(c).cast(pl.String))",
        "此列请放文本（pandas：df[c].astype(str)；polars：pl.col(c).cast(pl.String)）",
    ),
    _t(
        "hold Decimal objects, whole numbers, floats (read through their shortest repr), "
        "or text such as 120000.50",
        "此列请放 Decimal 对象、整数、浮点数（按其最短 repr 读取）或 120000.50 这样的文本",
    ),
    # -- texts that start with a value: tried on every text, so they come last --
    _t("{count:num} stage columns are marked", "标记了 {count} 个阶段列"),
    _t("{text:q} is not a stage mark", "{text} 不是阶段标记"),
    _t(
        "{count:num} stage names have no mapping: {names:list}",
        "有 {count} 个阶段名称没有映射：{names}",
    ),
    _t(
        "{count:num} stage names of the export have no mapping: {names:list}",
        "导出文件中有 {count} 个阶段名称没有映射：{names}",
    ),
    _t("{name:q} (1 row)", "{name}（1 行）"),
    _t("{name:q} ({rows:num} rows)", "{name}（{rows} 行）"),
    _t("{name:q} (1 row; closest: {closest})", "{name}（1 行；最接近：{closest}）"),
    _t("{name:q} ({rows:num} rows; closest: {closest})", "{name}（{rows} 行；最接近：{closest}）"),
    _t("{expected:q} expected after {after:q}", "{after} 之后应为 {expected}"),
    _t(
        "{codec:q} codec can't decode byte 0x{byte} in position {at:num}: {reason:note}",
        "{codec} 编解码器无法解码位置 {at} 处的字节 0x{byte}：{reason}",
    ),
    _t(
        "{codec:q} codec can't decode bytes in position {at}: {reason:note}",
        "{codec} 编解码器无法解码位置 {at} 处的字节：{reason}",
    ),
    _t("{text:q} is not a number", "{text} 不是数字"),
    _t("{key:q} is not a {kind:code}", "{key} 的值不是 {kind} 类型"),
    _t("{key:q} is missing", "缺少 {key}"),
    _t("{where}: {text:q} is not a number", "{where}：{text} 不是数字"),
    _t("{field:code}: {why:msg}", "{field}：{why}"),
    _t("{field:code} is {value:val}, outside {scale}", "{field} 为 {value}，超出 {scale}"),
    _t("{kind:code} limit {limit} {why:msg}", "{kind} 的界限 {limit} {why}"),
    _t(
        "{value:val} has more than {digits:num} integer digits",
        "{value} 的整数部分超过 {digits} 位",
    ),
    _t("{value:val} is negative", "{value} 为负数"),
    _t("{value:val} has more than {places:num} decimal places", "{value} 的小数超过 {places} 位"),
    _t("{value:val} is not an ISO 4217 code", "{value} 不是 ISO 4217 货币代码"),
    _t("{value:val} is outside [0, 1]", "{value} 不在 [0, 1] 范围内"),
    _t("{value:val} is not a probability", "{value} 不是概率"),
    _t("{text:val} is not a positive whole number", "{text} 不是正整数"),
    _t("{text:val} is not a whole number", "{text} 不是整数"),
    _t("{value:val} is not a finite number", "{value} 不是有限数"),
    _t(
        "{value:q} is not a decimal number (plain ASCII, within the bounds)",
        "{value} 不是有效的十进制数（须为 ASCII 普通写法，且在范围内）",
    ),
    _t(
        "{value:any} is not a number in plain notation (ASCII digits, an optional sign and "
        "decimal point; no separators, exponent, NaN or infinity)",
        "{value} 不是普通写法的数字（ASCII 数字，可带正负号和小数点；不能有分隔符、指数、NaN 或无穷大）",
    ),
    _t("{value:any} has more than {digits:num} digits", "{value} 超过 {digits} 位数字"),
    _t("{value:any} is not a fact value", "{value} 不是有效的事实值"),
    _t(
        "{field:code} must be a non-empty string, got {value:any}",
        "{field} 须为非空字符串，实际是 {value}",
    ),
    _t("{field:code} must be a string, got {value:any}", "{field} 须为字符串，实际是 {value}"),
    _t("{field:code} is the float {value}", "{field} 是浮点数 {value}"),
    _t("{what} is the bool {value}", "{what} 是布尔值 {value}"),
    _t("{what} must be finite, got {value:any}", "{what} 须为有限数，实际是 {value}"),
    _t(
        "{what} must be a Decimal, int or numeric string, got {kind:code}",
        "{what} 须为 Decimal、int 或数字字符串，实际是 {kind}",
    ),
    _t("{value:val} is not a plain number", "{value} 不是普通写法的数字"),
    _t("{stages} on the ladder is of kind LOST", "阶段序列中的 {stages} 类型为 LOST"),
    _t(
        "{what:msg} has unknown keys: {keys:any} (its keys are {known:any})",
        "{what}有未知的键：{keys}（它的键是 {known}）",
    ),
)


_Segments = tuple[str | tuple[str, str | None], ...]


@attrs.frozen
class _Compiled:
    template: Template
    pattern: re.Pattern[str]
    segments: _Segments
    nested: bool
    #: The Chinese text split at its fields: text, field name, text, ... text.
    zh_parts: tuple[str, ...]

    def fill(self, values: dict[str, str]) -> str:
        """The Chinese text with ``values`` in its fields."""
        parts = self.zh_parts
        return parts[0] + "".join(values[parts[i]] + parts[i + 1] for i in range(1, len(parts), 2))


def _split_fields(text: str) -> tuple[str, ...]:
    """``text`` as text, field name, text, ... text (the kinds left out)."""
    pieces = _FIELD.split(text)
    return tuple(p for i, p in enumerate(pieces) if i % 3 != 2)  # noqa: PLR2004


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0]


def _compiled(
    templates: Iterable[Template],
) -> tuple[dict[str, Template], dict[str, tuple[_Compiled, ...]], tuple[_Compiled, ...]]:
    """The exact texts, and the patterns by the first word of their text (with the rest)."""
    exact: dict[str, Template] = {}
    patterns: list[_Compiled] = []
    for template in templates:
        if template.fields:
            patterns.append(
                _Compiled(
                    template,
                    template.pattern(),
                    template.segments(),
                    bool(template.messages),
                    _split_fields(template.zh),
                )
            )
        else:
            exact.setdefault(template.en, template)
    # A template whose text starts with a whole word is only tried on texts that
    # start with that word; the others (starting with a field) on every text.
    keyed: dict[str, list[int]] = {}
    anywhere: list[int] = []
    for i, c in enumerate(patterns):
        first = c.segments[0]
        if isinstance(first, str) and " " in first:
            keyed.setdefault(_first_word(first), []).append(i)
        else:
            anywhere.append(i)
    by_word = {
        word: tuple(patterns[i] for i in sorted([*ids, *anywhere])) for word, ids in keyed.items()
    }
    return exact, by_word, tuple(patterns[i] for i in anywhere)


_EXACT, _BY_WORD, _ANYWHERE = _compiled(TEMPLATES)


def _value(kind: str | None, text: str) -> str | None:
    """A field's text in Chinese (translated for ``msg``, ``list`` and ``note``), or ``None``."""
    if kind == "msg":
        return _zh(text)
    if kind == "list":
        return _zh_list(text)
    if kind == "note":
        return _zh(text) or text
    return text


def _solve(
    segments: Sequence[str | tuple[str, str | None]], text: str, at: int
) -> dict[str, str] | None:
    """The fields' values of ``text[at:]`` for ``segments``, trying every way to cut it.

    Only templates with a message field are solved so (their fields are each
    given once: a test holds it); the others take the regular expression's match.
    """
    if not segments:
        return {} if at == len(text) else None
    first, rest = segments[0], segments[1:]
    if isinstance(first, str):
        return _solve(rest, text, at + len(first)) if text.startswith(first, at) else None
    name, kind = first
    if rest:
        literal = cast("str", rest[0])  # two fields never touch (a test holds it)
        ends = []
        end = text.find(literal, at + 1)
        while end != -1:
            ends.append(end)
            end = text.find(literal, end + 1)
    else:
        ends = [len(text)]
    for end in ends:
        part = text[at:end]
        if _KIND_RES[kind].fullmatch(part) is None:
            continue
        value = _value(kind, part)
        if value is None:
            continue
        found = _solve(rest, text, end)
        if found is not None:
            return {name: value, **found}
    return None


@functools.lru_cache(maxsize=16384)
def _zh(text: str) -> str | None:
    found = _EXACT.get(text)
    if found is not None:
        return found.zh
    if _SEP in text:
        parts = _zh_joined(text, _SEP, "；")
        if parts is not None:
            return parts
    for c in _BY_WORD.get(_first_word(text), _ANYWHERE):
        match = c.pattern.fullmatch(text)
        if match is None:
            continue
        values = _solve(c.segments, text, 0) if c.nested else match.groupdict()
        if values is not None:
            return c.fill(values)
    return None


def _zh_joined(text: str, sep: str, zh_sep: str) -> str | None:
    """``text`` as messages joined by ``sep``, each translated (the first as short as can be)."""
    at = text.find(sep)
    while at != -1:
        first = _zh(text[:at])
        rest = _zh_list(text[at + len(sep) :], sep, zh_sep) if first is not None else None
        if first is not None and rest is not None:
            return f"{first}{zh_sep}{rest}"
        at = text.find(sep, at + 1)
    return None


@functools.lru_cache(maxsize=16384)
def _zh_list(text: str, sep: str = ", ", zh_sep: str = "，") -> str | None:
    """``text`` as one or more messages joined by ``sep``, each translated."""
    return _zh_joined(text, sep, zh_sep) or _zh(text)


def translate(text: str, lang: Lang) -> str | None:
    """Return ``text`` (a problem's ``why`` or ``fix``) in ``lang``, or ``None`` if unknown.

    English text is returned as it is; an empty text stays empty.

    Raises:
        UnknownLanguageError: For a language other than ``en`` or ``zh``.
    """
    if check_lang(lang) == "en" or not text:
        return text
    return _zh(text)
