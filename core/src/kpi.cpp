#include "kpi/kpi.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/erf.hpp>

#include "kpi/stop.hpp"

namespace kpi {
namespace {

bool finite(double x) { return std::isfinite(x); }
// A count or an amount: finite and not negative.
bool nonneg(double x) { return finite(x) && x >= 0.0; }
// A whole count >= 0 (visitors, conversions: people are counted one by one).
bool whole(double x) { return nonneg(x) && x == std::floor(x); }

// numerator / denominator for quantities that cannot be negative. Checks the
// domain before the denominator, so CPL(-5; 0) says #NUM! (the input is wrong)
// rather than #DIV/0!.
Result ratio(double num, double den) {
    if (!nonneg(num) || !nonneg(den)) return Result::fail(Error::num);
    if (den == 0.0) return Result::fail(Error::div0);
    return Result::of(num / den);
}

// A ratio of a part to the whole it belongs to: cannot exceed 1.
// Checked before the zero test: a part of nothing that is not nothing is an
// inconsistent input (#NUM!), only 0 of 0 is #DIV/0!.
Result part_of(double part, double whole) {
    if (nonneg(part) && nonneg(whole) && part > whole) return Result::fail(Error::num);
    return ratio(part, whole);
}

bool is_fraction(double x) { return finite(x) && x >= 0.0 && x <= 1.0; }

}  // namespace

Result cpl(double cost, double leads) { return ratio(cost, leads); }
Result cpa(double cost, double acquisitions) { return ratio(cost, acquisitions); }
Result cac(double cost, double new_customers) { return ratio(cost, new_customers); }
Result cpc(double cost, double clicks) { return ratio(cost, clicks); }
Result cpm(double cost, double impressions) {
    Result r = ratio(cost, impressions);
    return r.ok() ? Result::of(1000.0 * r.value) : r;
}

Result ctr(double clicks, double impressions) { return ratio(clicks, impressions); }
Result convrate(double conversions, double visitors) { return ratio(conversions, visitors); }
Result share(double part, double total) { return part_of(part, total); }
Result openrate(double opens, double delivered) { return ratio(opens, delivered); }
Result ctor(double clicks, double opens) { return ratio(clicks, opens); }
Result unsubrate(double unsubscribes, double delivered) { return part_of(unsubscribes, delivered); }
Result bouncerate(double bounces, double sent) { return part_of(bounces, sent); }
Result engagement(double engagements, double impressions) { return ratio(engagements, impressions); }
Result mql2sql(double sqls, double mqls) { return ratio(sqls, mqls); }

Result retention(double customers_end, double new_customers, double customers_start) {
    if (!nonneg(customers_end) || !nonneg(new_customers) || !nonneg(customers_start))
        return Result::fail(Error::num);
    const double kept = customers_end - new_customers;
    // More new customers than customers at the end, or more kept than there
    // were at the start, cannot happen: the inputs are inconsistent.
    if (kept < 0.0) return Result::fail(Error::num);
    return part_of(kept, customers_start);
}
Result churn(double customers_lost, double customers_start) { return part_of(customers_lost, customers_start); }

Result roi(double gain, double investment) {
    Result r = ratio(gain, investment);
    return r.ok() ? Result::of((gain - investment) / investment) : r;
}
Result roas(double revenue, double ad_spend) { return ratio(revenue, ad_spend); }
Result growth(double current, double previous) {
    Result r = ratio(current, previous);
    return r.ok() ? Result::of((current - previous) / previous) : r;
}

Result aov(double revenue, double orders) { return ratio(revenue, orders); }
Result arpu(double revenue, double users) { return ratio(revenue, users); }

Result clv(double average_order_value, double purchase_frequency, double lifespan, double gross_margin) {
    if (!nonneg(average_order_value) || !nonneg(purchase_frequency) || !nonneg(lifespan) ||
        !is_fraction(gross_margin))
        return Result::fail(Error::num);
    return Result::of(average_order_value * purchase_frequency * lifespan * gross_margin);
}

Result clvret(double margin, double retention_rate, double discount_rate, bool first_margin_now) {
    if (!finite(margin) || !finite(retention_rate) || !finite(discount_rate)) return Result::fail(Error::num);
    const double d = discount_rate, r = retention_rate;
    // The geometric series sum_{t>=1} r^t/(1+d)^t converges only for r < 1+d;
    // a retention rate is a probability.
    // A discount rate above 1 (100 %) is almost always a percentage typed as
    // a whole number (10 for 10 %): #NUM!, as for a retention rate above 1.
    if (d <= -1.0 || d > 1.0 || r < 0.0 || r > 1.0 || r >= 1.0 + d) return Result::fail(Error::num);
    const double denom = 1.0 + d - r;
    return Result::of(first_margin_now ? margin * (1.0 + d) / denom : margin * r / denom);
}

Result ltv2cac(double clv_value, double cac_value) { return ratio(clv_value, cac_value); }

Result payback(double cac_value, double monthly_revenue_per_customer, double gross_margin) {
    if (!nonneg(cac_value) || !nonneg(monthly_revenue_per_customer) || !is_fraction(gross_margin))
        return Result::fail(Error::num);
    return ratio(cac_value, monthly_revenue_per_customer * gross_margin);
}

Result nrr(double revenue_start, double expansion, double contraction, double churned) {
    if (!nonneg(revenue_start) || !nonneg(expansion) || !nonneg(contraction) || !nonneg(churned))
        return Result::fail(Error::num);
    // Contraction and churn are revenue lost from the accounts of the start:
    // more than they brought in is an inconsistent input.
    const double lost = contraction + churned;
    if (!finite(lost) || lost > revenue_start) return Result::fail(Error::num);
    if (revenue_start == 0.0) return Result::fail(Error::div0);
    // (start - lost) is exact enough: lost <= start, no cancellation below 0.
    return Result::of((revenue_start - lost) / revenue_start + expansion / revenue_start);
}

Result winrate(double won, double lost) {
    if (!nonneg(won) || !nonneg(lost)) return Result::fail(Error::num);
    const double decided = won + lost;
    if (!finite(decided)) return Result::fail(Error::num);
    return ratio(won, decided);
}
Result pipecoverage(double pipeline, double quota) { return ratio(pipeline, quota); }

Result romi(double incremental_revenue, double gross_margin, double marketing_cost) {
    if (!nonneg(incremental_revenue) || !is_fraction(gross_margin) || !nonneg(marketing_cost))
        return Result::fail(Error::num);
    if (marketing_cost == 0.0) return Result::fail(Error::div0);
    return Result::of(incremental_revenue * gross_margin / marketing_cost - 1.0);
}

Result breakevenroas(double gross_margin) {
    if (!is_fraction(gross_margin)) return Result::fail(Error::num);
    if (gross_margin == 0.0) return Result::fail(Error::div0);
    return Result::of(1.0 / gross_margin);
}

Result frequency(double impressions, double reach) {
    // Everyone reached saw at least one impression.
    if (nonneg(impressions) && nonneg(reach) && reach > impressions) return Result::fail(Error::num);
    return ratio(impressions, reach);
}
Result grp(double impressions, double population) {
    Result r = ratio(impressions, population);
    return r.ok() ? Result::of(100.0 * r.value) : r;
}
Result viewrate(double views, double impressions) { return part_of(views, impressions); }
Result cpv(double cost, double views) { return ratio(cost, views); }

Result lift(double conversions_test, double visitors_test, double conversions_control, double visitors_control) {
    // Counts of people: a fraction is a rate typed in place of a count.
    if (!whole(conversions_test) || !whole(visitors_test) || !whole(conversions_control) ||
        !whole(visitors_control))
        return Result::fail(Error::num);
    // No visitor in a group, or no control conversion: no rate to compare with.
    if (visitors_test == 0.0 || visitors_control == 0.0 || conversions_control == 0.0)
        return Result::fail(Error::div0);
    return Result::of((conversions_test / visitors_test) / (conversions_control / visitors_control) - 1.0);
}

Result ab_pvalue(double conversions_a, double visitors_a, double conversions_b, double visitors_b) {
    // Counts of people: a fraction is a rate typed in place of a count (0.03
    // for 30 conversions out of 1,000 would be tested as 0.03 out of 1).
    if (!whole(conversions_a) || !whole(visitors_a) || !whole(conversions_b) || !whole(visitors_b))
        return Result::fail(Error::num);
    // Proportions: a visitor converts or not.
    if (conversions_a > visitors_a || conversions_b > visitors_b) return Result::fail(Error::num);
    if (visitors_a == 0.0 || visitors_b == 0.0) return Result::fail(Error::div0);
    // z = |pa - pb| / sqrt(p q (1/na + 1/nb)), written so that no
    // intermediate leaves the doubles for any finite counts: the pooled
    // counts are halved when their sum would overflow (1e308 visitors per
    // group), 1/na + 1/nb is taken as 1/h with h = na nb / (na + nb)
    // (1/1e300 squared against a small rate underflowed to a variance of 0,
    // #DIV/0!), and sqrt(p), sqrt(q) are taken apart (p q can underflow).
    const double k = finite(visitors_a + visitors_b) ? 1.0 : 0.5;
    const double n = k * visitors_a + k * visitors_b, x = k * conversions_a + k * conversions_b;
    // Pooled proportion and its complement, the latter computed from the
    // non-converted counts so that a rate near 1 keeps its digits.
    const double p = x / n, q = ((k * visitors_a - k * conversions_a) + (k * visitors_b - k * conversions_b)) / n;
    // Nobody converted, or everybody did: the two samples cannot differ and
    // the test statistic is 0 / 0.
    if (!(p > 0.0) || !(q > 0.0)) return Result::fail(Error::div0);
    const double h = (k * visitors_a / n) * visitors_b;  // na nb / (na + nb), at most nb
    const double z = (std::fabs(conversions_a / visitors_a - conversions_b / visitors_b) / std::sqrt(p)) *
                     (std::sqrt(h) / std::sqrt(q));
    // z can only be +inf (rates far apart in huge groups: a p-value of 0),
    // never NaN, for finite counts; NaN stays #NUM! should it ever arise.
    if (std::isnan(z)) return Result::fail(Error::num);
    // P(|Z| >= z) = erfc(z / sqrt 2): erfc keeps its relative accuracy far
    // into the tail, where 1 - Phi(z) would round to 0 from z = 8.3 on.
    namespace bmp = boost::math::policies;
    using Quiet = bmp::policy<bmp::domain_error<bmp::errno_on_error>, bmp::overflow_error<bmp::errno_on_error>,
                              bmp::underflow_error<bmp::ignore_error>, bmp::evaluation_error<bmp::errno_on_error>>;
    return Result::of(boost::math::erfc(z / std::sqrt(2.0), Quiet()));
}

Result npscount(double promoters, double passives, double detractors) {
    if (!nonneg(promoters) || !nonneg(passives) || !nonneg(detractors)) return Result::fail(Error::num);
    const double n = promoters + passives + detractors;
    if (!finite(n)) return Result::fail(Error::num);
    if (n == 0.0) return Result::fail(Error::div0);
    return Result::of(100.0 * (promoters - detractors) / n);
}

Result time_to_close(std::span<const double> first_contact, std::span<const double> close,
                     Statistic statistic) {
    if (first_contact.size() != close.size()) return Result::fail(Error::value);
    if (statistic != Statistic::mean && statistic != Statistic::median) return Result::fail(Error::num);
    std::vector<double> days;
    days.reserve(close.size());
    for (std::size_t i = 0; i < close.size(); ++i) {
        if (stop_at(i)) return Result::fail(Error::value);  // the host stops the call: discarded
        const double d = close[i] - first_contact[i];
        if (!finite(first_contact[i]) || !finite(close[i]) || !finite(d) || d < 0.0)
            return Result::fail(Error::num);
        days.push_back(d);
    }
    if (days.empty()) return Result::fail(Error::div0);
    if (statistic == Statistic::mean) {
        // Kahan-free but overflow-safe: the durations are differences of
        // finite dates, and a mean of n of them cannot overflow when summed
        // as d/n.
        double mean = 0.0;
        const double n = static_cast<double>(days.size());
        for (double d : days) mean += d / n;
        return Result::of(mean);
    }
    const std::size_t mid = days.size() / 2;
    std::nth_element(days.begin(), days.begin() + mid, days.end());
    const double upper = days[mid];
    if (days.size() % 2 == 1) return Result::of(upper);
    const double lower = *std::max_element(days.begin(), days.begin() + mid);
    return Result::of(lower + (upper - lower) / 2.0);
}

Result score_auc(std::span<const double> scores, std::span<const double> converted) {
    if (scores.size() != converted.size()) return Result::fail(Error::value);
    // The Mann-Whitney U statistic, counted directly: for each converted
    // lead, the non-converted leads scored below it, plus one half for each
    // scored the same. The two groups' scores are sorted apart (plain
    // doubles: cache-friendly, several times faster than sorting an index
    // into the scores) and walked once together. Input already in score
    // order (the PostgreSQL aggregate merges sorted runs) is read in one
    // pass, with no copy.
    std::size_t n_pos = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (stop_at(i)) return Result::fail(Error::value);  // the host stops the call: discarded
        if (!finite(scores[i]) || !(converted[i] == 0.0 || converted[i] == 1.0))
            return Result::fail(Error::num);
        n_pos += converted[i] == 1.0;
    }
    if (n_pos == 0 || n_pos == scores.size()) return Result::fail(Error::div0);
    const double pairs = static_cast<double>(n_pos) * static_cast<double>(scores.size() - n_pos);
    if (std::is_sorted(scores.begin(), scores.end())) {
        // In score order already: one pass over the runs of equal scores,
        // no copy (each converted lead of a run counts the negatives before
        // the run, and half of those inside it).
        std::uint64_t twice_u = 0, neg_before = 0;
        for (std::size_t i = 0; i < scores.size();) {
            std::uint64_t pos_run = 0, neg_run = 0;
            std::size_t j = i;
            for (; j < scores.size() && scores[j] == scores[i]; ++j) (converted[j] == 1.0 ? pos_run : neg_run) += 1;
            twice_u += pos_run * (2 * neg_before + neg_run);
            neg_before += neg_run;
            i = j;
        }
        return Result::of(static_cast<double>(twice_u) / 2.0 / pairs);
    }
    std::vector<double> pos, neg;
    pos.reserve(n_pos);
    neg.reserve(scores.size() - n_pos);
    for (std::size_t i = 0; i < scores.size(); ++i) (converted[i] == 1.0 ? pos : neg).push_back(scores[i]);
    std::sort(pos.begin(), pos.end());
    std::sort(neg.begin(), neg.end());
    // Twice U, an exact integer (below 2 * 2^63 for any table Calc or a
    // database can hold in memory).
    std::uint64_t twice_u = 0;
    std::size_t below = 0, upto = 0;  // negatives < p, negatives <= p
    for (double p : pos) {
        while (below < neg.size() && neg[below] < p) ++below;
        if (upto < below) upto = below;
        while (upto < neg.size() && neg[upto] <= p) ++upto;
        twice_u += 2 * below + (upto - below);
    }
    return Result::of(static_cast<double>(twice_u) / 2.0 / pairs);
}

