// Returns and growth. Words: core/catalogue/texts.toml.
#include "entries.hpp"
#include "kpi/kpi.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> returns() {
    return {
        {.method = "roi", .name = "KPI.ROI", .shape = Shape::gain, .args = {amount("return"), amount("investment")},
         .scalar = [](Values x) { return roi(x[0], x[1]); }},
        {.method = "roas", .name = "KPI.ROAS", .shape = Shape::ratio, .args = {amount("revenue"), amount("ad_spend")},
         .scalar = [](Values x) { return roas(x[0], x[1]); }},
        {.method = "growth", .name = "KPI.GROWTH", .shape = Shape::gain, .args = {amount("current"), amount("previous")},
         .scalar = [](Values x) { return growth(x[0], x[1]); }},
    };
}

}  // namespace kpi::entries
