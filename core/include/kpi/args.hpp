// Turning spreadsheet arguments (numbers or ranges) into the plain numbers
// the formulas take. These are the conventions every function shares:
//
//  - an amount or a count accepts a number or a range; a range is summed,
//    blank cells skipped, so a ratio over periods is a sum over a sum;
//    text -> #VALUE!, a negative cell -> #NUM!, an error cell -> that error;
//  - a single number (a rate, a margin, a per-customer value) accepts one
//    cell; a range of several values -> #VALUE!;
//  - an omitted optional argument takes its default;
//  - the blank rule: an argument given but holding no value at all (blank
//    cells only, a formula's "", SQL NULL, Python None) is, when optional,
//    the same as leaving it out, and when required gives #N/A ("no data
//    yet", which charts skip) unless the catalogue says a blank means 0
//    (ArgInfo::zero_if_blank); blank cells inside a range with values are
//    skipped as before;
//  - the first problem in reading order (row by row) decides the error.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kpi/cells.hpp"
#include "kpi/result.hpp"

namespace kpi {

// The number of cells of an argument (rows may be ragged): what two ranges
// read as rows of one table must agree on.
std::size_t cell_count(const ArgView& arg);

// Sum of an amount or count argument.
Result amount(const ArgView& arg);

// True when the argument is given but holds no value: every cell blank (no
// number, text or error cell). An omitted or malformed argument is not blank.
bool blank(const ArgView& arg);

// The one value of a single-number argument; all blank -> #N/A.
Result number(const ArgView& arg);

// number(), or `fallback` when the argument is omitted or blank.
Result optional_number(const ArgView& arg, double fallback);

// NPS: counts of promoters (9-10), passives (7-8), detractors (0-6) among the
// numeric cells. Blanks, and empty strings (a formula giving ""), are
// skipped; other text -> #VALUE! (scores exported as text would otherwise be
// left out silently); a score that is not a whole number from 0 to 10 -> #NUM!.
struct NpsCounts {
    double promoters = 0, passives = 0, detractors = 0;
    Error error = Error::none;
};
NpsCounts nps_counts(const ArgView& scores);
// The same when the k-th cell (reading order) stands for weights[k] answers
// (FunctionInfo::counted); fewer weights than cells -> #VALUE!.
NpsCounts nps_counts(const ArgView& scores, std::span<const std::int64_t> weights);

// Two ranges read as pairs, cell by cell in reading order. A pair with a blank
// on either side is skipped; text -> #VALUE!; ranges of different sizes ->
// #VALUE!.
struct Pairs {
    std::vector<double> first, second;
    std::vector<std::int64_t> weights;  // pairs_counted: how many rows each pair stands for
    Error error = Error::none;
};
Pairs pairs(const ArgView& a, const ArgView& b);
// The same when the k-th cell pair stands for weights[k] rows
// (FunctionInfo::counted): the kept pairs' weights in `weights`; a number
// of weights other than the cells' -> #VALUE!.
Pairs pairs_counted(const ArgView& a, const ArgView& b, std::span<const std::int64_t> weights);
// The same, keeping only the rows whose cell in `keep` (a third range of the
// same size) is 1: 0 leaves the row out, a blank skips it like a blank date,
// another number -> #NUM!, text -> #VALUE!. An omitted or all-blank `keep`
// keeps all rows.
Pairs pairs(const ArgView& a, const ArgView& b, const ArgView& keep);

// The cells of a single row or column, as numbers (blank or text -> #VALUE!),
// with the shape to give back: a 2-D range -> #VALUE!.
struct Line {
    std::vector<double> values;
    bool is_row = false;
    Error error = Error::none;
};
Line line(const ArgView& arg);

// Several ranges read as the columns of a table: the i-th cells (in reading
// order) of every range form record i. The ranges must have the same number
// of cells (#VALUE!). A record whose cells are all blank is skipped (a range
// that reaches below the table); a record with only some cells blank, or a
// text cell -> #VALUE!; an error cell -> that error.
struct Records {
    std::vector<std::vector<double>> columns;  // columns[k][i]: range k, record i
    Error error = Error::none;
};
Records records(std::span<const ArgView* const> ranges);

}  // namespace kpi
