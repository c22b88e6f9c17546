// Leads and sales: qualification, funnel, time to close, lead scoring.
// Words: core/catalogue/texts.toml.
#include "adapters.hpp"
#include "entries.hpp"
#include "kpi/kpi.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> pipeline() {
    return {
        // Over a period SQLs may come from earlier MQLs: the rate can exceed 1.
        {.method = "mql2sql", .name = "KPI.MQL2SQL", .shape = Shape::rate, .args = {amount("sqls"), amount("mqls")},
         .scalar = [](Values x) { return mql2sql(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "funnel", .name = "KPI.FUNNEL", .shape = Shape::array, .args = {range("stage_counts")},
         .returns = Returns::array, .eval = adapters::funnel},
        {.method = "timetoclose", .name = "KPI.TIMETOCLOSE", .shape = Shape::cells,
         .args = {range("first_contact_dates"), range("close_dates"), optional_number("statistic", 0.0),
                  optional_range("won")},
         .eval = adapters::time_to_close},
        {.method = "scoreauc", .name = "KPI.SCOREAUC", .shape = Shape::cells, .args = {range("scores"), range("converted")},
         .eval = adapters::score_auc, .counted = adapters::score_auc_counted},
        {.method = "winrate", .name = "KPI.WINRATE", .shape = Shape::formula, .args = {amount("won"), amount("lost")},
         .scalar = [](Values x) { return winrate(x[0], x[1]); },
         .column = formula_rows<winrate>},
        {.method = "pipecoverage", .name = "KPI.PIPECOVERAGE", .shape = Shape::ratio,
         .args = {amount("pipeline"), amount("quota")},
         .scalar = [](Values x) { return pipecoverage(x[0], x[1]); },
         .column = ratio_rows<1>},
    };
}

}  // namespace kpi::entries
