// The formulas on plain numbers: worked values (by hand or from the cited
// source) and every error path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kpi/kpi.hpp"
#include "expect.hpp"

using namespace kpi;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST(Costs, WorkedValues) {
    expect_value(cpl(30000, 200), 150);   // the README's example
    expect_value(cpa(12000, 80), 150);
    expect_value(cac(50000, 125), 400);
    expect_value(cpc(1250, 5000), 0.25);
    expect_value(cpm(600, 200000), 3);    // 1000 * 600 / 200000
    expect_value(cpl(0, 10), 0);
}

TEST(Costs, Errors) {
    expect_error(cpl(100, 0), Error::div0);
    expect_error(cpl(-1, 10), Error::num);
    expect_error(cpl(10, -1), Error::num);
    expect_error(cpl(-1, 0), Error::num);  // a wrong input is reported before the zero
    expect_error(cpm(1, 0), Error::div0);
    expect_error(cpl(kNaN, 1), Error::num);
    expect_error(cpl(1, kInf), Error::num);
    expect_error(cpl(1e308, 1e-308), Error::num);  // overflow is #NUM!, never inf
    expect_error(cpm(1e306, 1), Error::num);       // 1000 x 1e306 overflows
}

TEST(Rates, WorkedValues) {
    expect_value(ctr(150, 10000), 0.015);
    expect_value(convrate(45, 1500), 0.03);
    expect_value(share(3000, 12000), 0.25);
    expect_value(openrate(2450, 9800), 0.25);
    expect_value(ctor(294, 2450), 0.12);
    expect_value(unsubrate(49, 9800), 0.005);
    expect_value(bouncerate(200, 10000), 0.02);
    expect_value(engagement(540, 12000), 0.045);
    expect_value(mql2sql(30, 120), 0.25);
    expect_value(churn(50, 1000), 0.05);
    // 1100 at the end, 200 of them new: 900 of the 1000 were kept.
    expect_value(retention(1100, 200, 1000), 0.9);
    // Opens can exceed deliveries when total (not unique) opens are counted.
    expect_value(openrate(12, 10), 1.2);
}

TEST(Rates, Errors) {
    expect_error(ctr(1, 0), Error::div0);
    expect_error(share(5, 4), Error::num);          // a part larger than its whole
    expect_error(bouncerate(11, 10), Error::num);
    expect_error(unsubrate(11, 10), Error::num);
    expect_error(churn(1001, 1000), Error::num);
    expect_error(retention(100, 150, 1000), Error::num);  // more new customers than customers
    expect_error(retention(1500, 100, 1000), Error::num); // kept 1400 of 1000
    expect_error(retention(100, 0, 0), Error::num);       // kept 100 of 0: inconsistent first
    expect_error(retention(0, 0, 0), Error::div0);
    expect_error(churn(-1, 10), Error::num);
}

TEST(Returns, WorkedValues) {
    expect_value(roi(15000, 10000), 0.5);
    expect_value(roi(5000, 10000), -0.5);  // a loss
    expect_value(roas(20000, 5000), 4);
    expect_value(growth(1200, 1000), 0.2);
    expect_value(growth(800, 1000), -0.2);
    expect_error(roi(1, 0), Error::div0);
    expect_error(growth(1, 0), Error::div0);
    expect_error(roas(-1, 5), Error::num);
}

TEST(CustomerValue, WorkedValues) {
    expect_value(aov(45000, 600), 75);
    expect_value(arpu(90000, 3000), 30);
    expect_value(clv(75, 4, 3), 900);
    expect_value(clv(75, 4, 3, 0.3), 270);
    expect_value(ltv2cac(1200, 400), 3);
    expect_value(payback(400, 50), 8);
    expect_value(payback(400, 50, 0.8), 10);  // 400 / (50 * 0.8)
}

TEST(CustomerValue, Errors) {
    expect_error(clv(75, 4, 3, 1.5), Error::num);
    expect_error(clv(75, 4, 3, -0.1), Error::num);
    expect_error(clv(-75, 4, 3), Error::num);
    expect_error(payback(400, 0), Error::div0);
    expect_error(payback(400, 50, 0), Error::div0);
    expect_error(ltv2cac(100, 0), Error::div0);
    expect_error(aov(1, 0), Error::div0);
}

TEST(Clvret, GuptaLehmannMarginMultiple) {
    // m r / (1 + d - r) with m = 100, r = 0.8, d = 0.1: 80 / 0.3.
    expect_value(clvret(100, 0.8, 0.1), 80.0 / 0.3);
    // First margin now: m (1 + d) / (1 + d - r) = 110 / 0.3. It exceeds the
    // other by exactly m (the margin received today, undiscounted).
    expect_value(clvret(100, 0.8, 0.1, true), 110.0 / 0.3);
    EXPECT_NEAR(clvret(100, 0.8, 0.1, true).value - clvret(100, 0.8, 0.1).value, 100.0, 1e-9);
    // Gupta & Lehmann's rule of thumb: r = 0.8, i = 0.12 gives a multiple of
    // 0.8 / 0.32 = 2.5.
    expect_value(clvret(1, 0.8, 0.12), 2.5);
    expect_value(clvret(100, 0, 0.1), 0);
}

TEST(Clvret, Domain) {
    expect_error(clvret(100, 1.2, 0.1), Error::num);   // retention above 1
    expect_error(clvret(100, -0.1, 0.1), Error::num);
    expect_error(clvret(100, 0.9, -0.1), Error::num);  // r >= 1 + d: the series diverges
    expect_error(clvret(100, 0.5, -1.0), Error::num);  // d <= -1
    expect_error(clvret(kNaN, 0.5, 0.1), Error::num);
}

