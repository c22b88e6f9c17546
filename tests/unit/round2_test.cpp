// Issue 14 ("definitions, round 2"): the new formulas, the NPS and
// TIMETOCLOSE convention changes and the cohort table. Values are worked out
// by hand (shown in the comments) or computed independently: the A/B
// p-values with SciPy and mpmath, the cohort table by a naive second
// implementation on std::chrono's calendar.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "expect.hpp"
#include "kpi/args.hpp"
#include "kpi/catalogue.hpp"
#include "kpi/cohort.hpp"
#include "kpi/kpi.hpp"

using namespace kpi;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
const Cell B = Cell::blank();
Cell N(double v) { return Cell::num(v); }


Output run_cohort(const ArgView& customers, const ArgView& dates, const ArgView& period, const ArgView& as_of) {
    const ArgView* a[] = {&customers, &dates, &period, &as_of};
    return cohort(a);
}
Output run_cohort(const ArgView& customers, const ArgView& dates, const ArgView& period) {
    return run_cohort(customers, dates, period, Grid());
}
}  // namespace

TEST(Round2, SalesAndMediaWorkedValues) {
    expect_value(winrate(30, 70), 0.3);             // 30 / (30 + 70)
    expect_value(winrate(0, 5), 0.0);
    expect_value(pipecoverage(300000, 100000), 3);  // 3x coverage
    expect_value(frequency(50000, 20000), 2.5);     // 50,000 impressions over 20,000 people
    expect_value(frequency(7, 7), 1.0);
    expect_value(grp(3000000, 1500000), 200);       // 100 x 3,000,000 / 1,500,000
    expect_value(viewrate(1200, 4000), 0.3);
    expect_value(cpv(600, 12000), 0.05);
}

TEST(Round2, SalesAndMediaErrors) {
    expect_error(winrate(0, 0), Error::div0);
    expect_error(winrate(-1, 5), Error::num);
    expect_error(winrate(1e308, 1e308), Error::num);  // the sum overflows
    expect_error(pipecoverage(10, 0), Error::div0);
    expect_error(frequency(10, 20), Error::num);      // more people reached than impressions
    expect_error(frequency(10, 0), Error::div0);
    expect_error(frequency(0, 0), Error::div0);
    expect_error(grp(10, 0), Error::div0);
    expect_error(grp(1e307, 1), Error::num);          // 100 x 1e307 overflows
    expect_error(viewrate(5, 4), Error::num);         // a view is a watched impression
    expect_error(viewrate(0, 0), Error::div0);
    expect_error(cpv(1, 0), Error::div0);
    expect_error(cpv(kNaN, 1), Error::num);
}

TEST(Round2, MarginReturns) {
    // (50,000 x 0.4 - 10,000) / 10,000 = 10,000 / 10,000 = 1.
    expect_value(romi(50000, 0.4, 10000), 1.0);
    // A campaign whose margin does not cover its cost: (20,000 x 0.3 - 10,000) / 10,000 = -0.4.
    expect_value(romi(20000, 0.3, 10000), -0.4);
    expect_value(romi(0, 0.5, 100), -1.0);
    expect_error(romi(100, 0.5, 0), Error::div0);
    expect_error(romi(100, 1.5, 10), Error::num);  // a margin is a fraction
    expect_error(romi(-1, 0.5, 10), Error::num);
    expect_value(breakevenroas(0.25), 4.0);        // 1 / 0.25: 4 of revenue per 1 spent breaks even
    expect_value(breakevenroas(1), 1.0);
    expect_error(breakevenroas(0), Error::div0);
    expect_error(breakevenroas(-0.2), Error::num);
    expect_error(breakevenroas(1.2), Error::num);
    expect_error(breakevenroas(kInf), Error::num);
}

