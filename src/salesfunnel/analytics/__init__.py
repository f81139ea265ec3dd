"""Funnel analytics: conversion, win rate, sales cycle, deal health, learned probabilities.

Holds conversion, summaries, cycle, velocity and additional business
(:mod:`.conversion`), deal heat and stale deals (:mod:`.deal_health`) and
learned probabilities, calibration and backtests (:mod:`.calibration`).

May import :mod:`salesfunnel.forecasting`, :mod:`salesfunnel.pipeline`, the
funnel and everything below them.
"""

from salesfunnel.analytics.backtest import Backtest, BacktestRow, backtest
from salesfunnel.analytics.calibration import (
    Calibration,
    LearnedProbabilities,
    ReliabilityBin,
    StageEstimate,
    brier_score,
    calibration,
    learn_probabilities,
    reliability_table,
)
from salesfunnel.analytics.conversion import (
    ConversionTable,
    CycleStats,
    FunnelSummary,
    StageConversion,
    StageDurations,
    check_history,
    conversion,
    funnel_summary,
    reached_stages,
    sales_cycle,
    snapshots,
    time_in_stages,
    win_rate,
)
from salesfunnel.analytics.deal_health import (
    DEFAULT_RESETS,
    DEFAULT_STALE_DAYS,
    ClockReset,
    DealHeat,
    Heat,
    HeatWeights,
    StaleDeal,
    clock_start,
    deal_heat,
    heat_ranking,
    heat_table,
    stale_deals,
)
from salesfunnel.analytics.velocity import (
    AdditionalBusiness,
    Velocity,
    additional_business,
    sales_velocity,
)

__all__ = [
    "DEFAULT_RESETS",
    "DEFAULT_STALE_DAYS",
    "AdditionalBusiness",
    "Backtest",
    "BacktestRow",
    "Calibration",
    "ClockReset",
    "ConversionTable",
    "CycleStats",
    "DealHeat",
    "FunnelSummary",
    "Heat",
    "HeatWeights",
    "LearnedProbabilities",
    "ReliabilityBin",
    "StageConversion",
    "StageDurations",
    "StageEstimate",
    "StaleDeal",
    "Velocity",
    "additional_business",
    "backtest",
    "brier_score",
    "calibration",
    "check_history",
    "clock_start",
    "conversion",
    "deal_heat",
    "funnel_summary",
    "heat_ranking",
    "heat_table",
    "learn_probabilities",
    "reached_stages",
    "reliability_table",
    "sales_cycle",
    "sales_velocity",
    "snapshots",
    "stale_deals",
    "time_in_stages",
    "win_rate",
]
