"""Chinese texts of data problems: cells, files, tables, rows.

A part of the catalogue of :mod:`salesfunnel.io.problem_texts`.
"""


def _t(en: str, zh: str) -> tuple[str, str]:
    return (en, zh)


#: ``(English, Chinese)`` templates of the cells, the file, the table and the rows of an
#: opportunities file, in catalogue order.
TEXTS: tuple[tuple[str, str], ...] = (
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
    _t(
        "duplicated id: also on row {rows} and {more} more",
        "编号重复：第 {rows} 行及另外 {more} 行也用了这个编号",
    ),
    _t("duplicated id: also on row {rows}", "编号重复：第 {rows} 行也用了这个编号"),
    _t(
        "duplicated id: also at {paths:any} and {more} more",
        "编号重复：{paths} 处及另外 {more} 处也用了这个编号",
    ),
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
)