TEST(Round2, NetRevenueRetention) {
    // (100,000 + 15,000 - 5,000 - 8,000) / 100,000 = 102,000 / 100,000.
    expect_value(nrr(100000, 15000, 5000, 8000), 1.02);
    expect_value(nrr(100, 0, 0, 100), 0.0);        // every account lost
    expect_value(nrr(100, 50, 0, 0), 1.5);
    expect_error(nrr(100, 0, 60, 50), Error::num);  // lost 110 of 100
    expect_error(nrr(0, 0, 0, 0), Error::div0);
    expect_error(nrr(0, 10, 0, 0), Error::div0);
    expect_error(nrr(0, 0, 1, 0), Error::num);      // lost revenue nobody had
    expect_error(nrr(100, -1, 0, 0), Error::num);
}

TEST(Round2, Lift) {
    // Test 30 / 1,000 = 3 %, control 18 / 1,000 = 1.8 %: 0.03 / 0.018 - 1 = 2/3.
    expect_value(lift(30, 1000, 18, 1000), 2.0 / 3.0);
    // A worse test: 10 / 500 = 2 % against 40 / 1,000 = 4 %: -50 %.
    expect_value(lift(10, 500, 40, 1000), -0.5);
    expect_error(lift(5, 100, 0, 100), Error::div0);  // no control conversion: no base
    expect_error(lift(5, 0, 1, 100), Error::div0);
    expect_error(lift(5, 100, 1, 0), Error::div0);
    expect_error(lift(-5, 100, 1, 0), Error::num);    // the domain error is reported before the zero
    expect_error(lift(5, 0, -1, 100), Error::num);
}

TEST(Round2, AbPValueAgainstScipyAndMpmath) {
    // Reference values, two-sided p = 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2) with
    // z = (pa - pb) / sqrt(p (1 - p) (1/na + 1/nb)), p the pooled rate:
    // SciPy 1.10.1 `2 * scipy.stats.norm.sf(z)` and mpmath 1.3.0 `erfc(z / sqrt(2))`
    // at 40 digits; both agree to the digits written here.
    //
    // Chosen so that z / sqrt 2 is exact: 60/100 vs 40/100 pools to p = 0.5,
    // se = sqrt(0.25 x 0.02) = 0.1 / sqrt 2, z = 0.2 / se = 2 sqrt 2: p = erfc(2).
    expect_value(ab_pvalue(60, 100, 40, 100), 0.0046777349810472658379, 1e-13);
    // 55/100 vs 45/100: z = sqrt 2, p = erfc(1).
    expect_value(ab_pvalue(55, 100, 45, 100), 0.15729920705028513066, 1e-13);
    // A subject-line test: 200/1,000 vs 250/1,000 opens, z = 2.677397763008330.
    expect_value(ab_pvalue(200, 1000, 250, 1000), 0.0074196492610256749006, 1e-12);
    expect_value(ab_pvalue(250, 1000, 200, 1000), 0.0074196492610256749006, 1e-12);  // symmetric
    expect_value(ab_pvalue(30, 1000, 18, 1000), 0.079564734593190463736, 1e-12);
    expect_value(ab_pvalue(1, 2, 0, 3), 0.17090352023079746397, 1e-12);
    // Far in the tail: 900/1,000 vs 100/1,000, z / sqrt 2 = 0.8 sqrt 1000 = 8 sqrt 10,
    // p = erfc(8 sqrt 10) = 2.5091580967634297523e-280 (1 - Phi would give 0).
    expect_value(ab_pvalue(900, 1000, 100, 1000), 2.5091580967634297523e-280, 1e-10);
    {
        const Result r = ab_pvalue(900, 1000, 100, 1000);
        ASSERT_TRUE(r.ok());
        EXPECT_NEAR(r.value / 2.5091580967634297523e-280, 1.0, 1e-11);
    }
    // Equal rates: z = 0, p = 1.
    expect_value(ab_pvalue(50, 1000, 100, 2000), 1.0);
    // Beyond z = 38.5 the p-value is below the smallest double: 0, not an error.
    expect_value(ab_pvalue(1e6, 1e6, 0, 1e6), 0.0);
    // At the edges of the doubles (issue 27): a pooled count of 2e308 once
    // overflowed (#NUM!), a variance of 1e-300 x 2e-300 underflowed (#DIV/0!).
    // Equal rates: 1; 1e308 converted of 1e308 against none: z ~ 1.4e154, 0;
    // 2 and 1 of 1e300 each: z = 1e-300 / sqrt(1.5e-300 x 2e-300) = 1/sqrt 3,
    // erfc(1/sqrt 6) = 0.563702861650773 (mpmath, 60 digits).
    expect_value(ab_pvalue(1, 1e308, 1, 1e308), 1.0);
    expect_value(ab_pvalue(1e308, 1e308, 0, 1e308), 0.0);
    expect_value(ab_pvalue(2, 1e300, 1, 1e300), 0.563702861650773, 1e-12);
}