Result score_auc(std::span<const double> scores, std::span<const double> converted,
                 std::span<const std::int64_t> counts) {
    if (scores.size() != converted.size() || counts.size() != scores.size()) return Result::fail(Error::value);
    // Counts reach past 2^32 rows in a database, so the products below are
    // taken in 128 bits: twice U is exact for any count an int64 holds.
    using Wide = unsigned __int128;
    Wide n_pos = 0, n = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (stop_at(i)) return Result::fail(Error::value);  // the host stops the call: discarded
        if (counts[i] <= 0) return Result::fail(Error::value);
        if (!finite(scores[i]) || !(converted[i] == 0.0 || converted[i] == 1.0)) return Result::fail(Error::num);
        n += static_cast<Wide>(counts[i]);
        if (converted[i] == 1.0) n_pos += static_cast<Wide>(counts[i]);
    }
    if (n_pos == 0 || n_pos == n) return Result::fail(Error::div0);
    // The pairs in score order (an index: k is small, the pairs distinct),
    // then one pass over the runs of equal scores, as score_auc's sorted path.
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (!std::is_sorted(scores.begin(), scores.end()))
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    Wide twice_u = 0, neg_before = 0;
    for (std::size_t i = 0; i < order.size();) {
        Wide pos_run = 0, neg_run = 0;
        std::size_t j = i;
        for (; j < order.size() && scores[order[j]] == scores[order[i]]; ++j)
            (converted[order[j]] == 1.0 ? pos_run : neg_run) += static_cast<Wide>(counts[order[j]]);
        twice_u += pos_run * (2 * neg_before + neg_run);
        neg_before += neg_run;
        i = j;
    }
    const double pairs = static_cast<double>(n_pos) * static_cast<double>(n - n_pos);
    return Result::of(static_cast<double>(twice_u) / 2.0 / pairs);
}

std::vector<Result> funnel(std::span<const double> stage_counts) {
    std::vector<Result> out;
    out.reserve(stage_counts.size());
    for (std::size_t i = 0; i < stage_counts.size(); ++i) {
        if (stop_at(i)) return {Result::fail(Error::value)};  // the host stops the call: discarded
        const double prev = i == 0 ? stage_counts[0] : stage_counts[i - 1];
        out.push_back(ratio(stage_counts[i], prev));
    }
    return out;
}

}  // namespace kpi
