#include "kpi/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/policies/policy.hpp>

#include "kpi/args.hpp"
#include "kpi/cohort.hpp"
#include "kpi/stop.hpp"
#include "purchases.hpp"

namespace kpi {
namespace {

namespace bmp = boost::math::policies;
// Errors as values, never exceptions: the core is total.
using Quiet = bmp::policy<bmp::domain_error<bmp::errno_on_error>, bmp::overflow_error<bmp::errno_on_error>,
                          bmp::underflow_error<bmp::ignore_error>, bmp::evaluation_error<bmp::errno_on_error>>;

bool finite(double x) { return std::isfinite(x); }
bool nonneg(double x) { return finite(x) && x >= 0.0; }
// A count of people (visitors, conversions, respondents): whole and not
// negative. 0.03 typed where 30 conversions were meant is caught here.
bool count(double x) { return nonneg(x) && x == std::floor(x); }
// A probability strictly between 0 and 1 (alpha, power, confidence).
bool open_unit(double x) { return finite(x) && x > 0.0 && x < 1.0; }

// The upper quantile z with P(Z > z) = tail, from the tail itself so that a
// small tail keeps its digits (1 - 0.999 / 2 is computed once, by the caller).
double z_upper(double tail) {
    return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<double, Quiet>(), tail));
}
// z for a two-sided confidence level: P(|Z| < z) = confidence.
double z_confidence(double confidence) { return z_upper((1.0 - confidence) / 2.0); }

Output fail(Error e) { return Output::scalar(Result::fail(e)); }

// The spreadsheet conventions for the evaluators below. A lone blank cell
// given for a required value is "no data yet" (#N/A, which charts skip); a
// blank given for an optional one is the same as leaving it out.
bool lone_blank(const ArgView& a) {
    if (a.omitted() || a.rows() != 1 || a.cols(0) != 1) return false;
    const Cell c = a.at(0, 0);
    return c.kind == Cell::Kind::empty;
}
bool all_blank(const ArgView& a) {
    if (a.omitted()) return true;
    return for_each_cell(a, [](const Cell& c) { return c.kind == Cell::Kind::empty; });
}
Result required_amount(const ArgView& a) { return lone_blank(a) ? Result::fail(Error::na) : amount(a); }
Result optional_value(const ArgView& a, double fallback) {
    return all_blank(a) ? Result{fallback, Error::none} : number(a);
}

}  // namespace

// --- SaaS revenue ------------------------------------------------------------

Result grr(double revenue_start, double contraction, double churned) {
    if (!nonneg(revenue_start) || !nonneg(contraction) || !nonneg(churned)) return Result::fail(Error::num);
    // Lost revenue of the accounts of the start cannot exceed what they brought.
    const double lost = contraction + churned;
    if (!finite(lost) || lost > revenue_start) return Result::fail(Error::num);
    if (revenue_start == 0.0) return Result::fail(Error::div0);
    return Result::of((revenue_start - lost) / revenue_start);
}

Result quick_ratio(double new_revenue, double expansion, double contraction, double churned) {
    if (!nonneg(new_revenue) || !nonneg(expansion) || !nonneg(contraction) || !nonneg(churned))
        return Result::fail(Error::num);
    const double gained = new_revenue + expansion, lost = contraction + churned;
    if (!finite(gained) || !finite(lost)) return Result::fail(Error::num);
    if (lost == 0.0) return Result::fail(Error::div0);
    return Result::of(gained / lost);
}

// --- tests and samples -------------------------------------------------------

Result incremental(double conv_exposed, double n_exposed, double conv_holdout, double n_holdout) {
    if (!count(conv_exposed) || !count(n_exposed) || !count(conv_holdout) || !count(n_holdout))
        return Result::fail(Error::num);
    if (conv_exposed > n_exposed || conv_holdout > n_holdout) return Result::fail(Error::num);
    if (n_holdout == 0.0) return Result::fail(Error::div0);
    // The exposed group's conversions minus those it would have had at the
    // holdout's rate; the rate first, so n_exposed * conv_holdout cannot overflow.
    return Result::of(conv_exposed - n_exposed * (conv_holdout / n_holdout));
}