TEST(Round2, AbPValueErrors) {
    expect_error(ab_pvalue(11, 10, 1, 10), Error::num);  // more conversions than visitors
    expect_error(ab_pvalue(1, 10, 11, 10), Error::num);
    expect_error(ab_pvalue(-1, 10, 1, 10), Error::num);
    expect_error(ab_pvalue(1, kNaN, 1, 10), Error::num);
    expect_error(ab_pvalue(0, 0, 1, 10), Error::div0);    // an empty arm
    expect_error(ab_pvalue(0, 10, 0, 20), Error::div0);   // nobody converted: se = 0
    expect_error(ab_pvalue(10, 10, 20, 20), Error::div0); // everybody converted
}

TEST(Round2, NpsTextIsAnErrorEmptyStringIsBlank) {
    const FunctionInfo* f = find_name("KPI.NPS");
    ASSERT_NE(f, nullptr);
    auto nps = [&](const Grid& g) {
        const ArgView* a[] = {&g};
        return evaluate(*f, a).single();
    };
    // Scores pasted from a CSV export: "9" stored as text is no longer silently skipped.
    Grid with_text = Grid::column({N(10), N(9), N(3)});
    with_text.set_text(3, 0, "9");
    expect_error(nps(with_text), Error::value);
    Grid with_comment = Grid::column({N(10)});
    with_comment.set_text(1, 0, "n/a");
    expect_error(nps(with_comment), Error::value);
    // A formula returning "" is an answer not given: 10, 9, 3 -> (2 - 1) / 3.
    Grid with_empty = Grid::column({N(10), N(9), N(3), B});
    with_empty.set_text(3, 0, "");
    expect_value(nps(with_empty), 100.0 / 3.0);
    // A single empty string passed on its own is blank too: no answer at all.
    expect_error(nps(Grid::of_text("")), Error::div0);
    expect_error(nps(Grid::of_text("8")), Error::value);
}

TEST(Round2, TimeToCloseWonOnly) {
    // Deals: 30 days (won), 15 (lost), 60 (won), a blank close date (open).
    Grid first = Grid::column({N(45000), N(45010), N(45020), N(45030)});
    Grid close = Grid::column({N(45030), N(45025), N(45080), B});
    Grid won = Grid::column({N(1), N(0), N(1), N(0)}), omitted;
    const Pairs all = pairs(first, close, omitted);
    ASSERT_EQ(all.error, Error::none);
    EXPECT_EQ(all.first.size(), 3u);  // (30 + 15 + 60) / 3 = 35 without the filter
    expect_value(time_to_close(all.first, all.second, Statistic::mean), 35.0);
    const Pairs w = pairs(first, close, won);
    ASSERT_EQ(w.error, Error::none);
    expect_value(time_to_close(w.first, w.second, Statistic::mean), 45.0);  // (30 + 60) / 2
    // A lost deal with an impossible date is left out, not an error.
    Grid close_bad = Grid::column({N(45030), N(44000), N(45080), B});
    const Pairs wb = pairs(first, close_bad, won);
    ASSERT_EQ(wb.error, Error::none);
    expect_value(time_to_close(wb.first, wb.second, Statistic::median), 45.0);
    // won as a row of booleans (TRUE/FALSE reach the core as 1/0).
    Grid won_row = Grid::row({N(1), N(0), N(1), N(0)});
    EXPECT_EQ(pairs(first, close, won_row).first.size(), 2u);
    // Blank won: the row is skipped like a blank date.
    Grid won_blank = Grid::column({N(1), B, B, B});
    EXPECT_EQ(pairs(first, close, won_blank).first.size(), 1u);
    // Errors: another number, text, a different size, an error cell.
    Grid won_two = Grid::column({N(1), N(2), N(1), N(0)});
    EXPECT_EQ(pairs(first, close, won_two).error, Error::num);
    Grid won_text = Grid::column({N(1), N(0), N(1), N(0)});
    won_text.set_text(1, 0, "yes");
    EXPECT_EQ(pairs(first, close, won_text).error, Error::value);
    Grid won_short = Grid::column({N(1), N(0)});
    EXPECT_EQ(pairs(first, close, won_short).error, Error::value);
    Grid won_err = Grid::column({N(1), Cell::err(Error::na), N(1), N(0)});
    EXPECT_EQ(pairs(first, close, won_err).error, Error::na);
    // No won deal: nothing to average.
    Grid none_won = Grid::column({N(0), N(0), N(0), N(0)});
    const Pairs nw = pairs(first, close, none_won);
    ASSERT_EQ(nw.error, Error::none);
    expect_error(time_to_close(nw.first, nw.second, Statistic::mean), Error::div0);
}

