// E-mail programme rates. Words: core/catalogue/texts.toml.
#include "entries.hpp"
#include "kpi/kpi.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> email() {
    return {
        // Total opens can exceed delivered e-mails (one reader opens twice):
        // a rate, not a part of a whole.
        {.method = "openrate", .name = "KPI.OPENRATE", .shape = Shape::rate,
         .args = {amount("opens"), amount("delivered")},
         .scalar = [](Values x) { return openrate(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "ctor", .name = "KPI.CTOR", .shape = Shape::rate, .args = {amount("clicks"), amount("opens")},
         .scalar = [](Values x) { return ctor(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "unsubrate", .name = "KPI.UNSUBRATE", .shape = Shape::part_of_whole,
         .args = {amount("unsubscribes"), amount("delivered")},
         .scalar = [](Values x) { return unsubrate(x[0], x[1]); },
         .column = ratio_rows<1, true>},
        {.method = "bouncerate", .name = "KPI.BOUNCERATE", .shape = Shape::part_of_whole,
         .args = {amount("bounces"), amount("sent")},
         .scalar = [](Values x) { return bouncerate(x[0], x[1]); },
         .column = ratio_rows<1, true>},
    };
}

}  // namespace kpi::entries