Result nps_moe(double promoters, double passives, double detractors, double confidence) {
    if (!count(promoters) || !count(passives) || !count(detractors)) return Result::fail(Error::num);
    if (!open_unit(confidence)) return Result::fail(Error::num);
    const double n = promoters + passives + detractors;
    if (!finite(n)) return Result::fail(Error::num);
    if (n == 0.0) return Result::fail(Error::div0);
    // NPS = 100 (P - D) / n is 100 times the mean of a score worth +1, 0 or
    // -1 per respondent; that score's variance is pP + pD - (pP - pD)^2.
    const double pp = promoters / n, pd = detractors / n;
    const double variance = std::max(0.0, pp + pd - (pp - pd) * (pp - pd));
    // sqrt(variance) / sqrt(n): variance / n underflows to 0 for a huge n.
    return Result::of(100.0 * z_confidence(confidence) * (std::sqrt(variance) / std::sqrt(n)));
}

Result ab_visitors_exact(double baseline_rate, double relative_lift, double alpha, double power, bool one_sided) {
    if (!finite(baseline_rate) || !finite(relative_lift)) return Result::fail(Error::num);
    if (!(baseline_rate > 0.0 && baseline_rate < 1.0)) return Result::fail(Error::num);
    if (!open_unit(alpha) || !open_unit(power)) return Result::fail(Error::num);
    const double p1 = baseline_rate, p2 = baseline_rate * (1.0 + relative_lift);
    // The variant's rate must be a rate too.
    if (!(p2 > 0.0 && p2 <= 1.0)) return Result::fail(Error::num);
    const double d = p2 - p1;
    if (d == 0.0) return Result::fail(Error::div0);  // no difference to detect
    const double za = z_upper(one_sided ? alpha : alpha / 2.0), zb = z_upper(1.0 - power);
    const double mean = (p1 + p2) / 2.0;
    const double root = za * std::sqrt(2.0 * mean * (1.0 - mean)) + zb * std::sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2));
    // A power below what alpha gives by chance: no sample size reaches it.
    if (!(root > 0.0)) return Result::fail(Error::num);
    const double n = root / d;
    return Result::of(n * n);
}

Result ab_sample_size(double baseline_rate, double relative_lift, double alpha, double power, bool one_sided) {
    const Result n = ab_visitors_exact(baseline_rate, relative_lift, alpha, power, one_sided);
    return n.ok() ? Result::of(std::ceil(n.value)) : n;
}

Result ab_mde(double visitors_per_variant, double baseline_rate, double alpha, double power) {
    if (!count(visitors_per_variant)) return Result::fail(Error::num);
    if (!finite(baseline_rate) || !(baseline_rate > 0.0 && baseline_rate < 1.0)) return Result::fail(Error::num);
    if (!open_unit(alpha) || !open_unit(power)) return Result::fail(Error::num);
    if (visitors_per_variant == 0.0) return Result::fail(Error::div0);
    const double p1 = baseline_rate, sqrt_n = std::sqrt(visitors_per_variant);
    const double za = z_upper(alpha / 2.0), zb = z_upper(1.0 - power);
    // ABSAMPLESIZE's equation solved for the difference d = p2 - p1 > 0:
    //   h(d) = za sqrt(2 m (1 - m)) + zb sqrt(p1 q1 + p2 q2) - sqrt(n) d = 0.
    // The pooled standard deviation depends on d: no closed form. h(0) > 0
    // when the power exceeds what alpha gives; bisection on d to the last
    // bit (at most ~1100 halvings of a double interval; 200 suffice).
    auto h = [&](double d) {
        const double p2 = p1 + d, m = p1 + d / 2.0;
        return za * std::sqrt(2.0 * m * (1.0 - m)) + zb * std::sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2)) - sqrt_n * d;
    };
    double lo = 0.0, hi = 1.0 - p1;
    if (!(h(lo) > 0.0)) return Result::fail(Error::num);
    // Even a variant converting everybody would not be detected: too few visitors.
    if (h(hi) > 0.0) return Result::fail(Error::num);
    for (int i = 0; i < 200; ++i) {
        const double mid = lo + (hi - lo) / 2.0;
        if (mid <= lo || mid >= hi) break;
        (h(mid) > 0.0 ? lo : hi) = mid;
    }
    return Result::of(hi / p1);
}

