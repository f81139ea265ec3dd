from __future__ import annotations

import itertools
import struct
import sys
import warnings
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text as MplText  # noqa: E402

from salesfunnel import DEFAULT_FUNNEL  # noqa: E402
from salesfunnel.analytics.conversion import conversion  # noqa: E402
from salesfunnel.customers.abc_classes import REVENUE, abc_classify, computed_abc  # noqa: E402
from salesfunnel.datasets import SAMPLE_AS_OF, sample_pipeline  # noqa: E402
from salesfunnel.errors import (  # noqa: E402
    CurrencyError,
    FunnelError,
    InvalidAmountError,
    UnknownLanguageError,
    UnknownStageError,
)
from salesfunnel.forecasting.rollup import forecast  # noqa: E402
from salesfunnel.fx import ExchangeRates  # noqa: E402
from salesfunnel.pipeline.distribution import distribution_of  # noqa: E402
from salesfunnel.pipeline.weighted import outcome_distribution, simulate  # noqa: E402
from salesfunnel.plot import (  # noqa: E402
    DPI,
    ChartOptionError,
    HistogramBin,
    MissingCjkFontWarning,
    PlotDependencyError,
    _base,
    distribution_chart,
    find_cjk_font,
    forecast_chart,
    funnel_chart,
    funnel_shape,
    histogram,
    pareto_chart,
)
from tests.strategies import deal_pairs, decimal_figures, generated_pipelines  # noqa: E402

RATES = ExchangeRates.to("CNY", {date(2020, 1, 1): {"USD": "7.10", "EUR": "7.80"}})
DEALS = sample_pipeline()
USD = [o for o in DEALS if o.currency == "USD"]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG file's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def saved(fig: Figure, tmp_path: Path, name: str = "chart.png") -> tuple[int, int]:
    path = tmp_path / name
    fig.savefig(path)
    assert path.stat().st_size > 5000
    return png_size(path)


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(MplText) if t.get_text()]


@pytest.fixture(autouse=True)
def _no_cjk_font(monkeypatch):
    """Charts are tested as on a machine without a CJK font, unless a test says otherwise."""
    monkeypatch.setattr(_base, "find_cjk_font", lambda: None)


@pytest.fixture
def cjk_font(monkeypatch):
    """Pretend DejaVu Sans has Chinese glyphs (it draws boxes, but the labels are Chinese)."""
    monkeypatch.setattr(_base, "find_cjk_font", lambda: "DejaVu Sans")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        yield


def won_revenue() -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for o in DEALS:
        if o.stage == "closed" and o.closed_on is not None:
            value = RATES.convert(o.amount, o.currency, "CNY", on=o.closed_on)
            out[o.account] = out.get(o.account, Decimal(0)) + value
    return out


