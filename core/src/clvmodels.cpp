// Probabilistic CLV models: likelihoods, fits and predictions. See clvmodels.hpp.
//
// Numerics:
//  - special functions from Boost.Math (lgamma, digamma, 2F1 through
//    hypergeometric_pFq), with a policy that returns NaN/inf instead of
//    throwing or touching errno, so nothing escapes into Calc;
//  - optimisation with dlib's box-constrained BFGS (Debian's libdlib-dev,
//    header-only templates), on the logarithms of the parameters, with
//    analytic gradients. Debian configures dlib with BLAS bindings; they only
//    speed up large matrix products, and would make the add-in need libblas
//    at run time, so they are left out by defining their header guard before
//    dlib is included (a test checks the add-in links no libblas/libdlib).
#define DLIB_MATRIx_BLAS_BINDINGS_ 1
#include <dlib/optimization/optimization.h>

#include "kpi/clvmodels.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <tuple>

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>

namespace kpi::models {
namespace {

namespace bmp = boost::math::policies;
// Return NaN/inf on bad input rather than throwing; no errno (shared state).
using Quiet = bmp::policy<bmp::domain_error<bmp::ignore_error>, bmp::pole_error<bmp::ignore_error>,
                          bmp::overflow_error<bmp::ignore_error>, bmp::evaluation_error<bmp::ignore_error>,
                          bmp::promote_double<false>>;

// For the 2F1 series: an evaluation error (the series did not converge within
// Boost's iteration limit, as when t is huge against alpha + T) must become
// #NUM!, not a truncated sum.
using SeriesMustConverge = bmp::policy<bmp::domain_error<bmp::ignore_error>, bmp::pole_error<bmp::ignore_error>,
                                       bmp::overflow_error<bmp::ignore_error>, bmp::evaluation_error<bmp::throw_on_error>,
                                       bmp::promote_double<false>>;

double lgam(double x) { return boost::math::lgamma(x, Quiet()); }
double psi(double x) { return boost::math::digamma(x, Quiet()); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool whole(double v) { return std::isfinite(v) && v == std::floor(v); }

// ln(e^u + e^v) without overflow.
double logsumexp(double u, double v) {
    const double m = std::max(u, v);
    return m + std::log(std::exp(u - m) + std::exp(v - m));
}

// The objective handed to the optimiser: the log-likelihood per observation
// at `params` (all > 0) and, in `grad`, its derivatives with respect to them.
using LogLik = std::function<double(const std::vector<double>& params, std::vector<double>& grad)>;

using Vec = dlib::matrix<double, 0, 1>;

// Solves A d = b (n <= 4) by Gaussian elimination with partial pivoting;
// false when A is singular.
bool solve(std::vector<std::vector<double>> A, std::vector<double> b, std::vector<double>& d) {
    const std::size_t n = b.size();
    for (std::size_t k = 0; k < n; ++k) {
        std::size_t piv = k;
        for (std::size_t i = k + 1; i < n; ++i)
            if (std::abs(A[i][k]) > std::abs(A[piv][k])) piv = i;
        if (!(std::abs(A[piv][k]) > 0)) return false;
        std::swap(A[k], A[piv]);
        std::swap(b[k], b[piv]);
        for (std::size_t i = k + 1; i < n; ++i) {
            const double m = A[i][k] / A[k][k];
            for (std::size_t j = k; j < n; ++j) A[i][j] -= m * A[k][j];
            b[i] -= m * b[k];
        }
    }
    d.assign(n, 0.0);
    for (std::size_t k = n; k-- > 0;) {
        double v = b[k];
        for (std::size_t j = k + 1; j < n; ++j) v -= A[k][j] * d[j];
        d[k] = v / A[k][k];
    }
    return true;
}

double norm(const Vec& v) {
    double s = 0;
    for (long i = 0; i < v.size(); ++i) s += v(i) * v(i);
    return std::sqrt(s);
}

// The Hessian of the objective at theta, by central differences of the
// analytic gradient (symmetrised).
template <class Grad>
std::vector<std::vector<double>> hessian(const Vec& theta, Grad&& grad) {
    const long n = theta.size();
    const double h = 1e-5;
    std::vector<std::vector<double>> H(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n)));
    for (long j = 0; j < n; ++j) {
        Vec up = theta, down = theta;
        up(j) += h;
        down(j) -= h;
        const Vec gu = grad(up), gd = grad(down);
        for (long i = 0; i < n; ++i) H[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = (gu(i) - gd(i)) / (2 * h);
    }
    for (std::size_t i = 0; i < H.size(); ++i)
        for (std::size_t j = 0; j < i; ++j) H[i][j] = H[j][i] = (H[i][j] + H[j][i]) / 2;
    return H;
}

// True when the symmetric matrix is positive definite (Cholesky succeeds).
bool positive_definite(std::vector<std::vector<double>> A) {
    const std::size_t n = A.size();
    for (std::size_t k = 0; k < n; ++k) {
        double d = A[k][k];
        for (std::size_t j = 0; j < k; ++j) d -= A[k][j] * A[k][j];
        if (!(d > 0)) return false;
        A[k][k] = std::sqrt(d);
        for (std::size_t i = k + 1; i < n; ++i) {
            double v = A[i][k];
            for (std::size_t j = 0; j < k; ++j) v -= A[i][j] * A[k][j];
            A[i][k] = v / A[k][k];
        }
    }
    return true;
}

// The Newton step -H^-1 g at theta; false if H is singular.
template <class Grad>
bool newton_step(const Vec& theta, const Vec& g, Grad&& grad, std::vector<std::vector<double>>& H, std::vector<double>& d) {
    H = hessian(theta, grad);
    std::vector<double> rhs(static_cast<std::size_t>(theta.size()));
    for (long i = 0; i < theta.size(); ++i) rhs[static_cast<std::size_t>(i)] = -g(i);
    return solve(H, rhs, d);
}

// Newton iterations on grad = 0 from a point BFGS left close to the
// optimum; a step is kept only if it shrinks the gradient and stays in the
// box. Returns true when theta is then a well-determined minimum: the
// Hessian is positive definite and the remaining Newton step is negligible.
// On a plateau (the likelihood still creeping up as a parameter runs off to
// 0 or infinity) the gradient can be tiny while the step is huge: that is
// not an estimate, and the fit reports an error.
template <class Grad>
bool newton_polish(Vec& theta, const Vec& lo, const Vec& hi, Grad&& grad) {
    const long n = theta.size();
    Vec g = grad(theta);
    std::vector<std::vector<double>> H;
    std::vector<double> d;
    for (int iter = 0; iter < 6 && std::isfinite(norm(g)) && norm(g) > 0; ++iter) {
        if (!newton_step(theta, g, grad, H, d)) return false;
        Vec next = theta;
        for (long i = 0; i < n; ++i) next(i) += d[static_cast<std::size_t>(i)];
        bool inside = true;
        for (long i = 0; i < n; ++i) inside = inside && next(i) > lo(i) && next(i) < hi(i);
        if (!inside) break;
        const Vec gn = grad(next);
        if (!(norm(gn) < norm(g))) break;
        theta = next;
        g = gn;
    }
    if (!std::isfinite(norm(g))) return false;
    if (!newton_step(theta, g, grad, H, d) || !positive_definite(H)) return false;
    for (double di : d)
        if (!(std::abs(di) < 1e-6)) return false;
    return true;
}

// Maximises `ll` from `start`, over log-parameters bounded to
// [ln kMinParam, ln kMaxParam]. `scale` turns the per-observation value
// back into the total log-likelihood.
Fit maximise(const LogLik& ll, const std::vector<double>& start, double scale) {
    const long n = static_cast<long>(start.size());
    Fit out;
    Vec theta(n), lo(n), hi(n);
    for (long i = 0; i < n; ++i) {
        theta(i) = std::log(start[static_cast<std::size_t>(i)]);
        lo(i) = std::log(kMinParam);
        hi(i) = std::log(kMaxParam);
    }
    std::vector<double> p(static_cast<std::size_t>(n)), g(static_cast<std::size_t>(n));
    // Negative log-likelihood and its gradient in theta = ln(params).
    auto eval = [&](const Vec& th, Vec* grad) {
        for (long i = 0; i < n; ++i) p[static_cast<std::size_t>(i)] = std::exp(th(i));
        const double v = ll(p, g);
        if (grad) {
            grad->set_size(n);
            for (long i = 0; i < n; ++i) (*grad)(i) = -g[static_cast<std::size_t>(i)] * p[static_cast<std::size_t>(i)];
        }
        return std::isfinite(v) ? -v : std::numeric_limits<double>::infinity();
    };
    auto f = [&](const Vec& th) { return eval(th, nullptr); };
    auto df = [&](const Vec& th) {
        Vec d;
        eval(th, &d);
        return d;
    };
    try {
        if (!std::isfinite(f(theta))) { out.error = Error::num; return out; }
        // BFGS steers by differences of the objective, which rounding blurs
        // once the gradient is below ~1e-8 (per observation): stop there ...
        dlib::find_min_box_constrained(dlib::bfgs_search_strategy(),
                                       dlib::gradient_norm_stop_strategy(1e-8, 500), f, df, theta, lo, hi);
    } catch (...) {
        out.error = Error::num;
        return out;
    }
    // ... and finish with Newton steps on the gradient itself, which keeps
    // its precision near the optimum: the parameters then agree with any
    // other careful maximisation to about 12 digits, not 8. The Hessian is
    // taken by central differences of the analytic gradient.
    const bool determined = newton_polish(theta, lo, hi, df);
    // Converged = an interior point where the gradient vanishes. A parameter
    // pressed against the box (the data push it to 0 or infinity) or a
    // search that stopped elsewhere is a failure, not an answer.
    Vec grad;
    const double value = eval(theta, &grad);
    bool ok = determined && std::isfinite(value);
    for (long i = 0; i < n && ok; ++i) {
        ok = std::isfinite(grad(i)) && std::abs(grad(i)) < 1e-6 && theta(i) > lo(i) + 1.0 && theta(i) < hi(i) - 1.0;
    }
    if (!ok) { out.error = Error::num; return out; }
    for (long i = 0; i < n; ++i) out.params.push_back(std::exp(theta(i)));
    out.log_likelihood = -value * scale;
    return out;
}

// Identical rows contribute identical terms: the BG/NBD likelihood is summed
// over distinct (x, tx, T) with a count (the 2,357 CDNOW customers have
// about 1,400 distinct rows), which also makes the sum's order fixed.
struct Group {
    Customer c;
    double count;
};
std::vector<Group> group(std::span<const Customer> cs) {
    std::vector<Customer> sorted(cs.begin(), cs.end());
    std::sort(sorted.begin(), sorted.end(), [](const Customer& u, const Customer& v) {
        return std::tie(u.x, u.tx, u.T) < std::tie(v.x, v.tx, v.T);
    });
    std::vector<Group> out;
    for (const Customer& c : sorted) {
        if (!out.empty() && out.back().c.x == c.x && out.back().c.tx == c.tx && out.back().c.T == c.T) out.back().count += 1;
        else out.push_back({c, 1.0});
    }
    return out;
}

// BG/NBD log-likelihood of the groups, and its gradient in (r, alpha, a, b).
double bgnbd_ll(const std::array<double, 4>& p, const std::vector<Group>& groups, double* grad) {
    const auto [r, al, a, b] = p;
    const double base_r = -lgam(r) + r * std::log(al), base_ab = lgam(a + b) - lgam(b);
    const double psi_r = psi(r), psi_ab = psi(a + b), psi_b = psi(b);
    double total = 0, gr = 0, gal = 0, ga = 0, gb = 0;
    for (const Group& gp : groups) {
        const auto [x, tx, T] = gp.c;
        const double w = gp.count;
        const double l3 = -(r + x) * std::log(al + T);
        double l = base_r + lgam(r + x) + base_ab + lgam(b + x) - lgam(a + b + x);
        double w4 = 0;  // weight of the "dropped out after the last purchase" term
        double l4 = -std::numeric_limits<double>::infinity();
        if (x > 0) {
            l4 = std::log(a) - std::log(b + x - 1) - (r + x) * std::log(al + tx);
            const double lse = logsumexp(l3, l4);
            w4 = std::exp(l4 - lse);
            l += lse;
        } else {
            l += l3;
        }
        const double w3 = 1 - w4;
        total += w * l;
        if (grad) {
            const double psi_abx = psi(a + b + x);
            gr += w * (psi(r + x) - psi_r + std::log(al) - w3 * std::log(al + T) - (x > 0 ? w4 * std::log(al + tx) : 0));
            gal += w * (r / al - w3 * (r + x) / (al + T) - (x > 0 ? w4 * (r + x) / (al + tx) : 0));
            ga += w * (psi_ab - psi_abx + w4 / a);
            gb += w * (psi_ab + psi(b + x) - psi_b - psi_abx - (x > 0 ? w4 / (b + x - 1) : 0));
        }
    }
    if (grad) { grad[0] = gr; grad[1] = gal; grad[2] = ga; grad[3] = gb; }
    return total;
}

double gg_ll(const std::array<double, 3>& par, std::span<const double> x, std::span<const double> z, double* grad) {
    const auto [p, q, g] = par;
    const double lgq = lgam(q), psi_q = psi(q), lng = std::log(g);
    double total = 0, gp = 0, gq = 0, gg = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i] == 0) continue;
        const double px = p * x[i], lz = std::log(z[i]), lgz = std::log(g + x[i] * z[i]);
        total += lgam(px + q) - lgam(px) - lgq + q * lng + (px - 1) * lz + px * std::log(x[i]) - (px + q) * lgz;
        if (grad) {
            const double psi_pxq = psi(px + q);
            gp += x[i] * (psi_pxq - psi(px) + lz + std::log(x[i]) - lgz);
            gq += psi_pxq - psi_q + lng - lgz;
            gg += q / g - (px + q) / (g + x[i] * z[i]);
        }
    }
    if (grad) { grad[0] = gp; grad[1] = gq; grad[2] = gg; }
    return total;
}