std::array<Result, 2> rate_ci(double successes, double trials, double confidence) {
    const auto both = [](Error e) { return std::array<Result, 2>{Result::fail(e), Result::fail(e)}; };
    if (!count(successes) || !count(trials) || successes > trials) return both(Error::num);
    if (!open_unit(confidence)) return both(Error::num);
    if (trials == 0.0) return both(Error::div0);
    const double z = z_confidence(confidence), z2 = z * z, n = trials, p = successes / n;
    // The bounds are the roots of (1 + z²/n) t² - (2p + z²/n) t + p² = 0. The
    // upper one is a sum of positive terms; the lower one, centre - half,
    // would cancel (2e-19 instead of 0 for 0 successes): it is taken from
    // the product of the roots, p² / (1 + z²/n), instead.
    const double upper_times_denom = p + z2 / (2.0 * n) + z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
    const double upper = upper_times_denom / (1.0 + z2 / n);
    const double lower = p * p / upper_times_denom;
    // The interval lies in [0, 1]; rounding may step outside by an ulp.
    return {Result::of(std::clamp(lower, 0.0, 1.0)), Result::of(std::clamp(upper, 0.0, 1.0))};
}

std::array<Result, 2> lift_ci(double conv_variant, double visitors_variant, double conv_control,
                              double visitors_control, double confidence) {
    const auto both = [](Error e) { return std::array<Result, 2>{Result::fail(e), Result::fail(e)}; };
    if (!count(conv_variant) || !count(visitors_variant) || !count(conv_control) || !count(visitors_control))
        return both(Error::num);
    if (conv_variant > visitors_variant || conv_control > visitors_control) return both(Error::num);
    if (!open_unit(confidence)) return both(Error::num);
    if (visitors_variant == 0.0 || visitors_control == 0.0) return both(Error::div0);
    // Half a conversion and half a visitor added to each group (Gart & Nam):
    // a group with no conversion still has an interval, and the coverage is
    // closer to nominal in small samples.
    const double c1 = conv_variant + 0.5, n1 = visitors_variant + 0.5;
    const double c0 = conv_control + 0.5, n0 = visitors_control + 0.5;
    const double log_ratio = std::log(c1 / n1) - std::log(c0 / n0);
    const double variance = std::max(0.0, 1.0 / c1 - 1.0 / n1 + 1.0 / c0 - 1.0 / n0);
    const double half = z_confidence(confidence) * std::sqrt(variance);
    // exp(x) - 1 by expm1: a lift near 0 keeps its digits.
    return {Result::of(std::expm1(log_ratio - half)), Result::of(std::expm1(log_ratio + half))};
}

// --- evaluators ----------------------------------------------------------------

Output rate_ci_eval(Args a) {
    const Result x = required_amount(*a[0]);
    if (!x.ok()) return Output::scalar(x);
    const Result n = required_amount(*a[1]);
    if (!n.ok()) return Output::scalar(n);
    const Result c = optional_value(*a[2], 0.95);
    if (!c.ok()) return Output::scalar(c);
    const auto r = rate_ci(x.value, n.value, c.value);
    if (!r[0].ok()) return Output::scalar(r[0]);
    return Output{1, 2, {r[0], r[1]}};
}

Output lift_ci_eval(Args a) {
    double v[4];
    for (int i = 0; i < 4; ++i) {
        const Result r = required_amount(*a[i]);
        if (!r.ok()) return Output::scalar(r);
        v[i] = r.value;
    }
    const Result c = optional_value(*a[4], 0.95);
    if (!c.ok()) return Output::scalar(c);
    const auto r = lift_ci(v[0], v[1], v[2], v[3], c.value);
    if (!r[0].ok()) return Output::scalar(r[0]);
    return Output{1, 2, {r[0], r[1]}};
}

