#include "arg_views.hxx"

#include <rtl/ustring.hxx>

using rtl::OUString;

namespace kpiaddin {

using css::uno::Any;
using css::uno::TypeClass;

kpi::Cell cell_of(const Any& a) {
    switch (a.getValueTypeClass()) {
        case TypeClass::TypeClass_VOID:
            return kpi::Cell::blank();
        case TypeClass::TypeClass_BOOLEAN:
            return kpi::Cell::num(*static_cast<const sal_Bool*>(a.getValue()) ? 1.0 : 0.0);
        case TypeClass::TypeClass_BYTE:
        case TypeClass::TypeClass_SHORT:
        case TypeClass::TypeClass_UNSIGNED_SHORT:
        case TypeClass::TypeClass_LONG:
        case TypeClass::TypeClass_UNSIGNED_LONG:
        case TypeClass::TypeClass_HYPER:
        case TypeClass::TypeClass_UNSIGNED_HYPER:
        case TypeClass::TypeClass_FLOAT:
        case TypeClass::TypeClass_DOUBLE: {
            double d = 0.0;
            if (a >>= d) return kpi::Cell::num(d);
            // Hyper values do not convert with >>= to double.
            sal_Int64 h = 0;
            sal_uInt64 u = 0;
            if (a >>= h) return kpi::Cell::num(static_cast<double>(h));
            if (a >>= u) return kpi::Cell::num(static_cast<double>(u));
            return kpi::Cell::err(kpi::Error::value);
        }
        case TypeClass::TypeClass_STRING: {
            // Calc passes a blank cell of a range as an empty string.
            const OUString* s = static_cast<const OUString*>(a.getValue());
            return s->isEmpty() ? kpi::Cell::blank() : kpi::Cell::text();
        }
        default:
            return kpi::Cell::err(kpi::Error::value);
    }
}

ArgHolder::ArgHolder(const Any& a) {
    if (!a.hasValue()) {
        omitted_ = true;
    } else if (a.getValueType() == cppu::UnoType<AnyRows>::get()) {
        any_rows_ = static_cast<const AnyRows*>(a.getValue());
    } else if (a.getValueType() == cppu::UnoType<DoubleRows>::get()) {
        double_rows_ = static_cast<const DoubleRows*>(a.getValue());
    } else {
        switch (a.getValueTypeClass()) {
            case TypeClass::TypeClass_STRING:
                // A scalar text argument is text even when empty (="" is not a number).
                scalar_ = kpi::Cell::text();
                scalar_text_ = static_cast<const OUString*>(a.getValue());
                break;
            case TypeClass::TypeClass_SEQUENCE:
            case TypeClass::TypeClass_INTERFACE:
            case TypeClass::TypeClass_STRUCT:
            case TypeClass::TypeClass_EXCEPTION:
            case TypeClass::TypeClass_TYPE:
            case TypeClass::TypeClass_ENUM:
                well_formed_ = false;
                break;
            default:
                scalar_ = cell_of(a);
        }
    }
}

std::size_t ArgHolder::rows() const {
    if (!well_formed_ || omitted_) return 0;
    if (any_rows_) return static_cast<std::size_t>(any_rows_->getLength());
    if (double_rows_) return static_cast<std::size_t>(double_rows_->getLength());
    return 1;
}

std::size_t ArgHolder::cols(std::size_t row) const {
    if (row >= rows()) return 0;
    if (any_rows_) return static_cast<std::size_t>((*any_rows_)[static_cast<sal_Int32>(row)].getLength());
    if (double_rows_) return static_cast<std::size_t>((*double_rows_)[static_cast<sal_Int32>(row)].getLength());
    return 1;
}

kpi::Cell ArgHolder::at(std::size_t row, std::size_t col) const {
    if (col >= cols(row)) return kpi::Cell::blank();
    const auto r = static_cast<sal_Int32>(row), c = static_cast<sal_Int32>(col);
    if (any_rows_) return cell_of((*any_rows_)[r][c]);
    if (double_rows_) return kpi::Cell::num((*double_rows_)[r][c]);
    return scalar_;
}

std::string ArgHolder::text(std::size_t row, std::size_t col) const {
    const OUString* s = nullptr;
    if (col < cols(row)) {
        if (any_rows_) {
            const Any& a = (*any_rows_)[static_cast<sal_Int32>(row)][static_cast<sal_Int32>(col)];
            if (a.getValueTypeClass() == TypeClass::TypeClass_STRING) s = static_cast<const OUString*>(a.getValue());
        } else if (!double_rows_) {
            s = scalar_text_;
        }
    }
    if (!s) return {};
    const rtl::OString u = rtl::OUStringToOString(*s, RTL_TEXTENCODING_UTF8);
    return std::string(u.getStr(), static_cast<std::size_t>(u.getLength()));
}

}  // namespace kpiaddin
