// Predictive CLV (BG/NBD, Gamma-Gamma, sBG). Display names have inner dots
// (KPI.BGNBD.FIT); UNO methods cannot, so the stored name is the display
// name without them (KPI.BGNBDFIT). Words: core/catalogue/texts.toml.
#include "../clvmodels_eval.hpp"
#include "entries.hpp"
#include "kpi/clvmodels.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> models() {
    const ArgInfo params = range("params");
    return {
        {.method = "bgnbdfit", .name = "KPI.BGNBD.FIT", .shape = Shape::model,
         .args = {range("frequency"), range("recency"), range("age")},
         .returns = Returns::array, .eval = models::eval_bgnbd_fit},
        {.method = "bgnbdexpected", .name = "KPI.BGNBD.EXPECTED", .shape = Shape::model,
         .args = {params, number("t"), number("frequency"), number("recency"), number("age")},
         .eval = models::eval_bgnbd_expected},
        {.method = "bgnbdpalive", .name = "KPI.BGNBD.PALIVE", .shape = Shape::model,
         .args = {params, number("frequency"), number("recency"), number("age")},
         .eval = models::eval_bgnbd_palive},
        {.method = "ggfit", .name = "KPI.GG.FIT", .shape = Shape::model,
         .args = {range("frequency"), range("average_value")},
         .returns = Returns::array, .eval = models::eval_gg_fit},
        {.method = "ggspend", .name = "KPI.GG.SPEND", .shape = Shape::model,
         .args = {params, number("frequency"), number("average_value")},
         .eval = models::eval_gg_spend},
        {.method = "clvpredict", .name = "KPI.CLV.PREDICT", .shape = Shape::model,
         .args = {range("bgnbd_params"), range("gg_params"), number("frequency"), number("recency"), number("age"),
                  number("average_value"), number("horizon"), number("discount_rate"),
                  optional_number("units_per_period", 1.0)},
         .eval = models::eval_clv_predict},
        {.method = "sbgfit", .name = "KPI.SBG.FIT", .shape = Shape::model, .args = {range("survivors")},
         .returns = Returns::array, .eval = models::eval_sbg_fit},
        {.method = "sbgretention", .name = "KPI.SBG.RETENTION", .shape = Shape::model,
         .args = {number("alpha"), number("beta"), number("t")},
         .scalar = [](Values x) { return models::sbg_retention(x[0], x[1], x[2]); },
         .column = [](const double* const* x, std::size_t m, double* out) {
             models::sbg_retention_column(x[0], x[1], x[2], m, out);
         }},
        {.method = "sbgsurvival", .name = "KPI.SBG.SURVIVAL", .shape = Shape::model,
         .args = {number("alpha"), number("beta"), number("t")},
         .scalar = [](Values x) { return models::sbg_survival(x[0], x[1], x[2]); },
         .column = formula_rows<models::sbg_survival>},
    };
}

}  // namespace kpi::entries
