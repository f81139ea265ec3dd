"""Chinese texts of data problems: stage histories, deals' own rules.

A part of the catalogue of :mod:`salesfunnel.io.problem_texts`.
"""


def _t(en: str, zh: str) -> tuple[str, str]:
    return (en, zh)


#: ``(English, Chinese)`` templates of stage-name mappings, the events file, the moves of
#: the stage machine, a CRM's stage history and an opportunity's own rules, in catalogue order.
TEXTS: tuple[tuple[str, str], ...] = (
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
    _t("duplicate stage name(s) {names}", "阶段名称重复：{names}"),
    _t(
        "a stage key must be a non-empty string, got {value:any}",
        "阶段键须为非空字符串，实际是 {value}",
    ),
    _t(
        "build stages with Stage(key, text, probability, ...)",
        "请用 Stage(key, text, probability, ...) 构建阶段",
    ),
    _t(
        "skipped holds stage keys (strings), got {value:any}",
        "skipped 应为阶段键（字符串），实际是 {value}",
    ),
    _t(
        "a line item's product is a name (a string, '' when not specified), got {value:any}",
        "产品明细的产品应为名称（字符串，未指定时为 ''），实际是 {value}",
    ),
    _t(
        "a category override is a category value such as 'commit' or None, got {value:any}",
        "类别覆盖值应为 'commit' 这样的类别值或 None，实际是 {value}",
    ),
    _t(
        "use one of {names} (or a CRM name: Closed, Commit, Best Case, Pipeline, Omitted)",
        "请使用以下之一：{names}（或 CRM 中的名称：Closed、Commit、Best Case、Pipeline、Omitted）",
    ),
    _t(
        "rate {pair} on {on}: a currency needs no rate to itself",
        "{on} 的汇率 {pair}：货币对自身不需要汇率",
    ),
    _t("leave it out", "请删除它"),
    _t(
        "two {pair} rates on {on}: {first} and {second}",
        "{on} 有两个 {pair} 汇率：{first} 和 {second}",
    ),
    _t("keep one", "请只保留一个"),
    _t("{value} is not a month", "{value} 不是月份"),
    _t(
        "give 1 (January) to 12 (December), the month the fiscal year starts in",
        "请给出财年开始的月份，1（一月）到 12（十二月）",
    ),
    _t(
        "expected a month number 1-12, got {value:any}",
        "应为 1-12 的月份数字，实际是 {value}",
    ),
    _t("pass 4 for a fiscal year that starts in April", "财年从四月开始时请传入 4"),
    _t(
        "use 'end' (FY2027 ends in 2027) or 'start' (FY2026 starts in 2026)",
        "请使用 'end'（FY2027 于 2027 年结束）或 'start'（FY2026 于 2026 年开始）",
    ),
    _t("expected one of {values}, got {value:any}", "应为以下之一：{values}，实际是 {value}"),
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
)
