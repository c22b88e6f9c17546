// Customers: retention and churn, revenue per head, lifetime value, payback,
// satisfaction (NPS), net revenue retention, cohort tables. Words: core/catalogue/texts.toml.
#include "adapters.hpp"
#include "entries.hpp"
#include "kpi/cohort.hpp"
#include "kpi/kpi.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> customers() {
    return {
        {.method = "retention", .name = "KPI.RETENTION", .shape = Shape::formula,
         .args = {amount("customers_end"), zero_if_blank(amount("new_customers")), amount("customers_start")},
         .scalar = [](Values x) { return retention(x[0], x[1], x[2]); },
         .column = retention_rows},
        {.method = "churn", .name = "KPI.CHURN", .shape = Shape::part_of_whole,
         .args = {amount("customers_lost"), amount("customers_start")},
         .scalar = [](Values x) { return churn(x[0], x[1]); },
         .column = ratio_rows<1, true>},
        {.method = "aov", .name = "KPI.AOV", .shape = Shape::ratio, .args = {amount("revenue"), amount("orders")},
         .scalar = [](Values x) { return aov(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "arpu", .name = "KPI.ARPU", .shape = Shape::ratio, .args = {amount("revenue"), amount("users")},
         .scalar = [](Values x) { return arpu(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "clv", .name = "KPI.CLV", .shape = Shape::formula,
         .args = {number("average_order_value"), number("purchase_frequency"), number("lifespan"),
                  optional_number("gross_margin", 1.0)},
         .scalar = [](Values x) { return clv(x[0], x[1], x[2], x[3]); },
         .column = clv_rows, .column_cells = clv_cells},
        {.method = "clvret", .name = "KPI.CLVRET", .shape = Shape::formula,
         .args = {number("margin"), number("retention_rate"), number("discount_rate"), optional_flag("first_margin_now")},
         .scalar = [](Values x) { return clvret(x[0], x[1], x[2], x[3] != 0.0); }},
        {.method = "ltv2cac", .name = "KPI.LTV2CAC", .shape = Shape::ratio, .args = {number("clv"), number("cac")},
         .scalar = [](Values x) { return ltv2cac(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "payback", .name = "KPI.PAYBACK", .shape = Shape::formula,
         .args = {number("cac"), number("monthly_revenue_per_customer"), optional_number("gross_margin", 1.0)},
         .scalar = [](Values x) { return payback(x[0], x[1], x[2]); },
         .column = payback_rows},
        {.method = "nps", .name = "KPI.NPS", .shape = Shape::cells, .args = {range("scores")},
         .eval = adapters::nps, .counted = adapters::nps_counted},
        {.method = "npscount", .name = "KPI.NPSCOUNT", .shape = Shape::formula,
         .args = {zero_if_blank(amount("promoters")), zero_if_blank(amount("passives")), zero_if_blank(amount("detractors"))},
         .scalar = [](Values x) { return npscount(x[0], x[1], x[2]); },
         .column = formula_rows<npscount>},
        {.method = "nrr", .name = "KPI.NRR", .shape = Shape::formula,
         .args = {amount("revenue_start"), zero_if_blank(amount("expansion")), zero_if_blank(amount("contraction")),
                  zero_if_blank(amount("churned"))},
         .scalar = [](Values x) { return nrr(x[0], x[1], x[2], x[3]); },
         .column = formula_rows<nrr>},
        {.method = "cohort", .name = "KPI.COHORT", .shape = Shape::array,
         .args = {range("customers"), range("dates"), optional_number("period_days", 0.0), optional_number("as_of", 0.0)},
         .returns = Returns::table, .eval = kpi::cohort},
    };
}

}  // namespace kpi::entries
