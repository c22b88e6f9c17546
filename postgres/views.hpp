// Argument views without per-call allocation, for callers outside Calc (the
// PostgreSQL extension, the Python module): one number, or a column of
// numbers where NaN stands for a blank cell (SQL NULL, a missing value).
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "kpi/cells.hpp"

namespace kpisql {

class Scalar final : public kpi::ArgView {
public:
    Scalar() = default;  // omitted
    explicit Scalar(double v) : v_(v), omitted_(false) {}
    bool omitted() const override { return omitted_; }
    std::size_t rows() const override { return omitted_ ? 0 : 1; }
    std::size_t cols(std::size_t r) const override { return !omitted_ && r == 0 ? 1 : 0; }
    kpi::Cell at(std::size_t, std::size_t) const override { return kpi::Cell::num(v_); }

private:
    double v_ = 0.0;
    bool omitted_ = true;
};

class Column final : public kpi::ArgView {
public:
    Column(const double* data, std::size_t n) : data_(data), n_(n) {}
    explicit Column(const std::vector<double>& v) : data_(v.data()), n_(v.size()) {}
    bool omitted() const override { return false; }
    std::size_t rows() const override { return n_; }
    std::size_t cols(std::size_t r) const override { return r < n_ ? 1 : 0; }
    kpi::Cell at(std::size_t r, std::size_t) const override {
        if (r >= n_ || std::isnan(data_[r])) return kpi::Cell::blank();
        return kpi::Cell::num(data_[r]);
    }

private:
    const double* data_;
    std::size_t n_;
};

// A rows x cols block of numbers in row-major order (a two-dimensional SQL
// array, as a 2-D range of cells), NaN for a blank.
class Block final : public kpi::ArgView {
public:
    Block(const double* data, std::size_t rows, std::size_t cols) : data_(data), rows_(rows), cols_(cols) {}
    bool omitted() const override { return false; }
    std::size_t rows() const override { return rows_; }
    std::size_t cols(std::size_t r) const override { return r < rows_ ? cols_ : 0; }
    kpi::Cell at(std::size_t r, std::size_t c) const override {
        if (r >= rows_ || c >= cols_ || std::isnan(data_[r * cols_ + c])) return kpi::Cell::blank();
        return kpi::Cell::num(data_[r * cols_ + c]);
    }

private:
    const double* data_;
    std::size_t rows_, cols_;
};

}  // namespace kpisql
