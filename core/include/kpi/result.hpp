// The value-or-error type every KPI function returns.
//
// The core knows spreadsheet errors only as kinds; how a kind is shown
// (Calc's #DIV/0!, a NaN payload, a JSON string) is the caller's business.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace kpi {

enum class Error : std::uint8_t {
    none = 0,
    div0,   // a denominator is zero                          (#DIV/0!)
    num,    // a value outside the function's domain           (#NUM!)
    value,  // text, a wrong shape, an unusable argument       (#VALUE!)
    na,     // no value available                              (#N/A)
    args,   // a required argument is missing                  (Err:504)
};

// Short stable name of an error kind, in the spreadsheet's spelling.
constexpr std::string_view error_name(Error e) {
    switch (e) {
        case Error::none: return "";
        case Error::div0: return "#DIV/0!";
        case Error::num: return "#NUM!";
        case Error::value: return "#VALUE!";
        case Error::na: return "#N/A";
        case Error::args: return "Err:504";
    }
    return "#VALUE!";
}

struct Result {
    double value = 0.0;
    Error error = Error::none;

    static constexpr Result fail(Error e) { return Result{0.0, e}; }
    // A non-finite value (overflow, 0*inf...) is never handed out as a number:
    // spreadsheets show #NUM! for a result they cannot represent.
    // -0.0 becomes 0: a spreadsheet would show it as "-0".
    static Result of(double v) {
        return std::isfinite(v) ? Result{v == 0.0 ? 0.0 : v, Error::none} : fail(Error::num);
    }
    constexpr bool ok() const { return error == Error::none; }
};

}  // namespace kpi