TEST(Cohort, CalendarOfSerialDates) {
    // LibreOffice's serial dates: 45292 is 2024-01-01, 45000 is 2023-03-15,
    // 60 is 1900-02-28 and 61 1900-03-01 (no 1900 leap day), 1 is 1899-12-31.
    EXPECT_EQ(month_index(45292), 2024 * 12 + 0);
    EXPECT_EQ(month_index(45000), 2023 * 12 + 2);
    EXPECT_EQ(month_index(60), 1900 * 12 + 1);
    EXPECT_EQ(month_index(61), 1900 * 12 + 2);
    EXPECT_EQ(month_index(1), 1899 * 12 + 11);
    EXPECT_EQ(month_index(45351), 2024 * 12 + 1);  // 2024-02-29
    EXPECT_EQ(month_index(-693593), 1 * 12 + 0);   // 0001-01-01
    EXPECT_EQ(month_index(2958465), 9999 * 12 + 11);
    EXPECT_DOUBLE_EQ(month_start_serial(2024 * 12 + 0), 45292);
    EXPECT_DOUBLE_EQ(month_start_serial(2024 * 12 + 2), 45352);  // after 29 February
    EXPECT_DOUBLE_EQ(month_start_serial(1 * 12 + 0), -693593);
}

namespace {
// The worked example. Purchases (serial dates):
//   A: 2024-01-05 (45296), 02-10 (45332), 02-20 (45342), 04-01 (45383)
//   B: 2024-01-20 (45311), 03-03 (45354)
//   C: 2024-02-14 (45336), 03-15 (45366)
//   7 (a number): 2024-02-01 (45323)
//   D: 2024-03-31 (45382)
// plus a wholly blank row, which is skipped. Rows are deliberately not in
// date order.
// A customer column: "" is a blank cell, "#7" the number 7, anything else text.
Grid customer_column(const std::vector<std::string>& ids) {
    std::vector<std::vector<Cell>> cells;
    for (const std::string& id : ids) cells.push_back({id.empty() ? B : id[0] == '#' ? N(std::stod(id.substr(1))) : Cell::text()});
    Grid g(std::move(cells));
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (!ids[i].empty() && ids[i][0] != '#') g.set_text(i, 0, ids[i]);
    return g;
}
Grid date_column(const std::vector<double>& days) {  // a negative day stands for a blank
    std::vector<std::vector<Cell>> cells;
    for (double d : days) cells.push_back({d < 0 ? B : N(d)});
    return Grid(std::move(cells));
}
const std::vector<std::string> kIds = {"C", "A", "B", "A", "#7", "A", "D", "", "C", "B", "A"};
const std::vector<double> kDays = {45366, 45296, 45311, 45342, 45323, 45332, 45382, -1, 45336, 45354, 45383};

void expect_table(const Output& out, const std::vector<std::vector<double>>& expected) {
    ASSERT_EQ(out.rows, expected.size());
    ASSERT_EQ(out.cols, expected[0].size());
    for (std::size_t r = 0; r < out.rows; ++r)
        for (std::size_t c = 0; c < out.cols; ++c) {
            const Result& got = out.cells[r * out.cols + c];
            if (std::isnan(expected[r][c])) {  // no value yet: Error::na, handed to Calc as an empty cell
                EXPECT_EQ(got.error, Error::na) << "row " << r << " col " << c;
            } else {
                ASSERT_TRUE(got.ok()) << "row " << r << " col " << c << ": " << error_name(got.error);
                EXPECT_DOUBLE_EQ(got.value, expected[r][c]) << "row " << r << " col " << c;
            }
        }
}
}  // namespace