// ln B(x, y)
double lbeta(double x, double y) { return lgam(x) + lgam(y) - lgam(x + y); }

}  // namespace

Error check_customer(const Customer& c) {
    if (!whole(c.x) || c.x < 0) return Error::num;
    if (!std::isfinite(c.tx) || !std::isfinite(c.T) || c.tx < 0 || c.tx > c.T) return Error::num;
    if (c.x == 0 && c.tx != 0) return Error::num;
    return Error::none;
}

double bgnbd_log_likelihood(const std::array<double, 4>& p, std::span<const Customer> customers) {
    return bgnbd_ll(p, group(customers), nullptr);
}

Fit fit_bgnbd(std::span<const Customer> customers) {
    Fit bad;
    bad.error = Error::num;
    if (customers.empty()) { bad.error = Error::div0; return bad; }
    for (const Customer& c : customers)
        if (check_customer(c) != Error::none) return bad;
    const std::vector<Group> groups = group(customers);
    const double n = static_cast<double>(customers.size());
    double mean_T = 0;  // summed in the groups' (sorted) order: the row order never matters
    for (const Group& g : groups) mean_T += g.count * g.c.T;
    mean_T /= n;
    LogLik ll = [&](const std::vector<double>& p, std::vector<double>& g) {
        const double v = bgnbd_ll({p[0], p[1], p[2], p[3]}, groups, g.data());
        for (double& gi : g) gi /= n;
        return v / n;
    };
    // alpha is a time scale: start it at the mean age so that the start is
    // equally good whether the data are in days, weeks or months.
    return maximise(ll, {1.0, std::max(mean_T, 1e-3), 1.0, 1.0}, n);
}

