// Issue 24's statistics. Values are worked out by hand (shown in the
// comments), or are published (R's power.prop.test example), or were
// computed independently with statsmodels 0.13.5 / SciPy 1.10 (Debian 12)
// and are written here with the call that gave them; tests/pykpi/
// test_stats_reference.py recomputes those live against the Python module.
#include <memory>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "expect.hpp"
#include "kpi/catalogue.hpp"
#include "kpi/stats.hpp"

using namespace kpi;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const Cell B = Cell::blank();
Cell N(double v) { return Cell::num(v); }

// The arguments a call builds on the spot (new_grid(30.0)) are kept here
// for the whole run: owned, so the sanitized run reports no leak.
const Grid* own(Grid* g) {
    static std::vector<std::unique_ptr<Grid>> kept;
    kept.emplace_back(g);
    return g;
}
#define new_grid(...) own(new Grid(__VA_ARGS__))

Output call(std::string_view name, std::vector<const ArgView*> args) {
    return evaluate(*find_name(name), args);
}
std::vector<double> values(const Output& o) {
    std::vector<double> v;
    for (const Result& r : o.cells) v.push_back(r.ok() ? r.value : kNaN);
    return v;
}
}  // namespace

TEST(Stats, SaasRevenueByHand) {
    expect_value(grr(100000, 5000, 8000), 0.87);            // (100,000 - 13,000) / 100,000
    expect_value(grr(500, 0, 0), 1.0);
    expect_value(grr(500, 200, 300), 0.0);                  // everything lost
    expect_error(grr(100, 60, 50), Error::num);             // more lost than there was
    expect_error(grr(0, 0, 0), Error::div0);
    expect_error(grr(-1, 0, 0), Error::num);
    expect_error(grr(kNaN, 0, 0), Error::num);
    expect_value(quick_ratio(20000, 10000, 5000, 7000), 2.5);  // 30,000 / 12,000
    expect_value(quick_ratio(0, 0, 1, 0), 0.0);
    expect_error(quick_ratio(5, 5, 0, 0), Error::div0);       // nothing lost
    expect_error(quick_ratio(5, -5, 1, 0), Error::num);
    expect_error(quick_ratio(1e308, 1e308, 1, 0), Error::num);  // the sum overflows
}

TEST(Stats, IncrementalByHand) {
    expect_value(incremental(300, 10000, 20, 1000), 100);  // 300 - 10,000 x 2 %
    expect_value(incremental(10, 100, 30, 100), -20);      // the exposed did worse
    expect_value(incremental(0, 0, 5, 10), 0);
    expect_error(incremental(300, 10000, 0, 0), Error::div0);
    expect_error(incremental(0.03, 1, 0.02, 1), Error::num);  // rates typed for counts
    expect_error(incremental(11, 10, 1, 10), Error::num);     // more conversions than people
    expect_error(incremental(1, 10, 11, 10), Error::num);
    expect_error(incremental(-1, 10, 1, 10), Error::num);
}

TEST(Stats, NpsMarginOfError) {
    // 50 / 30 / 20: pP = 0.5, pD = 0.2, variance 0.7 - 0.3^2 = 0.61, so
    // 100 x 1.959964 x sqrt(0.61 / 100); SciPy: 100 * norm.isf(0.025) *
    // sqrt(Var(P - D)) / n with Var from multinomial(100, [.5, .3, .2]).cov()
    // = 15.307808075042676.
    expect_value(nps_moe(50, 30, 20), 15.307808075042676, 1e-12);
    // All promoters: every answer scores +1, no variance.
    expect_value(nps_moe(10, 0, 0), 0.0);
    // Half and half: scores +-1, variance 1: 100 z sqrt(1/2); z(0.9) = 1.6448536269514722.
    expect_value(nps_moe(1, 0, 1, 0.9), 100 * 1.6448536269514722 * std::sqrt(0.5), 1e-12);
    expect_error(nps_moe(0, 0, 0), Error::div0);
    expect_error(nps_moe(50.5, 30, 20), Error::num);
    expect_error(nps_moe(50, 30, 20, 95), Error::num);  // 95 meant 95 %
    expect_error(nps_moe(50, 30, 20, 0), Error::num);
    expect_error(nps_moe(50, 30, 20, 1), Error::num);
}

