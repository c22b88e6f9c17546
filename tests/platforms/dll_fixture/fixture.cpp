// A minimal binary-UNO component for tests/platforms/windows_dll_test.sh: it
// goes through what the Windows add-in goes through (the mingw toolchain,
// addin/win/sal/typesizes.h, import libraries made by addin/win/import_libs.py)
// and uses the C++ runtime and a mutex (winpthread), which must end up inside
// the DLL. It is never loaded.
#include <cstddef>
#include <mutex>
#include <string>

#include <rtl/ustring.h>
#include <sal/types.h>
#include <uno/any2.h>
#include <uno/environment.h>

// Windows x64 sizes, which the SDK's Linux typesizes.h would get wrong
// (sal_Int64 would be a 4-byte long): the test also compiles this file without
// the override and expects these to fail.
static_assert(sizeof(sal_Int32) == 4 && sizeof(sal_Int64) == 8 && alignof(sal_Int64) == 8);
static_assert(sizeof(sal_Unicode) == 2 && sizeof(sal_Size) == 8);
static_assert(sizeof(uno_Any) == 24 && offsetof(uno_Any, pReserved) == 16);

namespace {
std::mutex calls;
std::string last;
}

extern "C" __declspec(dllexport) void SAL_CALL component_getImplementationEnvironment(const char** env_type_name,
                                                                                      uno_Environment**) {
    *env_type_name = "uno";
}

extern "C" __declspec(dllexport) void* SAL_CALL component_getFactory(const char* impl_name, void*, void*) {
    std::lock_guard<std::mutex> hold(calls);
    last = impl_name;
    rtl_uString* name = nullptr;
    rtl_uString_newFromAscii(&name, impl_name);  // sal3.dll
    uno_Any any;
    uno_any_construct(&any, nullptr, nullptr, nullptr);  // cppu3.dll
    uno_any_destruct(&any, nullptr);
    rtl_uString_release(name);
    return nullptr;
}
