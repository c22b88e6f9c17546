// KPI.MAP's one work budget for the whole call (issue 27, item 14): the
// per-row limits of the model functions do not add up, so 20,000 customers
// over 3,650 daily periods froze Calc for 39 s. The costs below are worked
// by hand from clvmodels.hpp's accounting (kEvaluationCost per row and per
// expectation, plus the series terms), not read back from the code.
#include <gtest/gtest.h>

#include <ctime>
#include <vector>

#include "kpi/catalogue.hpp"
#include "kpi/clvmodels.hpp"
#include "kpi/map.hpp"

using namespace kpi;
using namespace kpi::models;

namespace {

double seconds_since(std::clock_t t0) { return static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC; }

const std::array<double, 4> kCdnow{0.243, 4.414, 0.793, 2.426};
const std::array<double, 3> kGg{6.25, 3.74, 15.44};

// The argument list of KPI.MAP(name; args...), trailing ones omitted.
struct Call {
    Grid fn;
    std::vector<const ArgView*> args;
    Call(const char* name, std::vector<const ArgView*> columns) : fn(Grid::of_text(name)) {
        static const Grid omitted;
        args.push_back(&fn);
        args.insert(args.end(), columns.begin(), columns.end());
        while (args.size() < find_name("KPI.MAP")->args.size()) args.push_back(&omitted);
    }
};

Grid column(std::size_t n, double v) { return Grid::column(std::vector<double>(n, v)); }

const Grid kBgRow = Grid::row({Cell::num(kCdnow[0]), Cell::num(kCdnow[1]), Cell::num(kCdnow[2]), Cell::num(kCdnow[3])});
const Grid kGgRow = Grid::row({Cell::num(kGg[0]), Cell::num(kGg[1]), Cell::num(kGg[2])});

// n customers in weeks, of ages 1 to 78, up to 6 repeat purchases.
struct Table {
    std::vector<double> x, tx, T, zbar;
    Grid gx, gtx, gT, gz;
    explicit Table(std::size_t n) : x(n), tx(n), T(n), zbar(n) {
        for (std::size_t i = 0; i < n; ++i) {
            T[i] = 1 + static_cast<double>(i % 78);
            x[i] = static_cast<double>(i % 7);
            tx[i] = x[i] > 0 ? T[i] * static_cast<double>(i % 10 + 1) / 10 : 0;
            zbar[i] = x[i] > 0 ? 20 + static_cast<double>(i % 50) : 0;
        }
        gx = Grid::column(x), gtx = Grid::column(tx), gT = Grid::column(T), gz = Grid::column(zbar);
    }
    // KPI.MAP("CLV.PREDICT"; bg; gg; the table; horizon; rate; units).
    Output clv(const Grid& horizon, const Grid& rate, const Grid& units) const {
        return map_rows(Call("CLV.PREDICT", {&kBgRow, &kGgRow, &gx, &gtx, &gT, &gz, &horizon, &rate, &units}).args);
    }
};

}  // namespace

// A new customer (x = 0, T = 1) at t = 1e-9: z = t / (alpha + T + t) is
// about 2e-10. With a < 1 the expectation sums the transformed series,
// A = a + b - 1 - r = 1.976, B = a - 1 = -0.207, C = a + b - 1 = 2.219; it may
// stop once n + 1 >= max(AB - C, 2 - C, 2 - A, 2 - B, 0) = 2 - B = 2.207 and
// a term times z is below 1e-16 of the sum: after terms n = 0, 1, 2. So one
// expectation costs 3 terms + kEvaluationCost (16) = 19.
TEST(MapBudget, ExpectationDrawsItsTermsAndOneEvaluation) {
    ASSERT_EQ(kEvaluationCost, 16);
    long shared = 1000;
    EXPECT_TRUE(bgnbd_expected(kCdnow, 1e-9, {0, 0, 1}, shared).ok());
    EXPECT_EQ(shared, 1000 - 3 - 16);
    // Two terms are not enough: #NUM!, and the budget is spent.
    shared = 2;
    EXPECT_EQ(bgnbd_expected(kCdnow, 1e-9, {0, 0, 1}, shared).error, Error::num);
    EXPECT_LE(shared, 0);
    // The single function keeps its own limit, whatever a budget elsewhere.
    EXPECT_TRUE(bgnbd_expected(kCdnow, 1e-9, {0, 0, 1}).ok());
}

