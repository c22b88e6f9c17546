// Views of UNO arguments as core ArgViews, without copying the cells.
//
// What Calc hands an add-in (checked in LibreOffice 7.4): a required argument
// typed sequence<sequence<any>> arrives as a 1x1 array for a number or a single
// cell and as the whole range otherwise; numbers (and booleans) are doubles,
// text is an OUString, a blank cell inside a range is an empty OUString. An
// optional `any` argument arrives void when omitted, as a double or OUString
// for a scalar, or as sequence<sequence<any>> for a range. Anything else is
// malformed and reads as #VALUE!: the glue never trusts the shape.
#pragma once

#include <com/sun/star/uno/Any.hxx>
#include <com/sun/star/uno/Sequence.hxx>
#include <rtl/ustring.hxx>

#include <string>

#include "kpi/cells.hpp"

namespace kpiaddin {

using AnyRows = css::uno::Sequence<css::uno::Sequence<css::uno::Any>>;
using DoubleRows = css::uno::Sequence<css::uno::Sequence<double>>;

// One cell of a mixed array.
kpi::Cell cell_of(const css::uno::Any& a);

class ArgHolder final : public kpi::ArgView {
public:
    explicit ArgHolder(const AnyRows& rows) : any_rows_(&rows) {}
    explicit ArgHolder(const DoubleRows& rows) : double_rows_(&rows) {}
    explicit ArgHolder(const css::uno::Any& a);

    bool omitted() const override { return omitted_; }
    bool well_formed() const override { return well_formed_; }
    std::size_t rows() const override;
    std::size_t cols(std::size_t row) const override;
    kpi::Cell at(std::size_t row, std::size_t col) const override;
    std::string text(std::size_t row, std::size_t col) const override;

private:
    bool omitted_ = false;
    bool well_formed_ = true;
    const AnyRows* any_rows_ = nullptr;        // a range of mixed cells
    const DoubleRows* double_rows_ = nullptr;  // a range of numbers
    kpi::Cell scalar_;                         // otherwise: one value
    const rtl::OUString* scalar_text_ = nullptr;  // ...and its text, if it is text
};

}  // namespace kpiaddin
