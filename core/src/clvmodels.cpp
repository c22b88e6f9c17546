// Probabilistic CLV models: predictions and row checks. See clvmodels.hpp;
// the likelihoods and fits are in clvmodels_fit.cpp, the maximiser in
// clvmodels_optim.cpp.
#include "kpi/clvmodels.hpp"

#include "palive.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kpi::models {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool whole(double v) { return std::isfinite(v) && v == std::floor(v); }

// Terms one KPI.BGNBD.EXPECTED may sum, and one KPI.CLV.PREDICT in all: a
// bound on the time of any call (about 30 ms and 60 ms here). Only a horizon
// of tens of thousands of (alpha + age) time units reaches it (the series
// then converges like ((alpha + age)/(alpha + age + t))^n); it gives #NUM!.
constexpr long kExpectedTerms = 10'000'000;
constexpr long kClvTerms = 20'000'000;

// The Gauss series 2F1(A, B; C; z), 0 <= z < 1, where w = 1 - z (passed
// separately: it keeps its digits when z is close to 1). Callers choose the
// form of the function with C - A - B >= 0, so that past n >= A B - C every
// term ratio (A+n)(B+n) z / ((C+n)(n+1)) is below z and the rest of the
// series is at most term z / w: it stops when that is below 1e-16 of the sum.
// NaN when `budget` terms are not enough, or at a pole.
double gauss_series(double A, double B, double C, double z, double w, long& budget) {
    double term = 1, sum = 1;
    const double settled = std::max({A * B - C, 2.0 - C, 2.0 - A, 2.0 - B, 0.0});
    for (double n = 0;; ++n) {
        if (--budget < 0) return kNaN;
        const double den = (C + n) * (n + 1);
        if (den == 0) return kNaN;
        term *= (A + n) * (B + n) / den * z;
        sum += term;
        if (!std::isfinite(sum)) return kNaN;
        if (term == 0 || (n + 1 >= settled && std::abs(term) * z <= 1e-16 * w * std::abs(sum))) return sum;
    }
}

// E[Y(t) | x, tx, T] drawing on `budget` series terms.
Result expected(const std::array<double, 4>& p, double t, const Customer& c, long& budget) {
    if (check_customer(c) != Error::none || !(t >= 0) || !std::isfinite(t)) return Result::fail(Error::num);
    if (t == 0) return Result::of(0.0);
    const auto [r, al, a, b] = p;
    // (a+b+x-1)/(a-1) is singular at a = 1 (the limit exists but this form
    // loses all precision near it).
    if (std::abs(a - 1.0) < 1e-9) return Result::fail(Error::num);
    const double x = c.x, z = t / (al + c.T + t), w = (al + c.T) / (al + c.T + t);
    const double log_w = -std::log1p(t / (al + c.T));
    // The paper's 1 - w^(r+x) 2F1(r+x, b+x; a+b+x-1; z) has C - A - B =
    // a - 1 - r - x. When that is negative (heavy buyers, a < 1) the series
    // grows like w^(a-1-r-x) and, near z = 1 (long horizons), its terms reach
    // 1e230 and lose every digit; Euler's transformation
    // 2F1(A, B; C; z) = w^(C-A-B) 2F1(C-A, C-B; C; z) turns it into
    // 1 - w^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z), whose C - A - B = r + x + 1 - a
    // is then positive. When a is large (a - 1 > r + x) the transformed
    // series is the one that overflows (a = 200 gave #NUM!), and the paper's
    // form is the well-behaved one. Either way the series used converges at z = 1.
    const double s = a - 1 - r - x;
    double h, lead;
    if (s >= 0) {
        h = gauss_series(r + x, b + x, a + b + x - 1, z, w, budget);
        lead = (r + x) * log_w;
    } else {
        h = gauss_series(a + b - 1 - r, a - 1, a + b + x - 1, z, w, budget);
        lead = (a - 1) * log_w;
    }
    if (!std::isfinite(h)) return Result::fail(Error::num);
    const double num = 1.0 - std::exp(lead) * h;
    // P(alive) (x >= 0 and the row valid here) in libm's terms, as the rest
    // of this function: KPI.BGNBD.PALIVE's own form (vecmath.hpp, same bits
    // on every platform) costs more per scalar call than glibc's, and here
    // it would be a fifth of the time of a customer's expectation.
    const double alive = x == 0 ? 1.0 : 1.0 / (1.0 + std::exp(std::log(a) - std::log(b + x - 1) +
                                                          (r + x) * (std::log(al + c.T) - std::log(al + c.tx))));
    const double e = (a + b + x - 1) / (a - 1) * num * alive;
    return std::isfinite(e) ? Result::of(e) : Result::fail(Error::num);
}

