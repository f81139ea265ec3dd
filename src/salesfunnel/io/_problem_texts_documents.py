"""Chinese texts of data problems: JSON documents.

A part of the catalogue of :mod:`salesfunnel.io.problem_texts`.
"""


def _t(en: str, zh: str) -> tuple[str, str]:
    return (en, zh)


#: ``(English, Chinese)`` templates of JSON documents (their text, bounds, schema and
#: values), and last the texts that start with a value (tried on every text), in catalogue order.
TEXTS: tuple[tuple[str, str], ...] = (
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
    _t("{value:val} is outside [0, 1)", "{value} 不在 [0, 1) 范围内"),
    _t("{value:val} is not a forecast category", "{value} 不是预测类别"),
    _t("{stages} on the ladder is of kind LOST", "阶段序列中的 {stages} 类型为 LOST"),
    _t(
        "{what:msg} has unknown keys: {keys:any} (its keys are {known:any})",
        "{what}有未知的键：{keys}（它的键是 {known}）",
    ),
)
