// Issue 24 ("definitions, round 3"), the fixes: the blank rule, fractions of
// one and whole counts. Values are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kpi/args.hpp"
#include "kpi/catalogue.hpp"
#include "kpi/kpi.hpp"
#include "expect.hpp"

using namespace kpi;

namespace {
const Cell B = Cell::blank();
Cell N(double v) { return Cell::num(v); }

// Calls a catalogue function with these arguments (an omitted one: Grid()).
Result call(std::string_view method, std::vector<Grid> args) {
    const FunctionInfo* f = find_method(method);
    EXPECT_NE(f, nullptr) << method;
    std::vector<const ArgView*> views;
    for (const Grid& g : args) views.push_back(&g);
    return evaluate(*f, views).single();
}
Grid one_blank() { return Grid(B); }
Grid blank_cells() { return Grid::column({B, B, B}); }
}  // namespace

// Item 4: a blank given for a required single number is "no data yet".
TEST(BlankRule, RequiredBlankIsNotAvailable) {
    expect_error(call("growth", {one_blank(), Grid(1000)}), Error::na);  // was -100 %
    expect_error(call("roi", {one_blank(), Grid(10000)}), Error::na);
    expect_error(call("lift", {one_blank(), Grid(1000), Grid(18), Grid(1000)}), Error::na);
    expect_error(call("romi", {Grid(50000), one_blank(), Grid(10000)}), Error::na);
    expect_error(call("abpvalue", {one_blank(), Grid(1000), Grid(18), Grid(1000)}), Error::na);  // was 2.0e-5
    expect_error(call("cpl", {blank_cells(), blank_cells()}), Error::na);  // a month not filled in yet
    expect_error(call("bgnbdpalive", {Grid::column({0.24, 4.41, 0.79, 2.43}), one_blank(), Grid(30), Grid(38)}), Error::na);
    // A blank inside a range with values is skipped, as before: 300 / 3.
    expect_value(call("cpl", {Grid::column({N(100), B, N(200)}), Grid(3)}), 100);
}

// A blank given for an optional argument is the argument left out.
TEST(BlankRule, OptionalBlankIsLeftOut) {
    expect_value(call("clv", {Grid(75), Grid(4), Grid(3), one_blank()}), 900);  // 75 x 4 x 3, margin 1 (was 0)
    expect_value(call("clv", {Grid(75), Grid(4), Grid(3), Grid()}), 900);
    expect_value(call("payback", {Grid(400), Grid(50), one_blank()}), 8);  // 400 / 50 (was #DIV/0!)
    // CLVRET's flag left blank: the first margin a period away, 100 x 0.8 / 0.3.
    expect_value(call("clvret", {Grid(100), Grid(0.8), Grid(0.1), one_blank()}), 80 / 0.3);
    // TIMETOCLOSE's won column all blank: every row kept, mean of 30 and 15 days.
    expect_value(call("timetoclose", {Grid::column({45000.0, 45010.0}), Grid::column({45030.0, 45025.0}), one_blank(),
                                      blank_cells()}),
                 22.5);
}

// Adjustments whose absence means none read a blank as 0.
TEST(BlankRule, ZeroByDefault) {
    // NRR: (1000 + 0 - 0 - 100) / 1000 with expansion and contraction blank.
    expect_value(call("nrr", {Grid(1000), one_blank(), one_blank(), Grid(100)}), 0.9);
    // RETENTION: (1000 - 0) / 1000 with no new customer entered.
    expect_value(call("retention", {Grid(1000), one_blank(), Grid(1000)}), 1.0);
    // NPSCOUNT: 50 promoters, passives blank, 20 detractors: 100 x 30 / 70.
    expect_value(call("npscount", {Grid(50), one_blank(), Grid(20)}), 300.0 / 7.0);
    // No answers at all: #DIV/0!, for the counts and for the scores.
    expect_error(call("npscount", {one_blank(), one_blank(), one_blank()}), Error::div0);
    expect_error(call("nps", {one_blank()}), Error::div0);
    expect_error(call("nps", {blank_cells()}), Error::div0);
    // The revenue at the start is required: blank is #N/A.
    expect_error(call("nrr", {one_blank(), Grid(10), Grid(0), Grid(0)}), Error::na);
}

TEST(BlankRule, Readers) {
    EXPECT_TRUE(blank(Grid(B)));
    EXPECT_TRUE(blank(Grid::column({B, B})));
    EXPECT_FALSE(blank(Grid()));  // omitted is not blank
    EXPECT_FALSE(blank(Grid(0.0)));
    EXPECT_FALSE(blank(Grid::of_text("x")));
    expect_error(number(Grid(B)), Error::na);
    expect_value(optional_number(Grid(B), 0.7), 0.7);
    expect_value(optional_number(Grid(), 0.7), 0.7);
}

// Item 5: fractions of one above 1 are percentages typed as whole numbers.
TEST(Fractions, AboveOneIsNum) {
    // CLVRET(100; 0.8; 10) meant 10 %: 100 x 0.8 / (1.1 - 0.8) = 266.67, not 7.84.
    expect_error(call("clvret", {Grid(100), Grid(0.8), Grid(10), Grid()}), Error::num);
    expect_value(call("clvret", {Grid(100), Grid(0.8), Grid(0.1), Grid()}), 80 / 0.3);
    expect_value(call("clvret", {Grid(100), Grid(0.5), Grid(1.0), Grid()}), 50 / 1.5);  // 100 % is still a rate
    expect_error(call("clvret", {Grid(100), Grid(80), Grid(0.1), Grid()}), Error::num);
    expect_error(call("clv", {Grid(75), Grid(4), Grid(3), Grid(30)}), Error::num);
    expect_error(call("payback", {Grid(400), Grid(50), Grid(80)}), Error::num);
    expect_error(call("romi", {Grid(50000), Grid(40), Grid(10000)}), Error::num);
    expect_error(call("breakevenroas", {Grid(25)}), Error::num);
}

// Counts of visitors and conversions are whole numbers.
TEST(Counts, WholeNumbers) {
    // ABPVALUE(0.03; 1; 0.018; 1): rates typed instead of counts (was 0.956).
    expect_error(call("abpvalue", {Grid(0.03), Grid(1), Grid(0.018), Grid(1)}), Error::num);
    expect_error(call("lift", {Grid(30), Grid(1000.5), Grid(18), Grid(1000)}), Error::num);
    // 30/1000 against 18/1000: (0.030 / 0.018) - 1 = 2/3.
    expect_value(call("lift", {Grid(30), Grid(1000), Grid(18), Grid(1000)}), 2.0 / 3.0);
}