namespace {

Error error_of(const Cell& c) { return c.error == Error::none ? Error::value : c.error; }
bool blank_cell(const Cell& c, const CellCursor& cur) {
    // An empty string (a formula giving "") is a blank, as Calc passes it.
    return c.kind == Cell::Kind::empty || (c.kind == Cell::Kind::text && cur.text().empty());
}

// Scores 1..bins of values where larger is better: each value's rank among
// n (ties take the mean of their ranks), then the bin of that rank between
// the quantiles of the ranks 1..n that pandas.qcut would cut at: bin k holds
// the ranks r with 1 + (k - 1)(n - 1) / bins < r <= 1 + k (n - 1) / bins (the
// first bin also holds r = 1). In integers: k = ceil(bins (r - 1) / (n - 1)),
// with 2r (a whole number for mean ranks) so that no rounding moves a value
// across a quantile.
std::vector<double> quantile_scores(const std::vector<double>& v, std::uint64_t bins) {
    const std::size_t n = v.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> score(n);
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && v[order[j + 1]] == v[order[i]]) ++j;
        // Ranks i+1 .. j+1 share the mean (i + j + 2) / 2: twice it is i + j + 2.
        const std::uint64_t twice_rank_minus_two = static_cast<std::uint64_t>(i + j);  // 2r - 2
        const std::uint64_t den = 2 * static_cast<std::uint64_t>(n - 1);
        // bins * (2r - 2) fits: n < 2^32 and bins <= 100.
        std::uint64_t k = (bins * twice_rank_minus_two + den - 1) / den;
        k = std::max<std::uint64_t>(k, 1);
        for (std::size_t t = i; t <= j; ++t) score[order[t]] = static_cast<double>(k);
        i = j + 1;
    }
    return score;
}

}  // namespace

Output rfm(Args args) {
    if (args.size() != 4) return fail(Error::args);
    for (const ArgView* a : args.first(3)) {
        if (a->omitted()) return fail(Error::args);
        if (!a->well_formed()) return fail(Error::value);
    }
    const Result b = optional_value(*args[3], 5.0);
    if (!b.ok()) return fail(b.error);
    // 2 to 100 scores: 5 is the custom (quintiles), 10 deciles.
    if (!(b.value >= 2.0 && b.value <= 100.0 && b.value == std::floor(b.value))) return fail(Error::num);
    const auto bins = static_cast<std::uint64_t>(b.value);

    const std::size_t n = cell_count(*args[0]);
    if (cell_count(*args[1]) != n || cell_count(*args[2]) != n) return fail(Error::value);
    if (n >= std::numeric_limits<std::uint32_t>::max()) return fail(Error::num);

    // One record per row; a wholly blank record (a range reaching below the
    // table) gives an empty row, so that the scores stay beside their customers.
    std::vector<double> cols[3];
    std::vector<std::size_t> at;  // record index of each customer
    CellCursor cur[3] = {CellCursor(*args[0]), CellCursor(*args[1]), CellCursor(*args[2])};
    for (std::size_t i = 0; i < n; ++i) {
        if (stop_at(i)) return fail(Error::value);  // the host stops the call: discarded
        Cell c[3];
        int blanks = 0;
        for (int k = 0; k < 3; ++k) {
            c[k] = cur[k].next();
            if (c[k].kind == Cell::Kind::error) return fail(error_of(c[k]));
            if (blank_cell(c[k], cur[k])) ++blanks;
            else if (c[k].kind == Cell::Kind::text) return fail(Error::value);
        }
        if (blanks == 3) continue;
        if (blanks > 0) return fail(Error::value);
        for (int k = 0; k < 3; ++k) {
            if (!finite(c[k].number)) return fail(Error::num);
            // Days since the last purchase and purchase counts cannot be
            // negative; the amount may be (refunds above purchases).
            if (k < 2 && c[k].number < 0.0) return fail(Error::num);
            cols[k].push_back(c[k].number);
        }
        at.push_back(i);
    }
    const std::size_t m = at.size();
    if (m == 0) return fail(Error::div0);
    if (m == 1) return fail(Error::div0);  // one customer: nothing to rank against

    // Recency: fewer days since the last purchase is better.
    for (double& d : cols[0]) d = -d;
    std::vector<double> scores[3];
    for (int k = 0; k < 3; ++k) scores[k] = quantile_scores(cols[k], bins);

    Output out{n, 3, std::vector<Result>(n * 3, Result::fail(Error::na))};
    for (std::size_t j = 0; j < m; ++j)
        for (int k = 0; k < 3; ++k) out.cells[at[j] * 3 + static_cast<std::size_t>(k)] = Result::of(scores[k][j]);
    return out;
}