Result bgnbd_palive(const std::array<double, 4>& p, const Customer& c) {
    if (check_customer(c) != Error::none) return Result::fail(Error::num);
    const auto [r, al, a, b] = p;
    if (c.x == 0) return Result::of(1.0);
    const double lt = std::log(a) - std::log(b + c.x - 1) + (r + c.x) * (std::log(al + c.T) - std::log(al + c.tx));
    return Result::of(1.0 / (1.0 + std::exp(lt)));
}

Result bgnbd_expected(const std::array<double, 4>& p, double t, const Customer& c) {
    if (check_customer(c) != Error::none || !(t >= 0) || !std::isfinite(t)) return Result::fail(Error::num);
    if (t == 0) return Result::of(0.0);
    const auto [r, al, a, b] = p;
    // (a+b+x-1)/(a-1) is singular at a = 1 (the limit exists but this form
    // loses all precision near it).
    if (std::abs(a - 1.0) < 1e-9) return Result::fail(Error::num);
    const double x = c.x, z = t / (al + c.T + t);
    // Euler's transformation 2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z),
    // with 1 - z = (al+T)/(al+T+t), turns the paper's
    //   1 - (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)
    // into 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z). The original series
    // grows to huge terms when x is large and z is near 1 (long horizons) and
    // loses every digit there; the transformed one has small parameters and
    // terms that shrink like n^(a-r-x-2) z^n.
    double h;
    try {
        h = boost::math::hypergeometric_pFq({a + b - 1 - r, a - 1}, {a + b + x - 1}, z, static_cast<double*>(nullptr),
                                            SeriesMustConverge());
    } catch (...) {
        return Result::fail(Error::num);
    }
    const double num = 1.0 - std::exp((a - 1) * (std::log(al + c.T) - std::log(al + c.T + t))) * h;
    const Result alive = bgnbd_palive(p, c);
    if (!alive.ok()) return alive;
    // 1 / (1 + delta a/(b+x-1) ((al+T)/(al+tx))^(r+x)) is P(alive).
    return Result::of((a + b + x - 1) / (a - 1) * num * alive.value);
}