// Stirling's series for ln Gamma(z) without its leading terms, z >= 15:
// 1/(12z) - 1/(360z^3) + ..., truncated where the next term is below 3e-16.
double stirling_tail(double z) {
    const double u = 1 / z, u2 = u * u;
    return u * (1.0 / 12 + u2 * (-1.0 / 360 + u2 * (1.0 / 1260 + u2 * (-1.0 / 1680 + u2 * (1.0 / 1188)))));
}

}  // namespace

Error check_customer(const Customer& c) {
    if (!whole(c.x) || c.x < 0) return Error::num;
    if (!std::isfinite(c.tx) || !std::isfinite(c.T) || c.tx < 0 || c.tx > c.T) return Error::num;
    if (c.x == 0 && c.tx != 0) return Error::num;
    return Error::none;
}

Result bgnbd_palive(const std::array<double, 4>& p, const Customer& c) {
    if (check_customer(c) != Error::none) return Result::fail(Error::num);
    const auto [r, al, a, b] = p;
    if (c.x == 0) return Result::of(1.0);
    // The core's own log and exp (vecmath.hpp), as the column form computes it.
    return Result::of(palive_formula(vecmath::log(a), r, al, b, c.x, c.tx, c.T));
}

Result bgnbd_expected(const std::array<double, 4>& p, double t, const Customer& c) {
    long budget = kExpectedTerms;
    return expected(p, t, c, budget);
}

Result bgnbd_expected(const std::array<double, 4>& p, double t, const Customer& c, long& shared) {
    const long start = std::clamp(shared, 0L, kExpectedTerms);
    long budget = start;
    const Result r = expected(p, t, c, budget);
    shared -= (start - budget) + kEvaluationCost;
    return r;
}

Result gg_spend(const std::array<double, 3>& par, double x, double zbar) {
    const auto [p, q, g] = par;
    if (!whole(x) || x < 0 || !std::isfinite(zbar)) return Result::fail(Error::num);
    if (x > 0 && !(zbar > 0)) return Result::fail(Error::num);
    const double den = p * x + q - 1;
    // With no repeat purchase the expectation is the population mean p g / (q - 1),
    // which exists only for q > 1.
    if (!(den > 0)) return Result::fail(Error::num);
    return Result::of(p * (g + (x > 0 ? x * zbar : 0.0)) / den);
}

namespace {

// The body of both clv_predict: `budget` series terms at most; `evaluations`
// counts the expectations computed (the work a term count does not see).
Result clv_sum(const std::array<double, 4>& bg, const std::array<double, 3>& gg, const Customer& c, double zbar,
               double horizon, double discount_rate, double units_per_period, long& budget, long& evaluations) {
    if (!whole(horizon) || horizon < 0) return Result::fail(Error::num);
    // Above 1 (100 % a period) is a percentage typed as a whole number (10 for 10 %).
    if (!(discount_rate > -1) || !(discount_rate <= 1) || !std::isfinite(discount_rate)) return Result::fail(Error::num);
    if (!(units_per_period > 0) || !std::isfinite(units_per_period)) return Result::fail(Error::num);
    const Result spend = gg_spend(gg, c.x, zbar);
    if (!spend.ok()) return spend;
    if (horizon == 0) return Result::of(0.0);
    // Sum over periods i of (E[Y(i u)] - E[Y((i-1) u)]) v^i, v = 1/(1 + d).
    // The increments are >= 0 and add up to E[Y(horizon u)], so once v^(i+1)
    // (E[Y(horizon u)] - E[Y(i u)]) is below 1e-16 of the sum the rest cannot
    // change it: the loop stops there. Without discounting the sum telescopes
    // to E[Y(horizon u)]: one evaluation whatever the horizon.
    ++evaluations;
    const Result all = expected(bg, horizon * units_per_period, c, budget);
    if (!all.ok()) return all;
    if (discount_rate == 0) return Result::of(spend.value * all.value);
    const double v = 1 / (1 + discount_rate);
    double total = 0, before = 0, vi = 1;
    for (double i = 1; i <= horizon; ++i) {
        vi *= v;
        evaluations += i == horizon ? 0 : 1;
        const Result e = i == horizon ? all : expected(bg, i * units_per_period, c, budget);
        if (!e.ok()) return e;
        total += (e.value - before) * vi;
        before = e.value;
        if (v < 1 && (all.value - before) * vi * v <= 1e-16 * total) break;
    }
    return Result::of(spend.value * total);
}

}  // namespace

