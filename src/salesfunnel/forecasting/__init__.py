"""Forecasting: time buckets, forecast categories, the roll-up, quotas, waterfalls, forecast calls.

Holds the buckets by time (:mod:`.buckets`), the categories and their
policies (:mod:`.categories`), :func:`forecast` with :class:`Forecast`
(:mod:`.rollup`), quotas (:mod:`.quotas`), the pipeline waterfall and
slippage (:mod:`.waterfall`), the report form (:mod:`.report_form`) and
forecast submissions (:mod:`.submissions`).

May import :mod:`salesfunnel.funnel` and everything below it.
"""

from salesfunnel.forecasting.buckets import (
    CreatedAfterCutoffError,
    TimeBucket,
    bucket_bounds,
    month_edges,
    time_bucket,
)
from salesfunnel.forecasting.categories import (
    DEFAULT_CATEGORY_POLICY,
    CategoryPolicy,
    CategoryRule,
    PolicyStageError,
    default_policy,
    forecast_category,
    manual_category,
)
from salesfunnel.forecasting.kinds import CloseWindow, ForecastCategory, InvalidCategoryError
from salesfunnel.forecasting.pipelines import (
    PIPELINE_FACTS,
    UnknownPipelineError,
    funnel_of,
    pipeline_of,
)
from salesfunnel.forecasting.quotas import (
    Quota,
    QuotaResult,
    quota_attainment,
)
from salesfunnel.forecasting.report_form import (
    MARK,
    forecast_sheet,
    quota_sheet,
    report_form,
    slippage_sheet,
    waterfall_sheet,
)
from salesfunnel.forecasting.rollup import (
    Figures,
    Forecast,
    ForecastOptionError,
    ForecastRow,
    GroupKey,
    converted_lines,
    forecast,
    reporting_currency,
)
from salesfunnel.forecasting.submissions import (
    ForecastSubmission,
    SubmissionReview,
    SubmissionRow,
    review_submissions,
)
from salesfunnel.forecasting.waterfall import (
    Change,
    InvalidDateRangeError,
    Movement,
    Slippage,
    Waterfall,
    slippage,
    slippage_report,
    waterfall,
)

__all__ = [
    "DEFAULT_CATEGORY_POLICY",
    "MARK",
    "PIPELINE_FACTS",
    "CategoryPolicy",
    "CategoryRule",
    "Change",
    "CloseWindow",
    "CreatedAfterCutoffError",
    "Figures",
    "Forecast",
    "ForecastCategory",
    "ForecastOptionError",
    "ForecastRow",
    "ForecastSubmission",
    "GroupKey",
    "InvalidCategoryError",
    "InvalidDateRangeError",
    "Movement",
    "PolicyStageError",
    "Quota",
    "QuotaResult",
    "Slippage",
    "SubmissionReview",
    "SubmissionRow",
    "TimeBucket",
    "UnknownPipelineError",
    "Waterfall",
    "bucket_bounds",
    "converted_lines",
    "default_policy",
    "forecast",
    "forecast_category",
    "forecast_sheet",
    "funnel_of",
    "manual_category",
    "month_edges",
    "pipeline_of",
    "quota_attainment",
    "quota_sheet",
    "report_form",
    "reporting_currency",
    "review_submissions",
    "slippage",
    "slippage_report",
    "slippage_sheet",
    "time_bucket",
    "waterfall",
    "waterfall_sheet",
]
