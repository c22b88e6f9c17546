// Returns and growth. Words: core/catalogue/texts.toml.
#include "entries.hpp"
#include "kpi/kpi.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> returns() {
    return {
        {.method = "roi", .name = "KPI.ROI", .shape = Shape::gain, .args = {amount("return"), amount("investment")},
         .scalar = [](Values x) { return roi(x[0], x[1]); },
         .column = gain_rows},
        {.method = "roas", .name = "KPI.ROAS", .shape = Shape::ratio, .args = {amount("revenue"), amount("ad_spend")},
         .scalar = [](Values x) { return roas(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "growth", .name = "KPI.GROWTH", .shape = Shape::gain, .args = {amount("current"), amount("previous")},
         .scalar = [](Values x) { return growth(x[0], x[1]); },
         .column = gain_rows},
        // Margin-based: the return a campaign's margin brings, and the ROAS at which it pays for itself.
        {.method = "romi", .name = "KPI.ROMI", .shape = Shape::formula,
         .args = {amount("incremental_revenue"), number("gross_margin"), amount("marketing_cost")},
         .scalar = [](Values x) { return romi(x[0], x[1], x[2]); },
         .column = romi_rows},
        {.method = "breakevenroas", .name = "KPI.BREAKEVENROAS", .shape = Shape::formula, .args = {number("gross_margin")},
         .scalar = [](Values x) { return breakevenroas(x[0]); },
         .column = breakevenroas_rows, .column_cells = breakevenroas_cells},
    };
}

}  // namespace kpi::entries