TEST(Cohort, CalendarMonthsWorkedExample) {
    // Cohorts by the month of the first purchase: January {A, B}, February
    // {C, 7}, March {D}. The last date is 2024-04-01: April is not over, so
    // it is empty (issue 24: one day of April is not April).
    //   January:  Jan A,B -> 1; Feb A -> 1/2; Mar B -> 1/2; (Apr incomplete).
    //   February: Feb -> 1; Mar C -> 1/2; (Apr incomplete).
    //   March:    Mar -> 1; (Apr incomplete).
    Grid ids = customer_column(kIds), days = date_column(kDays), omitted;
    const double na = kNaN;
    expect_table(run_cohort(ids, days, omitted), {{45292, 2, 1, 0.5, 0.5},
                                                   {45323, 2, 1, 0.5, na},
                                                   {45352, 1, 1, na, na}});
    Grid zero(0.0);  // 0 days means calendar months too
    expect_table(run_cohort(ids, days, zero), {{45292, 2, 1, 0.5, 0.5},
                                                {45323, 2, 1, 0.5, na},
                                                {45352, 1, 1, na, na}});
    // as_of 2024-04-30 (45412): the data is complete to the end of April.
    //   January: Apr A -> 1/2; February: Apr nobody -> 0; March: Apr nobody -> 0.
    expect_table(run_cohort(ids, days, omitted, Grid(45412.0)), {{45292, 2, 1, 0.5, 0.5, 0.5},
                                                                  {45323, 2, 1, 0.5, 0, na},
                                                                  {45352, 1, 1, 0, na, na}});
    // as_of 2024-04-29: April still incomplete. A purchase after as_of: #NUM!.
    expect_table(run_cohort(ids, days, omitted, Grid(45411.0)), {{45292, 2, 1, 0.5, 0.5},
                                                                  {45323, 2, 1, 0.5, na},
                                                                  {45352, 1, 1, na, na}});
    EXPECT_EQ(run_cohort(ids, days, omitted, Grid(45382.0)).single().error, Error::num);
    // A blank as_of is left out (the blank rule).
    expect_table(run_cohort(ids, days, omitted, Grid(Cell::blank())), {{45292, 2, 1, 0.5, 0.5},
                                                                        {45323, 2, 1, 0.5, na},
                                                                        {45352, 1, 1, na, na}});
}

TEST(Cohort, AnUnfinishedPeriodIsEmpty) {
    // The cases. Data ending 2024-03-01 (45352): the January cohort's
    // month 2 (March) had one day of data and showed 0 %; now it is empty.
    Grid ids = customer_column({"A", "B", "A", "B"}), omitted;
    Grid days = date_column({45292, 45292, 45330, 45352});  // Jan 1, Jan 1, Feb 8, Mar 1
    const double na = kNaN;
    // January {A, B}: Jan 1; Feb A -> 1/2; Mar incomplete. March's first
    // purchase is B's, a repeat: no March cohort.
    expect_table(run_cohort(ids, days, omitted), {{45292, 2, 1, 0.5}});
    // 30-day periods, data ending on day 30 after both first purchases: period
    // 1 (days 30 to 59) has one day of data and showed 50 %; now it is empty.
    Grid d30 = date_column({45292, 45292, 45322});
    Grid ab = customer_column({"A", "B", "A"});
    expect_table(run_cohort(ab, d30, Grid(30.0)), {{45292, 2, 1}});
    // Complete once the data reaches day 59 (as_of 45351).
    expect_table(run_cohort(ab, d30, Grid(30.0), Grid(45351.0)), {{45292, 2, 1, 0.5}});
    (void)na;
}

