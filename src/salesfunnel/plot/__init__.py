"""Charts: the funnel, the forecast, the ABC (Pareto) curve and the outcome distribution.

Each chart function takes the library's own results and returns a
:class:`matplotlib.figure.Figure`; pass ``ax=`` to draw into an axes of your
own figure instead. Figures are made without :mod:`matplotlib.pyplot`, so
they are never shown twice and never pile up in memory: in a notebook (with
``%matplotlib inline``) a figure a cell returns is displayed; in a script,
``fig.savefig("funnel.png")``.

* :func:`funnel_chart`: one centred bar per stage, as wide as its deals or
  their amount, with the conversion between stages (:func:`funnel_shape`
  gives the numbers).
* :func:`forecast_chart`: stacked bars per owner or product, by time bucket
  and by forecast category.
* :func:`pareto_chart`: the ABC curve with the classes and their limits.
* :func:`distribution_chart`: the distribution of the total won with P10,
  P50 and P90 (:func:`histogram` gives the bars).

Needs matplotlib 3.8 or later (``pip install 'salesfunnel[plot]'``). The
rest of the library never imports it, and neither does importing this
package: matplotlib is imported when a chart is drawn, and
:class:`PlotDependencyError` says what to install when it is missing.

Labels are in English or Chinese (``lang="zh"``). Chinese needs a font with
CJK glyphs, found by :func:`find_cjk_font`; without one a chart would show
empty boxes, so it falls back to English labels and warns with
:class:`MissingCjkFontWarning`. The font also serves Chinese names in the
data (owners, accounts) whatever the language.

Amounts are drawn as floats (a chart has no cents to lose); the figures in
labels are the library's exact results, with thousands separators.

>>> from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline
>>> fig = funnel_chart(sample_pipeline(), as_of=SAMPLE_AS_OF)
>>> type(fig).__name__, len(fig.axes[0].patches), fig.get_size_inches().tolist()
('Figure', 6, [10.0, 6.0])
"""

from __future__ import annotations

from salesfunnel.plot._abc import pareto_chart
from salesfunnel.plot._base import (
    DPI,
    ChartOptionError,
    MissingCjkFontWarning,
    PlotDependencyError,
    find_cjk_font,
)
from salesfunnel.plot._distribution import HistogramBin, distribution_chart, histogram
from salesfunnel.plot._forecast import forecast_chart
from salesfunnel.plot._funnel import FunnelShape, FunnelStep, funnel_chart, funnel_shape

__all__ = [
    "DPI",
    "ChartOptionError",
    "FunnelShape",
    "FunnelStep",
    "HistogramBin",
    "MissingCjkFontWarning",
    "PlotDependencyError",
    "distribution_chart",
    "find_cjk_font",
    "forecast_chart",
    "funnel_chart",
    "funnel_shape",
    "histogram",
    "pareto_chart",
]
