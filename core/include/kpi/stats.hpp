// The statistics marketers need and get wrong by hand (issue 24): test
// sizes, intervals, margins of error, incrementality, SaaS revenue ratios,
// RFM scores and the cohort revenue curve.
//
// Pure, total functions like those of kpi.hpp: a value or an error kind for
// any input, no state. The normal quantiles come from Boost.Math.
#pragma once

#include <array>

#include "kpi/catalogue.hpp"
#include "kpi/result.hpp"

namespace kpi {

// --- SaaS revenue ----------------------------------------------------------
// Gross revenue retention: (start - contraction - churned) / start.
Result grr(double revenue_start, double contraction, double churned);
// SaaS quick ratio: (new + expansion) / (contraction + churned).
Result quick_ratio(double new_revenue, double expansion, double contraction, double churned);

// --- tests and samples ------------------------------------------------------
// Incremental conversions of the exposed group over a holdout:
// conv_exposed - n_exposed * conv_holdout / n_holdout.
Result incremental(double conv_exposed, double n_exposed, double conv_holdout, double n_holdout);

// Margin of error of an NPS, in points, at a confidence level.
Result nps_moe(double promoters, double passives, double detractors, double confidence = 0.95);

// Visitors per variant of a two-proportion z-test (pooled variance under the
// null, unpooled under the alternative: Fleiss, R's power.prop.test),
// rounded up to a whole visitor; ab_visitors_exact is the value before
// rounding (for the tests).
Result ab_sample_size(double baseline_rate, double relative_lift, double alpha = 0.05, double power = 0.8,
                      bool one_sided = false);
Result ab_visitors_exact(double baseline_rate, double relative_lift, double alpha, double power, bool one_sided);
// The smallest relative lift that test detects with `visitors_per_variant`
// visitors per variant (the inverse of ab_visitors_exact; two-sided).
Result ab_mde(double visitors_per_variant, double baseline_rate, double alpha = 0.05, double power = 0.8);

// Wilson score interval of successes / trials: {low, high}.
std::array<Result, 2> rate_ci(double successes, double trials, double confidence = 0.95);
// Interval of the relative lift (p_variant / p_control - 1), log method with
// the 0.5 adjustment (Gart & Nam; statsmodels' "log-adjusted"): {low, high}.
std::array<Result, 2> lift_ci(double conv_variant, double visitors_variant, double conv_control,
                              double visitors_control, double confidence = 0.95);

// --- evaluators of the range functions (catalogue entries) -------------------
// KPI.RFM(recency_days; frequency; monetary; [bins]).
Output rfm(Args args);
// KPI.COHORT.REVENUE(customers; dates; amounts; [period_days]; [as_of]).
Output cohort_revenue(Args args);
// KPI.RATECI and KPI.LIFTCI: their intervals as a 1 x 2 row.
Output rate_ci_eval(Args args);
Output lift_ci_eval(Args args);

}  // namespace kpi
