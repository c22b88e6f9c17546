// The column path (kpi/column.hpp, issue 26 item 2) against the per-call
// path, evaluate(), for every function that has one: each argument in turn
// takes every kind of cell (numbers at the edges of the domains, -0, an
// infinity, a blank, a text, an error cell), the others a valid value, and
// each row must give evaluate()'s result for the same cells, bit for bit
// (as doubles with the error's NaN payload). Then the hosts' variants: a
// float8 NaN (PostgreSQL: a value, #NUM!) and KPI.MAP's blank read as 0.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kpi/catalogue.hpp"
#include "kpi/column.hpp"
#include "kpi/map.hpp"

using namespace kpi;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// One cell of a row: the double a host passes, and its error (text, error cell).
struct In {
    double v;
    Error e = Error::none;
};
Cell cell_of(const In& x) {
    if (x.e != Error::none) return x.e == Error::value ? Cell::text() : Cell::err(x.e);
    return std::isnan(x.v) ? Cell::blank() : Cell::num(x.v);
}

const std::vector<In> kCells = {{0.0},  {-0.0}, {1.0},  {2.5},  {0.3},  {-1.0},          {1e300},
                                {-1e300}, {5e-324}, {kInf}, {-kInf}, {7.0}, {kNaN} /* blank */,
                                {0.0, Error::value} /* text */, {0.0, Error::div0} /* error cell */};

// The parameter rows of the models (the CDNOW fits).
const Grid kBg = Grid::row({Cell::num(0.243), Cell::num(4.414), Cell::num(0.793), Cell::num(2.426)});
const Grid kGg = Grid::row({Cell::num(6.25), Cell::num(3.74), Cell::num(15.44)});

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

// Cells for the pairs: the same, and sums that overflow (1.6e308 twice),
// a non-whole number just below 2^52 and a whole one above it (the whole-
// number checks of the branch-free forms).
std::vector<In> pair_cells() {
    std::vector<In> cells = kCells;
    for (double v : {1.6e308, 2251799813685248.5, 4503599627370497.0}) cells.push_back({v});
    return cells;
}

// The rows a function is checked on from argument `first` on (the ones
// before are its parameter rows): argument i takes each kind of cell in
// turn, the others 1 (x = tx = T = 1 is a valid customer); with `pairs`,
// also every two arguments every two cells (a zero over a zero, two huge
// amounts added: conditions that need two arguments).
std::vector<std::vector<In>> matrix_rows(const FunctionInfo& f, std::size_t first, bool pairs) {
    std::vector<std::vector<In>> rows;
    for (std::size_t i = first; i < f.args.size(); ++i)
        for (const In& c : kCells) {
            std::vector<In> row(f.args.size(), In{1.0});
            row[i] = c;
            rows.push_back(row);
        }
    if (!pairs) return rows;
    const std::vector<In> cells = pair_cells();
    for (std::size_t i = first; i < f.args.size(); ++i)
        for (std::size_t j = i + 1; j < f.args.size(); ++j)
            for (const In& a : cells)
                for (const In& b : cells) {
                    std::vector<In> row(f.args.size(), In{1.0});
                    row[i] = a;
                    row[j] = b;
                    rows.push_back(row);
                }
    return rows;
}