double gg_log_likelihood(const std::array<double, 3>& p, std::span<const double> x, std::span<const double> zbar) {
    return gg_ll(p, x, zbar, nullptr);
}

Fit fit_gg(std::span<const double> x, std::span<const double> zbar) {
    Fit bad;
    bad.error = Error::num;
    if (x.size() != zbar.size()) { bad.error = Error::value; return bad; }
    double n = 0, mean_z = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!whole(x[i]) || x[i] < 0) return bad;
        if (x[i] == 0) continue;
        if (!(zbar[i] > 0) || !std::isfinite(zbar[i])) return bad;
        n += 1;
        mean_z += zbar[i];
    }
    if (n == 0) { bad.error = Error::div0; return bad; }
    mean_z /= n;
    LogLik ll = [&](const std::vector<double>& p, std::vector<double>& g) {
        const double v = gg_ll({p[0], p[1], p[2]}, x, zbar, g.data());
        for (double& gi : g) gi /= n;
        return v / n;
    };
    // gamma is a money scale: start it at the mean spend (currency-free start).
    return maximise(ll, {1.0, 1.0, mean_z}, n);
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

Result clv_predict(const std::array<double, 4>& bg, const std::array<double, 3>& gg, const Customer& c, double zbar,
                   double horizon, double discount_rate, double units_per_period) {
    if (!whole(horizon) || horizon < 0 || horizon > 10000) return Result::fail(Error::num);
    if (!(discount_rate > -1) || !std::isfinite(discount_rate)) return Result::fail(Error::num);
    if (!(units_per_period > 0) || !std::isfinite(units_per_period)) return Result::fail(Error::num);
    const Result spend = gg_spend(gg, c.x, zbar);
    if (!spend.ok()) return spend;
    double total = 0, before = 0;
    for (int i = 1; i <= static_cast<int>(horizon); ++i) {
        const Result e = bgnbd_expected(bg, i * units_per_period, c);
        if (!e.ok()) return e;
        total += (e.value - before) / std::pow(1 + discount_rate, i);
        before = e.value;
    }
    return Result::of(spend.value * total);
}

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
    LogLik ll = [&](const std::vector<double>& p, std::vector<double>& g) {
        const double al = p[0], be = p[1];
        const double lb0 = lbeta(al, be), pab = psi(al + be);
        const double da0 = psi(al) - pab, db0 = psi(be) - pab;  // d lnB(al, be)
        const double psi_a1 = psi(al + 1), psi_b = psi(be);
        double v = 0, ga = 0, gb = 0;
        for (std::size_t t = 1; t <= last; ++t) {
            const double d = s[t - 1] - s[t];  // lost during period t
            if (d == 0) continue;
            const double tt = static_cast<double>(t), pabt = psi(al + be + tt);
            v += d * (lbeta(al + 1, be + tt - 1) - lb0);
            ga += d * (psi_a1 - pabt - da0);
            gb += d * (psi(be + tt - 1) - pabt - db0);
        }
        if (s[last] > 0) {
            const double tt = static_cast<double>(last), pabt = psi(al + be + tt);
            v += s[last] * (lbeta(al, be + tt) - lb0);
            ga += s[last] * (pab - pabt);
            gb += s[last] * (psi(be + tt) - pabt - psi_b + pab);
        }
        g[0] = ga / n0;
        g[1] = gb / n0;
        return v / n0;
    };
    return maximise(ll, {1.0, 1.0}, n0);
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
    // The difference of log-betas cancels catastrophically when alpha or t
    // is huge (it gave S = 1 for alpha = 1e300), so: the product, summed in
    // logs, for the usual horizons; beyond, Boost's tgamma_delta_ratio,
    // which is accurate for large arguments with a moderate delta.
    if (t <= 100000) {
        double log_s = 0.0;
        for (double k = 1; k <= t; ++k) log_s += std::log(beta + k - 1) - std::log(alpha + beta + k - 1);
        return Result::of(std::exp(log_s));
    }
    // Gamma(beta+t)/Gamma(alpha+beta+t) x Gamma(alpha+beta)/Gamma(beta)
    const double r = boost::math::tgamma_delta_ratio(beta + t, alpha) / boost::math::tgamma_delta_ratio(beta, alpha);
    return std::isnan(r) ? Result::fail(Error::num) : Result::of(r);
}

}  // namespace kpi::models
