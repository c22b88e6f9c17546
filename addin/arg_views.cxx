#include "arg_views.hxx"

#include <typelib/typedescription.h>

#include "binuno.hxx"

namespace kpiaddin {

namespace {
// A value held by an any: binary UNO keeps it at pData (inside the any
// itself for values up to a pointer's size, elsewhere otherwise).
template <class T>
T value_of(const uno_Any& a) {
    return *static_cast<const T*>(a.pData);
}
bool is_type(const uno_Any& a, typelib_TypeDescriptionReference* t) {
    return a.pType == t || typelib_typedescriptionreference_equals(a.pType, t);
}
}  // namespace

kpi::Cell cell_of(const uno_Any& a) {
    switch (a.pType->eTypeClass) {
        case typelib_TypeClass_VOID: return kpi::Cell::blank();
        case typelib_TypeClass_BOOLEAN: return kpi::Cell::num(value_of<sal_Bool>(a) ? 1.0 : 0.0);
        case typelib_TypeClass_BYTE: return kpi::Cell::num(value_of<sal_Int8>(a));
        case typelib_TypeClass_SHORT: return kpi::Cell::num(value_of<sal_Int16>(a));
        case typelib_TypeClass_UNSIGNED_SHORT: return kpi::Cell::num(value_of<sal_uInt16>(a));
        case typelib_TypeClass_LONG: return kpi::Cell::num(value_of<sal_Int32>(a));
        case typelib_TypeClass_UNSIGNED_LONG: return kpi::Cell::num(value_of<sal_uInt32>(a));
        case typelib_TypeClass_HYPER: return kpi::Cell::num(static_cast<double>(value_of<sal_Int64>(a)));
        case typelib_TypeClass_UNSIGNED_HYPER: return kpi::Cell::num(static_cast<double>(value_of<sal_uInt64>(a)));
        case typelib_TypeClass_FLOAT: return kpi::Cell::num(value_of<float>(a));
        case typelib_TypeClass_DOUBLE: return kpi::Cell::num(value_of<double>(a));
        case typelib_TypeClass_STRING:
            // Calc passes a blank cell of a range as an empty string.
            return value_of<const rtl_uString*>(a)->length == 0 ? kpi::Cell::blank() : kpi::Cell::text();
        default: return kpi::Cell::err(kpi::Error::value);
    }
}

ArgHolder ArgHolder::any_rows(const uno_Sequence* rows) {
    ArgHolder h;
    h.any_rows_ = rows;
    return h;
}

ArgHolder ArgHolder::double_rows(const uno_Sequence* rows) {
    ArgHolder h;
    h.double_rows_ = rows;
    return h;
}

ArgHolder::ArgHolder(const uno_Any& a) {
    const uno::Types& t = uno::types();
    switch (a.pType->eTypeClass) {
        case typelib_TypeClass_VOID:
            omitted_ = true;
            break;
        case typelib_TypeClass_SEQUENCE:
            if (is_type(a, t.any_rows))
                any_rows_ = value_of<const uno_Sequence*>(a);
            else if (is_type(a, t.dbl_rows))
                double_rows_ = value_of<const uno_Sequence*>(a);
            else
                well_formed_ = false;
            break;
        case typelib_TypeClass_STRING:
            // A cell whose formula gives "" (a month not filled in yet) is a
            // blank, as Calc passes it inside a range: the blank rule
            // (kpi/args.hpp) then leaves the optional argument out.
            scalar_text_ = value_of<const rtl_uString*>(a);
            scalar_ = scalar_text_->length == 0 ? kpi::Cell::blank() : kpi::Cell::text();
            break;
        case typelib_TypeClass_INTERFACE:
        case typelib_TypeClass_STRUCT:
        case typelib_TypeClass_EXCEPTION:
        case typelib_TypeClass_TYPE:
        case typelib_TypeClass_ENUM:
            well_formed_ = false;
            break;
        default:
            scalar_ = cell_of(a);
    }
}

const uno_Sequence* ArgHolder::row(std::size_t r) const {
    const uno_Sequence* rows = any_rows_ ? any_rows_ : double_rows_;
    return reinterpret_cast<const uno_Sequence* const*>(rows->elements)[r];
}

std::size_t ArgHolder::rows() const {
    if (!well_formed_ || omitted_) return 0;
    if (any_rows_) return static_cast<std::size_t>(any_rows_->nElements);
    if (double_rows_) return static_cast<std::size_t>(double_rows_->nElements);
    return 1;
}

std::size_t ArgHolder::cols(std::size_t r) const {
    if (r >= rows()) return 0;
    if (any_rows_ || double_rows_) return static_cast<std::size_t>(row(r)->nElements);
    return 1;
}

kpi::Cell ArgHolder::at(std::size_t r, std::size_t c) const {
    if (c >= cols(r)) return kpi::Cell::blank();
    if (any_rows_) return cell_of(reinterpret_cast<const uno_Any*>(row(r)->elements)[c]);
    if (double_rows_) return kpi::Cell::num(reinterpret_cast<const double*>(row(r)->elements)[c]);
    return scalar_;
}

std::string ArgHolder::text(std::size_t r, std::size_t c) const {
    const rtl_uString* s = nullptr;
    if (c < cols(r)) {
        if (any_rows_) {
            const uno_Any& a = reinterpret_cast<const uno_Any*>(row(r)->elements)[c];
            if (a.pType->eTypeClass == typelib_TypeClass_STRING) s = value_of<const rtl_uString*>(a);
        } else if (!double_rows_) {
            s = scalar_text_;
        }
    }
    return s ? uno::to_utf8(s) : std::string();
}

}  // namespace kpiaddin
