// Argument conventions through evaluate(): ranges summed as a sum over a sum,
// blanks skipped, text and errors reported, shapes checked.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kpi/args.hpp"
#include "kpi/catalogue.hpp"
#include "kpi/stop.hpp"

using namespace kpi;

namespace {

Result call(std::string_view name, std::vector<const ArgView*> args) {
    const FunctionInfo* f = find_name(name);
    EXPECT_NE(f, nullptr) << name;
    return evaluate(*f, Args(args.data(), args.size())).single();
}

const Cell B = Cell::blank();
Cell N(double v) { return Cell::num(v); }
const Cell T = Cell::text();

}  // namespace

TEST(Amount, RangeIsSumOverSum) {
    // Twelve months of cost and leads: the year's CPL is total / total.
    std::vector<double> cost{1000, 1200, 900, 1100, 1000, 800, 700, 1500, 1300, 1000, 1200, 1300};
    std::vector<double> leads{10, 12, 9, 10, 20, 8, 7, 15, 13, 10, 12, 14};
    Grid c = Grid::column(cost), l = Grid::column(leads);
    // 13000 / 140, not the mean of the monthly CPLs (which is about 96.1).
    const Result r = call("KPI.CPL", {&c, &l});
    ASSERT_TRUE(r.ok());
    EXPECT_DOUBLE_EQ(r.value, 13000.0 / 140.0);
}

TEST(Amount, BlanksSkippedTextAndNegativesRejected) {
    Grid with_blanks = Grid::column({N(100), B, N(200)});
    Grid three(3.0);
    EXPECT_DOUBLE_EQ(call("KPI.CPL", {&with_blanks, &three}).value, 100.0);

    Grid with_text = Grid::column({N(100), T});
    EXPECT_EQ(call("KPI.CPL", {&with_text, &three}).error, Error::value);

    Grid negative_cell = Grid::column({N(100), N(-50)});  // sums to 50, still #NUM!
    EXPECT_EQ(call("KPI.CPL", {&negative_cell, &three}).error, Error::num);

    Grid all_blank = Grid::column({B, B});
    // The blank rule (issue 24): nothing entered yet is #N/A, not a 0 denominator.
    EXPECT_EQ(call("KPI.CPL", {&three, &all_blank}).error, Error::na);

    Grid error_cell = Grid::column({N(1), Cell::err(Error::na)});
    EXPECT_EQ(call("KPI.CPL", {&error_cell, &three}).error, Error::na);
}

TEST(Amount, FirstProblemInReadingOrderWins) {
    Grid text_then_error = Grid::row({T, Cell::err(Error::div0)});
    Grid three(3.0);
    EXPECT_EQ(call("KPI.CPL", {&text_then_error, &three}).error, Error::value);
    Grid bad_cost(-1.0), text(Cell::text());
    EXPECT_EQ(call("KPI.CPL", {&bad_cost, &text}).error, Error::num);  // arguments left to right
}

TEST(Number, SingleValueOnly) {
    Grid aov(75.0), freq(4.0), life(3.0), margin(0.3), omitted;
    EXPECT_DOUBLE_EQ(call("KPI.CLV", {&aov, &freq, &life, &margin}).value, 270.0);
    EXPECT_DOUBLE_EQ(call("KPI.CLV", {&aov, &freq, &life, &omitted}).value, 900.0);  // margin defaults to 1
    Grid two = Grid::column({N(75), N(80)});
    EXPECT_EQ(call("KPI.CLV", {&two, &freq, &life, &omitted}).error, Error::value);
    Grid one_among_blanks = Grid::column({B, N(75), B});
    EXPECT_DOUBLE_EQ(call("KPI.CLV", {&one_among_blanks, &freq, &life, &omitted}).value, 900.0);
}

TEST(Args, MissingAndMalformed) {
    Grid omitted, one(1.0);
    EXPECT_EQ(call("KPI.CPL", {&omitted, &one}).error, Error::args);  // a required argument left out
    EXPECT_EQ(call("KPI.CPL", {&one}).error, Error::args);            // wrong count
    std::vector<const ArgView*> with_null{&one, nullptr};
    EXPECT_EQ(call("KPI.CPL", with_null).error, Error::args);
}