Result clv_predict(const std::array<double, 4>& bg, const std::array<double, 3>& gg, const Customer& c, double zbar,
                   double horizon, double discount_rate, double units_per_period) {
    long budget = kClvTerms, evaluations = 0;
    return clv_sum(bg, gg, c, zbar, horizon, discount_rate, units_per_period, budget, evaluations);
}

Result clv_predict(const std::array<double, 4>& bg, const std::array<double, 3>& gg, const Customer& c, double zbar,
                   double horizon, double discount_rate, double units_per_period, long& shared) {
    // The call's own limit still applies: a row that needs more than one
    // call may spend fails alone, as the single function would.
    const long start = std::clamp(shared, 0L, kClvTerms);
    long budget = start, evaluations = 0;
    const Result r = clv_sum(bg, gg, c, zbar, horizon, discount_rate, units_per_period, budget, evaluations);
    shared -= (start - budget) + evaluations * kEvaluationCost;
    return r;
}

Result sbg_retention(double alpha, double beta, double t) {
    if (!(alpha > 0) || !(beta > 0) || !std::isfinite(alpha) || !std::isfinite(beta)) return Result::fail(Error::num);
    if (!whole(t) || t < 1) return Result::fail(Error::num);
    return Result::of((beta + t - 1) / (alpha + beta + t - 1));
}

Result sbg_survival(double alpha, double beta, double t) {
    if (!(alpha > 0) || !(beta > 0) || !std::isfinite(alpha) || !std::isfinite(beta)) return Result::fail(Error::num);
    if (!whole(t) || t < 0) return Result::fail(Error::num);
    // S(t) = B(alpha, beta + t) / B(alpha, beta) = prod_{k=1..t} (beta+k-1)/(alpha+beta+k-1).
    // A difference of log-betas cancels catastrophically when alpha or t is
    // huge (it gave S = 1 for alpha = 1e300). Short horizons: the product,
    // in logs (log1p when a factor is close to 1).
    if (t <= 32) {
        double log_s = 0.0;
        for (double k = 1; k <= t; ++k) {
            const double den = alpha + beta + k - 1;
            log_s += alpha < den / 2 ? std::log1p(-alpha / den) : std::log(beta + k - 1) - std::log(den);
        }
        return Result::of(std::exp(log_s));
    }
    // Longer ones, in constant time: ln S = D(beta, t) - D(alpha + beta, t),
    // D(x, t) = ln Gamma(x + t) - ln Gamma(x). Both arguments are first
    // raised to >= 15 by D(x, t) = D(x + 1, t) - ln(1 + t/x) (m steps), where
    // Stirling's series is exact to double precision. With x1 = beta + m,
    // x2 = x1 + alpha, the difference of the two Stirling forms rearranges
    // into terms that never cancel each other:
    //   (x1 - 1/2) ln(1 + t alpha / (x1 (x2 + t))) - alpha ln(1 + t/x2)
    //   - t ln(1 + alpha/(x1 + t)) + [tails of the series]
    // and ln(1 + t/x) - ln(1 + t/(x + alpha)) = ln(1 + (t/(x + alpha + t)) (alpha/x)).
    const double m = beta < 15 ? std::ceil(15 - beta) : 0;
    double log_s = 0;
    for (double k = 0; k < m; ++k) log_s -= std::log1p(t / (alpha + beta + k + t) * (alpha / (beta + k)));
    const double x1 = beta + m, x2 = x1 + alpha;
    log_s += (x1 - 0.5) * std::log1p(t / (x2 + t) * (alpha / x1)) - alpha * std::log1p(t / x2) -
             t * std::log1p(alpha / (x1 + t)) + stirling_tail(x1 + t) - stirling_tail(x1) - stirling_tail(x2 + t) +
             stirling_tail(x2);
    return std::isnan(log_s) ? Result::fail(Error::num) : Result::of(std::exp(log_s));
}

}  // namespace kpi::models
