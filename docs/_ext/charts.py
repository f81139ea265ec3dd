"""A documentation build hook: the charts of the charts guide, drawn from the bundled sample.

Registered in ``mkdocs.yml`` under ``hooks:``. Each chart in :data:`CHARTS` is
drawn with :mod:`salesfunnel.plot` when the site is built and added to the
site as an SVG file under ``charts/``; ``docs/howto-charts.md`` shows them
with ordinary image links. Nothing is drawn by hand or kept in the
repository, so the pictures are always those of the current code.

The build fails when a chart cannot be drawn (the error is raised) and when
a page links to a chart under ``charts/`` that is not made here (checked by
this hook itself, so that it holds with ``--quiet`` too, where MkDocs's own
check of links does not stop a ``--strict`` build).
"""

# ruff: noqa: INP001 - a hook loaded by its path, not a module of a package

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.figure import Figure
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from salesfunnel import plot
from salesfunnel.customers.abc_classes import REVENUE, abc_classify
from salesfunnel.datasets import SAMPLE_AS_OF, SAMPLE_RATES, sample_pipeline
from salesfunnel.forecasting.rollup import forecast
from salesfunnel.pipeline.weighted import outcome_distribution

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

mpl.use("Agg")  # no window: the charts are only saved

#: The folder of the site that holds the charts.
FOLDER = "charts"


def _funnel() -> Figure:
    return plot.funnel_chart(sample_pipeline(), as_of=SAMPLE_AS_OF)


def _funnel_amount() -> Figure:
    return plot.funnel_chart(
        sample_pipeline(),
        as_of=SAMPLE_AS_OF,
        measure="amount",
        view="current",
        currency="CNY",
        rates=SAMPLE_RATES,
    )


def _forecast() -> Figure:
    fc = forecast(
        sample_pipeline(), cutoff=SAMPLE_AS_OF, by="owner", currency="CNY", rates=SAMPLE_RATES
    )
    return plot.forecast_chart(fc)


def _revenue() -> dict[str, Decimal]:
    revenue: dict[str, Decimal] = {}
    for deal in sample_pipeline():
        if deal.stage == "closed" and deal.closed_on is not None:
            amount = SAMPLE_RATES.convert(deal.amount, deal.currency, "CNY", on=deal.closed_on)
            revenue[deal.account] = revenue.get(deal.account, Decimal(0)) + amount
    return revenue


def _pareto() -> Figure:
    return plot.pareto_chart(abc_classify(_revenue(), measure=REVENUE))


def _distribution() -> Figure:
    usd = [deal for deal in sample_pipeline() if deal.currency == "USD"]
    dist = outcome_distribution(usd, as_of=SAMPLE_AS_OF)
    return plot.distribution_chart(dist, target=1_200_000)


def _page() -> Figure:
    page = Figure(figsize=(18, 6), layout="constrained")
    left, right = page.subplots(1, 2)
    plot.funnel_chart(sample_pipeline(), as_of=SAMPLE_AS_OF, ax=left)
    plot.pareto_chart(abc_classify(_revenue(), measure=REVENUE), ax=right)
    return page


#: File name → the function that draws it, as the charts guide shows them.
CHARTS: dict[str, Callable[[], Figure]] = {
    "funnel.svg": _funnel,
    "funnel-amount.svg": _funnel_amount,
    "forecast.svg": _forecast,
    "pareto.svg": _pareto,
    "distribution.svg": _distribution,
    "page.svg": _page,
}


def svg(fig: Figure) -> bytes:
    """The figure as SVG, without the date matplotlib would stamp in it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Draw every chart and add it to the site under ``charts/``."""
    for name, draw in CHARTS.items():
        files.append(File.generated(config, f"{FOLDER}/{name}", content=svg(draw())))
    return files


#: An image or link whose target is in the charts folder.
_LINK = re.compile(r"\]\(\s*(?:\./|\.\./)*" + FOLDER + r"/([^)\s#?]+)")


def missing_charts(markdown: str) -> list[str]:
    """The charts a page links to that :data:`CHARTS` does not draw.

    >>> missing_charts("![a](charts/funnel.svg) and ![b](../charts/nope.png)")
    ['nope.png']
    """
    return [name for name in _LINK.findall(markdown) if name not in CHARTS]


def on_page_markdown(markdown: str, *, page: Page, **_kwargs: object) -> str:
    """Fail the build when a page links to a chart that is not drawn."""
    missing = missing_charts(markdown)
    if missing:
        raise PluginError(
            f"{page.file.src_uri} shows {', '.join(missing)}, which docs/_ext/charts.py "
            f"does not draw; add it to CHARTS there or fix the link"
        )
    return markdown
