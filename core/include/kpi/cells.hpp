// How arguments reach the core: as read-only grids of cells.
//
// A spreadsheet hands a function either one value or a range. The core sees
// both through ArgView, a non-owning view, so that the UNO glue can expose
// the sequences Calc passes without copying them (a range can have a million
// cells), and the tests can pass a plain Grid.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "kpi/result.hpp"

namespace kpi {

struct Cell {
    enum class Kind : unsigned char { empty, number, text, error };
    Kind kind = Kind::empty;
    double number = 0.0;
    Error error = Error::none;

    static constexpr Cell blank() { return Cell{}; }
    static constexpr Cell num(double v) { return Cell{Kind::number, v, Error::none}; }
    static constexpr Cell text() { return Cell{Kind::text, 0.0, Error::none}; }
    static constexpr Cell err(Error e) { return Cell{Kind::error, 0.0, e}; }
};

// One argument of a call. Rows may be ragged (a malformed caller); every
// reader in the core goes through rows()/cols(r)/at(r, c) and so never
// reads outside what the view says it has.
class ArgView {
public:
    virtual ~ArgView() = default;
    // True when an optional argument was left out of the call.
    virtual bool omitted() const = 0;
    // False when the argument is malformed as a whole (a type the caller
    // should never send): it reads as #VALUE!.
    virtual bool well_formed() const { return true; }
    virtual std::size_t rows() const = 0;
    virtual std::size_t cols(std::size_t row) const = 0;
    virtual Cell at(std::size_t row, std::size_t col) const = 0;
    // The content of a text cell (UTF-8); only read where a function takes a
    // name, so the views need not convert every string they hold.
    virtual std::string text(std::size_t /*row*/, std::size_t /*col*/) const { return {}; }
};

// An owning grid, for tests, fuzzing and any non-UNO caller.
class Grid final : public ArgView {
public:
    Grid() : omitted_(true) {}  // an omitted argument
    Grid(double v) : cells_{{Cell::num(v)}} {}
    Grid(Cell c) : cells_{{c}} {}
    Grid(std::vector<std::vector<Cell>> cells) : cells_(std::move(cells)) {}
    // One text cell holding `s`.
    static Grid of_text(std::string s) {
        Grid g(Cell::text());
        g.text_ = std::move(s);
        return g;
    }
    static Grid column(std::initializer_list<Cell> cs) {
        std::vector<std::vector<Cell>> rows;
        for (const Cell& c : cs) rows.push_back({c});
        return Grid(std::move(rows));
    }
    static Grid row(std::initializer_list<Cell> cs) { return Grid(std::vector<std::vector<Cell>>{cs}); }
    // A column of text cells, each with its own content.
    static Grid text_column(const std::vector<std::string>& ts) {
        Grid g;
        g.omitted_ = false;
        g.cells_.assign(ts.size(), std::vector<Cell>{Cell::text()});
        g.texts_.reserve(ts.size());
        for (const std::string& t : ts) g.texts_.push_back({t});
        return g;
    }
    // Makes cell (r, c) a text cell holding s (the grid grows to reach it).
    Grid& set_text(std::size_t r, std::size_t c, std::string s) {
        if (cells_.size() <= r) cells_.resize(r + 1);
        if (cells_[r].size() <= c) cells_[r].resize(c + 1);
        cells_[r][c] = Cell::text();
        if (texts_.size() <= r) texts_.resize(r + 1);
        if (texts_[r].size() <= c) texts_[r].resize(c + 1);
        texts_[r][c] = std::move(s);
        omitted_ = false;
        return *this;
    }
    static Grid column(const std::vector<double>& vs) {
        std::vector<std::vector<Cell>> rows;
        rows.reserve(vs.size());
        for (double v : vs) rows.push_back({Cell::num(v)});
        return Grid(std::move(rows));
    }

    bool omitted() const override { return omitted_; }
    std::size_t rows() const override { return cells_.size(); }
    std::size_t cols(std::size_t r) const override { return r < cells_.size() ? cells_[r].size() : 0; }
    Cell at(std::size_t r, std::size_t c) const override {
        return (r < cells_.size() && c < cells_[r].size()) ? cells_[r][c] : Cell::blank();
    }
    std::string text(std::size_t r, std::size_t c) const override {
        if (at(r, c).kind != Cell::Kind::text) return {};
        if (r < texts_.size() && c < texts_[r].size()) return texts_[r][c];
        return text_;
    }

private:
    bool omitted_ = false;
    std::vector<std::vector<Cell>> cells_;
    std::string text_;  // the content of the text cells not given their own
    std::vector<std::vector<std::string>> texts_;  // per-cell contents (set_text, text_column)
};

// Reads a view cell by cell in reading order (row by row, across ragged
// rows); past the end it gives blanks. text() is the content of the cell
// last read. Several cursors walk ranges of the same size but different
// orientation (a row and a column) in step.
class CellCursor {
public:
    explicit CellCursor(const ArgView& v) : v_(v) {}
    Cell next() {
        while (r_ < v_.rows() && c_ >= v_.cols(r_)) {
            ++r_;
            c_ = 0;
        }
        if (r_ >= v_.rows()) return Cell::blank();
        last_r_ = r_;
        last_c_ = c_;
        return v_.at(r_, c_++);
    }
    std::string text() const { return v_.text(last_r_, last_c_); }

private:
    const ArgView& v_;
    std::size_t r_ = 0, c_ = 0, last_r_ = 0, last_c_ = 0;
};

// Calls fn(cell) for every cell, row by row, and stops early when fn returns
// false. Returns false if it stopped early.
template <class Fn>
bool for_each_cell(const ArgView& v, Fn&& fn) {
    const std::size_t nr = v.rows();
    for (std::size_t r = 0; r < nr; ++r) {
        const std::size_t nc = v.cols(r);
        for (std::size_t c = 0; c < nc; ++c)
            if (!fn(v.at(r, c))) return false;
    }
    return true;
}

}  // namespace kpi
