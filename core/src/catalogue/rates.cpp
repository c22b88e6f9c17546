// Advertising and web rates. Words: core/catalogue/texts.toml.
#include "entries.hpp"
#include "kpi/kpi.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> rates() {
    return {
        {.method = "ctr", .name = "KPI.CTR", .shape = Shape::rate, .args = {amount("clicks"), amount("impressions")},
         .scalar = [](Values x) { return ctr(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "convrate", .name = "KPI.CONVRATE", .shape = Shape::rate,
         .args = {amount("conversions"), amount("visitors")},
         .scalar = [](Values x) { return convrate(x[0], x[1]); },
         .column = ratio_rows<1>},
        {.method = "engagement", .name = "KPI.ENGAGEMENT", .shape = Shape::rate,
         .args = {amount("engagements"), amount("impressions")},
         .scalar = [](Values x) { return engagement(x[0], x[1]); },
         .column = ratio_rows<1>},
        // A share cannot exceed its total: above 1 is #NUM!.
        {.method = "share", .name = "KPI.SHARE", .shape = Shape::part_of_whole, .args = {amount("part"), amount("total")},
         .scalar = [](Values x) { return share(x[0], x[1]); },
         .column = ratio_rows<1, true>},
        // Reach and video: everyone reached saw an impression (reach above
        // impressions is #NUM!), a view is a watched impression.
        {.method = "frequency", .name = "KPI.FREQUENCY", .shape = Shape::ratio,
         .args = {amount("impressions"), number("reach")},  // reach does not add up: one value
         .scalar = [](Values x) { return frequency(x[0], x[1]); },
         .column = frequency_rows},
        {.method = "grp", .name = "KPI.GRP", .shape = Shape::ratio, .scale = 100.0,
         .args = {amount("impressions"), amount("population")},
         .scalar = [](Values x) { return grp(x[0], x[1]); },
         .column = ratio_rows<100>},
        {.method = "viewrate", .name = "KPI.VIEWRATE", .shape = Shape::part_of_whole,
         .args = {amount("views"), amount("impressions")},
         .scalar = [](Values x) { return viewrate(x[0], x[1]); },
         .column = ratio_rows<1, true>},
        // A/B tests: a test arm against a control arm.
        {.method = "lift", .name = "KPI.LIFT", .shape = Shape::formula,
         .args = {amount("conversions_test"), amount("visitors_test"), amount("conversions_control"),
                  amount("visitors_control")},
         .scalar = [](Values x) { return lift(x[0], x[1], x[2], x[3]); },
         .column = formula_rows<lift>},
        {.method = "abpvalue", .name = "KPI.ABPVALUE", .shape = Shape::formula,
         .args = {amount("conversions_a"), amount("visitors_a"), amount("conversions_b"), amount("visitors_b")},
         .scalar = [](Values x) { return ab_pvalue(x[0], x[1], x[2], x[3]); },
         .column = formula_rows<ab_pvalue>},
    };
}

}  // namespace kpi::entries
