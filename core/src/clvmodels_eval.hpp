// Evaluators of the predictive-CLV functions (KPI.BGNBD.*, KPI.GG.*,
// KPI.CLV.PREDICT, KPI.SBG.*): spreadsheet arguments in, clvmodels.hpp's
// models called, cells out. Internal to the core; used by catalogue.cpp.
#pragma once

#include "kpi/catalogue.hpp"

namespace kpi::models {

Output eval_bgnbd_fit(Args a);
Output eval_bgnbd_expected(Args a);
Output eval_bgnbd_palive(Args a);
Output eval_gg_fit(Args a);
Output eval_gg_spend(Args a);
Output eval_clv_predict(Args a);
Output eval_sbg_fit(Args a);

}  // namespace kpi::models
