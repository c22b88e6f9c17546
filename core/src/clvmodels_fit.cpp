// The models' log-likelihoods and fits. See clvmodels.hpp.
//
// Speed without changing a digit that matters: each distinct row is
// evaluated once (with its count); every term that depends on the
// parameters and the frequency only (log-gammas, digammas) is computed once
// per distinct frequency, every term that depends on the parameters and one
// time (ln(alpha + T), ...) once per distinct time; what is left per row is
// one exp and one log1p. Rows are summed in fixed chunks, on two threads when
// there are several chunks, and the chunks added in order: the result does
// not depend on the row order or on the number of threads.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <tuple>

#include "clvmodels_optim.hpp"
#include "kpi/clvmodels.hpp"

namespace kpi::models {
namespace {

using detail::chunked_sum;
using detail::lgam;
using detail::psi;

bool whole(double v) { return std::isfinite(v) && v == std::floor(v); }

// Sorted distinct values of `v`, and each element's index among them.
std::vector<double> distinct(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}
std::uint32_t index_of(const std::vector<double>& values, double v) {
    return static_cast<std::uint32_t>(std::lower_bound(values.begin(), values.end(), v) - values.begin());
}

// --- BG/NBD -------------------------------------------------------------------
// The customer table as distinct rows (sorted, so the summation order is
// fixed), each pointing into the tables of distinct x, tx and T.
struct BgRow {
    std::uint32_t ix, itx, iT;
    double count;
};
struct BgData {
    std::vector<double> xs, txs, Ts;  // distinct values
    std::vector<double> x_count;      // customers per distinct x
    std::vector<BgRow> rows;
    double n = 0;
};

BgData prepare(std::span<const Customer> cs) {
    std::vector<Customer> sorted(cs.begin(), cs.end());
    detail::parallel_sort(sorted, [](const Customer& u, const Customer& v) {
        return std::tie(u.x, u.tx, u.T) < std::tie(v.x, v.tx, v.T);
    });
    // The distinct rows first, then the distinct values among them (fewer to sort).
    std::vector<Customer> uniq;
    std::vector<double> counts;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const Customer& c = sorted[i];
        if (i > 0 && sorted[i - 1].x == c.x && sorted[i - 1].tx == c.tx && sorted[i - 1].T == c.T) {
            counts.back() += 1;
        } else {
            uniq.push_back(c);
            counts.push_back(1);
        }
    }
    BgData d;
    std::vector<double> xs, txs, Ts;
    for (const Customer& c : uniq) {
        if (xs.empty() || xs.back() != c.x) xs.push_back(c.x);  // already sorted by x
        txs.push_back(c.tx);
        Ts.push_back(c.T);
    }
    d.xs = std::move(xs);
    d.txs = distinct(std::move(txs));
    d.Ts = distinct(std::move(Ts));
    d.x_count.assign(d.xs.size(), 0.0);
    for (std::size_t i = 0; i < uniq.size(); ++i) {
        const Customer& c = uniq[i];
        d.rows.push_back({index_of(d.xs, c.x), index_of(d.txs, c.tx), index_of(d.Ts, c.T), counts[i]});
        d.x_count[d.rows.back().ix] += counts[i];
    }
    d.n = static_cast<double>(sorted.size());
    return d;
}

// ln Gamma(z + x) and digamma(z + x) for the increasing whole numbers xs:
// direct calls, or the recurrences Gamma(z+1) = z Gamma(z), psi(z+1) =
// psi(z) + 1/z over short gaps (restarted from a direct call every 64 steps
// so that rounding cannot accumulate). A table of 200,000 distinct
// frequencies then costs as much as one pass of logs.
void gamma_table(double z, const std::vector<double>& xs, std::vector<double>& lg, std::vector<double>& dg) {
    lg.resize(xs.size());
    dg.resize(xs.size());
    double run = 1e9;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const double gap = i > 0 ? xs[i] - xs[i - 1] : 1e9;
        if (gap <= 8 && run + gap <= 64) {
            double l = lg[i - 1], s = dg[i - 1];
            for (double k = xs[i - 1]; k < xs[i]; ++k) {
                l += std::log(z + k);
                s += 1.0 / (z + k);
            }
            lg[i] = l;
            dg[i] = s;
            run += gap;
        } else {
            lg[i] = lgam(z + xs[i]);
            dg[i] = psi(z + xs[i]);
            run = 0;
        }
    }
}