TEST(Stats, SampleSizeAgainstRAndStatsmodels) {
    // R's documented example: power.prop.test(p1 = .50, p2 = .75, power = .90)
    // gives n = 76.7 (to the 4 digits of its uniroot): p2 = 0.5 x (1 + 0.5).
    const Result r_example = ab_visitors_exact(0.5, 0.5, 0.05, 0.9, false);
    ASSERT_TRUE(r_example.ok());
    EXPECT_NEAR(r_example.value, 76.7, 0.05);
    expect_value(ab_sample_size(0.5, 0.5, 0.05, 0.9), 77);
    // By hand: p1 = 0.5, p2 = 0.6: (1.959964 sqrt(2 x .55 x .45) + 0.841621 sqrt(.25 + .24))^2 / 0.1^2.
    const double za = 1.959963984540054, zb = 0.8416212335729143;
    const double hand = std::pow((za * std::sqrt(0.495) + zb * 0.7) / 0.1, 2);
    expect_value(ab_visitors_exact(0.5, 0.2, 0.05, 0.8, false), hand, 1e-12);
    expect_value(ab_sample_size(0.5, 0.2), std::ceil(hand));
    // statsmodels samplesize_proportions_2indep_onetail(0.003, 0.03, 0.8, alpha=0.05)
    // = 53210.30120700835; alternative="larger": 41913.60040669567.
    expect_value(ab_visitors_exact(0.03, 0.1, 0.05, 0.8, false), 53210.30120700835, 1e-11);
    expect_value(ab_visitors_exact(0.03, 0.1, 0.05, 0.8, true), 41913.60040669567, 1e-11);
    expect_value(ab_sample_size(0.03, 0.1), 53211);
    // A drop is as detectable as the rise to the mirrored rate.
    expect_value(ab_visitors_exact(0.6, -1.0 / 6.0, 0.05, 0.8, false), hand, 1e-12);
    expect_error(ab_sample_size(0.03, 0), Error::div0);
    expect_error(ab_sample_size(3, 0.1), Error::num);          // 3 meant 3 %
    expect_error(ab_sample_size(0, 0.1), Error::num);
    expect_error(ab_sample_size(0.6, 1), Error::num);          // a variant rate of 120 %
    expect_error(ab_sample_size(0.03, -1), Error::num);        // a variant rate of 0
    expect_error(ab_sample_size(0.03, 0.1, 0, 0.8), Error::num);
    expect_error(ab_sample_size(0.03, 0.1, 0.05, 80), Error::num);
    expect_error(ab_sample_size(0.03, 0.1, 0.05, 0.001), Error::num);  // below what alpha gives
}

TEST(Stats, MinimumDetectableEffectInvertsTheSampleSize) {
    // statsmodels, brentq(lambda d: samplesize_proportions_2indep_onetail(d, 0.03, 0.8) - 53211, ...) / 0.03.
    expect_value(ab_mde(53211, 0.03), 0.09999932790616124, 1e-10);
    for (double n : {100.0, 1000.0, 53211.0, 1e7})
        for (double p : {0.01, 0.2, 0.5, 0.9}) {
            const Result r = ab_mde(n, p, 0.05, 0.8);
            if (!r.ok()) {
                EXPECT_EQ(r.error, Error::num) << n << " " << p;  // too few visitors for any lift
                continue;
            }
            expect_value(ab_visitors_exact(p, r.value, 0.05, 0.8, false), n, 1e-9);
        }
    expect_error(ab_mde(10, 0.9), Error::num);  // even 100 % conversion is not detectable
    expect_error(ab_mde(0, 0.03), Error::div0);
    expect_error(ab_mde(100.5, 0.03), Error::num);
    expect_error(ab_mde(1000, 1.5), Error::num);
}