TEST(Flag, FirstMarginNow) {
    Grid m(100.0), r(0.8), d(0.1), yes(1.0), no(0.0), omitted;
    EXPECT_NEAR(call("KPI.CLVRET", {&m, &r, &d, &yes}).value, 110.0 / 0.3, 1e-9);
    EXPECT_NEAR(call("KPI.CLVRET", {&m, &r, &d, &no}).value, 80.0 / 0.3, 1e-9);
    EXPECT_NEAR(call("KPI.CLVRET", {&m, &r, &d, &omitted}).value, 80.0 / 0.3, 1e-9);
}

TEST(NpsScores, BlanksAndEmptyStringsSkippedTextRejected) {
    // 10 answers: promoters 10, 9, 10, 9, 10; passives 8, 7; detractors 6, 3, 5;
    // then a blank and a formula's "" (a text cell holding nothing).
    Grid scores = Grid::column({N(10), N(9), N(8), N(7), N(6), N(3), N(10), N(9), N(5), N(10), B, T});
    scores.set_text(11, 0, "");
    EXPECT_DOUBLE_EQ(call("KPI.NPS", {&scores}).value, 20.0);
    scores.set_text(11, 0, "no answer");  // text that is not empty: #VALUE! (issue 14)
    EXPECT_EQ(call("KPI.NPS", {&scores}).error, Error::value);
    Grid not_whole = Grid::column({N(9.5)});
    EXPECT_EQ(call("KPI.NPS", {&not_whole}).error, Error::num);
    Grid too_big = Grid::column({N(11)});
    EXPECT_EQ(call("KPI.NPS", {&too_big}).error, Error::num);
    Grid none = Grid::column({B, B});
    none.set_text(1, 0, "");
    EXPECT_EQ(call("KPI.NPS", {&none}).error, Error::div0);
    Grid two_d({{N(10), N(0)}, {N(9), N(7)}});  // 2 promoters, 1 passive, 1 detractor: 25
    EXPECT_DOUBLE_EQ(call("KPI.NPS", {&two_d}).value, 25.0);
}

TEST(Pairs, TimeToCloseSkipsRowsWithABlank) {
    Grid first = Grid::column({N(45000), N(45010), N(45020), B});
    Grid close = Grid::column({N(45030), B, N(45080), N(45100)});  // 30 and 60 count
    Grid omitted, median(1.0), bad(2.0);
    EXPECT_DOUBLE_EQ(call("KPI.TIMETOCLOSE", {&first, &close, &omitted, &omitted}).value, 45.0);
    EXPECT_DOUBLE_EQ(call("KPI.TIMETOCLOSE", {&first, &close, &median, &omitted}).value, 45.0);
    EXPECT_EQ(call("KPI.TIMETOCLOSE", {&first, &close, &bad, &omitted}).error, Error::num);
    Grid shorter = Grid::column({N(1)});
    EXPECT_EQ(call("KPI.TIMETOCLOSE", {&first, &shorter, &omitted, &omitted}).error, Error::value);
    Grid as_row = Grid::row({N(45030), B, N(45080), N(45100)});  // same cells, other orientation
    EXPECT_DOUBLE_EQ(call("KPI.TIMETOCLOSE", {&first, &as_row, &omitted, &omitted}).value, 45.0);
    // won (issue 14): the 30-day deal won, the 60-day one lost -> 30.
    Grid won = Grid::column({N(1), N(1), N(0), N(1)});
    EXPECT_DOUBLE_EQ(call("KPI.TIMETOCLOSE", {&first, &close, &omitted, &won}).value, 30.0);
    EXPECT_DOUBLE_EQ(call("KPI.TIMETOCLOSE", {&first, &close, &median, &won}).value, 30.0);
    EXPECT_EQ(call("KPI.TIMETOCLOSE", {&first, &close, &omitted}).error, Error::args);  // four arguments, as Calc passes them
}