TEST(Cohort, PeriodsOfDaysWorkedExample) {
    // 30-day periods from each customer's first purchase.
    //   A (first 45296): 45332 -> day 36, period 1; 45342 -> 46, 1; 45383 -> 87, 2.
    //   B (first 45311): 45354 -> day 43, period 1.
    //   C (first 45336): 45366 -> day 30, period 1.   7 and D: first purchase only.
    // A period is shown once the data covers it to its last day for every
    // customer of the cohort (the last date, 45383, is the data's 73rd day
    // after January's latest first purchase 45311):
    //   January: 73 days -> periods 0..1 complete (period 2 ends on day 89);
    //   February, latest 45336: 48 days -> period 0; March, 45382: 2 days -> 0.
    Grid ids = customer_column(kIds), days = date_column(kDays), thirty(30.0);
    const double na = kNaN;
    expect_table(run_cohort(ids, days, thirty), {{45292, 2, 1, 1},
                                                  {45323, 2, 1, na},
                                                  {45352, 1, 1, na}});
}

TEST(Cohort, IdsAreCellValuesAndRowsMayComeInAnyOrder) {
    // The number 7 and the text "7" are two customers; times of day are ignored.
    // The data is complete to 2024-02-29 (as_of 45351): February is shown.
    Grid ids = customer_column({"#7", "7", "#7"}), days = date_column({45292.75, 45293.2, 45323.99}), omitted;
    expect_table(run_cohort(ids, days, omitted, Grid(45351.0)), {{45292, 2, 1, 0.5}});
    // A row and a column of the same size pair up cell by cell.
    Grid row_ids(std::vector<std::vector<Cell>>{{N(1), N(2), N(1)}});
    expect_table(run_cohort(row_ids, days, omitted, Grid(45351.0)), {{45292, 2, 1, 0.5}});
}

TEST(Cohort, Errors) {
    Grid ids = customer_column({"A", "B"}), days = date_column({45292, 45300}), omitted;
    auto err = [&](const Grid& c, const Grid& d, const Grid& p) { return run_cohort(c, d, p).single().error; };
    EXPECT_EQ(err(ids, date_column({45292}), omitted), Error::value);   // sizes differ
    EXPECT_EQ(err(ids, date_column({45292, -1}), omitted), Error::value);  // a purchase without a date
    EXPECT_EQ(err(customer_column({"A", ""}), days, omitted), Error::value);  // a date without a customer
    Grid text_date = date_column({45292, 0});
    text_date.set_text(1, 0, "2024-01-09");
    EXPECT_EQ(err(ids, text_date, omitted), Error::value);
    Grid err_date = Grid::column({N(45292), Cell::err(Error::div0)});
    EXPECT_EQ(err(ids, err_date, omitted), Error::div0);
    Grid err_id = Grid::column({Cell::err(Error::na), N(1)});
    EXPECT_EQ(err(err_id, days, omitted), Error::na);
    EXPECT_EQ(err(ids, date_column({45292, 3e6}), omitted), Error::num);  // after 9999-12-31
    EXPECT_EQ(err(ids, Grid::column({N(45292), N(-7e5)}), omitted), Error::num);  // before 0001-01-01
    EXPECT_EQ(err(Grid::column({N(1), N(kNaN)}), days, omitted), Error::num);
    EXPECT_EQ(err(ids, Grid::column({N(45292), N(kInf)}), omitted), Error::num);
    EXPECT_EQ(err(ids, days, Grid(-30.0)), Error::num);
    EXPECT_EQ(err(ids, days, Grid::of_text("30")), Error::value);
    EXPECT_EQ(err(ids, days, Grid::column({N(30), N(7)})), Error::value);  // one period length
    EXPECT_EQ(err(customer_column({"", ""}), date_column({-1, -1}), omitted), Error::div0);  // no purchase
    EXPECT_EQ(err(omitted, days, omitted), Error::args);
    // A table too large to be a report: year 1 to year 9999 by month, or
    // 0.001-day periods: #NUM!, in bounded memory.
    EXPECT_EQ(err(ids, Grid::column({N(-693593), N(2958465)}), omitted), Error::num);
    Grid same = customer_column({"A", "A"});
    EXPECT_EQ(err(same, date_column({45292, 45400}), Grid(0.001)), Error::num);  // 108,000 periods
    // The largest accepted: 16,382 one-day periods.
    const Output wide = run_cohort(ids, date_column({45292, 45292 + 16381}), Grid(1.0));
    EXPECT_EQ(wide.cols, 16384u);
    EXPECT_EQ(err(ids, date_column({45292, 45292 + 16382}), Grid(1.0)), Error::num);
}