// Rows of a plain KPI cost 16 each: with a budget of 100, six rows (96)
// fit and a seventh (112) makes the whole call #NUM!.
TEST(MapBudget, RowsShareOneBudget) {
    const Grid six_c = column(6, 10), six_i = column(6, 1000), seven_c = column(7, 10), seven_i = column(7, 1000);
    const Output fits = map_rows(Call("CTR", {&six_c, &six_i}).args, 100);
    ASSERT_EQ(fits.cells.size(), 6u);
    EXPECT_EQ(fits.cells[5].value, 0.01);
    const Output over = map_rows(Call("CTR", {&seven_c, &seven_i}).args, 100);
    ASSERT_EQ(over.cells.size(), 1u);
    EXPECT_EQ(over.cells[0].error, Error::num);
    // A budget used up exactly is used up.
    EXPECT_EQ(map_rows(Call("CTR", {&six_c, &six_i}).args, 96).cells[0].error, Error::num);
}

// A CLV.PREDICT row over one undiscounted period of 1e-9 time units costs
// the row (16) and one expectation (3 terms + 16) = 35: two rows (70) fit
// in 100, three (105) do not.
TEST(MapBudget, ModelRowsDrawOnTheSameBudget) {
    const Grid horizon(1.0), rate(0.0), units(1e-9);
    for (std::size_t n : {2u, 3u}) {
        const Grid x = column(n, 0), tx = column(n, 0), T = column(n, 1), zbar = column(n, 0);
        const Output out = map_rows(Call("CLV.PREDICT", {&kBgRow, &kGgRow, &x, &tx, &T, &zbar, &horizon, &rate, &units}).args, 100);
        if (n == 2) {
            ASSERT_EQ(out.cells.size(), 2u);
            EXPECT_EQ(out.cells[1].value, clv_predict(kCdnow, kGg, {0, 0, 1}, 0, 1, 0, 1e-9).value);
        } else {
            ASSERT_EQ(out.cells.size(), 1u);
            EXPECT_EQ(out.cells[0].error, Error::num);
        }
    }
}

// Issue 27's call: 20,000 customers, 3,650 daily periods (weeks as the time
// unit), 0.03 % a day. Its 3,650 expectations a row alone cost
// 20,000 x (3,650 x 16 + 16) = 1,168,320,000 > kMapBudget (8e8): #NUM! for the
// whole call, in about the time the budget allows (took 39 s in Calc).
TEST(MapBudget, DailyHorizonOverManyCustomersEndsInBoundedTime) {
    ASSERT_LT(kMapBudget, 20000L * (3650 * 16 + 16));
    const std::size_t n = 20000;
    const Table t(n);
    const Grid horizon(3650.0), rate(0.0003), units(1.0 / 7);
    const auto t0 = std::clock();
    const Output out = t.clv(horizon, rate, units);
    EXPECT_LT(seconds_since(t0), 5.0);
    ASSERT_EQ(out.cells.size(), 1u);
    EXPECT_EQ(out.cells[0].error, Error::num);
}

// The documented use (README's benchmark): 100,000 customers, 12 monthly
// periods at 1 % a month, weeks as the time unit. About 100,000 x 12 x
// (16 + a few dozen terms): well within the budget, each row the function's.
TEST(MapBudget, DocumentedMonthlyColumnFits) {
    const std::size_t n = 100000;
    const Table t(n);
    const Grid horizon(12.0), rate(0.01), units(4.345);
    const Output out = t.clv(horizon, rate, units);
    ASSERT_EQ(out.cells.size(), n);
    for (std::size_t i = 0; i < n; i += 997)
        EXPECT_EQ(out.cells[i].value, clv_predict(kCdnow, kGg, {t.x[i], t.tx[i], t.T[i]}, t.zbar[i], 12, 0.01, 4.345).value) << i;
    // And a full Calc column of such customers (1,048,576 rows) fits: the
    // budget a row of them draws, times the rows, stays below kMapBudget.
    long shared = kMapBudget;
    for (std::size_t i = 0; i < n; ++i) {
        shared -= kEvaluationCost;
        clv_predict(kCdnow, kGg, {t.x[i], t.tx[i], t.T[i]}, t.zbar[i], 12, 0.01, 4.345, shared);
    }
    const double per_row = static_cast<double>(kMapBudget - shared) / static_cast<double>(n);
    EXPECT_LT(per_row * 1048576, static_cast<double>(kMapBudget)) << per_row;
}