// The log-likelihood of the table and, if grad, its gradient in (r, alpha, a, b).
double bgnbd_ll(const std::array<double, 4>& p, const BgData& d, double* grad) {
    // Plain names, not a structured binding: the lambdas below capture them
    // (clang 14, which builds the sanitizer tests, cannot capture bindings).
    const double r = p[0], al = p[1], a = p[2], b = p[3];
    // Terms of the parameters and x only: per distinct x.
    std::vector<double> lg_r, dg_r, lg_b, dg_b, lg_ab, dg_ab;
    gamma_table(r, d.xs, lg_r, dg_r);
    gamma_table(b, d.xs, lg_b, dg_b);
    gamma_table(a + b, d.xs, lg_ab, dg_ab);
    const double lgr = lgam(r), lgb = lgam(b), lgab = lgam(a + b), pr = psi(r), pb = psi(b), pab = psi(a + b);
    const double la = std::log(a);
    std::vector<double> drop(d.xs.size()), inv_b(d.xs.size());  // ln(a/(b+x-1)), 1/(b+x-1)
    double total = d.n * r * std::log(al), gr = d.n * std::log(al), gal = d.n * r / al, ga = 0, gb = 0;
    for (std::size_t k = 0; k < d.xs.size(); ++k) {
        const double x = d.xs[k], w = d.x_count[k];
        total += w * (lg_r[k] - lgr + lg_b[k] - lgb + lgab - lg_ab[k]);
        gr += w * (dg_r[k] - pr);
        ga += w * (pab - dg_ab[k]);
        gb += w * (pab + dg_b[k] - pb - dg_ab[k]);
        if (x > 0) {
            drop[k] = la - std::log(b + x - 1);
            inv_b[k] = 1.0 / (b + x - 1);
        }
    }
    // Terms of the parameters and one time: per distinct time.
    // With continuous times there are as many as rows: filled on two threads
    // too (each entry on its own, so the split changes nothing).
    std::vector<double> lT(d.Ts.size()), iT(d.Ts.size()), ltx(d.txs.size()), itx(d.txs.size());
    auto fill = [al](const std::vector<double>& ts, std::vector<double>& logs, std::vector<double>& inverses) {
        chunked_sum<1>(ts.size(), [&](std::size_t begin, std::size_t end) {
            for (std::size_t k = begin; k < end; ++k) {
                logs[k] = std::log(al + ts[k]);
                inverses[k] = 1.0 / (al + ts[k]);
            }
            return std::array<double, 1>{};
        });
    };
    fill(d.Ts, lT, iT);
    fill(d.txs, ltx, itx);
    // Per row: ln( (alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+tx)^-(r+x) ),
    // with w4 the share of the second ("dropped out after the last purchase") term.
    const auto s = chunked_sum<5>(d.rows.size(), [&](std::size_t begin, std::size_t end) {
        std::array<double, 5> acc{};  // value, d/dr, d/dalpha, sum w4, sum w4/(b+x-1)
        for (std::size_t i = begin; i < end; ++i) {
            const BgRow& row = d.rows[i];
            const double x = d.xs[row.ix], k = r + x, w = row.count;
            const double l3 = -k * lT[row.iT];
            if (x == 0) {
                acc[0] += w * l3;
                acc[1] += w * lT[row.iT];
                acc[2] += w * k * iT[row.iT];
                continue;
            }
            const double l4 = drop[row.ix] - k * ltx[row.itx];
            const double diff = l4 - l3;
            double lse, w4;
            if (diff > 0) {
                const double e = std::exp(-diff);
                lse = l4 + std::log1p(e);
                w4 = 1.0 / (1.0 + e);
            } else {
                const double e = std::exp(diff);
                lse = l3 + std::log1p(e);
                w4 = e / (1.0 + e);
            }
            const double w3 = 1.0 - w4;
            acc[0] += w * lse;
            acc[1] += w * (w3 * lT[row.iT] + w4 * ltx[row.itx]);
            acc[2] += w * k * (w3 * iT[row.iT] + w4 * itx[row.itx]);
            acc[3] += w * w4;
            acc[4] += w * w4 * inv_b[row.ix];
        }
        return acc;
    });
    total += s[0];
    if (grad) {
        grad[0] = gr - s[1];
        grad[1] = gal - s[2];
        grad[2] = ga + s[3] / a;
        grad[3] = gb - s[4];
    }
    return total;
}