// Every row of the matrix through the column path, then each through
// evaluate() with one-cell grids.
void check_function(const FunctionInfo& f, bool pairs = false) {
    std::vector<const ArgView*> ranges(f.args.size(), nullptr);
    std::size_t first = 0;
    for (std::size_t j = 0; j < f.args.size() && f.args[j].kind == ArgKind::range; ++j, ++first)
        ranges[j] = f.args[j].name == "gg_params" ? &kGg : (f.method == "ggspend" ? &kGg : &kBg);
    const ColumnCall call(f, ranges);
    ASSERT_TRUE(call.available()) << f.name;
    const std::vector<std::vector<In>> rows = matrix_rows(f, first, pairs);
    const std::size_t n = rows.size();
    // What evaluate() gives for each row's cells.
    std::vector<double> want(n);
    for (std::size_t r = 0; r < n; ++r) {
        std::vector<Grid> grids;
        grids.reserve(f.args.size());
        std::vector<const ArgView*> views;
        for (std::size_t j = 0; j < f.args.size(); ++j) {
            if (j < first) {
                views.push_back(ranges[j]);
                continue;
            }
            grids.emplace_back(cell_of(rows[r][j]));
            views.push_back(&grids.back());
        }
        want[r] = to_double(evaluate(f, views).single());
    }
    const auto expect_row = [&](double got, std::size_t r, const char* how) {
        std::string cells;
        for (const In& x : rows[r]) cells += " " + std::to_string(x.v) + (x.e != Error::none ? "(err)" : "");
        EXPECT_EQ(bits(got), bits(want[r])) << f.name << " " << how << " row" << cells << ": column " << got << " "
                                            << error_name(nan_error(got)) << ", per call " << want[r] << " "
                                            << error_name(nan_error(want[r]));
    };
    // The rows as columns: with the cells' errors; then the rows without an
    // error cell with none (the host's plain arrays, read in place when a
    // block is all plain numbers).
    for (const bool with_errors : {true, false}) {
        std::vector<std::size_t> picked;
        for (std::size_t r = 0; r < n; ++r)
            if (with_errors || std::all_of(rows[r].begin(), rows[r].end(), [](const In& x) { return x.e == Error::none; }))
                picked.push_back(r);
        const std::size_t m = picked.size();
        std::vector<std::vector<double>> values(f.args.size(), std::vector<double>(m));
        std::vector<std::vector<Error>> errors(f.args.size(), std::vector<Error>(m));
        std::vector<ColumnArg> cols(f.args.size());
        for (std::size_t j = first; j < f.args.size(); ++j) {
            for (std::size_t k = 0; k < m; ++k) {
                values[j][k] = rows[picked[k]][j].v;
                errors[j][k] = rows[picked[k]][j].e;
            }
            cols[j] = ColumnArg{values[j].data(), 1, with_errors ? errors[j].data() : nullptr};
        }
        std::vector<double> out(m);
        ASSERT_TRUE(call.run(cols, m, out.data()));
        for (std::size_t k = 0; k < m; ++k) expect_row(out[k], picked[k], with_errors ? "column" : "plain column");
    }
    // Each row as single values for three rows (stride 0, a value broadcast
    // against a column), where the rows are read a block at a time (the
    // models that sum series are read row by row, and cost seconds here).
    if (!f.scalar && f.name != "KPI.GG.SPEND") return;
    for (std::size_t r = 0; r < n; ++r) {
        std::vector<ColumnArg> cols(f.args.size());
        for (std::size_t j = first; j < f.args.size(); ++j) cols[j] = ColumnArg{&rows[r][j].v, 0, &rows[r][j].e};
        double out[3];
        ASSERT_TRUE(call.run(cols, 3, out));
        for (double got : out) expect_row(got, r, "single values");
    }
}

}  // namespace

TEST(ColumnPath, EveryElementwiseFunctionEqualsThePerCallPath) {
    int functions = 0;
    for (const FunctionInfo& f : catalogue()) {
        if (!ColumnCall(f, {}).available()) continue;
        ++functions;
        check_function(f);
    }
    EXPECT_GE(functions, 40);  // the ratios, the formulas, the statistics and four models
}

// The formulas with a column form of their own (f.column) and GG.SPEND's
// block form, on every pair of arguments: their branch-free checks must
// give each condition that needs two values (FREQUENCY's 0 over 0,
// QUICKRATIO's sums that overflow or lose nothing) as the formula does.
// The models that sum series are left to the test above (a huge horizon
// costs seconds a row).
TEST(ColumnPath, FormulasEqualThePerCallPathOnEveryPairOfArguments) {
    int functions = 0;
    for (const FunctionInfo& f : catalogue()) {
        if (!f.column && f.name != "KPI.GG.SPEND") continue;
        ++functions;
        check_function(f, true);
    }
    EXPECT_GE(functions, 30);
}

TEST(ColumnPath, FunctionsWithoutAColumnFormSayNot) {
    for (const char* name : {"KPI.NPS", "KPI.FUNNEL", "KPI.COHORT", "KPI.BGNBD.FIT", "KPI.MAP", "KPI.TIMETOCLOSE"})
        EXPECT_FALSE(ColumnCall(*find_name(name), {}).available()) << name;
}

TEST(ColumnPath, ParameterRowErrorsAreEveryRowsError) {
    const Grid short_row = Grid::row({Cell::num(1), Cell::num(2)});
    const Grid negative = Grid::row({Cell::num(1), Cell::num(-2), Cell::num(3), Cell::num(4)});
    const FunctionInfo& f = *find_name("KPI.BGNBD.PALIVE");
    const double x[] = {1, 2}, tx[] = {1, 1}, T[] = {2, 3};
    const ColumnArg cols[] = {{}, {x, 1}, {tx, 1}, {T, 1}};
    double out[2];
    ASSERT_TRUE(ColumnCall(f, std::vector<const ArgView*>{&short_row}).run(cols, 2, out));
    EXPECT_EQ(nan_error(out[0]), Error::value);  // 2 values where 4 (or 5) belong
    EXPECT_EQ(nan_error(out[1]), Error::value);
    ASSERT_TRUE(ColumnCall(f, std::vector<const ArgView*>{&negative}).run(cols, 2, out));
    EXPECT_EQ(nan_error(out[1]), Error::num);  // a parameter must be > 0
}

// PostgreSQL passes a float8 NaN as a value: #NUM!, where Python's NaN is a
// blank (#N/A for a required argument).
TEST(ColumnPath, NanIsAValueWhereTheHostSaysSo) {
    const FunctionInfo& f = *find_name("KPI.CPL");
    const double cost = kNaN, leads = 4;
    double out = 0;
    ColumnArg cols[] = {{&cost, 0, nullptr, false}, {&leads, 0}};
    ASSERT_TRUE(ColumnCall(f, {}).run(cols, 1, &out));
    EXPECT_EQ(nan_error(out), Error::num);
    cols[0].nan_is_blank = true;
    ASSERT_TRUE(ColumnCall(f, {}).run(cols, 1, &out));
    EXPECT_EQ(nan_error(out), Error::na);
}