TEST(Stats, WilsonInterval) {
    // By hand, 0 of 50: the upper bound is z^2 / (n + z^2) = 3.841459 / 53.841459.
    const double z2 = 1.959963984540054 * 1.959963984540054;
    const auto zero = rate_ci(0, 50);
    ASSERT_TRUE(zero[0].ok());
    EXPECT_EQ(zero[0].value, 0.0);  // exactly: centre - half would leave 2e-19
    expect_value(zero[1], z2 / (50 + z2), 1e-12);
    // statsmodels proportion_confint(30, 1000, method="wilson").
    const auto r = rate_ci(30, 1000);
    expect_value(r[0], 0.021093738828834696, 1e-12);
    expect_value(r[1], 0.042503414147587126, 1e-12);
    // A tiny rate keeps its digits (1 of a billion); the bounds are the two
    // roots, whose product is p^2 / (1 + z^2/n).
    const auto tiny = rate_ci(1, 1e9);
    ASSERT_TRUE(tiny[0].ok() && tiny[1].ok());
    expect_value(tiny[0], 1e-18 / (1 + z2 / 1e9) / tiny[1].value, 1e-13);
    const auto all = rate_ci(50, 50);  // mirror of 0 of 50
    expect_value(all[0], 50 / (50 + z2), 1e-12);
    expect_value(all[1], 1.0);
    expect_error(rate_ci(0, 0)[0], Error::div0);
    expect_error(rate_ci(51, 50)[1], Error::num);
    expect_error(rate_ci(0.3, 1)[0], Error::num);
    expect_error(rate_ci(3, 10, 1.0)[0], Error::num);
}

TEST(Stats, LiftInterval) {
    // statsmodels confint_proportions_2indep(30, 1000, 18, 1000, compare="ratio")
    // (method "log-adjusted") = (0.9315221652939469, 2.9178504473195463), minus 1.
    const auto r = lift_ci(30, 1000, 18, 1000);
    expect_value(r[0], 0.9315221652939469 - 1, 1e-12);
    expect_value(r[1], 2.9178504473195463 - 1, 1e-12);
    // By hand, equal groups 100 of 1000 each: ratio 1, the interval symmetric
    // in logs: exp(+-z sqrt(2 (1/100.5 - 1/1000.5))) - 1.
    const double half = 1.959963984540054 * std::sqrt(2 * (1 / 100.5 - 1 / 1000.5));
    const auto eq = lift_ci(100, 1000, 100, 1000);
    expect_value(eq[0], std::exp(-half) - 1, 1e-12);
    expect_value(eq[1], std::exp(half) - 1, 1e-12);
    // No control conversion still has an interval (the half adjustment).
    EXPECT_TRUE(lift_ci(5, 100, 0, 100)[0].ok());
    expect_error(lift_ci(0, 0, 1, 100)[0], Error::div0);
    expect_error(lift_ci(5, 10, 11, 10)[0], Error::num);
    expect_error(lift_ci(0.03, 1, 0.018, 1)[0], Error::num);  // rates typed for counts
}

TEST(Stats, IntervalsThroughTheCatalogueAreRows) {
    const Output o = call("KPI.LIFTCI", {new_grid(30.0), new_grid(1000.0), new_grid(18.0), new_grid(1000.0), new_grid()});
    ASSERT_EQ(o.rows, 1u);
    ASSERT_EQ(o.cols, 2u);
    EXPECT_NEAR(o.cells[1].value, 1.9178504473195463, 1e-12);
    // A blank confidence is the same as leaving it out; a lone blank count is #N/A.
    const Output b = call("KPI.RATECI", {new_grid(30.0), new_grid(1000.0), new_grid(B)});
    ASSERT_EQ(b.cols, 2u);
    EXPECT_NEAR(b.cells[0].value, 0.021093738828834696, 1e-12);
    EXPECT_EQ(call("KPI.RATECI", {new_grid(B), new_grid(1000.0), new_grid()}).single().error, Error::na);
    EXPECT_EQ(call("KPI.RATECI", {new_grid(40.0), new_grid(30.0), new_grid()}).single().error, Error::num);
}

