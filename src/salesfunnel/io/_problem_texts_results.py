"""Chinese texts of data problems: key accounts, customers, results, facts, rules.

A part of the catalogue of :mod:`salesfunnel.io.problem_texts`.
"""


def _t(en: str, zh: str) -> tuple[str, str]:
    return (en, zh)


#: ``(English, Chinese)`` templates of key-account files, customers and ABC, result
#: documents, facts and rules as data, in catalogue order.
TEXTS: tuple[tuple[str, str], ...] = (
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
        "give a rate such as 0.1 (not a percentage such as 10)",
        "请给出比率，例如 0.1（而不是 10 这样的百分比）",
    ),
    _t("year {year}: years of profit are 1, 2, …", "第 {year} 年：利润的年份从 1、2、… 起算"),
    _t("year 0 is the acquisition", "第 0 年是获客年"),
    _t("a loyalty model needs the profit of at least year 1", "忠诚度模型至少需要第 1 年的利润"),
    _t("give a number or None", "请给出数字或 None"),
    _t("AnyOf() with no parts can never hold", "不含任何部分的 AnyOf() 永远不会成立"),
    _t("give at least one rule", "请至少给出一条规则"),
    _t(
        "a criterion needs a non-empty string key, got {value:any}",
        "准则需要一个非空字符串键，实际是 {value}",
    ),
    _t("AtLeast needs a whole number n, got {value:any}", "AtLeast 需要整数 n，实际是 {value}"),
    _t("signal {key:q} is a number, got {value:any}", "信号 {key} 是数字，实际是 {value}"),
    _t(
        "signal {key:q} is yes/no: give True or False (or leave it out when unknown), got {value:any}",
        "信号 {key} 是“是/否”：请给出 True 或 False（未知时省略），实际是 {value}",
    ),
    _t(
        "weights must add up to 1, these add up to {total}",
        "权重之和必须为 1，这些权重之和为 {total}",
    ),
    _t(
        "scale them, or give importance=[...] to have weights derived from an order",
        "请按比例缩放，或给出 importance=[...]，由重要性顺序推出权重",
    ),
    _t("the weight of {key:q} is {value}", "{key} 的权重为 {value}"),
    _t("weights are zero or more", "权重须为 0 或以上"),
    _t(
        "a key-customer threshold must be a finite number of zero or more, got {value:any}",
        "重要客户阈值须为 0 或以上的有限数，实际是 {value}",
    ),
    _t("threshold {index} is {value}", "阈值 {index} 为 {value}"),
    _t(
        "thresholds are shares strictly between 0 and 1, e.g. (0.8, 0.95) (not percentages such as 80)",
        "阈值是严格介于 0 和 1 之间的比例，例如 (0.8, 0.95)（而不是 80 这样的百分比）",
    ),
    _t(
        "give between 1 and {most} thresholds, got {count}",
        "请给出 1 到 {most} 个阈值，实际是 {count} 个",
    ),
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
    _t("is {value}, more than the {deals} deals", "为 {value}，超过了商机总数 {deals}"),
    _t("is {value}, not a score in [0, 1]", "为 {value}，不是 [0, 1] 内的分数"),
    _t("is {value}, not a finite Decimal", "为 {value}，不是有限的 Decimal"),
    _t(
        "is {mean}, outside the totals from {low} to {high}",
        "为 {mean}，不在总额 {low} 到 {high} 的范围内",
    ),
    _t(
        "is {mean}, but the masses give {table}, further than the error bound allows ({bound})",
        "为 {mean}，但按概率质量算得 {table}，超出了误差界（{bound}）",
    ),
    _t("is {mean}, but the masses give {table}", "为 {mean}，但按概率质量算得 {table}"),
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
)
