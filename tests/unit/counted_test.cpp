// Issue 26 item 3: the counted forms (FunctionInfo::counted) that a
// PostgreSQL aggregate uses on its distinct rows and their counts. Values
// worked out by hand in the comments; each equals the function over the
// rows written out (checked too).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "expect.hpp"
#include "kpi/catalogue.hpp"
#include "kpi/kpi.hpp"

using namespace kpi;

namespace {

Grid col(const std::vector<double>& v) {
    std::vector<std::vector<Cell>> rows;
    for (double x : v) rows.push_back({x != x ? Cell::blank() : Cell::num(x)});
    return Grid(std::move(rows));
}

Result counted(std::string_view method, const std::vector<Grid>& args, const std::vector<std::int64_t>& counts) {
    std::vector<const ArgView*> views;
    for (const Grid& g : args) views.push_back(&g);
    return evaluate_counted(*find_method(method), views, counts).single();
}

Result plain(std::string_view method, const std::vector<Grid>& args) {
    std::vector<const ArgView*> views;
    for (const Grid& g : args) views.push_back(&g);
    return evaluate(*find_method(method), views).single();
}

constexpr double kBlank = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST(Counted, ScoreAucOfTiedPairs) {
    // (1, 0) x2, (2, 0) x1, (2, 1) x1, (3, 1) x3: 4 positives, 3 negatives.
    // The positive at 2 beats the two negatives at 1 and ties one: 2.5; the
    // three at 3 beat all three: 9. U = 11.5, AUC = 11.5 / 12.
    const std::vector<double> s = {1, 2, 2, 3}, y = {0, 0, 1, 1};
    expect_value(counted("scoreauc", {col(s), col(y)}, {2, 1, 1, 3}), 11.5 / 12);
    // Any order of the tuples.
    expect_value(counted("scoreauc", {col({3, 2, 1, 2}), col({1, 1, 0, 0})}, {3, 1, 2, 1}), 11.5 / 12);
    // The same as the rows written out.
    expect_value(plain("scoreauc", {col({1, 1, 2, 2, 3, 3, 3}), col({0, 0, 0, 1, 1, 1, 1})}), 11.5 / 12);
    // A blank pair is skipped with its count.
    expect_value(counted("scoreauc", {col({1, kBlank, 2, 2, 3}), col({0, 1, 0, 1, 1})}, {2, 9, 1, 1, 3}), 11.5 / 12);
}

TEST(Counted, ScoreAucBeyondThirtyTwoBits) {
    // 3e9 positives above 3e9 negatives with 1e9 of each tied at 5:
    // U = 3e9 * 3e9 - (1e9 * 1e9) / 2 (the tied pairs count one half).
    const double u = 9e18 - 0.5e18;
    expect_value(counted("scoreauc", {col({1, 5, 5, 9}), col({0, 0, 1, 1})},
                         {2000000000, 1000000000, 1000000000, 2000000000}), u / 9e18);
}

TEST(Counted, ScoreAucErrors) {
    expect_error(counted("scoreauc", {col({1, 2}), col({1, 1})}, {3, 4}), Error::div0);       // no negative
    expect_error(counted("scoreauc", {col({1, 2}), col({0, 2})}, {3, 4}), Error::num);        // outcome not 0/1
    expect_error(counted("scoreauc", {col({1, 2}), col({0, 1})}, {3}), Error::value);         // counts short
    expect_error(counted("scoreauc", {col({1, 2}), col({0, 1})}, {3, 0}), Error::value);      // a count of 0
    expect_error(counted("scoreauc", {col({1, 2}), col({0, 1, 1})}, {3, 1}), Error::value);   // sizes differ
}

TEST(Counted, Nps) {
    // 5 answers of 10, 2 of 8, 3 of 3: (5 - 3) / 10 = +20.
    expect_value(counted("nps", {col({10, 8, 3})}, {5, 2, 3}), 20);
    expect_value(plain("nps", {col({10, 10, 10, 10, 10, 8, 8, 3, 3, 3})}), 20);
    // A blank with a count is no answer: 1 promoter, 1 detractor.
    expect_value(counted("nps", {col({10, kBlank, 0})}, {1, 7, 1}), 0);
    expect_error(counted("nps", {col({10, 11})}, {1, 1}), Error::num);
    expect_error(counted("nps", {col({10, 9})}, {1}), Error::value);
    expect_error(counted("nps", {col({})}, {}), Error::div0);
}

TEST(Counted, OnlyFunctionsThatReadAMultiset) {
    // A function without a counted form is not evaluated that way.
    EXPECT_TRUE(has_counted(*find_method("nps")));
    EXPECT_TRUE(has_counted(*find_method("scoreauc")));
    EXPECT_FALSE(has_counted(*find_method("funnel")));
    expect_error(counted("funnel", {col({10, 5})}, {1, 1}), Error::value);
}
