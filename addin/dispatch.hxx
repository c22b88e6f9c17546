// From UNO arguments to a Calc result: the part of the glue that touches
// user data, kept free of the component so that the fuzzer and the tests can
// drive it without a running office.
#pragma once

#include <cstddef>

#include <com/sun/star/uno/Any.hxx>
#include <com/sun/star/uno/Sequence.hxx>

#include "arg_views.hxx"
#include "kpi/catalogue.hpp"
#include "kpi/result.hpp"

namespace kpiaddin {

// Calc shows a double result as an error when it is a NaN whose low 32
// fraction bits carry a FormulaError number (LibreOffice's CreateDoubleError).
double calc_error(kpi::Error e) noexcept;

// Evaluate catalogue entry `index` and convert the result for Calc. Never
// throw: anything unexpected (std::bad_alloc, a bug) becomes #VALUE!.
double call_number(std::size_t index, kpi::Args args) noexcept;
css::uno::Sequence<css::uno::Sequence<double>> call_array(std::size_t index, kpi::Args args) noexcept;
// A table (Returns::table): numbers as doubles, errors as error NaNs, and the
// cells without a value (Error::na) as void, which Calc shows as empty cells
// (its CreateMixedMatrix puts an empty element for an Any it cannot read).
css::uno::Sequence<css::uno::Sequence<css::uno::Any>> call_table(std::size_t index, kpi::Args args) noexcept;

template <std::size_t N>
double call_number(std::size_t index, const ArgHolder (&args)[N]) noexcept {
    const kpi::ArgView* views[N];
    for (std::size_t i = 0; i < N; ++i) views[i] = &args[i];
    return call_number(index, kpi::Args(views, N));
}

template <std::size_t N>
css::uno::Sequence<css::uno::Sequence<double>> call_array(std::size_t index, const ArgHolder (&args)[N]) noexcept {
    const kpi::ArgView* views[N];
    for (std::size_t i = 0; i < N; ++i) views[i] = &args[i];
    return call_array(index, kpi::Args(views, N));
}

template <std::size_t N>
css::uno::Sequence<css::uno::Sequence<css::uno::Any>> call_table(std::size_t index, const ArgHolder (&args)[N]) noexcept {
    const kpi::ArgView* views[N];
    for (std::size_t i = 0; i < N; ++i) views[i] = &args[i];
    return call_table(index, kpi::Args(views, N));
}

}  // namespace kpiaddin
