// Small helpers over binary UNO, UNO's C interface (rtl_uString, uno_Any,
// uno_Sequence, typelib_*): all the glue ever uses of LibreOffice.
//
// Why C and not the C++ UNO headers: a C++ UNO component must be built with
// the compiler ABI of the office that loads it (gcc3 on Linux, MSVC on
// Windows), so a mingw-built C++ component cannot talk to Windows
// LibreOffice. The C interface is the same for every compiler; the component
// declares the environment "uno" and LibreOffice's own bridge maps it. So one
// source builds for Linux x86-64, Linux aarch64 and Windows x86-64, and what
// the Calc tests exercise on Linux is the code that ships everywhere.
//
// Nothing of C++ crosses the boundary: values handed to LibreOffice are made
// by cppu's C functions (its allocator), exceptions never leave the glue.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <rtl/ustring.h>
#include <typelib/typedescription.h>
#include <uno/any2.h>
#include <uno/sequence2.h>

namespace kpiaddin::uno {

// The type references the glue hands out or compares with, made once (the
// typelib keeps them for the life of the process).
struct Types {
    typelib_TypeDescriptionReference* dbl;
    typelib_TypeDescriptionReference* string;
    typelib_TypeDescriptionReference* type;
    typelib_TypeDescriptionReference* dbl_seq;       // []double
    typelib_TypeDescriptionReference* dbl_rows;      // [][]double
    typelib_TypeDescriptionReference* any_seq;       // []any
    typelib_TypeDescriptionReference* any_rows;      // [][]any
    typelib_TypeDescriptionReference* string_seq;    // []string
    typelib_TypeDescriptionReference* type_seq;      // []type
    typelib_TypeDescriptionReference* byte_seq;      // []byte
    typelib_TypeDescriptionReference* locale;        // com.sun.star.lang.Locale
    typelib_TypeDescriptionReference* localized_seq; // []com.sun.star.sheet.LocalizedName
    typelib_TypeDescriptionReference* runtime_exception;
};
const Types& types();

// A new string from UTF-8 text; the caller owns the reference.
rtl_uString* new_string(std::string_view utf8);
std::string to_utf8(const rtl_uString* s);

// True when a member's type name is `ascii`. An inherited method called
// through a derived interface carries a suffix after the name
// ("XLocalizable::setLocale:@0,3:com.sun.star.sheet.XAddIn"): compared
// without it.
bool member_is(const rtl_uString* type_name, std::string_view ascii);
bool starts_with(const rtl_uString* s, std::string_view ascii);
bool equals_ascii(const rtl_uString* s, std::string_view ascii);

// A sequence made of `n` elements of the sequence type `seq_type`, copied
// from `elements` (C layout of the element type). Returns nullptr only when
// cppu could not allocate.
uno_Sequence* new_sequence(typelib_TypeDescriptionReference* seq_type, void* elements, sal_Int32 n);
void release_sequence(uno_Sequence* s, typelib_TypeDescriptionReference* seq_type);

// Calc's Locale and LocalizedName structs, as binary UNO lays them out.
struct Locale {
    rtl_uString* language;
    rtl_uString* country;
    rtl_uString* variant;
};
struct LocalizedName {
    Locale locale;
    rtl_uString* name;
};

}  // namespace kpiaddin::uno
