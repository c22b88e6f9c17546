// The spreadsheet errors, in one table: the kinds the core returns and the
// other errors a sheet can show, with the number LibreOffice Calc uses for
// each (its FormulaError, as XCell::getError() reports it and as the add-in
// hands it back inside a NaN). The UNO glue, the generated catalogue JSON
// and through it every Python tool read this table; nothing else lists them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "kpi/result.hpp"

namespace kpi {

struct SpreadsheetError {
    std::string_view name;   // as a sheet shows it: "#DIV/0!"
    std::uint16_t calc_code; // LibreOffice's FormulaError number
    Error kind;              // the core's kind, Error::none for errors the core never returns
    std::string_view why;    // what it usually means for a KPI cell (English)
};

inline constexpr SpreadsheetError kSpreadsheetErrors[] = {
    {"#DIV/0!", 532, Error::div0, "the denominator is 0 or blank"},
    {"#NUM!", 503, Error::num, "an input is negative, or a part exceeds its whole"},
    {"#VALUE!", 519, Error::value, "an input is text"},
    {"#N/A", 32767, Error::na, "no value is available: a required input is blank (no data yet)"},
    {"Err:504", 504, Error::args, "an argument is missing, or a range contains an error cell"},
    {"#NAME?", 525, Error::none, "the extension is not installed or the name is misspelt"},
    {"#REF!", 524, Error::none, "a reference points to a deleted cell"},
    {"Err:502", 502, Error::none, "an invalid argument"},
    {"Err:508", 508, Error::none, "missing parenthesis"},
    {"Err:522", 522, Error::none, "a circular reference"},
    {"Err:523", 523, Error::none, "a calculation that does not converge"},
};

constexpr std::span<const SpreadsheetError> spreadsheet_errors() { return kSpreadsheetErrors; }

// Calc's number for a kind the core returns (#VALUE! for anything unknown).
constexpr std::uint16_t calc_code(Error e) {
    for (const SpreadsheetError& s : kSpreadsheetErrors)
        if (s.kind == e && e != Error::none) return s.calc_code;
    return 519;
}

}  // namespace kpi