// The evaluation budget of a fit over `rows` distinct rows (or periods):
// 400, fewer on very large tables so that a table that does not fit the
// model gives #NUM! within seconds (a good fit takes 30 to 80 evaluations).
int budget(std::size_t rows) {
    return static_cast<int>(std::clamp(4e7 / static_cast<double>(std::max<std::size_t>(rows, 1)), 100.0, 400.0));
}

// --- Gamma-Gamma ------------------------------------------------------------
// Distinct (x, zbar) rows of the repeat customers, with the constant terms.
struct GgData {
    std::vector<double> xs, x_count;  // distinct x, customers per x
    struct Row {
        std::uint32_t ix;
        double x, z, count;
    };
    std::vector<Row> rows;
    double n = 0, sum_x_logs = 0, sum_log_z = 0;  // sum x (ln z + ln x), sum ln z
};

GgData prepare_gg(std::span<const double> x, std::span<const double> z) {
    std::vector<std::pair<double, double>> v;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (x[i] != 0) v.emplace_back(x[i], z[i]);
    detail::parallel_sort(v, std::less<>());
    GgData d;
    std::vector<double> xs;
    for (const auto& e : v) xs.push_back(e.first);
    d.xs = distinct(std::move(xs));
    d.x_count.assign(d.xs.size(), 0.0);
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0 && v[i] == v[i - 1]) d.rows.back().count += 1;
        else d.rows.push_back({index_of(d.xs, v[i].first), v[i].first, v[i].second, 1.0});
        d.x_count[d.rows.back().ix] += 1;
    }
    for (const auto& row : d.rows) {
        d.sum_x_logs += row.count * row.x * (std::log(row.z) + std::log(row.x));
        d.sum_log_z += row.count * std::log(row.z);
    }
    d.n = static_cast<double>(v.size());
    return d;
}

double gg_ll(const std::array<double, 3>& par, const GgData& d, double* grad) {
    const double p = par[0], q = par[1], g = par[2];  // captured below: no structured binding
    const double lgq = lgam(q), psi_q = psi(q), lng = std::log(g);
    // sum over customers of lnGamma(px+q) - lnGamma(px) - lnGamma(q) + q ln g
    //   + (px-1) ln z + px ln x - (px+q) ln(g + x z)
    double total = d.n * (q * lng - lgq) + p * d.sum_x_logs - d.sum_log_z;
    double gp = d.sum_x_logs, gq = d.n * (lng - psi_q), gg = d.n * q / g;
    for (std::size_t k = 0; k < d.xs.size(); ++k) {
        const double px = p * d.xs[k], w = d.x_count[k];
        total += w * (lgam(px + q) - lgam(px));
        const double dq = psi(px + q);
        gp += w * d.xs[k] * (dq - psi(px));
        gq += w * dq;
    }
    const auto s = chunked_sum<4>(d.rows.size(), [&](std::size_t begin, std::size_t end) {
        std::array<double, 4> acc{};  // sum (px+q) ln(g+xz), sum x ln(g+xz), sum ln(g+xz), sum (px+q)/(g+xz)
        for (std::size_t i = begin; i < end; ++i) {
            const auto& row = d.rows[i];
            const double u = g + row.x * row.z, lu = std::log(u), pxq = p * row.x + q;
            acc[0] += row.count * pxq * lu;
            acc[1] += row.count * row.x * lu;
            acc[2] += row.count * lu;
            acc[3] += row.count * pxq / u;
        }
        return acc;
    });
    total -= s[0];
    if (grad) {
        grad[0] = gp - s[1];
        grad[1] = gq - s[2];
        grad[2] = gg - s[3];
    }
    return total;
}

}  // namespace

double bgnbd_log_likelihood(const std::array<double, 4>& p, std::span<const Customer> customers) {
    return bgnbd_ll(p, prepare(customers), nullptr);
}

Fit fit_bgnbd(std::span<const Customer> customers) {
    Fit bad;
    bad.error = Error::num;
    if (customers.empty()) { bad.error = Error::div0; return bad; }
    for (const Customer& c : customers)
        if (check_customer(c) != Error::none) return bad;
    const BgData d = prepare(customers);
    double mean_T = 0;  // summed in the rows' (sorted) order: the row order never matters
    for (const BgRow& row : d.rows) mean_T += row.count * d.Ts[row.iT];
    mean_T /= d.n;
    detail::LogLik ll = [&](const double* p, double* g) {
        const double v = bgnbd_ll({p[0], p[1], p[2], p[3]}, d, g);
        for (int i = 0; i < 4; ++i) g[i] /= d.n;
        return v / d.n;
    };
    // alpha is a time scale: start it at the mean age so that the start is
    // equally good whether the data are in days, weeks or months.
    return detail::maximise(ll, {1.0, std::max(mean_T, 1e-3), 1.0, 1.0}, d.n, budget(d.rows.size()));
}

