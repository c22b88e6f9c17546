// The maximiser behind the model fits: dlib's box-constrained BFGS on the
// logarithms of the parameters, then Newton steps on the analytic gradient.
//
// Debian configures dlib with BLAS bindings; they only speed up large matrix
// products, and would make the add-in need libblas at run time, so they are
// left out by defining their header guard before dlib is included (a test
// checks the add-in links no libblas/libdlib).
#define DLIB_MATRIx_BLAS_BINDINGS_ 1
#include <dlib/optimization/optimization.h>

#include "clvmodels_optim.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "kpi/stop.hpp"

namespace kpi::models::detail {
namespace {

namespace bmp = boost::math::policies;
// Return NaN/inf on bad input rather than throwing; no errno (shared state).
using Quiet = bmp::policy<bmp::domain_error<bmp::ignore_error>, bmp::pole_error<bmp::ignore_error>,
                          bmp::overflow_error<bmp::ignore_error>, bmp::evaluation_error<bmp::ignore_error>,
                          bmp::promote_double<false>>;

using Vec = dlib::matrix<double, 0, 1>;
using Matrix = std::vector<std::vector<double>>;

// Thrown when the evaluation budget is spent; caught in maximise().
struct OutOfBudget {};

// Solves A d = b (n <= 4) by Gaussian elimination with partial pivoting;
// false when A is singular.
bool solve(Matrix A, std::vector<double> b, std::vector<double>& d) {
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

// True when the symmetric matrix is positive definite (Cholesky succeeds).
bool positive_definite(Matrix A) {
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

// The Hessian at theta by central differences of the analytic gradient (symmetrised).
template <class Grad>
Matrix hessian(const Vec& theta, Grad&& grad) {
    const long n = theta.size();
    const double h = 1e-5;
    Matrix H(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n)));
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

bool newton_direction(const Matrix& H, const Vec& g, std::vector<double>& d) {
    std::vector<double> rhs(static_cast<std::size_t>(g.size()));
    for (long i = 0; i < g.size(); ++i) rhs[static_cast<std::size_t>(i)] = -g(i);
    return solve(H, rhs, d);
}

// Newton iterations on grad = 0 from a point BFGS left close to the optimum.
// The Hessian (2n gradients) is computed once and reused while the steps
// keep shrinking the gradient (a chord iteration: near the optimum the
// Hessian barely changes, and each step costs one gradient instead of
// 2n + 1); it is recomputed when a step fails to help. A step is kept only if
// it shrinks the gradient and stays in the box. Returns true when theta is
// then a well-determined minimum: the Hessian is positive definite and the
// remaining Newton step negligible. On a plateau (the likelihood still
// creeping up as a parameter runs off to 0 or infinity) the gradient can be
// tiny while the step is huge: that is not an estimate.
template <class Grad>
bool newton_polish(Vec& theta, const Vec& lo, const Vec& hi, Grad&& grad) {
    const long n = theta.size();
    Vec g = grad(theta);
    if (!std::isfinite(norm(g))) return false;
    Matrix H = hessian(theta, grad);
    Vec at = theta;  // where H was taken
    bool fresh = true;
    std::vector<double> d;
    for (int iter = 0; iter < 12 && norm(g) > 0; ++iter) {
        if (!newton_direction(H, g, d)) return false;
        double step = 0;
        for (double di : d) step = std::max(step, std::abs(di));
        if (step < 1e-13) break;  // nothing left to gain
        Vec next = theta;
        bool inside = true;
        for (long i = 0; i < n; ++i) {
            next(i) += d[static_cast<std::size_t>(i)];
            inside = inside && next(i) > lo(i) && next(i) < hi(i);
        }
        const Vec gn = inside ? grad(next) : g;
        if (inside && norm(gn) < norm(g)) {
            theta = next;
            g = gn;
            fresh = false;
            continue;
        }
        if (fresh) break;  // even an exact Newton step does not help: stop here
        H = hessian(theta, grad);
        at = theta;
        fresh = true;
    }
    if (!std::isfinite(norm(g))) return false;
    double moved = 0;
    for (long i = 0; i < n; ++i) moved = std::max(moved, std::abs(theta(i) - at(i)));
    if (moved > 1e-3) H = hessian(theta, grad);
    if (!newton_direction(H, g, d) || !positive_definite(H)) return false;
    for (double di : d)
        if (!(std::abs(di) < 1e-6)) return false;
    return true;
}

// dlib's stop strategy interface: BFGS stops once the gradient (per
// observation, in log-parameters) is below 1e-6, or the objective has not
// moved for three iterations, or after 200 iterations. Tighter stops cost
// hundreds of iterations on large tables, where the objective is a sum of
// 10^5 terms and rounding blurs the differences BFGS steers by; the Newton
// polish, which works on the gradient itself, gives the last digits.
class Stop {
public:
    template <class T>
    bool should_continue_search(const T&, double f, const T& g) {
        if (++iter_ > 200) return false;
        if (dlib::length(g) < 1e-6) return false;
        flat_ = (prev_ - f <= 1e-15 * std::max(1.0, std::abs(f))) ? flat_ + 1 : 0;
        prev_ = f;
        return flat_ < 3;
    }

private:
    int iter_ = 0, flat_ = 0;
    double prev_ = std::numeric_limits<double>::infinity();
};

}  // namespace

double lgam(double x) { return boost::math::lgamma(x, Quiet()); }
double psi(double x) { return boost::math::digamma(x, Quiet()); }

Fit maximise(const LogLik& ll, const std::vector<double>& start, double scale, int max_evaluations) {
    const long n = static_cast<long>(start.size());
    Fit out;
    Vec theta(n), lo(n), hi(n);
    for (long i = 0; i < n; ++i) {
        theta(i) = std::log(start[static_cast<std::size_t>(i)]);
        lo(i) = std::log(kMinParam);
        hi(i) = std::log(kMaxParam);
    }
    std::vector<double> p(static_cast<std::size_t>(n)), g(static_cast<std::size_t>(n));
    // The value and the gradient come from one pass over the data; dlib asks
    // for them separately at the same point, so the last pair is kept.
    Vec cached_at, cached_grad;
    double cached_value = 0;
    int evaluations = 0;
    auto eval = [&](const Vec& th) {
        if (cached_at.size() == th.size() && cached_at == th) return;
        // The host's stop (a cancelled query) ends the fit like a spent budget.
        if (++evaluations > max_evaluations || stop_requested()) throw OutOfBudget{};
        for (long i = 0; i < n; ++i) p[static_cast<std::size_t>(i)] = std::exp(th(i));
        const double v = ll(p.data(), g.data());
        cached_grad.set_size(n);
        for (long i = 0; i < n; ++i) cached_grad(i) = -g[static_cast<std::size_t>(i)] * p[static_cast<std::size_t>(i)];
        // Negative log-likelihood in theta = ln(params).
        cached_value = std::isfinite(v) ? -v : std::numeric_limits<double>::infinity();
        cached_at = th;
    };
    auto f = [&](const Vec& th) {
        eval(th);
        return cached_value;
    };
    auto df = [&](const Vec& th) {
        eval(th);
        return cached_grad;
    };
    bool determined = false;
    try {
        if (!std::isfinite(f(theta))) { out.error = Error::num; return out; }
        dlib::find_min_box_constrained(dlib::bfgs_search_strategy(), Stop(), f, df, theta, lo, hi);
        determined = newton_polish(theta, lo, hi, df);
    } catch (...) {  // dlib's non-finite objective, or the budget spent
        out.error = Error::num;
        return out;
    }
    // Converged = an interior point where the gradient vanishes. A parameter
    // pressed against the box (the data push it to 0 or infinity) or a
    // search that stopped elsewhere is a failure, not an answer.
    Vec grad;
    double value = 0;
    try {
        value = f(theta);
        grad = df(theta);
    } catch (...) {
        out.error = Error::num;
        return out;
    }
    bool ok = determined && std::isfinite(value);
    for (long i = 0; i < n && ok; ++i)
        ok = std::isfinite(grad(i)) && std::abs(grad(i)) < 1e-6 && theta(i) > lo(i) + 1.0 && theta(i) < hi(i) - 1.0;
    if (!ok) { out.error = Error::num; return out; }
    for (long i = 0; i < n; ++i) out.params.push_back(std::exp(theta(i)));
    out.log_likelihood = -value * scale;
    return out;
}

}  // namespace kpi::models::detail
