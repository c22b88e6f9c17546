// Advertising and web rates. Words: core/catalogue/texts.toml.
#include "entries.hpp"
#include "kpi/kpi.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> rates() {
    return {
        {.method = "ctr", .name = "KPI.CTR", .shape = Shape::rate, .args = {amount("clicks"), amount("impressions")},
         .scalar = [](Values x) { return ctr(x[0], x[1]); }},
        {.method = "convrate", .name = "KPI.CONVRATE", .shape = Shape::rate,
         .args = {amount("conversions"), amount("visitors")},
         .scalar = [](Values x) { return convrate(x[0], x[1]); }},
        {.method = "engagement", .name = "KPI.ENGAGEMENT", .shape = Shape::rate,
         .args = {amount("engagements"), amount("impressions")},
         .scalar = [](Values x) { return engagement(x[0], x[1]); }},
        // A share cannot exceed its total: above 1 is #NUM!.
        {.method = "share", .name = "KPI.SHARE", .shape = Shape::part_of_whole, .args = {amount("part"), amount("total")},
         .scalar = [](Values x) { return share(x[0], x[1]); }},
    };
}

}  // namespace kpi::entries