class TestFunnelShape:
    def test_matches_conversion(self):
        """Reached counts and rates are those of analytics.conversion."""
        shape = funnel_shape(DEALS, as_of=SAMPLE_AS_OF)
        table = conversion(DEALS, as_of=SAMPLE_AS_OF)
        assert [s.stage for s in shape.steps] == [s.key for s in DEFAULT_FUNNEL][1:]
        for step in shape.steps:
            assert step.count == table[step.stage].reached
            assert step.rate == table[step.stage].rate
        assert shape.lost == 165 and shape.total == 600
        assert shape.currency is None and all(s.amount is None for s in shape.steps)

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(generated_pipelines(), st.dates(date(2025, 1, 1), date(2026, 12, 31)))
    def test_property_reached_equals_conversion(self, deals, as_of):
        """For any pipeline and date, the reached view agrees with conversion()."""
        shape = funnel_shape(deals, as_of=as_of, stages=[s.key for s in DEFAULT_FUNNEL])
        table = conversion(deals, as_of=as_of)
        assert [(s.count, s.rate) for s in shape.steps] == [(s.reached, s.rate) for s in table]

    @settings(max_examples=settings.default.max_examples * 4 // 5)
    @given(generated_pipelines())
    def test_property_current_amounts_add_up(self, deals):
        """In the current view every deal is counted once: open and won stages plus lost make all."""
        shape = funnel_shape(
            deals,
            as_of=date(2027, 1, 1),
            view="current",
            stages=[s.key for s in DEFAULT_FUNNEL],
            currency="CNY",
            rates=RATES,
        )
        assert sum(s.count for s in shape.steps) + shape.lost == shape.total == len(deals)
        lost = [o for o in deals if o.stage == "lost"]
        lost_amount = sum(
            (RATES.convert(o.amount, o.currency, "CNY", on=date(2027, 1, 1)) for o in lost),
            Decimal(0),
        )
        total = sum(
            (RATES.convert(o.amount, o.currency, "CNY", on=date(2027, 1, 1)) for o in deals),
            Decimal(0),
        )
        assert sum(s.amount or 0 for s in shape.steps) + lost_amount == total

    def test_one_currency_needs_no_rates(self):
        """Deals in one currency have amounts in it; the amounts narrow down the funnel."""
        shape = funnel_shape(USD, as_of=SAMPLE_AS_OF)
        assert shape.currency == "USD"
        amounts = [s.amount for s in shape.steps]
        assert all(a is not None and a > 0 for a in amounts)
        assert amounts == sorted(amounts, reverse=True)

    def test_stages_are_sorted_and_checked(self):
        """Chosen stages come in ladder order; the lost outcome, repeats and unknown keys are refused."""
        shape = funnel_shape(DEALS, as_of=SAMPLE_AS_OF, stages=["negotiation", "intent"])
        assert [s.stage for s in shape.steps] == ["intent", "negotiation"]
        with pytest.raises(ChartOptionError, match="lost outcome") as err:
            funnel_shape(DEALS, as_of=SAMPLE_AS_OF, stages=["lost"])
        assert err.value.option == "stages" and isinstance(err.value, ValueError)
        with pytest.raises(ChartOptionError, match="distinct"):
            funnel_shape(DEALS, as_of=SAMPLE_AS_OF, stages=["intent", "intent"])
        with pytest.raises(ChartOptionError, match="distinct"):
            funnel_shape(DEALS, as_of=SAMPLE_AS_OF, stages=[])
        with pytest.raises(UnknownStageError):
            funnel_shape(DEALS, as_of=SAMPLE_AS_OF, stages=["nowhere"])

    def test_bad_view_and_currency(self):
        """An unknown view is refused; a foreign deal without rates names the fix."""
        with pytest.raises(ChartOptionError, match="'reached' or 'current'"):
            funnel_shape(DEALS, as_of=SAMPLE_AS_OF, view="all")  # type: ignore[arg-type]
        with pytest.raises(CurrencyError, match="pass rates="):
            funnel_shape(DEALS, as_of=SAMPLE_AS_OF, currency="CNY")

    def test_entry_stage_kept_for_a_funnel_without_zero_start(self):
        """A ladder whose first stage has a probability keeps it."""
        first = attrs.evolve(DEFAULT_FUNNEL["target_segment"], probability=Decimal("0.05"))
        funnel = DEFAULT_FUNNEL.with_stage(first)
        assert funnel_shape([], as_of=SAMPLE_AS_OF, funnel=funnel).steps[0].stage == (
            "target_segment"
        )


class TestFunnelChart:
    def test_renders_bars_and_conversions(self, tmp_path):
        """One bar per stage, a conversion label between bars, a 1000 x 600 PNG."""
        fig = funnel_chart(DEALS, as_of=SAMPLE_AS_OF)
        ax = fig.axes[0]
        assert len(ax.patches) == 6
        labels = texts(fig)
        assert sum("advanced" in t for t in labels) == 5
        assert "572 deals" in labels and "↓ 76% advanced" in labels
        assert ax.get_title(loc="left") == (
            "Sales funnel: deals that reached each stage (as of 2026-09-30)"
        )
        assert "Lost: 165 of 600 deals." in ax.get_xlabel()
        assert [t.get_text() for t in ax.get_yticklabels()][-1] == "Close the sale"
        assert ax.patches[-1].get_facecolor()[:3] == mpl.colors.to_rgb(_base.GREEN)
        assert saved(fig, tmp_path) == (10 * DPI, 6 * DPI)

    def test_amounts_in_a_reporting_currency(self, tmp_path):
        """By amount, converted into CNY, in the current view; labels carry amount and count."""
        fig = funnel_chart(
            DEALS,
            as_of=SAMPLE_AS_OF,
            measure="amount",
            view="current",
            currency="CNY",
            rates=RATES,
        )
        shape = funnel_shape(DEALS, as_of=SAMPLE_AS_OF, view="current", currency="CNY", rates=RATES)
        widths = [p.get_width() for p in fig.axes[0].patches]
        assert widths == [float(s.amount or 0) for s in shape.steps]
        assert "CNY, as of 2026-09-30" in fig.axes[0].get_title(loc="left")
        assert any(t.endswith("· 95 deals") for t in texts(fig))
        assert saved(fig, tmp_path) == (1000, 600)

    def test_amount_needs_one_currency(self):
        """Charting amounts over several currencies without a reporting currency is refused."""
        with pytest.raises(CurrencyError, match="currency="):
            funnel_chart(DEALS, as_of=SAMPLE_AS_OF, measure="amount")

    def test_bad_measure(self):
        """An unknown measure is refused before any work."""
        with pytest.raises(ChartOptionError, match="'count' or 'amount'"):
            funnel_chart(DEALS, as_of=SAMPLE_AS_OF, measure="value")  # type: ignore[arg-type]

    def test_no_deals(self, tmp_path):
        """With nothing to draw the chart says so."""
        fig = funnel_chart([], as_of=SAMPLE_AS_OF, measure="amount")
        assert "No data to show" in texts(fig) and not fig.axes[0].patches
        assert saved(fig, tmp_path) == (1000, 600)

    def test_one_stage(self):
        """A single stage is one bar with no conversion label."""
        fig = funnel_chart(DEALS, as_of=SAMPLE_AS_OF, stages=["intent"])
        assert len(fig.axes[0].patches) == 1
        assert not any("advanced" in t for t in texts(fig))

    @pytest.mark.usefixtures("cjk_font")
    def test_chinese_with_a_cjk_font(self):
        """With a CJK font, labels are Chinese and every text can fall back to it."""
        fig = funnel_chart(DEALS, as_of=SAMPLE_AS_OF, lang="zh")
        ax = fig.axes[0]
        assert ax.get_title(loc="left") == "销售漏斗：到达各阶段的商机（截至 2026-09-30）"
        assert "↓ 76% 推进" in texts(fig)
        assert ax.title.get_fontfamily() == ["sans-serif", "DejaVu Sans"]
        assert ax.get_yticklabels()[0].get_fontfamily() == ["sans-serif", "DejaVu Sans"]

    def test_chinese_without_a_cjk_font_falls_back(self):
        """Without a CJK font, Chinese falls back to English labels with a warning."""
        with pytest.warns(MissingCjkFontWarning, match="English labels"):
            fig = funnel_chart(DEALS, as_of=SAMPLE_AS_OF, lang="zh")
        assert fig.axes[0].get_title(loc="left").startswith("Sales funnel")

    def test_unknown_language(self):
        """An unknown language is refused."""
        with pytest.raises(UnknownLanguageError):
            funnel_chart(DEALS, as_of=SAMPLE_AS_OF, lang="fr")  # type: ignore[arg-type]

    def test_draws_into_a_given_axes(self):
        """With ax=, the chart goes into that axes and other axes are left alone."""
        fig = Figure()
        other, mine = fig.subplots(1, 2)
        other.set_title("keep me")
        assert funnel_chart(DEALS, as_of=SAMPLE_AS_OF, ax=mine) is fig
        assert len(mine.patches) == 6 and not other.patches
        assert other.title.get_fontfamily() == mpl.rcParams["font.family"]


@pytest.fixture(scope="module")
def by_owner():
    return forecast(DEALS, cutoff=SAMPLE_AS_OF, by="owner", currency="CNY", rates=RATES)


class TestForecastChart:
    def test_both_views(self, by_owner, tmp_path):
        """Two panels, one bar per owner stacked per bucket / category, equal totals, a 1300 x 600 PNG."""
        fig = forecast_chart(by_owner)
        time_ax, category_ax = fig.axes
        assert [a.get_title(loc="left") for a in fig.axes] == ["By time", "By forecast category"]
        assert len(time_ax.containers) == 7  # every bucket but lost
        assert len(category_ax.containers) == 5  # every category but omitted
        assert len(time_ax.patches) == 6 * 7 and len(category_ax.patches) == 6 * 5
        ends_time = [t.get_text() for t in time_ax.texts]
        ends_category = [t.get_text() for t in category_ax.texts]
        assert ends_time == ends_category
        anna = by_owner.row("Anna Schmidt").categories
        kept = sum((f.amount for c, f in anna.items() if c.value != "omitted"), Decimal(0))
        assert ends_time[0] == f"{kept:,.0f}"
        assert fig._suptitle is not None
        assert fig._suptitle.get_text() == "Forecast as of 2026-09-30 (this quarter: 2026 Q3)"
        assert time_ax.get_xlabel() == "Amount (CNY)"
        legend = [t.get_text() for t in time_ax.get_legend().get_texts()]
        assert legend[:2] == ["Closed", "Overdue"]
        assert saved(fig, tmp_path) == (1300, 600)

    def test_include_lost_weighted_and_count(self, by_owner):
        """Lost deals can be shown; weighted and count measures label their axis."""
        fig = forecast_chart(by_owner, view="time", include_lost=True)
        assert len(fig.axes) == 1 and len(fig.axes[0].containers) == 8
        weighted = forecast_chart(by_owner, view="category", measure="weighted")
        assert weighted.axes[0].get_xlabel() == "Weighted amount (CNY)"
        counted = forecast_chart(by_owner, measure="count", include_lost=True)
        assert counted.axes[0].get_xlabel() == "Deals"
        assert counted.axes[0].texts[0].get_text() == str(by_owner.row("Anna Schmidt").total.count)

    def test_total_only_and_empty(self, tmp_path):
        """A forecast without grouping is one Total bar; one without deals says so."""
        total = forecast_chart(forecast(USD, cutoff=SAMPLE_AS_OF))
        assert [t.get_text() for t in total.axes[0].get_yticklabels()] == ["Total"]
        empty = forecast_chart(forecast([], cutoff=SAMPLE_AS_OF))
        assert "No data to show" in texts(empty)
        assert saved(empty, tmp_path) == (1300, 600)

    def test_many_rows_make_a_taller_figure(self, tmp_path):
        """Owner and product rows get more height so labels never overlap."""
        fc = forecast(USD, cutoff=SAMPLE_AS_OF, by="owner,product")
        fig = forecast_chart(fc)
        width, height = saved(fig, tmp_path)
        assert width == 1300 and height > 600
        assert len(fig.axes[0].get_yticklabels()) == len(fc.rows)

    def test_into_an_axes(self, by_owner):
        """One view can be drawn into a given axes; both views cannot."""
        fig = Figure()
        ax = fig.add_subplot()
        assert forecast_chart(by_owner, view="category", ax=ax) is fig
        with pytest.raises(ChartOptionError, match="one view"):
            forecast_chart(by_owner, ax=ax)

    def test_bad_options(self, by_owner):
        """Unknown views and measures are refused."""
        with pytest.raises(ChartOptionError, match="'both' or 'time' or 'category'"):
            forecast_chart(by_owner, view="bucket")  # type: ignore[arg-type]
        with pytest.raises(ChartOptionError, match="measure"):
            forecast_chart(by_owner, measure="profit")  # type: ignore[arg-type]

    @pytest.mark.usefixtures("cjk_font")
    def test_chinese(self, by_owner):
        """Chinese titles, panel names and axis labels."""
        fig = forecast_chart(by_owner, lang="zh")
        assert fig._suptitle is not None
        assert fig._suptitle.get_text().startswith("销售预测，截至 2026-09-30")
        assert [a.get_title(loc="left") for a in fig.axes] == ["按时间", "按销售预测"]
        assert fig.axes[0].get_xlabel() == "金额（CNY）"


class TestParetoChart:
    def test_fixed_thresholds(self, tmp_path):
        """Class bands, one dashed limit per class boundary, the thresholds, a 1200 x 600 PNG."""
        result = abc_classify(won_revenue(), measure=REVENUE)
        fig = pareto_chart(result)
        ax = fig.axes[0]
        assert len(ax.lines) == 2 + 2 + 2  # curve and diagonal, two limits, two thresholds
        limits = sorted(line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--")
        n = len(result)
        assert limits == [result.cuts[0] / n, result.cuts[1] / n]
        levels = sorted(
            line.get_ydata()[0]
            for line in ax.lines
            if line.get_linestyle() == ":" and len(set(line.get_ydata())) == 1
        )
        assert levels == [0.8, 0.95]
        assert len(ax.patches) == 3
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend[0].startswith(f"A: {result.classes[0].count} customers")
        assert result.summary() in texts(fig)
        assert saved(fig, tmp_path) == (1200, 600)

    def test_computed_limits_are_marked(self):
        """A computed analysis marks its Pareto, break-even and submarginal points."""
        fig = pareto_chart(computed_abc(won_revenue(), measure=REVENUE))
        labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert labels[-3:] == ["Pareto point", "Break-even point", "Submarginal point"]
        assert len(fig.axes[0].lines) == 2 + 2 + 3

    def test_small_and_count_based(self):
        """Few customers get dots; count thresholds draw no value lines; empty classes no band."""
        result = abc_classify({"a": 50, "b": 1}, basis="count")
        fig = pareto_chart(result)
        ax = fig.axes[0]
        curve = next(line for line in ax.lines if line.get_label() == "ABC curve")
        assert curve.get_marker() == "o"
        assert len(ax.lines) == 2 + 2  # no threshold lines for a count basis
        assert [c.count for c in result.classes] == [1, 0, 1]
        assert len(ax.patches) == 2

    def test_narrow_class_has_no_letter(self):
        """A class band too narrow for its letter is left unlabelled."""
        figures = {"top": 1000} | {f"c{i:02d}": 1 for i in range(29)}
        fig = pareto_chart(abc_classify(figures))
        letters = [t.get_text() for t in fig.axes[0].texts if t.get_text() in {"A", "B", "C"}]
        assert "A" not in letters and "C" in letters

    def test_empty(self):
        """An analysis of no customers says so."""
        fig = pareto_chart(abc_classify({}))
        assert "No data to show" in texts(fig)

    @pytest.mark.usefixtures("cjk_font")
    def test_chinese(self):
        """Chinese titles and legend."""
        fig = pareto_chart(abc_classify(won_revenue(), measure=REVENUE), lang="zh")
        assert fig.axes[0].get_title(loc="left") == "ABC 分析：销售额"
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert legend[0].startswith("A 类：")

    @settings(max_examples=settings.default.max_examples * 3 // 5, deadline=None)
    @given(decimal_figures)
    def test_property_any_figures(self, figures):
        """Any figures (zeros and ties included) draw one band per non-empty class."""
        result = abc_classify(figures)
        fig = pareto_chart(result)
        if figures:
            assert len(fig.axes[0].patches) == sum(1 for c in result.classes if c.count)


class TestHistogram:
    def test_few_totals_get_a_bar_each(self):
        """Four possible totals are four bars centred on them."""
        two = distribution_of([(Decimal(100), Decimal("0.5")), (Decimal(200), Decimal("0.5"))])
        bars = histogram(two)
        assert [b.start + b.width / 2 for b in bars] == [0, 100, 200, 300]
        assert sum(b.mass for b in bars) == 1

    def test_one_total(self):
        """A certain total is one bar."""
        certain = distribution_of([(Decimal(500), Decimal(1))])
        assert histogram(certain) == (HistogramBin(495.0, 10.0, 1.0),)
        nothing = distribution_of([])
        assert histogram(nothing) == (HistogramBin(-0.5, 1.0, 1.0),)

    def test_many_totals_are_binned_on_the_lattice(self):
        """Many totals get round bins that are whole multiples of the amounts' unit."""
        dist = outcome_distribution(USD, as_of=SAMPLE_AS_OF)
        bars = histogram(dist, bins=60)
        width = bars[0].width
        assert 40 <= len(bars) <= 120
        assert width % float(dist.resolution) == 0
        assert all(b.width == width for b in bars)
        assert 0.998 <= sum(b.mass for b in bars) <= 1 + 1e-9

    def test_simulation(self):
        """Simulated totals are binned on the spacing of the totals."""
        sim = simulate(USD, 3000, seed=7)
        bars = histogram(sim, bins=30)
        assert 15 <= len(bars) <= 60
        assert 0.99 <= sum(b.mass for b in bars) <= 1 + 1e-9
        few = simulate(USD[:1], 10, seed=1)
        assert sum(b.mass for b in histogram(few)) == pytest.approx(1)

    def test_quarter_steps_only_on_whole_multiples(self):
        """Widths of 2.5 units are used only where they stay whole multiples of the spacing."""
        assert _base is not None
        from salesfunnel.pipeline.histogram import _nice

        assert _nice(2.3, quarter=True) == 5
        assert _nice(23, quarter=True) == 25
        assert _nice(23, quarter=False) == 50
        assert _nice(1, quarter=True) == 1

    def test_bad_bins(self):
        """Bins must be a whole number of at least one."""
        dist = distribution_of([(Decimal(100), Decimal("0.5"))])
        for bad in (0, True, 2.5):
            with pytest.raises(ChartOptionError, match="bins"):
                histogram(dist, bins=bad)  # type: ignore[arg-type]

    @settings(max_examples=settings.default.max_examples * 6 // 5)
    @given(deal_pairs, st.integers(1, 80))
    def test_property_masses(self, pairs, bins):
        """Bars are ordered, do not overlap and hold (nearly) all the mass."""
        bars = histogram(distribution_of(pairs), bins=bins)
        assert 0.998 <= sum(b.mass for b in bars) <= 1 + 1e-9
        for a, b in itertools.pairwise(bars):
            assert a.start + a.width <= b.start + 1e-6


class TestDistributionChart:
    def test_marks_and_png(self, tmp_path):
        """Bars, P10/P50/P90 and the expected total marked, values in the legend, 1200 x 550."""
        dist = outcome_distribution(USD, as_of=SAMPLE_AS_OF)
        fig = distribution_chart(dist)
        ax = fig.axes[0]
        assert len(ax.patches) == len(histogram(dist))
        assert len(ax.lines) == 4
        xs = [line.get_xdata()[0] for line in ax.lines]
        assert xs == [float(dist.percentile(k)) for k in (10, 50, 90)] + [float(dist.mean)]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend[0] == f"P10 (10th percentile): {dist.percentile(10):,.0f}"
        assert legend[3].startswith("Expected (weighted pipeline): 1,110,090")
        assert ax.get_title(loc="left") == (
            "Outcome distribution: 64 open deals, 299,300 already won (USD)"
        )
        assert ax.get_xlabel() == "Total won (USD)"
        assert saved(fig, tmp_path) == (1200, 550)

    def test_target(self):
        """A target adds a line and its chance of being reached."""
        dist = distribution_of([(Decimal(1000), Decimal("0.5"))] * 10)
        fig = distribution_chart(dist, target=6000)
        assert len(fig.axes[0].lines) == 5
        label = fig.axes[0].get_legend().get_texts()[-1].get_text()
        assert label == f"Target 6,000: {dist.prob_at_least(6000):.0%} chance to reach"
        assert fig.axes[0].get_title(loc="left") == "Outcome distribution: 10 open deals"
        with pytest.raises(InvalidAmountError):
            distribution_chart(dist, target=-1)

    def test_simulation(self, tmp_path):
        """A simulation is drawn the same way, titled by its trials."""
        sim = simulate(USD, 2000, seed=3)
        fig = distribution_chart(sim)
        assert fig.axes[0].get_title(loc="left") == (
            "Outcome distribution: 2,000 simulated trials (USD)"
        )
        assert saved(fig, tmp_path) == (1200, 550)

    @pytest.mark.usefixtures("cjk_font")
    def test_chinese_and_axes(self):
        """Chinese labels, drawn into a given axes."""
        fig = Figure()
        ax = fig.add_subplot()
        dist = distribution_of([(Decimal(100), Decimal("0.3"))] * 5, currency="EUR")
        assert distribution_chart(dist, ax=ax, lang="zh") is fig
        assert ax.get_title(loc="left") == "成交结果分布：5 个未决商机（EUR）"
        assert ax.get_legend().get_texts()[1].get_text().startswith("P50（中位数）")


class TestFonts:
    def test_finds_a_wanted_font_first(self, monkeypatch):
        """A well-known CJK font is chosen before scanning the others."""
        from matplotlib import font_manager

        monkeypatch.undo()
        entries = [
            font_manager.FontEntry(fname="/z.ttf", name="Zed Sans"),
            font_manager.FontEntry(fname="/noto.otf", name="Noto Sans CJK SC"),
        ]
        monkeypatch.setattr(font_manager.fontManager, "ttflist", entries)
        monkeypatch.setattr(font_manager, "findSystemFonts", list)
        monkeypatch.setattr(_base, "covers_chinese", lambda _path: True)
        find_cjk_font.cache_clear()
        try:
            assert find_cjk_font() == "Noto Sans CJK SC"
            monkeypatch.setattr(_base, "covers_chinese", lambda path: path == "/z.ttf")
            find_cjk_font.cache_clear()
            assert find_cjk_font() == "Zed Sans"
            monkeypatch.setattr(_base, "covers_chinese", lambda _path: False)
            find_cjk_font.cache_clear()
            assert find_cjk_font() is None
        finally:
            find_cjk_font.cache_clear()

    def test_covers_chinese_reads_the_font(self):
        """DejaVu Sans has no Chinese glyphs; an unreadable file has none either."""
        from matplotlib import font_manager

        dejavu = font_manager.findfont("DejaVu Sans")
        assert _base.covers_chinese(dejavu) is False
        assert _base.covers_chinese("/no/such/font.ttf") is False
        # A fallback font that maps every ideograph to one placeholder is no Chinese font.
        for entry in font_manager.fontManager.ttflist:
            if entry.name.startswith("Last Resort"):
                assert _base.covers_chinese(entry.fname) is False

    def test_real_font_manager(self):
        """On this machine the answer is a font name or None, and it is cached."""
        find_cjk_font.cache_clear()
        try:
            found = find_cjk_font()
            assert found is None or isinstance(found, str)
            assert find_cjk_font() is found
        finally:
            find_cjk_font.cache_clear()


class TestErrors:
    def test_missing_matplotlib(self, monkeypatch):
        """Without matplotlib a chart says what to install; the error is an ImportError."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        with pytest.raises(PlotDependencyError, match=r"salesfunnel\[plot\]") as err:
            funnel_chart(DEALS, as_of=SAMPLE_AS_OF)
        assert isinstance(err.value, ImportError) and isinstance(err.value, FunnelError)

    def test_axes_without_a_figure(self):
        """An axes that belongs to no figure is refused."""

        class Orphan:
            def get_figure(self, *, root):  # noqa: ARG002 - the signature of Axes.get_figure
                return None

        with pytest.raises(ChartOptionError, match="belongs to no figure"):
            _base.figure_of(Orphan(), (1, 1))  # type: ignore[arg-type]

    def test_importing_the_package_does_not_import_matplotlib(self):
        """salesfunnel and salesfunnel.plot import without matplotlib."""
        import subprocess

        code = (
            "import sys, salesfunnel, salesfunnel.plot, salesfunnel.render.html; "
            "print('matplotlib' in sys.modules)"
        )
        out = subprocess.run(  # noqa: S603 - this interpreter, a fixed snippet
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False"


class TestFontInstalledLater:
    """A CJK font installed after matplotlib cached its font list is found and registered."""

    @pytest.fixture
    def fonts(self, monkeypatch):
        """A font manager that knows DejaVu only, on a system with more font files."""
        from matplotlib import font_manager

        monkeypatch.undo()
        manager = font_manager.fontManager
        known = [font_manager.FontEntry(fname="/fonts/DejaVuSans.ttf", name="DejaVu Sans")]
        monkeypatch.setattr(manager, "ttflist", known)
        added: list[str] = []

        def addfont(path):
            added.append(path)
            names = ["Noto Sans CJK JP", "Noto Sans CJK SC"] if "Noto" in path else ["Zed Hei"]
            for name in names:
                manager.ttflist.append(font_manager.FontEntry(fname=path, name=name))

        monkeypatch.setattr(manager, "addfont", addfont)
        monkeypatch.setattr(_base, "covers_chinese", lambda path: "DejaVu" not in path)
        find_cjk_font.cache_clear()
        yield monkeypatch, font_manager, added
        find_cjk_font.cache_clear()

    def test_registers_a_known_cjk_file(self, fonts):
        """A Noto Sans CJK collection the cache does not list is added; its SC face is named."""
        monkeypatch, font_manager, added = fonts
        files = [
            "/fonts/DejaVuSans.ttf",
            "/fonts/Zed-Regular.ttf",
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        ]
        monkeypatch.setattr(font_manager, "findSystemFonts", lambda: files)
        assert find_cjk_font() == "Noto Sans CJK SC"
        assert added == ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"]

    def test_file_names_are_matched_loosely(self, fonts):
        """Case, dashes and underscores in a file name do not matter."""
        monkeypatch, font_manager, added = fonts
        monkeypatch.setattr(
            font_manager, "findSystemFonts", lambda: [r"C:\\Fonts\\WQY_MicroHei.TTC"]
        )
        assert find_cjk_font() == "Zed Hei"  # a face name that is not on the wanted list
        assert added == [r"C:\\Fonts\\WQY_MicroHei.TTC"]

    def test_files_without_chinese_or_unknown_names_are_skipped(self, fonts):
        """A file with a CJK name but no Chinese glyphs, or an unknown name, is not registered."""
        monkeypatch, font_manager, added = fonts
        monkeypatch.setattr(
            font_manager, "findSystemFonts", lambda: ["/f/Zed.ttf", "/f/NotoSansCJK-DejaVu.otf"]
        )
        assert find_cjk_font() is None
        assert added == []

    def test_registered_font_is_not_added_twice(self, fonts):
        """A file the font manager already lists is not added again."""
        monkeypatch, font_manager, added = fonts
        entry = font_manager.FontEntry(fname="/f/NotoSansSC-Regular.otf", name="Noto Sans SC")
        font_manager.fontManager.ttflist.append(entry)
        monkeypatch.setattr(font_manager, "findSystemFonts", lambda: ["/f/NotoSansSC-Regular.otf"])
        assert find_cjk_font() == "Noto Sans SC"
        assert added == []

    def test_warning_names_the_package(self, monkeypatch):
        """Without a CJK font the warning says which package to install."""
        monkeypatch.setattr(_base, "find_cjk_font", lambda: None)
        with pytest.warns(MissingCjkFontWarning, match="fonts-noto-cjk") as caught:
            _base.chart_lang("zh")
        assert "apt install fonts-noto-cjk" in str(caught[0].message)


# -- colours people can tell apart --------------------------------------------------

# Viénot, Brettel & Mollon (1999), "Digital video colourmaps for checking the
# legibility of displays by dichromats": protanopia and deuteranopia simulated
# in linear RGB; the difference of two colours is CIE76 in CIELAB.
_DICHROMAT = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": ((0.11238, 0.88762, 0), (0.11238, 0.88762, 0), (0.00401, -0.00401, 1)),
    "deuteranopia": ((0.29275, 0.70725, 0), (0.29275, 0.70725, 0), (-0.02234, 0.02234, 1)),
}


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _lab(rgb: tuple[float, ...]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen(color: str, vision: str) -> tuple[float, float, float]:
    """A colour in CIELAB as a reader with ``vision`` sees it."""
    rgb = [_linear(c) for c in mpl.colors.to_rgb(color)]
    m = _DICHROMAT[vision]
    return _lab(tuple(max(0.0, sum(m[i][j] * rgb[j] for j in range(3))) for i in range(3)))


def difference(a: str, b: str, vision: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(seen(a, vision), seen(b, vision), strict=True)) ** 0.5


class TestColours:
    @pytest.mark.parametrize("vision", list(_DICHROMAT))
    def test_time_buckets_are_distinct(self, vision):
        """Every two time buckets differ (CIE76 over 15), neighbours clearly (over 24), for dichromats too."""
        from salesfunnel.forecasting.buckets import TimeBucket
        from salesfunnel.plot._forecast import _COLORS

        colours = [_COLORS[b] for b in TimeBucket]
        for a, b in itertools.combinations(colours, 2):
            assert difference(a, b, vision) > 15, (a, b, vision)
        for a, b in itertools.pairwise(colours):
            assert difference(a, b, vision) > 24, (a, b, vision)

    @pytest.mark.parametrize("vision", list(_DICHROMAT))
    def test_forecast_categories_are_distinct(self, vision):
        """Every two forecast categories differ clearly, the two upsides above all."""
        from salesfunnel.forecasting.kinds import ForecastCategory
        from salesfunnel.plot._forecast import _COLORS

        colours = [_COLORS[c] for c in ForecastCategory]
        for a, b in itertools.combinations(colours, 2):
            assert difference(a, b, vision) > 24, (a, b, vision)
        upsides = (ForecastCategory.UPSIDE_THIS_QUARTER, ForecastCategory.UPSIDE_NEXT_QUARTER)
        assert difference(_COLORS[upsides[0]], _COLORS[upsides[1]], vision) > 60

    def test_the_old_blues_would_fail(self):
        """The checks have teeth: the former 6-9 / 9-12 month blues and upside blues fail them."""
        assert difference("#6baed6", "#9ecae1", "protanopia") < 15
        assert difference("#4292c6", "#9ecae1", "normal") < 60

    @pytest.mark.parametrize("vision", list(_DICHROMAT))
    def test_distribution_marks_are_distinct(self, vision):
        """P10/P90, the median, the expected total and the target differ in colour and in dash."""
        dist = distribution_of([(Decimal(1000), Decimal("0.5"))] * 10)
        lines = distribution_chart(dist, target=6000).axes[0].lines
        marks = [lines[0], lines[1], *lines[3:]]  # P90 is drawn as P10
        for a, b in itertools.combinations(marks, 2):
            assert difference(a.get_color(), b.get_color(), vision) > 20, (a, b, vision)
            assert a.get_linestyle() != b.get_linestyle()


# -- legends never cover what is drawn -------------------------------------------------


def assert_legends_clear(fig: Figure) -> None:
    """Every legend of ``fig`` lies inside the figure and overlaps no bar, band or line."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    page = fig.bbox
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert legends
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, "legend cut off"
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, "legend cut off"
        for ax in fig.axes:
            for patch in ax.patches:
                assert not box.overlaps(patch.get_window_extent(renderer)), patch
            for line in ax.lines:
                assert not box.overlaps(line.get_window_extent(renderer)), line
            assert not box.overlaps(ax.get_window_extent(renderer)), "legend inside the axes"


class TestLegends:
    def test_forecast(self, by_owner):
        """The forecast's legends sit under their panels."""
        assert_legends_clear(forecast_chart(by_owner))
        assert_legends_clear(forecast_chart(by_owner, view="time", include_lost=True))

    def test_forecast_many_rows(self):
        """With many rows (a taller figure) the legends still sit clear."""
        assert_legends_clear(forecast_chart(forecast(USD, cutoff=SAMPLE_AS_OF, by="owner,product")))

    def test_pareto(self):
        """The ABC legend sits right of the curve and its bands."""
        assert_legends_clear(pareto_chart(abc_classify(won_revenue(), measure=REVENUE)))
        assert_legends_clear(pareto_chart(computed_abc(won_revenue(), measure=REVENUE)))

    def test_distribution(self):
        """The distribution's legend sits right of the bars and marks."""
        dist = outcome_distribution(USD, as_of=SAMPLE_AS_OF)
        assert_legends_clear(distribution_chart(dist, target=1_200_000))

    def test_the_check_has_teeth(self):
        """A legend inside the axes, as the charts once had, is caught."""
        fig = pareto_chart(abc_classify(won_revenue(), measure=REVENUE))
        fig.axes[0].legend(loc="lower right")
        with pytest.raises(AssertionError):
            assert_legends_clear(fig)
