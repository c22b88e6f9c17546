// KPI.MAP: one KPI for every row of a column, in a single call.
#pragma once

#include "kpi/catalogue.hpp"

namespace kpi {

// args[0]: the KPI's name ("CTR" or "KPI.CTR", any case), one text cell.
// args[1..]: one column (or row) per argument of that KPI, read row by row; a
// single cell is repeated for every row; omitted trailing arguments take the
// KPI's defaults. Returns one result per row, in the shape of args[1].
// Only KPIs of single values per row (those with a column form,
// column.hpp: the rows run in the core's column path) can be mapped;
// another name -> #VALUE!. The model functions that take a
// parameter row (BGNBD.PALIVE, BGNBD.EXPECTED, GG.SPEND, CLV.PREDICT) are
// mapped too: args[1] (and args[2] for CLV.PREDICT) is the parameter row,
// read once and used for every row; the columns after it are the customer's.
//
// The whole call has one work budget, kMapBudget, counted as in
// clvmodels.hpp: every row costs kEvaluationCost, and a model row the series
// terms and expectations it computes. A call that needs more gives #NUM! as
// a whole (a partial column would read as a result), in bounded time: a
// term costs about 2.5 ns here, the budget about 2 s (20,000 customers over
// 3,650 daily periods, 730,000 terms each, took 39 s). Sized for a full
// column of customers over 12 monthly periods (about 600 terms each,
// 1,048,576 x 600 < 8e8). Each row keeps its own function's limit too.
inline constexpr long kMapBudget = 800'000'000;
Output map_rows(Args args);
// The same with another budget (for tests of the budget itself).
Output map_rows(Args args, long budget);

}  // namespace kpi
