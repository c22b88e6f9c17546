// Probabilistic customer-base models, fitted by maximum likelihood:
//
//  - BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy
//    way", Marketing Science 24(2)): repeat purchases and "still alive";
//  - Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value
//    curves", JMR 42(4); Fader & Hardie 2013, "The Gamma-Gamma model of
//    monetary value"): average spend per repeat purchase;
//  - shifted-beta-geometric, sBG (Fader & Hardie 2007, "How to project
//    customer retention", J. Interactive Marketing 21(1)): cohort retention.
//
// Conventions: log-likelihoods are computed in log space; parameters are
// fitted as logarithms inside a box (kMinParam..kMaxParam), so they stay
// positive; a fit that does not end at a well-determined interior maximum
// (it ran into the box, the gradient did not vanish, the Hessian is not
// negative definite or a further Newton step would still move it) is
// reported as Error::num, never as a number. Results are deterministic: no
// randomness, sums over the distinct rows in sorted order and in fixed chunks
// (a large table is summed on two threads, the chunks added in order), so
// the same bits whatever the row order or the number of threads. A fit
// evaluates its likelihood at most a fixed number of times (else #NUM!), so
// its time is bounded for any table.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "kpi/result.hpp"

namespace kpi::models {

inline constexpr double kMinParam = 1e-8;
inline constexpr double kMaxParam = 1e8;

// Work shared by many evaluations (KPI.MAP gives one budget to its whole
// call, since per-call limits do not add up over 20,000 rows) is counted in
// series terms. Each evaluation of an expectation is charged
// kEvaluationCost terms more: its logarithms and exponentials take about as
// long as that many terms, and a long horizon of short series is mostly that.
inline constexpr long kEvaluationCost = 16;

struct Fit {
    std::vector<double> params;  // in the model's order (see each function)
    double log_likelihood = 0.0;
    Error error = Error::none;
};

// One row of the customer table, in one time unit throughout:
// x = repeat purchases, tx = time of the last purchase (recency),
// T = time since the first purchase (age).
struct Customer {
    double x = 0, tx = 0, T = 0;
};

// Error::none when the row is valid for BG/NBD: x a whole number >= 0,
// 0 <= tx <= T, tx = 0 when x = 0; else Error::num.
Error check_customer(const Customer& c);

// --- BG/NBD: params r, alpha, a, b ------------------------------------------
double bgnbd_log_likelihood(const std::array<double, 4>& p, std::span<const Customer> customers);
Fit fit_bgnbd(std::span<const Customer> customers);
// E[purchases in (T, T + t] | x, tx, T] (FHL 2005's conditional expectation).
Result bgnbd_expected(const std::array<double, 4>& p, double t, const Customer& c);
// The same, drawing its terms from `shared` (and never more than one call
// may use): on return `shared` is reduced by the work done, <= 0 when it
// ran out, in which case the result is Error::num.
Result bgnbd_expected(const std::array<double, 4>& p, double t, const Customer& c, long& shared);
// P(alive at T | x, tx, T) (Fader, Hardie & Lee 2008, "Computing P(alive)
// using the BG/NBD model").
Result bgnbd_palive(const std::array<double, 4>& p, const Customer& c);
// The same over a block of customers: out[k] is exactly bgnbd_palive(p, {x[k],
// tx[k], T[k]}) as a double (an error as its NaN, column.hpp), branch-free and
// vectorised (column.cpp).
void bgnbd_palive_column(const std::array<double, 4>& p, const double* x, const double* tx, const double* T,
                         std::size_t m, double* out);

// --- Gamma-Gamma: params p, q, gamma ----------------------------------------
// Rows with x = 0 are left out (the model describes repeat purchases);
// a row with x > 0 needs an average value > 0, else Error::num.
double gg_log_likelihood(const std::array<double, 3>& p, std::span<const double> x, std::span<const double> zbar);
Fit fit_gg(std::span<const double> x, std::span<const double> zbar);
// E[M | p, q, gamma, x, zbar] = p (gamma + x zbar) / (p x + q - 1).
Result gg_spend(const std::array<double, 3>& p, double x, double zbar);
// The same over a block of customers, as kpi.hpp's column forms: out[k] is
// exactly gg_spend(p, x[k], zbar[k]) as a double (an error as its NaN,
// column.hpp), without a branch per row (the column path, column.cpp).
void gg_spend_column(const std::array<double, 3>& p, const double* x, const double* zbar, std::size_t m, double* out);

// --- CLV: discounted expected spend over `horizon` periods -----------------
// Period i (1..horizon) covers model time ((i-1) u, i u], u = units_per_period,
// and is discounted by (1 + discount_rate)^i.
Result clv_predict(const std::array<double, 4>& bg, const std::array<double, 3>& gg, const Customer& c, double zbar,
                   double horizon, double discount_rate, double units_per_period);
// The same, drawing on `shared` as bgnbd_expected does.
Result clv_predict(const std::array<double, 4>& bg, const std::array<double, 3>& gg, const Customer& c, double zbar,
                   double horizon, double discount_rate, double units_per_period, long& shared);

// --- shifted-beta-geometric: params alpha, beta -----------------------------
// survivors[t] = customers still active at period t (t = 0, 1, ...), non-increasing.
Fit fit_sbg(std::span<const double> survivors);
Result sbg_retention(double alpha, double beta, double t);  // r_t, t = 1, 2, ...
// Its column form (exactly sbg_retention() per row, branch-free: column.cpp).
void sbg_retention_column(const double* alpha, const double* beta, const double* t, std::size_t m, double* out);
Result sbg_survival(double alpha, double beta, double t);   // S(t), t = 0, 1, ...

}  // namespace kpi::models
