// The UNO signature of each catalogue function: which UNO type each argument
// and the result have. One rule, read by kpigen (to write the IDL) and by the
// glue (to read the arguments Calc passes): the two cannot drift apart.
#pragma once

#include <cstddef>

#include "kpi/catalogue.hpp"

namespace kpiaddin {

// Required arguments are sequence<sequence<any>>: Calc passes a number as a
// 1x1 array and a range as is, and shows them as required in the wizard.
// Optional ones must be `any`: only `any` may be omitted (it arrives void).
// A required column argument is sequence<sequence<double>>: Calc fills it
// much faster than an array of any (no Any per cell, no string per blank).
enum class UnoArg { any, any_rows, double_rows };

// The glue holds a call's argument views on its stack, this many at most;
// kpigen refuses to write an interface with a longer method.
constexpr std::size_t kMaxUnoArgs = 16;
enum class UnoResult { number, double_rows, any_rows };

constexpr UnoArg uno_arg(const kpi::ArgInfo& a) {
    if (a.optional) return UnoArg::any;
    return a.kind == kpi::ArgKind::column ? UnoArg::double_rows : UnoArg::any_rows;
}

// A table (KPI.COHORT) needs empty cells, which only an array of any holds.
constexpr UnoResult uno_result(const kpi::FunctionInfo& f) {
    switch (f.returns) {
        case kpi::Returns::number: return UnoResult::number;
        case kpi::Returns::array: return UnoResult::double_rows;
        case kpi::Returns::table: return UnoResult::any_rows;
    }
    return UnoResult::number;
}

constexpr const char* idl_type(UnoArg t) {
    switch (t) {
        case UnoArg::any: return "any";
        case UnoArg::any_rows: return "sequence< sequence< any > >";
        case UnoArg::double_rows: return "sequence< sequence< double > >";
    }
    return "any";
}
constexpr const char* idl_type(UnoResult t) {
    switch (t) {
        case UnoResult::number: return "double";
        case UnoResult::double_rows: return "sequence< sequence< double > >";
        case UnoResult::any_rows: return "sequence< sequence< any > >";
    }
    return "double";
}

}  // namespace kpiaddin
