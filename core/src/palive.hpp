// BG/NBD's P(alive) of one customer with x >= 1 purchases, shared by
// clvmodels.cpp's bgnbd_palive() (one call) and column.cpp's
// bgnbd_palive_column() (a vectorised block): the same operations in the
// same order, so that Calc, KPI.MAP, PostgreSQL and Python give the same bits.
#pragma once

#include "kpi/vecmath.hpp"

namespace kpi::models {

// 1 / (1 + a / (b + x - 1) ((alpha + T) / (alpha + tx))^(r + x)) with
// log_a = vecmath::log(a), read once per parameter row. The ratio's log is
// log1p((T - tx) / (alpha + tx)): one log where the paper's form takes two
// (ln(alpha + T) - ln(alpha + tx)), and one that keeps its digits where
// those two cancel (T close to tx, or both small beside alpha), an error
// which (r + x) then multiplies (tests/pykpi/test_column_path.py).
inline double palive_formula(double log_a, double r, double alpha, double b, double x, double tx, double T) {
    const double lt = (log_a - vecmath::log(b + x - 1.0)) + (r + x) * vecmath::log1p((T - tx) / (alpha + tx));
    return 1.0 / (1.0 + vecmath::exp(lt));
}

}  // namespace kpi::models