double gg_log_likelihood(const std::array<double, 3>& p, std::span<const double> x, std::span<const double> zbar) {
    return gg_ll(p, prepare_gg(x, zbar), nullptr);
}

Fit fit_gg(std::span<const double> x, std::span<const double> zbar) {
    Fit bad;
    bad.error = Error::num;
    if (x.size() != zbar.size()) { bad.error = Error::value; return bad; }
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!whole(x[i]) || x[i] < 0) return bad;
        if (x[i] != 0 && (!(zbar[i] > 0) || !std::isfinite(zbar[i]))) return bad;
    }
    const GgData d = prepare_gg(x, zbar);
    if (d.n == 0) { bad.error = Error::div0; return bad; }
    double mean_z = 0;
    for (const auto& row : d.rows) mean_z += row.count * row.z;
    mean_z /= d.n;
    detail::LogLik ll = [&](const double* p, double* g) {
        const double v = gg_ll({p[0], p[1], p[2]}, d, g);
        for (int i = 0; i < 3; ++i) g[i] /= d.n;
        return v / d.n;
    };
    // gamma is a money scale: start it at the mean spend (currency-free start).
    return detail::maximise(ll, {1.0, 1.0, mean_z}, d.n, budget(d.rows.size()));
}

// --- sBG ----------------------------------------------------------------------
// P(T = t) = B(al+1, be+t-1)/B(al, be) and S(t) = B(al, be+t)/B(al, be) by
// their recurrences P(T = 1) = al/(al+be), P(T = t+1) = P(T = t) (be+t-1)/(al+be+t),
// S(t) = S(t-1) (be+t-1)/(al+be+t-1), and the derivatives likewise: O(1)
// per period instead of several log-gammas and digammas (a 1,000,000-period
// cohort costs milliseconds per evaluation). Periods where nobody left add
// nothing but still advance the recurrences.
Fit fit_sbg(std::span<const double> s) {
    Fit bad;
    bad.error = Error::num;
    // Two survivor counts (one transition) only fix alpha / (alpha + beta).
    if (s.size() < 3) return bad;
    if (!(s[0] > 0) || !std::isfinite(s[0])) return bad;
    for (std::size_t t = 1; t < s.size(); ++t)
        if (!(s[t] >= 0) || !(s[t] <= s[t - 1])) return bad;
    const double n0 = s[0];
    const std::size_t last = s.size() - 1;
    detail::LogLik ll = [&](const double* p, double* g) {
        const double al = p[0], be = p[1];
        // ln P(T = t) and its derivatives, starting at t = 1.
        double lp = std::log(al) - std::log(al + be), da = 1 / al - 1 / (al + be), db = -1 / (al + be);
        // ln S(t) and its derivatives, starting at S(0) = 1.
        double ls = 0, sa = 0, sb = 0;
        double v = 0, ga = 0, gb = 0;
        for (std::size_t t = 1; t <= last; ++t) {
            const double tt = static_cast<double>(t);
            // S(t) = S(t-1) (be+t-1)/(al+be+t-1)
            ls += std::log1p(-al / (al + be + tt - 1));
            sa -= 1 / (al + be + tt - 1);
            sb += 1 / (be + tt - 1) - 1 / (al + be + tt - 1);
            if (t > 1) {  // P(T = t) = P(T = t-1) (be+t-2)/(al+be+t-1)
                lp += std::log1p(-(al + 1) / (al + be + tt - 1));
                da -= 1 / (al + be + tt - 1);
                db += 1 / (be + tt - 2) - 1 / (al + be + tt - 1);
            }
            const double d = s[t - 1] - s[t];  // lost during period t
            if (d == 0) continue;
            v += d * lp;
            ga += d * da;
            gb += d * db;
        }
        if (s[last] > 0) {
            v += s[last] * ls;
            ga += s[last] * sa;
            gb += s[last] * sb;
        }
        g[0] = ga / n0;
        g[1] = gb / n0;
        return v / n0;
    };
    return detail::maximise(ll, {1.0, 1.0}, n0, budget(s.size()));
}

}  // namespace kpi::models