Output cohort_revenue(Args args) {
    if (args.size() != 5) return fail(Error::args);
    for (const ArgView* a : args.first(3)) {
        if (a->omitted()) return fail(Error::args);
        if (!a->well_formed()) return fail(Error::value);
    }
    const Result period = optional_value(*args[3], 0.0);
    if (!period.ok()) return fail(period.error);
    if (period.value < 0.0) return fail(Error::num);
    const double period_days = period.value;  // 0: calendar months
    const bool by_days = period_days > 0.0;
    // As KPI.COHORT reads them (one reader): as_of omitted, blank or 0 is
    // the last purchase; a purchase after as_of is #NUM!.
    const purchases::AsOf as_of = purchases::as_of(*args[4]);
    if (as_of.error != Error::none) return fail(as_of.error);
    const purchases::Purchases p = purchases::read(*args[0], *args[1], args[2], as_of);
    if (p.error != Error::none) return fail(p.error);
    if (p.customer.empty()) return fail(Error::div0);  // no purchase: no cohort
    const std::uint32_t customers = p.customers;
    const std::vector<std::uint32_t>& who = p.customer;
    const std::vector<double>& amount_of = p.amount;
    const std::vector<std::int32_t>& day = p.day;

    std::vector<long> first(customers, std::numeric_limits<long>::max());
    for (std::size_t i = 0; i < who.size(); ++i) first[who[i]] = std::min<long>(first[who[i]], day[i]);
    const long end = as_of.given ? as_of.day : p.last;  // the last day the data cover

    // Cohorts by the month of the first purchase, oldest first.
    std::vector<long> months;
    for (std::uint32_t c = 0; c < customers; ++c) months.push_back(month_index(first[c]));
    std::vector<long> cohort_months = months;
    std::sort(cohort_months.begin(), cohort_months.end());
    cohort_months.erase(std::unique(cohort_months.begin(), cohort_months.end()), cohort_months.end());
    const std::size_t rows = cohort_months.size();
    auto row_of = [&](long month) {
        return static_cast<std::size_t>(std::lower_bound(cohort_months.begin(), cohort_months.end(), month) -
                                        cohort_months.begin());
    };
    std::vector<double> size(rows, 0.0);
    std::vector<long> latest_first(rows, std::numeric_limits<long>::min());
    for (std::uint32_t c = 0; c < customers; ++c) {
        const std::size_t r = row_of(months[c]);
        size[r] += 1.0;
        latest_first[r] = std::max(latest_first[r], first[c]);
    }

    // Complete periods only: a calendar month is shown once the data cover
    // its last day; a period of days once they cover its last day for every
    // customer of the cohort (period k of a customer first seen on day f
    // holds the days before f + (k + 1) period_days).
    constexpr double kMaxColumns = 16384.0, kMaxCells = 4194304.0;
    std::vector<std::size_t> shown(rows);
    std::size_t periods = 0;
    const long complete_months_end = month_index(end + 1);  // months before this one are complete
    for (std::size_t r = 0; r < rows; ++r) {
        const double k = by_days ? std::floor(static_cast<double>(end + 1 - latest_first[r]) / period_days)
                                 : static_cast<double>(complete_months_end - cohort_months[r]);
        if (!(k <= kMaxColumns)) return fail(Error::num);
        shown[r] = static_cast<std::size_t>(std::max(0.0, k));
        periods = std::max(periods, shown[r]);
    }
    const std::size_t cols = 2 + periods;
    if (static_cast<double>(cols) > kMaxColumns || static_cast<double>(rows) * static_cast<double>(cols) > kMaxCells)
        return fail(Error::num);

    // Revenue per cohort and period, then cumulated.
    std::vector<double> revenue(rows * std::max<std::size_t>(periods, 1), 0.0);
    for (std::size_t i = 0; i < who.size(); ++i) {
        const std::uint32_t c = who[i];
        const std::size_t r = row_of(months[c]);
        const double k = by_days ? std::floor(static_cast<double>(day[i] - first[c]) / period_days)
                                 : static_cast<double>(month_index(day[i]) - cohort_months[r]);
        if (!(k < static_cast<double>(shown[r]))) continue;  // in a period not complete yet
        revenue[r * periods + static_cast<std::size_t>(k)] += amount_of[i];
    }
    Output out{rows, cols, std::vector<Result>(rows * cols, Result::fail(Error::na))};
    for (std::size_t r = 0; r < rows; ++r) {
        Result* row = &out.cells[r * cols];
        row[0] = Result::of(month_start_serial(cohort_months[r]));
        row[1] = Result::of(size[r]);
        double total = 0.0;
        for (std::size_t k = 0; k < shown[r]; ++k) {
            total += revenue[r * periods + k];
            row[2 + k] = Result::of(total / size[r]);
        }
    }
    return out;
}

}  // namespace kpi
