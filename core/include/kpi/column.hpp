// The column path: one function over many rows of single values, the way
// NumPy, KPI.MAP and PostgreSQL call it (issue 26, item 2).
//
// Calling evaluate() once per row re-reads every argument through the
// generic views: the blank rule and the amount checks per cell, a model's
// parameter row parsed again, an Output vector allocated per row. A
// ColumnCall does that work once: built from the function and its range
// arguments (the parameter rows, read once and shared by every row), it
// runs a tight loop over the varying arguments and writes one double per
// row into the caller's buffer, an error as the NaN carrying Calc's code
// (error_nan). It allocates nothing per row, keeps no state between calls
// (run() is const: one ColumnCall may serve several threads) and touches
// nothing of the caller's but the arrays it is given, so a host may run it
// with its own lock released (Python's GIL).
//
// Per row it gives exactly what evaluate() gives for that row's cells (a
// test compares the two on the bad-input matrix): the blank rule and the
// argument conventions of args.hpp, the first problem in argument order
// deciding the error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "kpi/catalogue.hpp"
#include "kpi/errors.hpp"

namespace kpi {

// Calc's layout for an error in a double: a quiet NaN whose low bits are
// the FormulaError number (as the add-in and the Python module hand it out).
double error_nan(Error e);
// The kind an error_nan carries (Error::none for a number; Error::value for
// a NaN that is none of the core's).
Error nan_error(double x);
// A Result as such a double.
inline double to_double(const Result& r) { return r.ok() ? r.value : error_nan(r.error); }

// One argument's cells over the rows: row i reads values[i * stride]
// (stride 0: the same cell for every row).
struct ColumnArg {
    const double* values = nullptr;  // nullptr: the argument is left out (optional ones take their default)
    std::ptrdiff_t stride = 1;
    // Per cell (same stride), nullptr for none: Error::none for a number
    // (or a blank), else the cell is not a number: a text cell is
    // Error::value (as args.hpp reads it), an error cell its error.
    const Error* errors = nullptr;
    // NaN is a blank cell (Python's None/NaN, KPI.MAP's empty cells). False
    // where NaN is a value that is not a number (a SQL float8 'NaN': #NUM!).
    bool nan_is_blank = true;
};

class ColumnCall {
public:
    // How a blank cell of a given argument reads.
    enum class Blanks {
        rule,  // the blank rule (args.hpp): optional -> default, required -> #N/A or 0 (zero_if_blank)
        zero,  // as a sheet formula reads an empty cell, =C2/D2 (KPI.MAP)
    };

    // `ranges[i]`: argument i's view when it is a range argument (a model's
    // parameter row), read here once; ignored for the others (may be
    // nullptr; `ranges` may end before them).
    ColumnCall(const FunctionInfo& f, Args ranges, Blanks blanks = Blanks::rule);

    // False when f has no column form (it reads ranges cell by cell, or
    // returns an array): the caller evaluates it per call instead.
    bool available() const { return kind_ != Kind::none; }
    // A model's parameter rows: how many lead the arguments, and their error
    // (every row's, Error::none when they read well).
    std::size_t range_args() const { return param_args_; }
    Error range_error() const { return param_error_; }

    // out[i] for rows i in [0, n): cols[j] is argument j's cells (entries
    // for range arguments are ignored). With `budget` (KPI.MAP's one budget
    // per call, map.hpp): every row costs models::kEvaluationCost and a model row
    // the terms it sums; returns false as soon as it is spent (the rest of
    // `out` unwritten). Without, each row has its own function's limit, as
    // evaluate() has. Also false when the host asks to stop (stop.hpp,
    // polled every kStopEvery rows).
    bool run(std::span<const ColumnArg> cols, std::size_t n, double* out, long* budget = nullptr) const;

private:
    enum class Kind { none, scalar, model };
    bool run_scalar(std::span<const ColumnArg> cols, std::size_t n, double* out, long* budget) const;
    bool run_model(std::span<const ColumnArg> cols, std::size_t n, double* out, long* budget) const;
    // Blocks of rows: each argument from `first` on read over a block, then
    // the block computed (f_.column, f_.scalar per row, or block_).
    bool run_blocks(std::span<const ColumnArg> cols, std::size_t n, double* out, long* budget, std::size_t first) const;

    const FunctionInfo& f_;
    Kind kind_ = Kind::none;
    Blanks blanks_;
    // A model (BGNBD.PALIVE, BGNBD.EXPECTED, GG.SPEND, CLV.PREDICT): its
    // parameter rows' error, and one customer's row over the parameters
    // read once (clvmodels_eval.hpp's RowModel).
    std::size_t param_args_ = 0;
    Error param_error_ = Error::none;
    std::size_t row_args_ = 0, optional_ = 0;
    double fallback_ = 0.0;
    std::function<Result(std::span<const double>, long&)> row_;
    // The model's block form when it has one (GG.SPEND): its rows read and
    // computed a block at a time, as a formula's.
    std::function<void(const double* const*, std::size_t, double*)> block_;
};

}  // namespace kpi