namespace {
// A second, naive implementation: std::map and std::set, months from
// std::chrono's civil calendar, periods found by walking the calendar.
struct Naive {
    std::vector<double> first_day;  // per cohort row: the month's first day
    std::vector<double> size;
    std::vector<std::vector<double>> shares;  // shown periods only
};
Naive naive_cohort(const std::vector<std::string>& ids, const std::vector<double>& days) {
    using namespace std::chrono;
    const sys_days epoch = sys_days(year{1899} / December / 30);
    auto ym = [&](double d) { return year_month(year_month_day(epoch + std::chrono::days(static_cast<long>(std::floor(d)))).year(), year_month_day(epoch + std::chrono::days(static_cast<long>(std::floor(d)))).month()); };
    std::map<std::string, double> first;
    double last = -1e9;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto [it, added] = first.try_emplace(ids[i], days[i]);
        if (!added) it->second = std::min(it->second, days[i]);
        last = std::max(last, days[i]);
    }
    std::map<year_month, std::set<std::string>> members;
    for (const auto& [id, d] : first) members[ym(d)].insert(id);
    std::map<year_month, std::vector<std::set<std::string>>> bought;
    // Months the data covers to their last day: those before the month of
    // the day after the last date; the cohort's own month always.
    for (const auto& [m, who] : members) {
        int periods = 0;
        for (year_month x = m; x < ym(std::floor(last) + 1); x += months{1}) ++periods;
        bought[m].resize(static_cast<std::size_t>(std::max(periods, 1)));
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const year_month m = ym(first[ids[i]]);
        std::size_t k = 0;
        for (year_month x = m; x != ym(days[i]); x += months{1}) ++k;
        if (k < bought[m].size()) bought[m][k].insert(ids[i]);
    }
    Naive out;
    for (const auto& [m, who] : members) {
        out.first_day.push_back(static_cast<double>((sys_days(m / 1) - epoch).count()));
        out.size.push_back(static_cast<double>(who.size()));
        std::vector<double> row;
        for (const auto& s : bought[m]) row.push_back(static_cast<double>(s.size()) / static_cast<double>(who.size()));
        out.shares.push_back(row);
    }
    return out;
}
}  // namespace

TEST(Cohort, AgreesWithANaiveImplementation) {
    // 20,000 purchases of 3,000 customers over about three years.
    std::mt19937 rng(14);
    std::uniform_int_distribution<int> who(0, 2999), day(44000, 45100);
    std::vector<std::string> ids;
    std::vector<double> days;
    for (int i = 0; i < 20000; ++i) {
        ids.push_back("cust-" + std::to_string(who(rng)));
        days.push_back(day(rng) + 0.5);
    }
    const Naive ref = naive_cohort(ids, days);
    Grid omitted;
    const Output out = run_cohort(Grid::text_column(ids), date_column(days), omitted);
    ASSERT_EQ(out.rows, ref.size.size());
    std::size_t checked = 0;
    for (std::size_t r = 0; r < out.rows; ++r) {
        EXPECT_DOUBLE_EQ(out.cells[r * out.cols].value, ref.first_day[r]);
        EXPECT_DOUBLE_EQ(out.cells[r * out.cols + 1].value, ref.size[r]);
        for (std::size_t k = 0; k + 2 < out.cols; ++k) {
            const Result& got = out.cells[r * out.cols + 2 + k];
            if (k < ref.shares[r].size()) {
                ASSERT_TRUE(got.ok());
                EXPECT_DOUBLE_EQ(got.value, ref.shares[r][k]);
                ++checked;
            } else {
                EXPECT_EQ(got.error, Error::na);
            }
        }
    }
    EXPECT_GT(checked, 500u);
}

