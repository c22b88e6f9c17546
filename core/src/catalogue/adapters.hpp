// Evaluators of the functions that read ranges cell by cell: the spreadsheet
// conventions of args.hpp in, the formulas of kpi.hpp called, cells out.
// (The predictive models' evaluators are in ../clvmodels_eval.cpp.)
#pragma once

#include "kpi/catalogue.hpp"

namespace kpi::adapters {

Output nps(Args a);            // KPI.NPS(scores)
Output time_to_close(Args a);  // KPI.TIMETOCLOSE(first_contact_dates; close_dates; [statistic]; [won])
Output score_auc(Args a);      // KPI.SCOREAUC(scores; converted)
Output funnel(Args a);         // KPI.FUNNEL(stage_counts)
// Their counted forms (FunctionInfo::counted).
Output nps_counted(Args a, std::span<const std::int64_t> counts);
Output score_auc_counted(Args a, std::span<const std::int64_t> counts);

}  // namespace kpi::adapters
