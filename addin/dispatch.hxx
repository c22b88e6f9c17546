// From binary-UNO arguments to a Calc result: the part of the glue that
// touches user data, kept free of the component so that the fuzzer can
// drive it without a running office.
#pragma once

#include <cstddef>

#include <uno/sequence2.h>

#include "kpi/catalogue.hpp"
#include "kpi/result.hpp"

namespace kpiaddin {

// Calc shows a double result as an error when it is a NaN whose low 32
// fraction bits carry a FormulaError number (LibreOffice's CreateDoubleError).
double calc_error(kpi::Error e) noexcept;

// Evaluate catalogue entry `index` and convert the result for Calc. Never
// throw: anything unexpected (std::bad_alloc, a bug) becomes #VALUE!.
double call_number(std::size_t index, kpi::Args args) noexcept;
// sequence<sequence<double>>: a new sequence the caller owns (nullptr only
// when even a 1x1 error could not be allocated).
uno_Sequence* call_array(std::size_t index, kpi::Args args) noexcept;
// sequence<sequence<any>> (Returns::table): numbers as doubles, errors as
// error NaNs, and the cells without a value (Error::na) as void, which Calc
// shows as empty cells (its CreateMixedMatrix puts an empty element for an
// Any it cannot read).
uno_Sequence* call_table(std::size_t index, kpi::Args args) noexcept;

}  // namespace kpiaddin