TEST(Stats, RfmWorkedExample) {
    // recency {30;40;5;90;10}: fewer days better, ranks of 90, 40, 30, 10, 5 are
    // 1..5, so 30 days is rank 3: ceil(5 x 2 / 4) = 3. frequency {1;3;6;1;2}:
    // the two 1s share rank 1.5: ceil(5 x 0.5 / 4) = 1; 3 is rank 4: ceil(3.75) = 4;
    // 6 rank 5: 5; 2 rank 3: 3. monetary {300;40;120;35;80}: 300 rank 5: 5.
    const Grid r = Grid::column({N(30), N(40), N(5), N(90), N(10)});
    const Grid f = Grid::column({N(1), N(3), N(6), N(1), N(2)});
    const Grid m = Grid::column({N(300), N(40), N(120), N(35), N(80)});
    const Output o = call("KPI.RFM", {&r, &f, &m, new_grid()});
    ASSERT_EQ(o.rows, 5u);
    ASSERT_EQ(o.cols, 3u);
    EXPECT_EQ(values(o), (std::vector<double>{3, 1, 5, 2, 4, 2, 5, 5, 4, 1, 1, 1, 4, 3, 3}));
    // Two bins: ceil(2 (r - 1) / 4): ranks 1-3 -> 1, 4-5 -> 2 (the shared 1.5 -> 1).
    const Output two = call("KPI.RFM", {&r, &f, &m, new_grid(2.0)});
    EXPECT_EQ(values(two), (std::vector<double>{1, 1, 2, 1, 2, 1, 2, 2, 2, 1, 1, 1, 2, 1, 1}));
}

TEST(Stats, RfmBlankRowsStayBesideTheirCustomers) {
    const Grid r = Grid::column({N(5), B, N(10)});
    const Grid f = Grid::column({N(2), B, N(1)});
    const Grid m = Grid::column({N(10), B, N(20)});
    const Output o = call("KPI.RFM", {&r, &f, &m, new_grid(B)});  // blank bins: 5
    ASSERT_EQ(o.rows, 3u);
    EXPECT_EQ(values(o)[0], 5);  // 2 customers: rank 2 -> ceil(5 x 1 / 1) = 5
    EXPECT_EQ(o.cells[3].error, Error::na);  // the blank row: empty cells
    EXPECT_EQ(values(o)[6], 1);
    // Errors.
    const Grid partial = Grid::column({N(5), N(1), N(10)});
    EXPECT_EQ(call("KPI.RFM", {&partial, &f, &m, new_grid()}).single().error, Error::value);
    const Grid one = Grid::column({N(5)});
    EXPECT_EQ(call("KPI.RFM", {&one, &one, &one, new_grid()}).single().error, Error::div0);
    const Grid neg = Grid::column({N(-5), B, N(10)});
    EXPECT_EQ(call("KPI.RFM", {&neg, &f, &m, new_grid()}).single().error, Error::num);
    EXPECT_EQ(call("KPI.RFM", {&r, &f, &m, new_grid(1.0)}).single().error, Error::num);
    EXPECT_EQ(call("KPI.RFM", {&r, &f, &m, new_grid(2.5)}).single().error, Error::num);
    const Grid shorter = Grid::column({N(5), N(1)});
    EXPECT_EQ(call("KPI.RFM", {&shorter, &f, &m, new_grid()}).single().error, Error::value);
}

TEST(Stats, CohortRevenueWorkedExample) {
    // A buys 50 on 2024-01-01 (45292) and 20 on 2024-02-01 (45323); B buys 30
    // on 2024-01-09 (45300). One January cohort of 2: month 0 (50 + 30) / 2 =
    // 40; to the end of February (as_of 45351 = 2024-02-29) 40 + 20 / 2 = 50.
    const Grid c = Grid::text_column({"A", "B", "A"});
    const Grid d = Grid::column({N(45292), N(45300), N(45323)});
    const Grid a = Grid::column({N(50), N(30), N(20)});
    const Output full = call("KPI.COHORT.REVENUE", {&c, &d, &a, new_grid(0.0), new_grid(45351.0)});
    EXPECT_EQ(values(full), (std::vector<double>{45292, 2, 40, 50}));
    // Without as_of the data end on 2024-02-01: February is not complete and
    // stays out (the table has only January's column).
    const Output cut = call("KPI.COHORT.REVENUE", {&c, &d, &a, new_grid(), new_grid()});
    EXPECT_EQ(values(cut), (std::vector<double>{45292, 2, 40}));
    // as_of 0 (what Calc hands over for a blank cell) is as_of left out, as
    // in KPI.COHORT: not the date 1899-12-30, which would leave no purchase.
    const Output zero = call("KPI.COHORT.REVENUE", {&c, &d, &a, new_grid(0.0), new_grid(0.0)});
    EXPECT_EQ(values(zero), (std::vector<double>{45292, 2, 40}));
    // A purchase after as_of contradicts it (the data is complete up to
    // as_of): #NUM!, as in KPI.COHORT — February's 20 is after 2024-01-31.
    EXPECT_EQ(call("KPI.COHORT.REVENUE", {&c, &d, &a, new_grid(), new_grid(45322.0)}).single().error, Error::num);
    // January's two purchases only, as_of 2024-01-31: January is complete;
    // as_of 2024-01-29 (45320): January not over yet, size only.
    const Grid c2 = Grid::text_column({"A", "B"});
    const Grid d2 = Grid::column({N(45292), N(45300)});
    const Grid a2 = Grid::column({N(50), N(30)});
    EXPECT_EQ(values(call("KPI.COHORT.REVENUE", {&c2, &d2, &a2, new_grid(), new_grid(45322.0)})),
              (std::vector<double>{45292, 2, 40}));
    const Output none = call("KPI.COHORT.REVENUE", {&c2, &d2, &a2, new_grid(), new_grid(45320.0)});
    ASSERT_EQ(none.cols, 2u);
    EXPECT_EQ(values(none), (std::vector<double>{45292, 2}));
}