TEST(Funnel, KeepsTheShape) {
    const FunctionInfo* f = find_name("KPI.FUNNEL");
    ASSERT_NE(f, nullptr);
    Grid row = Grid::row({N(1000), N(100), N(10)});
    const ArgView* a[] = {&row};
    Output out = evaluate(*f, a);
    EXPECT_EQ(out.rows, 1u);
    EXPECT_EQ(out.cols, 3u);
    EXPECT_DOUBLE_EQ(out.cells[2].value, 0.1);
    Grid col = Grid::column({N(1000), N(100)});
    a[0] = &col;
    out = evaluate(*f, a);
    EXPECT_EQ(out.rows, 2u);
    EXPECT_EQ(out.cols, 1u);
    Grid square({{N(1), N(2)}, {N(3), N(4)}});
    a[0] = &square;
    EXPECT_EQ(evaluate(*f, a).single().error, Error::value);
    Grid with_blank = Grid::column({N(1000), B});
    a[0] = &with_blank;
    EXPECT_EQ(evaluate(*f, a).single().error, Error::value);
}

TEST(Ragged, NeverReadsPastARow) {
    // A malformed caller may pass rows of different lengths.
    Grid ragged({{N(1), N(2), N(3)}, {N(4)}, {}});
    Grid two(2.0);
    EXPECT_DOUBLE_EQ(call("KPI.CPL", {&ragged, &two}).value, 5.0);
}

TEST(Large, AMillionCellsInLinearTimeAndBoundedMemory) {
    // A million-row column (a whole campaign export): summed by streaming,
    // NPS counted without a copy, AUC ranked in O(n log n).
    const std::size_t n = 1000000;
    std::vector<double> ones(n, 1.0), scores(n), outcome(n);
    for (std::size_t i = 0; i < n; ++i) {
        scores[i] = static_cast<double>(i % 11);  // 0..10, evenly
        outcome[i] = (i % 11) >= 6 ? 1.0 : 0.0;   // converted exactly when the score is 6 or more
    }
    Grid cost = Grid::column(ones), leads(4.0);
    EXPECT_DOUBLE_EQ(call("KPI.CPL", {&cost, &leads}).value, 250000.0);
    Grid s = Grid::column(scores), y = Grid::column(outcome);
    // 1,000,000 = 11 x 90,909 + 1: each score 0..10 appears 90,909 times and
    // 0 once more. Promoters 2 x 90,909 = 181,818; detractors 7 x 90,909 + 1
    // = 636,364: NPS = 100 x (181,818 - 636,364) / 1,000,000 = -45.4546.
    EXPECT_NEAR(call("KPI.NPS", {&s}).value, -45.4546, 1e-9);
    // Every converted lead scores above every other one: a perfect AUC.
    EXPECT_DOUBLE_EQ(call("KPI.SCOREAUC", {&s, &y}).value, 1.0);
}

TEST(Map, OneResultPerRow) {
    const FunctionInfo* map = find_name("KPI.MAP");
    ASSERT_NE(map, nullptr);
    Grid name = Grid::of_text("ctr"), clicks = Grid::column({N(10), N(20), B, N(-1), T}),
         impressions = Grid::column({N(1000), N(1000), N(600), N(100), N(100)}), omitted;
    const ArgView* a[] = {&name, &clicks, &impressions, &omitted, &omitted, &omitted, &omitted, &omitted, &omitted, &omitted};
    const Output out = evaluate(*map, a);
    ASSERT_EQ(out.rows, 5u);
    ASSERT_EQ(out.cols, 1u);
    EXPECT_DOUBLE_EQ(out.cells[0].value, 0.01);
    EXPECT_DOUBLE_EQ(out.cells[1].value, 0.02);
    EXPECT_DOUBLE_EQ(out.cells[2].value, 0.0);        // a blank row reads 0 clicks, as =C4/D4 would
    EXPECT_EQ(out.cells[3].error, Error::num);        // a negative count, in its row only
    EXPECT_EQ(out.cells[4].error, Error::value);      // text
}