// KPI.MAP reads an empty cell as 0, as =C2/D2 does: CPL(blank; 4) is 0 / 4 = 0,
// CPL(8; blank) 8 / 0, #DIV/0!; a text cell is #VALUE! in its row only.
TEST(ColumnPath, MapReadsABlankAsZero) {
    const Grid name = Grid::of_text("CPL");
    const Grid cost = Grid::column({Cell::blank(), Cell::num(8), Cell::num(12), Cell::text()});
    const Grid leads = Grid::column({Cell::num(4), Cell::blank(), Cell::num(3), Cell::num(1)});
    const Grid omitted;
    std::vector<const ArgView*> args{&name, &cost, &leads};
    while (args.size() < find_name("KPI.MAP")->args.size()) args.push_back(&omitted);
    const Output o = map_rows(args);
    ASSERT_EQ(o.cells.size(), 4u);
    EXPECT_EQ(o.rows, 4u);
    EXPECT_TRUE(o.cells[0].ok());
    EXPECT_EQ(o.cells[0].value, 0.0);
    EXPECT_EQ(o.cells[1].error, Error::div0);
    EXPECT_EQ(o.cells[2].value, 4.0);
    EXPECT_EQ(o.cells[3].error, Error::value);
}

// The formulas that take the cells as they are (FunctionInfo::column_cells:
// CLV, BREAKEVENROAS) on long plain columns, several blocks, the result
// array starting at every offset from a cache line: valid rows, the rare
// bad cell sprinkled in (a blank, an infinity, a negative, -0, 0, a
// subnormal on either side of the least margin whose inverse is finite, a
// product that overflows), read as a sheet reads them, a blank as zero
// (KPI.MAP) and NaN as a value (SQL): each row bit for bit evaluate()'s.
TEST(ColumnPath, FormulasOnTheCellsAsTheyAreFixTheirRareBadRows) {
    const double least = 0x0.4000000000001p-1022, below = 0x0.4p-1022;
    const std::vector<double> bad = {kNaN, kInf, -kInf, -1.0, -0.0, 0.0, least, below, 5e-324, 1.0,
                                     std::nextafter(1.0, 2.0), 1.6e308, 1e300};
    int functions = 0;
    for (const FunctionInfo& f : catalogue()) {
        if (!f.column_cells) continue;
        ++functions;
        const std::size_t na = f.args.size(), n = 10'000;
        std::vector<std::vector<double>> values(na, std::vector<double>(n + 8));
        std::uint64_t s = 12345;
        const auto rnd = [&s] { return (s = s * 6364136223846793005ULL + 1442695040888963407ULL) >> 11; };
        for (std::size_t k = 0; k < n + 8; ++k)
            for (std::size_t j = 0; j < na; ++j) {
                values[j][k] = 0.01 + static_cast<double>(rnd() % 1000) / 1001.0;  // a valid amount or fraction
                if (rnd() % 97 == 0) values[j][k] = bad[rnd() % bad.size()];
            }
        for (const auto& [blanks, nan_is_blank] :
             {std::pair{ColumnCall::Blanks::rule, true}, {ColumnCall::Blanks::zero, true}, {ColumnCall::Blanks::rule, false}}) {
            const ColumnCall call(f, {}, blanks);
            for (std::size_t shift = 0; shift < 8; ++shift) {
                std::vector<ColumnArg> cols(na);
                for (std::size_t j = 0; j < na; ++j) cols[j] = ColumnArg{values[j].data() + shift, 1, nullptr, nan_is_blank};
                std::vector<double> out(n + 8);
                ASSERT_TRUE(call.run(cols, n, out.data() + shift));
                for (std::size_t k = 0; k < n; ++k) {
                    std::vector<Grid> grids;
                    grids.reserve(na);
                    std::vector<const ArgView*> views;
                    for (std::size_t j = 0; j < na; ++j) {
                        const double v = values[j][k + shift];
                        // The hosts' readings of NaN: a blank cell, an empty cell read as 0, a value (#NUM!).
                        grids.emplace_back(!std::isnan(v) ? Cell::num(v)
                                           : !nan_is_blank ? Cell::err(Error::num)
                                           : blanks == ColumnCall::Blanks::zero ? Cell::num(0.0)
                                                                                : Cell::blank());
                        views.push_back(&grids.back());
                    }
                    const double want = to_double(evaluate(f, views).single());
                    ASSERT_EQ(bits(out[k + shift]), bits(want))
                        << f.name << " row " << k << " shift " << shift << ": " << out[k + shift] << " "
                        << error_name(nan_error(out[k + shift])) << ", per call " << want << " "
                        << error_name(nan_error(want));
                }
            }
        }
    }
    EXPECT_EQ(functions, 2);
}