TEST(Nps, Counts) {
    expect_value(npscount(50, 30, 20), 30);
    expect_value(npscount(0, 0, 7), -100);
    expect_value(npscount(3, 0, 0), 100);
    expect_error(npscount(0, 0, 0), Error::div0);
    expect_error(npscount(-1, 2, 3), Error::num);
}

TEST(TimeToClose, MeanAndMedian) {
    const std::vector<double> first{45000, 45010, 45020};
    const std::vector<double> close{45030, 45025, 45080};  // 30, 15, 60 days
    expect_value(time_to_close(first, close, Statistic::mean), 35);
    expect_value(time_to_close(first, close, Statistic::median), 30);
    const std::vector<double> f4{0, 0, 0, 0}, c4{1, 2, 10, 20};
    expect_value(time_to_close(f4, c4, Statistic::median), 6);  // (2 + 10) / 2
    expect_value(time_to_close(std::vector<double>{1.25}, std::vector<double>{3.75}, Statistic::mean), 2.5);
}

TEST(TimeToClose, Errors) {
    expect_error(time_to_close(std::vector<double>{10}, std::vector<double>{5}, Statistic::mean), Error::num);
    expect_error(time_to_close({}, {}, Statistic::mean), Error::div0);
    expect_error(time_to_close(std::vector<double>{1, 2}, std::vector<double>{3}, Statistic::mean), Error::value);
    expect_error(time_to_close(std::vector<double>{1}, std::vector<double>{3}, static_cast<Statistic>(7)), Error::num);
}

TEST(ScoreAuc, CountsPairsByHand) {
    // Converted scores 0.9, 0.7; others 0.8, 0.6, 0.5. Pairs won: 0.9 beats
    // three, 0.7 beats two: 5 of 6.
    const std::vector<double> s{0.9, 0.8, 0.7, 0.6, 0.5}, y{1, 0, 1, 0, 0};
    expect_value(score_auc(s, y), 5.0 / 6.0);
    // Perfect and inverted rankings.
    expect_value(score_auc(std::vector<double>{1, 2, 3, 4}, std::vector<double>{0, 0, 1, 1}), 1.0);
    expect_value(score_auc(std::vector<double>{1, 2, 3, 4}, std::vector<double>{1, 1, 0, 0}), 0.0);
    // All tied: every pair counts one half.
    expect_value(score_auc(std::vector<double>{5, 5, 5}, std::vector<double>{1, 0, 0}), 0.5);
    // One tie among four pairs: converted {3, 2}, others {2, 1}:
    // 3>2, 3>1, 2=2 (half), 2>1 -> 3.5 / 4.
    expect_value(score_auc(std::vector<double>{3, 2, 2, 1}, std::vector<double>{1, 1, 0, 0}), 3.5 / 4.0);
}

TEST(ScoreAuc, MatchesAllPairsCountOnRandomData) {
    // The O(n log n) rank formula against the O(n^2) definition.
    std::vector<double> s, y;
    unsigned state = 12345;
    auto next = [&] { state = state * 1103515245u + 12345u; return (state >> 16) & 0x7fff; };
    for (int i = 0; i < 400; ++i) {
        s.push_back(static_cast<double>(next() % 50));  // many ties
        y.push_back(next() % 3 == 0 ? 1.0 : 0.0);
    }
    double wins = 0, pairs = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
        for (std::size_t j = 0; j < s.size(); ++j)
            if (y[i] == 1 && y[j] == 0) {
                pairs += 1;
                wins += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
            }
    expect_value(score_auc(s, y), wins / pairs);
    // The same rows in score order take the one-pass path (no sort): same value.
    std::vector<std::size_t> order(s.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return s[a] < s[b]; });
    std::vector<double> s_sorted, y_sorted;
    for (std::size_t i : order) {
        s_sorted.push_back(s[i]);
        y_sorted.push_back(y[i]);
    }
    expect_value(score_auc(s_sorted, y_sorted), wins / pairs);
    // Sorted, with ties across groups: converted {2, 3}, others {1, 2}: 3.5 / 4.
    expect_value(score_auc(std::vector<double>{1, 2, 2, 3}, std::vector<double>{0, 0, 1, 1}), 3.5 / 4.0);
}

TEST(ScoreAuc, Errors) {
    expect_error(score_auc(std::vector<double>{1, 2}, std::vector<double>{1, 1}), Error::div0);
    expect_error(score_auc(std::vector<double>{1, 2}, std::vector<double>{1, 2}), Error::num);
    expect_error(score_auc(std::vector<double>{1, 2}, std::vector<double>{1}), Error::value);
    expect_error(score_auc(std::vector<double>{kNaN, 2}, std::vector<double>{1, 0}), Error::num);
    expect_error(score_auc({}, {}), Error::div0);
}

TEST(Funnel, StageToStage) {
    const auto f = funnel(std::vector<double>{10000, 2500, 500, 100});
    ASSERT_EQ(f.size(), 4u);
    expect_value(f[0], 1);
    expect_value(f[1], 0.25);
    expect_value(f[2], 0.2);
    expect_value(f[3], 0.2);
    const auto z = funnel(std::vector<double>{100, 0, 5});
    expect_value(z[1], 0);
    expect_error(z[2], Error::div0);
    expect_error(funnel(std::vector<double>{0})[0], Error::div0);
    expect_error(funnel(std::vector<double>{-1, 5})[0], Error::num);
    EXPECT_TRUE(funnel({}).empty());
}
