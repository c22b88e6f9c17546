// Views of binary-UNO arguments as core ArgViews, without copying the cells.
//
// What Calc hands an add-in (checked in LibreOffice 7.4): a required argument
// typed sequence<sequence<any>> arrives as a 1x1 array for a number or a single
// cell and as the whole range otherwise; numbers (and booleans) are doubles,
// text is a string, a blank cell inside a range is an empty string. An
// optional `any` argument arrives void when omitted, as a double or string
// for a scalar, or as sequence<sequence<any>> for a range. Anything else is
// malformed and reads as #VALUE!: the glue never trusts the shape.
//
// No argument type lets an add-in tell a lone blank cell from 0: for a
// single reference LibreOffice's ScInterpreter::ScExternal reads the cell
// with GetCellValue (0 for a blank) before building the any, the 1x1 array
// or the double; only an XCellRange argument would see the cell, and it
// refuses a typed number. A blank inside a range (even B2:B2) or a formula's
// "" does arrive as an empty string, and reads as a blank.
#pragma once

#include <string>

#include <rtl/ustring.h>
#include <uno/any2.h>
#include <uno/sequence2.h>

#include "kpi/cells.hpp"

namespace kpiaddin {

// One cell of a mixed array.
kpi::Cell cell_of(const uno_Any& a);

class ArgHolder final : public kpi::ArgView {
public:
    // A sequence<sequence<any>> or sequence<sequence<double>> argument: the
    // uno_Sequence* of its rows (the memory a binary-UNO argument points to).
    static ArgHolder any_rows(const uno_Sequence* rows);
    static ArgHolder double_rows(const uno_Sequence* rows);
    // An `any` argument.
    explicit ArgHolder(const uno_Any& a);

    bool omitted() const override { return omitted_; }
    bool well_formed() const override { return well_formed_; }
    std::size_t rows() const override;
    std::size_t cols(std::size_t row) const override;
    kpi::Cell at(std::size_t row, std::size_t col) const override;
    std::string text(std::size_t row, std::size_t col) const override;

private:
    ArgHolder() = default;
    const uno_Sequence* row(std::size_t r) const;

    bool omitted_ = false;
    bool well_formed_ = true;
    const uno_Sequence* any_rows_ = nullptr;     // a range of mixed cells
    const uno_Sequence* double_rows_ = nullptr;  // a range of numbers
    kpi::Cell scalar_;                           // otherwise: one value
    const rtl_uString* scalar_text_ = nullptr;   // ...and its text, if it is text
};

}  // namespace kpiaddin
