// Spreadsheet conventions of the predictive-CLV functions. See clvmodels_eval.hpp.
//
//  - tables (frequency, recency, age, average value) are ranges of the same
//    size read as records; rows left wholly blank are skipped;
//  - a parameter argument is the row a FIT function returned (the trailing
//    log-likelihood may be included or not), or the parameters typed in;
//  - an invalid row or parameter gives #NUM!, a wrong shape #VALUE!.
#include "clvmodels_eval.hpp"

#include <array>
#include <cmath>

#include "kpi/args.hpp"
#include "kpi/clvmodels.hpp"

namespace kpi::models {
namespace {

Output fail(Error e) { return Output::scalar(Result::fail(e)); }

Output row(const Fit& f) {
    if (f.error != Error::none) return fail(f.error);
    std::vector<Result> cells;
    for (double p : f.params) cells.push_back(Result::of(p));
    cells.push_back(Result::of(f.log_likelihood));
    const std::size_t n = cells.size();
    return Output{1, n, std::move(cells)};
}

// The model's N parameters from a row or column of N cells, or N + 1 cells
// (a FIT result with its log-likelihood). Each must be > 0.
template <std::size_t N>
Error params(const ArgView& arg, std::array<double, N>& out) {
    const Line l = line(arg);
    if (l.error != Error::none) return l.error;
    if (l.values.size() != N && l.values.size() != N + 1) return Error::value;
    for (std::size_t i = 0; i < N; ++i) {
        if (!(l.values[i] > 0) || !std::isfinite(l.values[i])) return Error::num;
        out[i] = l.values[i];
    }
    return Error::none;
}

// Reads single numbers into `out`; the first error wins.
Error numbers(Args a, std::size_t from, std::size_t count, double* out) {
    for (std::size_t i = 0; i < count; ++i) {
        const Result r = number(*a[from + i]);
        if (!r.ok()) return r.error;
        out[i] = r.value;
    }
    return Error::none;
}

}  // namespace

Output eval_bgnbd_fit(Args a) {
    const Records t = records(a.subspan(0, 3));
    if (t.error != Error::none) return fail(t.error);
    std::vector<Customer> cs;
    cs.reserve(t.columns[0].size());
    for (std::size_t i = 0; i < t.columns[0].size(); ++i) cs.push_back({t.columns[0][i], t.columns[1][i], t.columns[2][i]});
    return row(fit_bgnbd(cs));
}

Output eval_bgnbd_expected(Args a) {
    std::array<double, 4> p{};
    if (Error e = params(*a[0], p); e != Error::none) return fail(e);
    double v[4];  // t, x, tx, T
    if (Error e = numbers(a, 1, 4, v); e != Error::none) return fail(e);
    return Output::scalar(bgnbd_expected(p, v[0], {v[1], v[2], v[3]}));
}

Output eval_bgnbd_palive(Args a) {
    std::array<double, 4> p{};
    if (Error e = params(*a[0], p); e != Error::none) return fail(e);
    double v[3];  // x, tx, T
    if (Error e = numbers(a, 1, 3, v); e != Error::none) return fail(e);
    return Output::scalar(bgnbd_palive(p, {v[0], v[1], v[2]}));
}

Output eval_gg_fit(Args a) {
    const Records t = records(a.subspan(0, 2));
    if (t.error != Error::none) return fail(t.error);
    return row(fit_gg(t.columns[0], t.columns[1]));
}

Output eval_gg_spend(Args a) {
    std::array<double, 3> p{};
    if (Error e = params(*a[0], p); e != Error::none) return fail(e);
    double v[2];  // x, zbar
    if (Error e = numbers(a, 1, 2, v); e != Error::none) return fail(e);
    return Output::scalar(gg_spend(p, v[0], v[1]));
}

Output eval_clv_predict(Args a) {
    std::array<double, 4> bg{};
    std::array<double, 3> gg{};
    if (Error e = params(*a[0], bg); e != Error::none) return fail(e);
    if (Error e = params(*a[1], gg); e != Error::none) return fail(e);
    double v[6];  // x, tx, T, zbar, horizon, discount_rate
    if (Error e = numbers(a, 2, 6, v); e != Error::none) return fail(e);
    const Result units = optional_number(*a[8], 1.0);
    if (!units.ok()) return Output::scalar(units);
    return Output::scalar(clv_predict(bg, gg, {v[0], v[1], v[2]}, v[3], v[4], v[5], units.value));
}

Output eval_sbg_fit(Args a) {
    const Line l = line(*a[0]);
    if (l.error != Error::none) return fail(l.error);
    return row(fit_sbg(l.values));
}

bool is_row_model(std::string_view name) {
    return name == "KPI.BGNBD.PALIVE" || name == "KPI.BGNBD.EXPECTED" || name == "KPI.GG.SPEND" ||
           name == "KPI.CLV.PREDICT";
}

RowModel row_model(std::string_view name, Args a) {
    RowModel m;
    std::array<double, 4> bg{};
    std::array<double, 3> gg{};
    if (name == "KPI.GG.SPEND") {
        m.param_args = 1;
        m.row_args = 2;  // x, zbar
        if (a.size() >= 1) m.error = params(*a[0], gg);
        m.row = [gg](std::span<const double> v, long&) { return gg_spend(gg, v[0], v[1]); };
        // A million customers in a few ms: a call and a floor per row were most of it.
        m.block = [gg](const double* const* x, std::size_t n, double* out) { gg_spend_column(gg, x[0], x[1], n, out); };
    } else if (name == "KPI.CLV.PREDICT") {
        m.param_args = 2;
        m.row_args = 7;  // x, tx, T, zbar, horizon, discount_rate, [units_per_period]
        m.optional = 1;
        m.fallback = 1.0;
        if (a.size() >= 2) {
            m.error = params(*a[0], bg);
            if (m.error == Error::none) m.error = params(*a[1], gg);
        }
        m.row = [bg, gg](std::span<const double> v, long& budget) {
            return clv_predict(bg, gg, {v[0], v[1], v[2]}, v[3], v[4], v[5], v[6], budget);
        };
    } else {
        m.param_args = 1;
        if (a.size() >= 1) m.error = params(*a[0], bg);
        if (name == "KPI.BGNBD.EXPECTED") {
            m.row_args = 4;  // t, x, tx, T
            m.row = [bg](std::span<const double> v, long& budget) {
                return bgnbd_expected(bg, v[0], {v[1], v[2], v[3]}, budget);
            };
        } else {
            m.row_args = 3;  // x, tx, T
            m.row = [bg](std::span<const double> v, long&) { return bgnbd_palive(bg, {v[0], v[1], v[2]}); };
            // Its block form: the core's own exp and log, vectorised (vecmath.hpp).
            m.block = [bg](const double* const* x, std::size_t n, double* out) {
                bgnbd_palive_column(bg, x[0], x[1], x[2], n, out);
            };
        }
    }
    if (a.size() < m.param_args) m.error = Error::args;
    return m;
}

}  // namespace kpi::models
