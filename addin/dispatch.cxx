#include "dispatch.hxx"

#include <bit>
#include <cstdint>
#include <vector>

#include <uno/any2.h>

#include "binuno.hxx"
#include "kpi/errors.hpp"

namespace kpiaddin {

double calc_error(kpi::Error e) noexcept {
    if (e == kpi::Error::none) return 0.0;
    // Calc's own layout (CreateDoubleError): a quiet NaN carrying the
    // FormulaError number in its low fraction bits; numbers in kpi/errors.hpp.
    return std::bit_cast<double>(UINT64_C(0x7FF8000000000000) | kpi::calc_code(e));
}

namespace {
double to_calc(const kpi::Result& r) { return r.ok() ? r.value : calc_error(r.error); }

const kpi::FunctionInfo* entry(std::size_t index) {
    const auto& table = kpi::catalogue();
    return index < table.size() ? &table[index] : nullptr;
}

kpi::Output evaluate(std::size_t index, kpi::Args args) {
    const kpi::FunctionInfo* f = entry(index);
    return f ? kpi::evaluate(*f, args) : kpi::Output::scalar(kpi::Result::fail(kpi::Error::value));
}

// Rows made one by one, then the outer sequence from them (cppu copies each
// row's reference; ours are released after).
uno_Sequence* rows_of(std::vector<uno_Sequence*>& rows, typelib_TypeDescriptionReference* row_type,
                      typelib_TypeDescriptionReference* rows_type) {
    uno_Sequence* out = nullptr;
    bool ok = true;
    for (uno_Sequence* r : rows) ok = ok && r;
    if (ok) out = uno::new_sequence(rows_type, rows.data(), static_cast<sal_Int32>(rows.size()));
    for (uno_Sequence* r : rows) uno::release_sequence(r, row_type);
    return out;
}

uno_Sequence* double_rows(const kpi::Output& out) {
    const uno::Types& t = uno::types();
    std::vector<uno_Sequence*> rows(out.rows, nullptr);
    std::vector<double> line(out.cols);
    for (std::size_t r = 0; r < out.rows; ++r) {
        for (std::size_t c = 0; c < out.cols; ++c) line[c] = to_calc(out.cells[r * out.cols + c]);
        rows[r] = uno::new_sequence(t.dbl_seq, line.data(), static_cast<sal_Int32>(out.cols));
    }
    return rows_of(rows, t.dbl_seq, t.dbl_rows);
}

uno_Sequence* any_rows(const kpi::Output& out) {
    const uno::Types& t = uno::types();
    // A whole-call error (1 x 1) stays an error: only cells of a real table
    // are left empty.
    const bool whole_error = out.rows * out.cols == 1;
    std::vector<uno_Sequence*> rows(out.rows, nullptr);
    std::vector<uno_Any> line(out.cols);
    for (std::size_t r = 0; r < out.rows; ++r) {
        for (std::size_t c = 0; c < out.cols; ++c) {
            const kpi::Result& x = out.cells[r * out.cols + c];
            if (x.error == kpi::Error::na && !whole_error) {
                uno_any_construct(&line[c], nullptr, nullptr, nullptr);  // void: an empty cell
            } else {
                double d = to_calc(x);
                uno_type_any_construct(&line[c], &d, t.dbl, nullptr);
            }
        }
        rows[r] = uno::new_sequence(t.any_seq, line.data(), static_cast<sal_Int32>(out.cols));
        for (uno_Any& a : line) uno_any_destruct(&a, nullptr);
    }
    return rows_of(rows, t.any_seq, t.any_rows);
}

// A 1x1 #VALUE!, when the real result could not be made.
uno_Sequence* error_rows(bool any) {
    kpi::Output one = kpi::Output::scalar(kpi::Result::fail(kpi::Error::value));
    try {
        return any ? any_rows(one) : double_rows(one);
    } catch (...) {
        return nullptr;
    }
}
}  // namespace

double call_number(std::size_t index, kpi::Args args) noexcept {
    try {
        return to_calc(evaluate(index, args).single());
    } catch (...) {
        return calc_error(kpi::Error::value);
    }
}

uno_Sequence* call_array(std::size_t index, kpi::Args args) noexcept {
    try {
        if (uno_Sequence* s = double_rows(evaluate(index, args))) return s;
    } catch (...) {
    }
    return error_rows(false);
}

uno_Sequence* call_table(std::size_t index, kpi::Args args) noexcept {
    try {
        if (uno_Sequence* s = any_rows(evaluate(index, args))) return s;
    } catch (...) {
    }
    return error_rows(true);
}

}  // namespace kpiaddin
