// Evaluators of the predictive-CLV functions (KPI.BGNBD.*, KPI.GG.*,
// KPI.CLV.PREDICT, KPI.SBG.*): spreadsheet arguments in, clvmodels.hpp's
// models called, cells out. Internal to the core; used by catalogue.cpp.
#pragma once

#include <functional>
#include <string_view>

#include "kpi/catalogue.hpp"

namespace kpi::models {

Output eval_bgnbd_fit(Args a);
Output eval_bgnbd_expected(Args a);
Output eval_bgnbd_palive(Args a);
Output eval_gg_fit(Args a);
Output eval_gg_spend(Args a);
Output eval_clv_predict(Args a);
Output eval_sbg_fit(Args a);

// For KPI.MAP: a model function that takes parameter rows (BGNBD.PALIVE,
// BGNBD.EXPECTED, GG.SPEND, CLV.PREDICT) as a function of one customer's
// values, its parameter rows read once and shared by every row.
struct RowModel {
    std::size_t param_args = 0;     // leading arguments that are parameter rows
    std::size_t row_args = 0;       // per-customer arguments, the last `optional` of them optional
    std::size_t optional = 0;
    double fallback = 0;            // value of an omitted optional argument
    Error error = Error::none;      // the parameter rows' error, if any
    // One customer's values; `budget` is the whole call's work budget
    // (clvmodels.hpp), which the row reduces by the series it sums.
    std::function<Result(std::span<const double>, long& budget)> row;
    // Optional (GG.SPEND): the same over a block of m customers, x[j][k]
    // argument j of customer k, each out[k] exactly to_double(row(...)), for
    // a model whose row spends nothing of the budget but its evaluation.
    std::function<void(const double* const* x, std::size_t m, double* out)> block;
};
// `name` in upper case with its "KPI." prefix; false when it is not one of them.
bool is_row_model(std::string_view name);
// `params`: the call's parameter-row arguments (param_args of them).
RowModel row_model(std::string_view name, Args params);

}  // namespace kpi::models
