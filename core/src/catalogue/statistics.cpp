// Statistics for tests and subscriptions (issue 24): A/B test sizes and
// intervals, the NPS margin of error, incrementality from a holdout, SaaS
// revenue ratios, RFM scores and the cohort revenue curve.
// Words: core/catalogue/texts.toml.
#include "entries.hpp"
#include "kpi/stats.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> statistics() {
    return {
        {.method = "grr", .name = "KPI.GRR", .shape = Shape::formula,
         .args = {amount("revenue_start"), amount("contraction"), amount("churned")},
         .scalar = [](Values x) { return grr(x[0], x[1], x[2]); },
         .column = formula_rows<grr>},
        {.method = "quickratio", .name = "KPI.QUICKRATIO", .shape = Shape::formula,
         .args = {amount("new_revenue"), amount("expansion"), amount("contraction"), amount("churned")},
         .scalar = [](Values x) { return quick_ratio(x[0], x[1], x[2], x[3]); },
         .column = quickratio_rows},
        {.method = "incremental", .name = "KPI.INCREMENTAL", .shape = Shape::formula,
         .args = {amount("conv_exposed"), amount("n_exposed"), amount("conv_holdout"), amount("n_holdout")},
         .scalar = [](Values x) { return incremental(x[0], x[1], x[2], x[3]); },
         .column = formula_rows<incremental>},
        {.method = "npsmoe", .name = "KPI.NPSMOE", .shape = Shape::formula,
         .args = {amount("promoters"), amount("passives"), amount("detractors"), optional_number("confidence", 0.95)},
         .scalar = [](Values x) { return nps_moe(x[0], x[1], x[2], x[3]); },
         .column = formula_rows<nps_moe>},
        {.method = "absamplesize", .name = "KPI.ABSAMPLESIZE", .shape = Shape::formula,
         .args = {number("baseline_rate"), number("relative_lift"), optional_number("alpha", 0.05),
                  optional_number("power", 0.8), optional_flag("one_sided")},
         .scalar = [](Values x) { return ab_sample_size(x[0], x[1], x[2], x[3], x[4] != 0.0); }},
        {.method = "abmde", .name = "KPI.ABMDE", .shape = Shape::formula,
         .args = {amount("visitors_per_variant"), number("baseline_rate"), optional_number("alpha", 0.05),
                  optional_number("power", 0.8)},
         .scalar = [](Values x) { return ab_mde(x[0], x[1], x[2], x[3]); },
         .column = formula_rows<ab_mde>},
        {.method = "rateci", .name = "KPI.RATECI", .shape = Shape::array,
         .args = {amount("successes"), amount("trials"), optional_number("confidence", 0.95)},
         .returns = Returns::array, .eval = rate_ci_eval},
        {.method = "liftci", .name = "KPI.LIFTCI", .shape = Shape::array,
         .args = {amount("conv_variant"), amount("visitors_variant"), amount("conv_control"),
                  amount("visitors_control"), optional_number("confidence", 0.95)},
         .returns = Returns::array, .eval = lift_ci_eval},
        {.method = "rfm", .name = "KPI.RFM", .shape = Shape::array,
         .args = {range("recency_days"), range("frequency"), range("monetary"), optional_number("bins", 5.0)},
         .returns = Returns::table, .eval = rfm},
        {.method = "cohortrevenue", .name = "KPI.COHORT.REVENUE", .shape = Shape::array,
         .args = {range("customers"), range("dates"), range("amounts"), optional_number("period_days", 0.0),
                  optional_number("as_of", 0.0)},
         .returns = Returns::table, .eval = cohort_revenue},
    };
}

}  // namespace kpi::entries