TEST(Large, CohortOfAMillionPurchases) {
    // 1,000,000 purchases by 200,000 text ids over two years: linear reading,
    // hashing and a counting sort. The time is printed (the guide's claim, docs/guide/robustness.md:
    // well under a second of the core's own work in a release build).
    const std::size_t n = 1000000;
    std::vector<std::string> ids(n);
    std::vector<double> days(n);
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> day(0, 729);
    for (std::size_t i = 0; i < n; ++i) {
        ids[i] = "C" + std::to_string((i * 7919) % 200000);
        days[i] = 45292 + day(rng);
    }
    Grid c = Grid::text_column(ids), d = date_column(days), omitted;
    const auto t0 = std::chrono::steady_clock::now();
    const Output out = run_cohort(c, d, omitted);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("KPI.COHORT over %zu purchases: %.1f ms\n", n, ms);
    ASSERT_TRUE(out.cells[0].ok());
    // January 2024 to November 2025: the last purchase, on 2025-12-30 at the
    // latest, leaves December unfinished.
    EXPECT_EQ(out.cols, 2u + 23u);
    double customers = 0;
    for (std::size_t r = 0; r < out.rows; ++r) customers += out.cells[r * out.cols + 1].value;
    EXPECT_DOUBLE_EQ(customers, 200000.0);  // every customer in exactly one cohort
    EXPECT_DOUBLE_EQ(out.cells[2].value, 1.0);
}

TEST(Round2, ThroughTheCatalogueAmountsAreSummed) {
    auto call = [](std::string_view name, std::vector<const ArgView*> args) {
        const FunctionInfo* f = find_name(name);
        EXPECT_NE(f, nullptr) << name;
        return evaluate(*f, Args(args.data(), args.size())).single();
    };
    // Two months of a campaign: (30,000 + 20,000) x 0.4 - (6,000 + 4,000) over 10,000 = 1.
    Grid revenue = Grid::column({N(30000), N(20000)}), margin(0.4), cost = Grid::column({N(6000), B, N(4000)});
    expect_value(call("KPI.ROMI", {&revenue, &margin, &cost}), 1.0);
    Grid two_margins = Grid::column({N(0.4), N(0.5)});  // the margin is one number
    expect_error(call("KPI.ROMI", {&revenue, &two_margins, &cost}), Error::value);
    // A/B test over daily rows: A 60 + 140 = 200 of 400 + 600, B 250 of 1000.
    Grid ca = Grid::column({N(60), N(140)}), na = Grid::column({N(400), N(600)}), cb(250.0), nb(1000.0);
    expect_value(call("KPI.ABPVALUE", {&ca, &na, &cb, &nb}), 0.0074196492610256749006, 1e-12);
    Grid text(Cell::text());
    expect_error(call("KPI.ABPVALUE", {&ca, &na, &text, &nb}), Error::value);
    // Won 10 + 20, lost 70: 0.3.
    Grid won = Grid::row({N(10), N(20)}), lost(70.0);
    expect_value(call("KPI.WINRATE", {&won, &lost}), 0.3);
    Grid m(0.25);
    expect_value(call("KPI.BREAKEVENROAS", {&m}), 4.0);
    // COHORT through evaluate: an omitted period_days means calendar months.
    const FunctionInfo* f = find_name("KPI.COHORT");
    ASSERT_NE(f, nullptr);
    Grid ids = customer_column({"A", "B", "A"}), days = date_column({45292, 45300, 45323}), omitted;
    const ArgView* a[] = {&ids, &days, &omitted, &omitted};
    expect_table(evaluate(*f, a), {{45292, 2, 1}});  // February (one day of it) is not over
    Grid zero(0.0), as_of(45351.0);  // the catalogue's example: complete to 2024-02-29
    const ArgView* b[] = {&ids, &days, &zero, &as_of};
    expect_table(evaluate(*f, b), {{45292, 2, 1, 0.5}});
}
