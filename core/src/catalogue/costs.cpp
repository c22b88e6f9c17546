// Cost per result: what one lead, acquisition, customer, click or thousand
// impressions, or one video view cost. Words: core/catalogue/texts.toml.
#include "entries.hpp"
#include "kpi/kpi.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> costs() {
    return {
        {.method = "cpl", .name = "KPI.CPL", .shape = Shape::ratio, .args = {amount("cost"), amount("leads")},
         .scalar = [](Values x) { return cpl(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "cpa", .name = "KPI.CPA", .shape = Shape::ratio, .args = {amount("cost"), amount("acquisitions")},
         .scalar = [](Values x) { return cpa(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "cac", .name = "KPI.CAC", .shape = Shape::ratio, .args = {amount("cost"), amount("new_customers")},
         .scalar = [](Values x) { return cac(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "cpc", .name = "KPI.CPC", .shape = Shape::ratio, .args = {amount("cost"), amount("clicks")},
         .scalar = [](Values x) { return cpc(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "cpm", .name = "KPI.CPM", .shape = Shape::ratio, .scale = 1000.0,
         .args = {amount("cost"), amount("impressions")},
         .scalar = [](Values x) { return cpm(x[0], x[1]); },
         .column = ratio_rows<1000>},
        {.method = "cpv", .name = "KPI.CPV", .shape = Shape::ratio, .args = {amount("cost"), amount("views")},
         .scalar = [](Values x) { return cpv(x[0], x[1]); },
         .column = ratio_rows<1>},
    };
}

}  // namespace kpi::entries
