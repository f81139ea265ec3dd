"""The subcommands of ``salesfunnel``: their names, modules and one-line help, in order.

Kept apart from the modules, so that ``salesfunnel --help`` lists every
command without importing any, and each module's parser takes its help from
here (one copy of each text).
"""

from __future__ import annotations

import attrs

from salesfunnel.cli.messages import LANG
from salesfunnel.i18n import Text

__all__ = ["COMMANDS", "Command", "command_help"]


@attrs.frozen
class Command:
    """A subcommand: its name, the module that implements it, and its one-line help."""

    name: str
    module: str
    help: Text


#: The subcommands, in the order of ``--help`` and of the demo's sections.
COMMANDS: tuple[Command, ...] = (
    Command(
        "demo",
        "demo",
        Text("the full tour on the bundled sample pipeline", "在自带的样本商机上完整演示"),
    ),
    Command(
        "forecast",
        "forecast",
        Text(
            "the forecast by time and by category for a file of opportunities",
            "商机文件按时间和按销售预测类别的预测",
        ),
    ),
    Command(
        "report",
        "report",
        Text(
            "the weighted pipeline with P10/P50/P90 and the conversion table for a file",
            "文件的加权在途商机（含 P10/P50/P90）与阶段转化表",
        ),
    ),
    Command(
        "abc",
        "abc",
        Text(
            "ABC (80/20) classes of the accounts by revenue, profit or volume",
            "按收入、利润或数量对客户做 ABC（80/20）分类",
        ),
    ),
    Command(
        "kam",
        "kam",
        Text(
            "key accounts by lifecycle stage, with evidence and playbook gaps",
            "按生命周期阶段列出大客户，以及证据和工作重点差距",
        ),
    ),
    Command(
        "import",
        "importer",
        Text(
            "read a CRM export (Salesforce, HubSpot, Pipedrive, Odoo, or mapped) into CSV files",
            "把 CRM 导出文件（Salesforce、HubSpot、Pipedrive、Odoo 或自定义映射）读入 CSV 文件",
        ),
    ),
    Command(
        "sample",
        "sample",
        Text(
            "write the bundled sample pipeline as files to try the commands on",
            "把自带的样本商机写成文件，以便试用各个命令",
        ),
    ),
    Command(
        "validate",
        "validate",
        Text(
            "check a CSV or JSON file of opportunities and list every problem",
            "检查 CSV 或 JSON 商机文件并列出所有问题",
        ),
    ),
)


def command_help(name: str) -> str:
    """The one-line help of the command ``name``, in the language of the command line."""
    return next(c.help for c in COMMANDS if c.name == name)(LANG.get())
