// Python values as spreadsheet cells: how the module `kpi` reads any
// argument. Every Python object is read as cells or refused with a
// TypeError or ValueError that names the argument; nothing else — no
// crash, no SystemError (issue 27). A value reads as the cell Calc would
// hold for it, so that the module gives Calc's answer for the same cells:
//
//   float, int, bool, NumPy numbers      a number (True is 1, as in Calc)
//   NaN, None, NaT, pandas.NA, ""        a blank cell (a missing value); Calc
//                                        too passes a formula's "" as a blank
//   any other str or bytes               a text cell: customer ids compare its
//                                        content (UTF-8); where a number
//                                        belongs, the function's error (#VALUE!)
//   an int beyond 2**53 as a customer id its decimal text (no double holds it
//                                        exactly: two such ids never merge)
//   datetime64, datetime, date           a serial date (days since 1899-12-30,
//                                        the time of day as a fraction)
//   timedelta64, timedelta               a number of days
//   complex numbers, other objects       TypeError
//
// Lists and tuples are read element by element (a list mixing numbers and
// text keeps its numbers numbers, where NumPy would turn them into text);
// anything else through numpy.asarray (pandas Series and DataFrames, ...).
#pragma once

#include <pybind11/pybind11.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "kpi/cells.hpp"

namespace pykpi {

namespace py = pybind11;

// One argument's cells, in NumPy's C order.
class Cells {
public:
    std::vector<py::ssize_t> shape;  // NumPy's; empty for a single value

    std::size_t size() const;
    bool is_text(std::size_t i) const { return !texts_.empty() && !texts_[i].empty(); }
    const std::string& text(std::size_t i) const { return texts_[i]; }
    // A blank cell: what a single-value argument reads as a missing value.
    bool blank(std::size_t i) const { return !is_text(i) && std::isnan(number(i)); }
    kpi::Cell cell(std::size_t i) const {
        if (is_text(i)) return kpi::Cell::text();
        return blank(i) ? kpi::Cell::blank() : kpi::Cell::num(number(i));
    }
    // The numbers in C order (NaN for a blank or a text cell), for the
    // core's column path (kpi/column.hpp); has_text() says whether any cell
    // is text.
    const double* numbers() const { return single_ ? &one_ : data_; }
    bool has_text() const { return !texts_.empty(); }

private:
    friend class Reader;
    double number(std::size_t i) const { return single_ ? one_ : data_[i]; }

    bool single_ = true;
    double one_ = NAN;
    py::object owner_;              // the float64 array holding the numbers, if not single
    const double* data_ = nullptr;  // its data
    std::vector<std::string> texts_;  // per cell when any is text; "" for the others
};

// The cells of `x`; `where` names the argument in error messages
// ("cpl() argument 'cost'"). `ids`: the argument holds customer ids
// (kpisql::is_id): an integer beyond 2**53, which no double holds exactly,
// is read as its decimal text, so that two such ids never merge.
Cells read_cells(py::handle x, const std::string& where, bool ids = false);

// A range argument: a single value is one cell, a 1-D array a column, a 2-D
// array rows x columns (as a sheet range: FUNNEL of a 2-D range is #VALUE!
// in Calc and here). Beyond 2-D: ValueError.
class RangeView final : public kpi::ArgView {
public:
    RangeView(const Cells& cells, const std::string& where);
    bool omitted() const override { return false; }
    std::size_t rows() const override { return rows_; }
    std::size_t cols(std::size_t r) const override { return r < rows_ ? cols_ : 0; }
    kpi::Cell at(std::size_t r, std::size_t c) const override {
        return r < rows_ && c < cols_ ? cells_.cell(r * cols_ + c) : kpi::Cell::blank();
    }
    std::string text(std::size_t r, std::size_t c) const override {
        return r < rows_ && c < cols_ && cells_.is_text(r * cols_ + c) ? cells_.text(r * cols_ + c) : std::string();
    }

private:
    const Cells& cells_;
    std::size_t rows_ = 1, cols_ = 1;
};

// One cell of a single-value argument: the one a row of a broadcast call
// reads. Omitted until pointed at a cell.
class CellView final : public kpi::ArgView {
public:
    void point(const Cells* cells, std::size_t i) {
        cells_ = cells;
        i_ = i;
    }
    bool omitted() const override { return cells_ == nullptr; }
    std::size_t rows() const override { return omitted() ? 0 : 1; }
    std::size_t cols(std::size_t r) const override { return !omitted() && r == 0 ? 1 : 0; }
    kpi::Cell at(std::size_t r, std::size_t c) const override {
        return !omitted() && r == 0 && c == 0 ? cells_->cell(i_) : kpi::Cell::blank();
    }
    std::string text(std::size_t r, std::size_t c) const override {
        return !omitted() && r == 0 && c == 0 && cells_->is_text(i_) ? cells_->text(i_) : std::string();
    }

private:
    const Cells* cells_ = nullptr;
    std::size_t i_ = 0;
};

}  // namespace pykpi
