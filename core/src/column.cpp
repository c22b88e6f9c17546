#include "kpi/column.hpp"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <climits>
#include <cmath>

#include "clvmodels_eval.hpp"
#include "palive.hpp"
#include "kpi/clvmodels.hpp"
#include "kpi/kpi.hpp"
#include "kpi/stop.hpp"

// The vectorised loops in AVX-512 and AVX2 beside the baseline (SSE2),
// chosen at load time by the CPU (GCC's function multiversioning, which
// needs ELF's ifunc: Linux x86-64 only; elsewhere the baseline). NumPy does
// the same for its own loops. Only "avx2", not "fma": no multiply-add is
// contracted, so every version gives the same bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
#define KPI_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define KPI_SIMD_CLONES
#endif

namespace kpi {
namespace {

// Rows read per pass: each argument is checked over a block in a loop of
// its own (branch-predictable, no call), then the formula runs per row.
constexpr std::size_t kBlock = 256;
static_assert(kStopEvery % kBlock == 0, "a block starts on every row the stop is polled at");
// Rows per pass when the formula reads the caller's arrays in place (no
// copy to hold in the cache): longer, so that the per-pass costs (the
// dispatch to the SIMD version, the error constants) are spread over more
// rows; short enough that a block's rows read again are still cached.
constexpr std::size_t kRawBlock = 4096;
static_assert(kStopEvery % kRawBlock == 0, "a block starts on every row the stop is polled at");
constexpr std::size_t kMaxScalarArgs = 8;  // evaluate()'s limit for scalar functions
// A row's own budget when the call has none: more than any one function
// call may spend (each clamps it to its own limit), so a row computes what
// evaluate() computes.
constexpr long kRowBudget = LONG_MAX / 4;

bool has_range(const FunctionInfo& f) {
    return std::any_of(f.args.begin(), f.args.end(), [](const ArgInfo& a) { return a.kind == ArgKind::range; });
}

// One cell of a single-value argument that is not a plain number: what the
// per-call path (catalogue.cpp's evaluate, clvmodels_eval.cpp's numbers)
// makes of it. `y` is NaN or infinite, or a negative amount.
Result slow_cell(const ArgInfo& info, const ColumnArg& c, ColumnCall::Blanks blanks, double y, bool amount) {
    if (std::isnan(y) && c.nan_is_blank) {
        if (blanks == ColumnCall::Blanks::zero) return Result{0.0, Error::none};
        if (info.optional) return Result{info.fallback, Error::none};
        return info.zero_if_blank ? Result{0.0, Error::none} : Result::fail(Error::na);
    }
    if (!std::isfinite(y) || (amount && y < 0.0)) return Result::fail(Error::num);
    return Result{y, Error::none};
}

// One vectorisable pass: is every cell a plain number (finite, and not
// negative for an amount; NaN fails both)? Written as a selection into a
// double: the form GCC 12 vectorises (a count of bools it does not).
KPI_SIMD_CLONES bool all_plain(const double* v, std::size_t m, bool amount) {
    double other = 0.0;
    if (amount)
        // The sign bit clear (copysign: signbit does not vectorise): -0 is
        // left to the copy below, which makes it 0, so that an amount read
        // in place is never -0.
        for (std::size_t k = 0; k < m; ++k) other = std::copysign(1.0, v[k]) > 0.0 && v[k] <= DBL_MAX ? other : 1.0;
    else
        for (std::size_t k = 0; k < m; ++k) other = std::fabs(v[k]) <= DBL_MAX ? other : 1.0;
    return other == 0.0;
}

// Argument `info`'s cells of rows [i0, i0 + m) into x[k] (k < m), each
// row's first error into err[k] unless an earlier argument set one (x[k]
// is then 0). Returns where the row values are: x, or the caller's own
// array when it can be read as it is (contiguous plain numbers, the common
// case: nothing copied).
template <bool kErrors>
const double* read_block(const ArgInfo& info, const ColumnArg& c, ColumnCall::Blanks blanks, bool amount,
                         std::size_t i0, std::size_t m, double* x, Error* err, bool& any_error) {
    const std::ptrdiff_t s = c.stride;
    const double* v = c.values + static_cast<std::ptrdiff_t>(i0) * s;
    if (!kErrors && s == 1) {
        const bool plain = all_plain(v, m, amount);
        // An amount is a sum (args.cpp's amount() adds the cell to 0.0), so
        // -0 reads as 0: a block holding one is copied below.
        if (plain) return v;
    }
    const Error* e = kErrors ? c.errors + static_cast<std::ptrdiff_t>(i0) * s : nullptr;
    if (s == 0) {
        // One cell for every row (a single value broadcast, as SBG.RETENTION's
        // alpha and beta usually are): read once, copied to the block.
        Result r{0.0, kErrors ? e[0] : Error::none};
        if (r.ok()) {
            const double y = v[0];
            const bool plain = amount ? (y >= 0.0 && y <= DBL_MAX) : std::fabs(y) <= DBL_MAX;
            r = plain ? Result{amount ? y + 0.0 : y, Error::none} : slow_cell(info, c, blanks, y, amount);
        }
        std::fill_n(x, m, r.ok() ? r.value : 0.0);
        if (!r.ok()) {
            for (std::size_t k = 0; k < m; ++k)
                if (err[k] == Error::none) err[k] = r.error;
            any_error = true;
        }
        return x;
    }
    for (std::size_t k = 0; k < m; ++k) {
        const double y = v[static_cast<std::ptrdiff_t>(k) * s];
        if constexpr (kErrors) {
            const Error ce = e[static_cast<std::ptrdiff_t>(k) * s];
            if (ce != Error::none) {  // a text or an error cell: its error, whatever the value
                x[k] = 0.0;
                if (err[k] == Error::none) err[k] = ce;
                any_error = true;
                continue;
            }
        }
        if (amount ? (y >= 0.0 && y <= DBL_MAX) : std::fabs(y) <= DBL_MAX) {
            x[k] = amount ? y + 0.0 : y;
            continue;
        }
        const Result r = slow_cell(info, c, blanks, y, amount);
        x[k] = r.ok() ? r.value : 0.0;
        if (!r.ok() && err[k] == Error::none) err[k] = r.error;
        any_error |= !r.ok();
    }
    return x;
}

const double* read_block(const ArgInfo& info, const ColumnArg& c, ColumnCall::Blanks blanks, bool amount,
                         std::size_t i0, std::size_t m, double* x, Error* err, bool& any_error) {
    if (!c.values) {  // left out: an optional argument's default (a required one cannot be)
        for (std::size_t k = 0; k < m; ++k) {
            x[k] = info.optional ? info.fallback : 0.0;
            if (!info.optional && err[k] == Error::none) err[k] = Error::args;
        }
        any_error |= !info.optional;
        return x;
    }
    if (c.errors) return read_block<true>(info, c, blanks, amount, i0, m, x, err, any_error);
    return read_block<false>(info, c, blanks, amount, i0, m, x, err, any_error);
}

}  // namespace

// kpi.hpp: ratio() and part_of() of kpi.cpp, over a block (here, where
// the build vectorises: core/CMakeLists.txt).
KPI_SIMD_CLONES void ratio_column(const double* num, const double* den, std::size_t m, double scale, bool part_of_whole,
                                  double* out) {
    const double num_error = error_nan(Error::num), div0_error = error_nan(Error::div0);
    // ratio()/part_of() and Result::of, in their order of precedence, as
    // selections rather than branches: a bad argument (#NUM!) before a part
    // above its whole (#NUM!) before a zero denominator (#DIV/0!) before an
    // overflow (#NUM!). a / b with b = 0 is computed and discarded.
    for (std::size_t k = 0; k < m; ++k) {
        const double a = num[k], b = den[k];
        const bool good = (a >= 0.0) & (a <= DBL_MAX) & (b >= 0.0) & (b <= DBL_MAX) & !(part_of_whole & (a > b));
        const double q = scale * (a / b);
        double r = std::fabs(q) <= DBL_MAX ? q + 0.0 : num_error;  // + 0.0: -0 is 0 (Result::of)
        r = b == 0.0 ? div0_error : r;
        out[k] = good ? r : num_error;
    }
}

namespace {
// Result::of as a selection: a value that is not finite is #NUM!, -0 is 0.
inline double of(double v, double num_error) { return std::fabs(v) <= DBL_MAX ? v + 0.0 : num_error; }
inline bool nonneg(double x) { return (x >= 0.0) & (x <= DBL_MAX); }  // kpi.cpp's nonneg (NaN fails)
inline bool fraction(double x) { return (x >= 0.0) & (x <= 1.0); }    // kpi.cpp's is_fraction
}  // namespace

// kpi.hpp: kpi.cpp's roi() and growth(), clv(), breakevenroas() and
// retention() as selections, each in the order its checks run there.
KPI_SIMD_CLONES void gain_column(const double* a, const double* b, std::size_t m, double* out) {
    const double num_error = error_nan(Error::num), div0_error = error_nan(Error::div0);
    for (std::size_t k = 0; k < m; ++k) {
        const double x = a[k], y = b[k];
        // ratio(x, y) first (#NUM!, #DIV/0!, its quotient's overflow), then (x - y) / y.
        double r = of((x - y) / y, num_error);
        r = std::fabs(x / y) <= DBL_MAX ? r : num_error;
        r = y == 0.0 ? div0_error : r;
        out[k] = nonneg(x) & nonneg(y) ? r : num_error;
    }
}

KPI_SIMD_CLONES void clv_column(const double* aov, const double* frequency, const double* lifespan, const double* margin,
                                std::size_t m, double* out) {
    const double num_error = error_nan(Error::num);
    for (std::size_t k = 0; k < m; ++k) {
        const bool good = nonneg(aov[k]) & nonneg(frequency[k]) & nonneg(lifespan[k]) & fraction(margin[k]);
        out[k] = good ? of(aov[k] * frequency[k] * lifespan[k] * margin[k], num_error) : num_error;
    }
}

namespace {
// breakevenroas(): for g in (0, 1], 1 / g >= 1 is finite unless g is below
// this subnormal (2^-1024 + 2^-1074; 1 / 2^-1024 overflows): a test of g
// replaces Result::of's test of 1 / g, which would wait for the division.
constexpr double kLeastMargin = 0x0.4000000000001p-1022;
}  // namespace

KPI_SIMD_CLONES void breakevenroas_column(const double* margin, std::size_t m, double* out) {
    const double num_error = error_nan(Error::num), div0_error = error_nan(Error::div0);
    for (std::size_t k = 0; k < m; ++k) {
        // A fraction (#NUM!), not 0 (#DIV/0!, -0 too), then 1 / g.
        const double g = margin[k];
        out[k] = (g >= kLeastMargin) & (g <= 1.0) ? 1.0 / g : (g == 0.0 ? div0_error : num_error);
    }
}

// The forms over cells as they are: each error row a NaN, whichever it is,
// and whether there was one, found in the formula's own pass (a selection
// into a double, which vectorises); the column path sorts those rows out
// afterwards. BREAKEVENROAS's loop is then NumPy's bare 1 / m and a test.
KPI_SIMD_CLONES bool clv_column_cells(const double* aov, const double* frequency, const double* lifespan,
                                      const double* margin, std::size_t m, double* out) {
    const double nan = error_nan(Error::num);
    double errors = 0.0;
    for (std::size_t k = 0; k < m; ++k) {
        const double v = aov[k] * frequency[k] * lifespan[k] * margin[k];
        const bool good = nonneg(aov[k]) & nonneg(frequency[k]) & nonneg(lifespan[k]) & fraction(margin[k]) &
                          (v <= DBL_MAX);  // v >= 0 or -0 when good
        out[k] = good ? v + 0.0 : nan;
        errors = good ? errors : 1.0;
    }
    return errors != 0.0;
}

KPI_SIMD_CLONES bool breakevenroas_column_cells(const double* margin, std::size_t m, double* out) {
    const double nan = error_nan(Error::num);
    double errors = 0.0;
    for (std::size_t k = 0; k < m; ++k) {
        const double g = margin[k];
        const bool good = (g >= kLeastMargin) & (g <= 1.0);
        out[k] = good ? 1.0 / g : nan;
        errors = good ? errors : 1.0;
    }
    return errors != 0.0;
}

KPI_SIMD_CLONES void retention_column(const double* end, const double* added, const double* start, std::size_t m,
                                      double* out) {
    const double num_error = error_nan(Error::num), div0_error = error_nan(Error::div0);
    for (std::size_t k = 0; k < m; ++k) {
        const double e = end[k], a = added[k], s = start[k];
        const double kept = e - a;  // finite when e and a are
        // The inputs (#NUM!), kept below 0 or above the start (#NUM!), then part_of(kept, s).
        const bool good = nonneg(e) & nonneg(a) & nonneg(s) & (kept >= 0.0) & !(kept > s);
        const double r = s == 0.0 ? div0_error : of(kept / s, num_error);
        out[k] = good ? r : num_error;
    }
}

KPI_SIMD_CLONES void frequency_column(const double* impressions, const double* reach, std::size_t m, double* out) {
    const double num_error = error_nan(Error::num), div0_error = error_nan(Error::div0);
    for (std::size_t k = 0; k < m; ++k) {
        const double a = impressions[k], b = reach[k];
        // frequency(): more reached than impressions (#NUM!), then ratio(a, b).
        const double r = b == 0.0 ? div0_error : of(a / b, num_error);
        out[k] = nonneg(a) & nonneg(b) & !(b > a) ? r : num_error;
    }
}

KPI_SIMD_CLONES void payback_column(const double* cac, const double* revenue, const double* margin, std::size_t m,
                                    double* out) {
    const double num_error = error_nan(Error::num), div0_error = error_nan(Error::div0);
    for (std::size_t k = 0; k < m; ++k) {
        // The inputs (#NUM!), then ratio(cac, revenue * margin): that product
        // of a finite amount and a fraction is finite and not negative (it
        // may underflow to 0: #DIV/0!, as there).
        const double d = revenue[k] * margin[k];
        const double r = d == 0.0 ? div0_error : of(cac[k] / d, num_error);
        out[k] = nonneg(cac[k]) & nonneg(revenue[k]) & fraction(margin[k]) ? r : num_error;
    }
}

KPI_SIMD_CLONES void romi_column(const double* revenue, const double* margin, const double* cost, std::size_t m,
                                 double* out) {
    const double num_error = error_nan(Error::num), div0_error = error_nan(Error::div0);
    for (std::size_t k = 0; k < m; ++k) {
        // romi(): the inputs (#NUM!), a zero cost (#DIV/0!), then its value.
        const double r = cost[k] == 0.0 ? div0_error : of(revenue[k] * margin[k] / cost[k] - 1.0, num_error);
        out[k] = nonneg(revenue[k]) & fraction(margin[k]) & nonneg(cost[k]) ? r : num_error;
    }
}

KPI_SIMD_CLONES void quickratio_column(const double* new_revenue, const double* expansion, const double* contraction,
                                       const double* churned, std::size_t m, double* out) {
    const double num_error = error_nan(Error::num), div0_error = error_nan(Error::div0);
    for (std::size_t k = 0; k < m; ++k) {
        const double gained = new_revenue[k] + expansion[k], lost = contraction[k] + churned[k];
        // stats.cpp's quick_ratio(): the inputs, then sums that overflow (#NUM!), a zero loss (#DIV/0!).
        const bool good = nonneg(new_revenue[k]) & nonneg(expansion[k]) & nonneg(contraction[k]) & nonneg(churned[k]) &
                          (gained <= DBL_MAX) & (lost <= DBL_MAX);
        const double r = lost == 0.0 ? div0_error : of(gained / lost, num_error);
        out[k] = good ? r : num_error;
    }
}

namespace {
// clvmodels.cpp's whole(t) for t >= 0 (false for NaN), without floor (which
// SSE2 has no instruction for: a call per row): below 2^52, adding 2^52
// rounds t to a whole number, which is t only when t was one; from 2^52 on
// every double is whole. -ffp-contract=off and no -ffast-math: the
// compiler may not fold (t + 2^52) - 2^52 into t.
inline bool whole_nonneg(double t) {
    constexpr double two52 = 4503599627370496.0;
    return (t >= 0.0) & (t <= DBL_MAX) & ((t >= two52) | ((t + two52) - two52 == t));
}
inline bool positive(double x) { return (x > 0.0) & (x <= DBL_MAX); }  // > 0 and finite (NaN fails)
}  // namespace

namespace models {
KPI_SIMD_CLONES void sbg_retention_column(const double* alpha, const double* beta, const double* t, std::size_t m,
                                          double* out) {
    const double num_error = error_nan(Error::num);
    for (std::size_t k = 0; k < m; ++k) {
        const double a = alpha[k], b = beta[k], p = t[k];
        // clvmodels.cpp's sbg_retention(): the parameters, a whole period >= 1, then its value.
        const bool good = positive(a) & positive(b) & whole_nonneg(p) & (p >= 1.0);
        const double r = of((b + p - 1) / (a + b + p - 1), num_error);
        out[k] = good ? r : num_error;
    }
}

KPI_SIMD_CLONES void gg_spend_column(const std::array<double, 3>& par, const double* x, const double* zbar, std::size_t m,
                                     double* out) {
    const double num_error = error_nan(Error::num);
    const double p = par[0], q = par[1], g = par[2];
    for (std::size_t k = 0; k < m; ++k) {
        const double n = x[k], z = zbar[k];
        // clvmodels.cpp's gg_spend(): a whole x >= 0 and a finite zbar, zbar
        // > 0 when x > 0, p x + q - 1 > 0, then its value (x zbar only when
        // x > 0, as there: 0 times an infinite zbar is not computed into it).
        const double den = p * n + q - 1;
        const bool good = whole_nonneg(n) & (std::fabs(z) <= DBL_MAX) & (!(n > 0) | (z > 0)) & (den > 0);
        const double s = n > 0 ? n * z : 0.0;
        const double r = of(p * (g + s) / den, num_error);
        out[k] = good ? r : num_error;
    }
}

KPI_SIMD_CLONES void bgnbd_palive_column(const std::array<double, 4>& par, const double* x, const double* tx,
                                         const double* T, std::size_t m, double* out) {
    const double num_error = error_nan(Error::num);
    const double r = par[0], alpha = par[1], a = par[2], b = par[3];
    const double log_a = vecmath::log(a);  // once per parameter row
    for (std::size_t k = 0; k < m; ++k) {
        const double n = x[k], t = tx[k], age = T[k];
        // clvmodels.cpp's check_customer(): x whole and >= 0, 0 <= tx <= T
        // (both finite), tx = 0 when x = 0; then 1 for x = 0, else the formula.
        const bool good = whole_nonneg(n) & (t >= 0.0) & (age <= DBL_MAX) & (t <= age) & ((n > 0.0) | (t == 0.0));
        const double v = n == 0.0 ? 1.0 : of(palive_formula(log_a, r, alpha, b, n, t, age), num_error);
        out[k] = good ? v : num_error;
    }
}
}  // namespace models

double error_nan(Error e) { return std::bit_cast<double>(UINT64_C(0x7FF8000000000000) | calc_code(e)); }

Error nan_error(double x) {
    if (!std::isnan(x)) return Error::none;
    const auto code = static_cast<std::uint16_t>(std::bit_cast<std::uint64_t>(x) & 0xFFFF);
    for (const SpreadsheetError& s : spreadsheet_errors())
        if (s.calc_code == code && s.kind != Error::none) return s.kind;
    return Error::value;
}

ColumnCall::ColumnCall(const FunctionInfo& f, Args ranges, Blanks blanks) : f_(f), blanks_(blanks) {
    if (f.returns != Returns::number) return;
    if (f.scalar && !has_range(f) && f.args.size() <= kMaxScalarArgs) {
        kind_ = Kind::scalar;
        return;
    }
    if (!models::is_row_model(f.name)) return;
    // The parameter rows, once. An entry missing (or null) is a required
    // argument left out: every row gives Err:504, as evaluate() does.
    const models::RowModel probe = models::row_model(f.name, {});
    bool given = ranges.size() >= probe.param_args;
    for (std::size_t j = 0; given && j < probe.param_args; ++j) given = ranges[j] != nullptr && !ranges[j]->omitted();
    const models::RowModel m = given ? models::row_model(f.name, ranges.subspan(0, probe.param_args)) : probe;
    if (f.args.size() != m.param_args + m.row_args) return;  // the entry and its evaluator disagree: no column form
    kind_ = Kind::model;
    param_args_ = m.param_args;
    param_error_ = given ? m.error : Error::args;
    row_args_ = m.row_args;
    optional_ = m.optional;
    fallback_ = m.fallback;
    row_ = m.row;
    if (row_args_ <= kMaxScalarArgs) block_ = m.block;
}

bool ColumnCall::run(std::span<const ColumnArg> cols, std::size_t n, double* out, long* budget) const {
    if (kind_ == Kind::none || cols.size() < f_.args.size()) return false;
    return kind_ == Kind::scalar ? run_scalar(cols, n, out, budget) : run_model(cols, n, out, budget);
}

bool ColumnCall::run_scalar(std::span<const ColumnArg> cols, std::size_t n, double* out, long* budget) const {
    return run_blocks(cols, n, out, budget, 0);
}

bool ColumnCall::run_blocks(std::span<const ColumnArg> cols, std::size_t n, double* out, long* budget,
                            std::size_t first) const {
    const std::size_t na = f_.args.size() - first;
    double x[kMaxScalarArgs][kBlock];  // argument j of row k: x[j][k] (when copied)
    const double* at[kMaxScalarArgs];
    Error err[kBlock];
    // A formula that takes the cells as they are (FunctionInfo::column_cells)
    // on contiguous numbers without text: one pass per block, on the caller's arrays.
    bool raw = kind_ == Kind::scalar && f_.column && f_.column_cells;
    for (std::size_t j = 0; raw && j < na; ++j)
        raw = cols[first + j].values && cols[first + j].stride == 1 && !cols[first + j].errors;
    const std::size_t block = raw ? kRawBlock : kBlock;
    for (std::size_t i0 = 0; i0 < n; i0 += block) {
        if (stop_at(i0)) return false;
        const std::size_t m = std::min(block, n - i0);
        if (raw) {
            double* o = out + i0;
            for (std::size_t j = 0; j < na; ++j) at[j] = cols[first + j].values + i0;
            // The first rows up to a 64-byte boundary of `out` apart, as
            // NumPy's own loops do (its arrays start 16 bytes past one): the
            // rest of the block is then written in whole cache lines, not
            // one AVX-512 store across two of them.
            const std::uintptr_t misaligned = reinterpret_cast<std::uintptr_t>(o) % 64;
            const std::size_t lead = misaligned % sizeof(double) == 0
                                         ? std::min(m, (64 - misaligned) % 64 / sizeof(double))
                                         : 0;
            bool errors = lead > 0 && f_.column_cells(at, lead, o);
            if (lead < m) {
                const double* rest[kMaxScalarArgs];
                for (std::size_t j = 0; j < na; ++j) rest[j] = at[j] + lead;
                errors |= f_.column_cells(rest, m - lead, o + lead);
            }
            // The rows it gave a NaN for (rare: an error, a blank, an
            // infinity) are read again by the argument conventions and
            // computed alone by the formula's exact form.
            if (errors)
                for (std::size_t k = 0; k < m; ++k) {
                    if (o[k] == o[k]) continue;
                    Error e = Error::none;
                    bool bad = false;
                    for (std::size_t j = 0; j < na; ++j) {
                        const ArgInfo& info = f_.args[first + j];
                        at[j] = read_block(info, cols[first + j], blanks_, info.kind == ArgKind::amount, i0 + k, 1, x[j],
                                           &e, bad);
                    }
                    f_.column(at, 1, o + k);
                    if (e != Error::none) o[k] = error_nan(e);
                    for (std::size_t j = 0; j < na; ++j) at[j] = cols[first + j].values + i0;
                }
            if (budget && (*budget -= static_cast<long>(m) * models::kEvaluationCost) <= 0) return false;
            continue;
        }
        std::fill_n(err, m, Error::none);
        bool any_error = false;
        for (std::size_t j = 0; j < na; ++j) {
            const ArgInfo& info = f_.args[first + j];
            // A flag is read as a number (non-zero is TRUE), as evaluate() reads it.
            at[j] = read_block(info, cols[first + j], blanks_, info.kind == ArgKind::amount, i0, m, x[j], err, any_error);
        }
        double* o = out + i0;
        if (kind_ == Kind::model) {
            block_(at, m, o);
        } else if (f_.column) {
            f_.column(at, m, o);
        } else {
            double row[kMaxScalarArgs];
            for (std::size_t k = 0; k < m; ++k) {
                for (std::size_t j = 0; j < na; ++j) row[j] = at[j][k];
                o[k] = to_double(f_.scalar(std::span<const double>(row, na)));
            }
        }
        if (any_error)
            for (std::size_t k = 0; k < m; ++k)
                if (err[k] != Error::none) o[k] = error_nan(err[k]);
        // KPI.MAP's budget: every row costs the same here, so a block at a
        // time ends the call where row by row would have.
        if (budget && (*budget -= static_cast<long>(m) * models::kEvaluationCost) <= 0) return false;
    }
    return true;
}

bool ColumnCall::run_model(std::span<const ColumnArg> cols, std::size_t n, double* out, long* budget) const {
    // A model's row values are read as a formula's number arguments are
    // (an error cell its error, a blank #N/A or the optional one's default,
    // an infinity #NUM!, the first problem in argument order), so its block
    // form reads them the same way; every row costs one evaluation.
    if (block_ && param_error_ == Error::none) return run_blocks(cols, n, out, budget, param_args_);
    double x[16] = {};
    if (row_args_ > std::size(x)) return false;
    const std::size_t first = param_args_;
    for (std::size_t i = 0; i < n; ++i) {
        if (stop_at(i)) return false;
        if (budget) *budget -= models::kEvaluationCost;  // as KPI.MAP counts every row, errors too
        Error err = param_error_;
        for (std::size_t j = 0; j < row_args_ && err == Error::none; ++j) {
            const bool optional = j >= row_args_ - optional_;
            const ColumnArg& c = cols[first + j];
            if (!c.values) {  // left out
                if (optional) x[j] = fallback_;
                else err = Error::args;
                continue;
            }
            const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(i) * c.stride;
            if (c.errors && c.errors[at] != Error::none) {
                err = c.errors[at];
                break;
            }
            const double y = c.values[at];
            if (std::isnan(y) && c.nan_is_blank) {
                // A model's values are single numbers (clvmodels_eval.cpp):
                // a blank is #N/A, or the default of the optional one.
                if (blanks_ == Blanks::zero) x[j] = 0.0;
                else if (optional) x[j] = fallback_;
                else err = Error::na;
                continue;
            }
            if (!std::isfinite(y)) err = Error::num;
            else x[j] = y;
        }
        if (err != Error::none) {
            out[i] = error_nan(err);
        } else {
            long own = kRowBudget;
            out[i] = to_double(row_(std::span<const double>(x, row_args_), budget ? *budget : own));
        }
        if (budget && *budget <= 0) return false;
    }
    return true;
}

}  // namespace kpi
