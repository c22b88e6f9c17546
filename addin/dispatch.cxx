#include "dispatch.hxx"

#include <bit>
#include <cstdint>

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
}  // namespace

double call_number(std::size_t index, kpi::Args args) noexcept {
    try {
        const kpi::FunctionInfo* f = entry(index);
        if (!f) return calc_error(kpi::Error::value);
        return to_calc(kpi::evaluate(*f, args).single());
    } catch (...) {
        return calc_error(kpi::Error::value);
    }
}

css::uno::Sequence<css::uno::Sequence<double>> call_array(std::size_t index, kpi::Args args) noexcept {
    try {
        const kpi::FunctionInfo* f = entry(index);
        const kpi::Output out = f ? kpi::evaluate(*f, args) : kpi::Output::scalar(kpi::Result::fail(kpi::Error::value));
        css::uno::Sequence<css::uno::Sequence<double>> rows(static_cast<sal_Int32>(out.rows));
        auto* row = rows.getArray();
        for (std::size_t r = 0; r < out.rows; ++r) {
            row[r].realloc(static_cast<sal_Int32>(out.cols));
            auto* cell = row[r].getArray();
            for (std::size_t c = 0; c < out.cols; ++c) cell[c] = to_calc(out.cells[r * out.cols + c]);
        }
        return rows;
    } catch (...) {
        try {
            css::uno::Sequence<double> one(1);
            one.getArray()[0] = calc_error(kpi::Error::value);
            return css::uno::Sequence<css::uno::Sequence<double>>(&one, 1);
        } catch (...) {
            return {};
        }
    }
}

}  // namespace kpiaddin
