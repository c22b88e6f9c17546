#include "binuno.hxx"

#include <cstring>

#include <rtl/string.h>
#include <uno/data.h>

namespace kpiaddin::uno {

namespace {
typelib_TypeDescriptionReference* by_class(typelib_TypeClass c) { return *typelib_static_type_getByTypeClass(c); }
typelib_TypeDescriptionReference* seq_of(typelib_TypeDescriptionReference* element) {
    typelib_TypeDescriptionReference* t = nullptr;
    typelib_static_sequence_type_init(&t, element);
    return t;
}
typelib_TypeDescriptionReference* named(typelib_TypeClass c, const char* name) {
    typelib_TypeDescriptionReference* t = nullptr;
    typelib_typedescriptionreference_newByAsciiName(&t, c, name);
    return t;
}
}  // namespace

const Types& types() {
    // A function-local static: made once, thread-safe (C++11), on the first
    // call from LibreOffice (the typelib is up by then).
    static const Types t = [] {
        Types x{};
        x.dbl = by_class(typelib_TypeClass_DOUBLE);
        x.string = by_class(typelib_TypeClass_STRING);
        x.type = by_class(typelib_TypeClass_TYPE);
        x.dbl_seq = seq_of(x.dbl);
        x.dbl_rows = seq_of(x.dbl_seq);
        x.any_seq = seq_of(by_class(typelib_TypeClass_ANY));
        x.any_rows = seq_of(x.any_seq);
        x.string_seq = seq_of(x.string);
        x.type_seq = seq_of(x.type);
        x.byte_seq = seq_of(by_class(typelib_TypeClass_BYTE));
        x.locale = named(typelib_TypeClass_STRUCT, "com.sun.star.lang.Locale");
        // The sequence type names its element; our reference to it is not kept.
        typelib_TypeDescriptionReference* localized = named(typelib_TypeClass_STRUCT, "com.sun.star.sheet.LocalizedName");
        x.localized_seq = seq_of(localized);
        typelib_typedescriptionreference_release(localized);
        x.runtime_exception = named(typelib_TypeClass_EXCEPTION, "com.sun.star.uno.RuntimeException");
        return x;
    }();
    return t;
}

rtl_uString* new_string(std::string_view utf8) {
    rtl_uString* s = nullptr;
    rtl_string2UString(&s, utf8.data(), static_cast<sal_Int32>(utf8.size()), RTL_TEXTENCODING_UTF8,
                       OSTRING_TO_OUSTRING_CVTFLAGS);
    return s;
}

std::string to_utf8(const rtl_uString* s) {
    if (!s || s->length == 0) return {};
    rtl_String* o = nullptr;
    rtl_uString2String(&o, s->buffer, s->length, RTL_TEXTENCODING_UTF8, OUSTRING_TO_OSTRING_CVTFLAGS);
    if (!o) return {};
    std::string out(o->buffer, static_cast<std::size_t>(o->length));
    rtl_string_release(o);
    return out;
}

bool starts_with(const rtl_uString* s, std::string_view ascii) {
    if (static_cast<std::size_t>(s->length) < ascii.size()) return false;
    for (std::size_t i = 0; i < ascii.size(); ++i)
        if (s->buffer[i] != static_cast<unsigned char>(ascii[i])) return false;
    return true;
}

bool equals_ascii(const rtl_uString* s, std::string_view ascii) {
    return static_cast<std::size_t>(s->length) == ascii.size() && starts_with(s, ascii);
}

bool member_is(const rtl_uString* type_name, std::string_view ascii) {
    if (!starts_with(type_name, ascii)) return false;
    const auto n = static_cast<std::size_t>(type_name->length);
    return n == ascii.size() || (n >= ascii.size() + 2 && type_name->buffer[ascii.size()] == ':' &&
                                 type_name->buffer[ascii.size() + 1] == '@');
}

uno_Sequence* new_sequence(typelib_TypeDescriptionReference* seq_type, void* elements, sal_Int32 n) {
    uno_Sequence* s = nullptr;
    if (!uno_type_sequence_construct(&s, seq_type, elements, n, nullptr)) return nullptr;
    return s;
}

void release_sequence(uno_Sequence* s, typelib_TypeDescriptionReference* seq_type) {
    if (s) uno_type_destructData(&s, seq_type, nullptr);
}

}  // namespace kpiaddin::uno
