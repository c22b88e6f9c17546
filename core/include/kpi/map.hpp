// KPI.MAP: one KPI for every row of a column, in a single call.
#pragma once

#include "kpi/catalogue.hpp"

namespace kpi {

// args[0]: the KPI's name ("CTR" or "KPI.CTR", any case), one text cell.
// args[1..]: one column (or row) per argument of that KPI, read row by row; a
// single cell is repeated for every row; omitted trailing arguments take the
// KPI's defaults. Returns one result per row, in the shape of args[1].
// Only KPIs of single values per row (those with a `scalar` evaluator) can
// be mapped; another name -> #VALUE!. The model functions that take a
// parameter row (BGNBD.PALIVE, BGNBD.EXPECTED, GG.SPEND, CLV.PREDICT) are
// mapped too: args[1] (and args[2] for CLV.PREDICT) is the parameter row,
// read once and used for every row; the columns after it are the customer's.
Output map_rows(Args args);

}  // namespace kpi