TEST(Map, BroadcastsSingleCellsAndDefaults) {
    const FunctionInfo* map = find_name("KPI.MAP");
    // CLV per customer with one margin for all: 50 x 2 x 3 x 0.5 = 150 and 100 x 1 x 2 x 0.5 = 100.
    Grid name = Grid::of_text("KPI.CLV"), aov = Grid::row({N(50), N(100)}), freq = Grid::row({N(2), N(1)}),
         life = Grid::row({N(3), N(2)}), margin(0.5), omitted;
    const ArgView* a[] = {&name, &aov, &freq, &life, &margin, &omitted, &omitted, &omitted, &omitted, &omitted};
    Output out = evaluate(*map, a);
    ASSERT_EQ(out.rows, 1u);
    ASSERT_EQ(out.cols, 2u);
    EXPECT_DOUBLE_EQ(out.cells[0].value, 150.0);
    EXPECT_DOUBLE_EQ(out.cells[1].value, 100.0);
    const ArgView* no_margin[] = {&name, &aov, &freq, &life, &omitted, &omitted, &omitted, &omitted, &omitted, &omitted};  // margin defaults to 1
    EXPECT_DOUBLE_EQ(evaluate(*map, no_margin).cells[0].value, 300.0);
}

TEST(Map, Errors) {
    const FunctionInfo* map = find_name("KPI.MAP");
    Grid c = Grid::column({N(1), N(2)}), d = Grid::column({N(1), N(2), N(3)}), omitted;
    Grid nps = Grid::of_text("NPS"), unknown = Grid::of_text("NOPE"), number(3.0), clv = Grid::of_text("CLV"),
         ctr = Grid::of_text("CTR"), square({{N(1), N(2)}, {N(3), N(4)}});
    auto run = [&](const ArgView& n, const ArgView& x, const ArgView& y, const ArgView& z) {
        // KPI.MAP takes the name and up to nine columns.
        const ArgView* a[] = {&n, &x, &y, &z, &omitted, &omitted, &omitted, &omitted, &omitted, &omitted};
        return evaluate(*map, a).cells[0].error;
    };
    EXPECT_EQ(run(nps, c, c, omitted), Error::value);      // a range function cannot be mapped
    EXPECT_EQ(run(unknown, c, c, omitted), Error::value);
    EXPECT_EQ(run(number, c, c, omitted), Error::value);   // the name must be text
    EXPECT_EQ(run(ctr, c, d, omitted), Error::value);      // columns of different lengths
    EXPECT_EQ(run(ctr, square, c, omitted), Error::value); // 2-D
    EXPECT_EQ(run(ctr, c, c, c), Error::value);            // more columns than CTR has arguments
    EXPECT_EQ(run(clv, c, c, omitted), Error::args);       // CLV's lifespan has no column
}

// The host's stop function (kpi/stop.hpp): asked by the long loops, active
// only inside its scope and on its thread; a call it stops ends in an error.
TEST(Stop, ScopeAndPolling) {
    static int asked = 0;
    auto always = []() { ++asked; return true; };
    EXPECT_FALSE(stop_requested());  // no host function: never
    std::vector<double> stages(200000, 1.0);
    Grid g = Grid::column(stages);
    const ArgView* a[] = {&g};
    const FunctionInfo* funnel = find_name("KPI.FUNNEL");
    {
        const StopScope scope(always);
        EXPECT_TRUE(stop_requested());
        EXPECT_FALSE(evaluate(*funnel, a).cells[0].ok());  // stopped at its first poll
    }
    EXPECT_GT(asked, 1);
    EXPECT_FALSE(stop_requested());  // the scope restored none
    const Output whole = evaluate(*funnel, a);
    ASSERT_EQ(whole.cells.size(), stages.size());
    EXPECT_DOUBLE_EQ(whole.cells.back().value, 1.0);
}