TEST(Stats, CohortRevenueInDays) {
    // 30-day periods from each first purchase. A: day 45292 (100), day 45321
    // (still period 0, 29 days later: 10), day 45322 (period 1: 40). Data
    // ending on 45322 cover period 1 for one day only: period 0 is shown
    // (45292 + 30 <= 45322 + 1), period 1 is not.
    const Grid c = Grid::column({N(1), N(1), N(1)});
    const Grid d = Grid::column({N(45292), N(45321), N(45322)});
    const Grid a = Grid::column({N(100), N(10), N(40)});
    EXPECT_EQ(values(call("KPI.COHORT.REVENUE", {&c, &d, &a, new_grid(30.0), new_grid()})),
              (std::vector<double>{45292, 1, 110}));
    // as_of on the period's last day (45292 + 59 = 45351): period 1 is complete.
    EXPECT_EQ(values(call("KPI.COHORT.REVENUE", {&c, &d, &a, new_grid(30.0), new_grid(45351.0)})),
              (std::vector<double>{45292, 1, 110, 150}));
    // Refunds as negative amounts.
    const Grid refund = Grid::column({N(100), N(-10), N(40)});
    EXPECT_EQ(values(call("KPI.COHORT.REVENUE", {&c, &d, &refund, new_grid(30.0), new_grid(45351.0)})),
              (std::vector<double>{45292, 1, 90, 130}));
}

TEST(Stats, CohortRevenueErrors) {
    const Grid c = Grid::column({N(1), N(2)});
    const Grid d = Grid::column({N(45292), N(45300)});
    const Grid a = Grid::column({N(10), B});
    EXPECT_EQ(call("KPI.COHORT.REVENUE", {&c, &d, &a, new_grid(), new_grid()}).single().error, Error::value);
    const Grid a2 = Grid::column({N(10), N(5)});
    EXPECT_EQ(call("KPI.COHORT.REVENUE", {&c, &d, &a2, new_grid(-1.0), new_grid()}).single().error, Error::num);
    // as_of 1899-12-31, before every purchase: the purchases contradict it.
    EXPECT_EQ(call("KPI.COHORT.REVENUE", {&c, &d, &a2, new_grid(), new_grid(1.0)}).single().error, Error::num);
    const Grid blanks = Grid::column({B, B});
    EXPECT_EQ(call("KPI.COHORT.REVENUE", {&blanks, &blanks, &blanks, new_grid(), new_grid()}).single().error,
              Error::div0);
    const Grid shorter = Grid::column({N(10)});
    EXPECT_EQ(call("KPI.COHORT.REVENUE", {&c, &d, &shorter, new_grid(), new_grid()}).single().error, Error::value);
    const Grid text = Grid::text_column({"ten", "five"});
    EXPECT_EQ(call("KPI.COHORT.REVENUE", {&c, &d, &text, new_grid(), new_grid()}).single().error, Error::value);
}
