// The UNO component: Calc's view of the catalogue, in binary UNO.
//
// LibreOffice calls every method of the component through one function,
// dispatch(), with the member's type description, a pointer per argument
// and a pointer to the return value's memory (binary UNO: binuno.hxx says
// why). The function methods are found by their position in the generated
// interface (idl/XKpiFunctions.idl.in: XInterface's three methods, then the
// catalogue's functions in order) and checked by name; the arguments' types
// follow the catalogue (signature.hpp), as the IDL does. The wizard's answers
// come from the catalogue. No exception leaves the component: an unknown
// member raises UNO's RuntimeException the binary way, and the function
// calls (dispatch.cxx) turn anything unexpected into #VALUE!.
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include <typelib/typedescription.h>
#include <uno/any2.h>
#include <uno/data.h>
#include <uno/dispatcher.h>
#include <uno/environment.h>

#include "arg_views.hxx"
#include "binuno.hxx"
#include "dispatch.hxx"
#include "kpi/catalogue.hpp"
#include "signature.hpp"

#if defined _WIN32
#define KPI_EXPORT __declspec(dllexport)
#else
#define KPI_EXPORT __attribute__((visibility("default")))
#endif

namespace kpiaddin {
namespace {

// The service name is half of the name Calc stores in documents
// (KPI.<METHOD>): a compatibility promise, never to be changed.
constexpr char kServiceName[] = "KPI";
constexpr char kImplementationName[] = "org.kpifunctions.calc.KpiAddIn";
constexpr char kAddInService[] = "com.sun.star.sheet.AddIn";
constexpr char kInterface[] = "org.kpifunctions.XKpiFunctions";
constexpr char kFunctionPrefix[] = "org.kpifunctions.XKpiFunctions::";
constexpr sal_Int32 kXInterfaceMembers = 3;  // queryInterface, acquire, release
// Calc puts every add-in function whose category is not one of its own in
// "Add-In"; naming it explicitly keeps that choice visible.
constexpr char kCategory[] = "Add-In";

// What the add-in and its factory answer to queryInterface.
constexpr const char* kAddInTypes[] = {
    "com.sun.star.uno.XInterface",  "com.sun.star.lang.XTypeProvider", "com.sun.star.sheet.XAddIn",
    "com.sun.star.lang.XLocalizable", "com.sun.star.sheet.XCompatibilityNames", "com.sun.star.lang.XServiceName",
    "com.sun.star.lang.XServiceInfo", kInterface};
constexpr const char* kFactoryTypes[] = {"com.sun.star.uno.XInterface", "com.sun.star.lang.XSingleComponentFactory"};

struct Object;
void SAL_CALL dispatch(uno_Interface*, const typelib_TypeDescription*, void*, void**, uno_Any**);

// One object type for the add-in and its factory: a uno_Interface (first,
// so that LibreOffice's pointer is the object's) and a reference count.
struct Object {
    uno_Interface iface{};
    std::atomic<sal_Int32> refs{1};
    bool factory = false;
    // The add-in's locale (XLocalizable): the wizard's language.
    std::mutex mutex;
    uno::Locale locale{};
    std::atomic<bool> french{false};

    explicit Object(bool is_factory);
    ~Object() {
        for (rtl_uString* s : {locale.language, locale.country, locale.variant})
            if (s) rtl_uString_release(s);
    }
    const char* language() const { return french.load(std::memory_order_relaxed) ? "fr" : "en"; }
};

void SAL_CALL acquire(uno_Interface* p) { reinterpret_cast<Object*>(p)->refs.fetch_add(1, std::memory_order_relaxed); }
void SAL_CALL release(uno_Interface* p) {
    Object* o = reinterpret_cast<Object*>(p);
    if (o->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete o;
}

Object::Object(bool is_factory) : factory(is_factory) {
    iface.acquire = kpiaddin::acquire;
    iface.release = kpiaddin::release;
    iface.pDispatcher = kpiaddin::dispatch;
    locale.language = uno::new_string("en");
    locale.country = uno::new_string("US");
    locale.variant = uno::new_string("");
}

Object* new_object(bool factory) noexcept { return new (std::nothrow) Object(factory); }

// ---- answers ------------------------------------------------------------
void return_string(void* ret, std::string_view utf8) { *static_cast<rtl_uString**>(ret) = uno::new_string(utf8); }

void return_strings(void* ret, std::initializer_list<std::string_view> items) {
    std::vector<rtl_uString*> s;
    for (std::string_view x : items) s.push_back(uno::new_string(x));
    *static_cast<uno_Sequence**>(ret) =
        uno::new_sequence(uno::types().string_seq, s.data(), static_cast<sal_Int32>(s.size()));
    for (rtl_uString* x : s) rtl_uString_release(x);
}

void query_interface(Object* o, typelib_TypeDescriptionReference* wanted, uno_Any* ret) {
    const auto answer = [&](const auto& names) {
        for (const char* name : names) {
            if (uno::equals_ascii(wanted->pTypeName, name)) {
                uno_Interface* self = &o->iface;
                uno_type_any_construct(ret, &self, wanted, nullptr);  // nullptr: acquired the binary way
                return true;
            }
        }
        return false;
    };
    if (!(o->factory ? answer(kFactoryTypes) : answer(kAddInTypes)))
        uno_any_construct(ret, nullptr, nullptr, nullptr);  // void: not supported
}

void return_types(void* ret) {
    std::vector<typelib_TypeDescriptionReference*> refs;
    for (const char* name : kAddInTypes) {
        typelib_TypeDescriptionReference* t = nullptr;
        typelib_typedescriptionreference_newByAsciiName(&t, typelib_TypeClass_INTERFACE, name);
        refs.push_back(t);
    }
    *static_cast<uno_Sequence**>(ret) =
        uno::new_sequence(uno::types().type_seq, refs.data(), static_cast<sal_Int32>(refs.size()));
    for (auto* t : refs) typelib_typedescriptionreference_release(t);
}

const kpi::FunctionInfo* function_of(const rtl_uString* method) { return kpi::find_method(uno::to_utf8(method)); }
const kpi::ArgInfo* argument_of(const rtl_uString* method, sal_Int32 arg) {
    const kpi::FunctionInfo* f = function_of(method);
    if (!f || arg < 0 || static_cast<std::size_t>(arg) >= f->args.size()) return nullptr;
    return &f->args[static_cast<std::size_t>(arg)];
}

void set_locale(Object* o, const uno::Locale& l) {
    std::lock_guard lock(o->mutex);
    for (rtl_uString* s : {l.language, l.country, l.variant}) rtl_uString_acquire(s);
    for (rtl_uString* s : {o->locale.language, o->locale.country, o->locale.variant}) rtl_uString_release(s);
    o->locale = l;
    o->french = uno::equals_ascii(l.language, "fr");
}

void get_locale(Object* o, void* ret) {
    std::lock_guard lock(o->mutex);
    uno_type_copyData(ret, &o->locale, uno::types().locale, nullptr);
}

// XCompatibilityNames: the English name, for the file filters.
void compatibility_names(const rtl_uString* method, void* ret) {
    const kpi::FunctionInfo* f = function_of(method);
    std::vector<uno::LocalizedName> names;
    if (f) names.push_back({{uno::new_string("en"), uno::new_string("US"), uno::new_string("")}, uno::new_string(f->name)});
    *static_cast<uno_Sequence**>(ret) =
        uno::new_sequence(uno::types().localized_seq, names.data(), static_cast<sal_Int32>(names.size()));
    for (auto& n : names)
        for (rtl_uString* s : {n.locale.language, n.locale.country, n.locale.variant, n.name}) rtl_uString_release(s);
}

// ---- the functions ----------------------------------------------------------
// The catalogue entry a member of XKpiFunctions stands for, or nullptr when
// its position and name do not match the catalogue this library was built
// with (a type library from another version).
const kpi::FunctionInfo* function_member(const typelib_TypeDescription* member, std::size_t& index) {
    const auto* m = reinterpret_cast<const typelib_InterfaceMemberTypeDescription*>(member);
    const auto& table = kpi::catalogue();
    const sal_Int32 i = m->nPosition - kXInterfaceMembers;
    if (i < 0 || static_cast<std::size_t>(i) >= table.size()) return nullptr;
    const kpi::FunctionInfo& f = table[static_cast<std::size_t>(i)];
    if (!uno::equals_ascii(m->pMemberName, f.method)) return nullptr;
    const auto* method = reinterpret_cast<const typelib_InterfaceMethodTypeDescription*>(member);
    if (static_cast<std::size_t>(method->nParams) != f.args.size()) return nullptr;
    index = static_cast<std::size_t>(i);
    return &f;
}

// Views over the arguments, then one call into the core. The views only
// point into LibreOffice's memory; nothing is copied.
bool call_function(const typelib_TypeDescription* member, void* ret, void** args) noexcept {
    std::size_t index = 0;
    const kpi::FunctionInfo* f = function_member(member, index);
    if (!f) return false;
    constexpr std::size_t kMaxArgs = kMaxUnoArgs;
    const std::size_t n = f->args.size();
    if (n > kMaxArgs) return false;
    alignas(ArgHolder) unsigned char storage[kMaxArgs][sizeof(ArgHolder)];
    const kpi::ArgView* views[kMaxArgs];
    for (std::size_t i = 0; i < n; ++i) {
        ArgHolder* h;
        switch (uno_arg(f->args[i])) {
            case UnoArg::any: h = new (storage[i]) ArgHolder(*static_cast<const uno_Any*>(args[i])); break;
            case UnoArg::double_rows:
                h = new (storage[i]) ArgHolder(ArgHolder::double_rows(*static_cast<uno_Sequence* const*>(args[i])));
                break;
            default:
                h = new (storage[i]) ArgHolder(ArgHolder::any_rows(*static_cast<uno_Sequence* const*>(args[i])));
        }
        views[i] = h;
    }
    const kpi::Args call(views, n);
    switch (uno_result(*f)) {
        case UnoResult::number: *static_cast<double*>(ret) = call_number(index, call); break;
        case UnoResult::double_rows: *static_cast<uno_Sequence**>(ret) = call_array(index, call); break;
        case UnoResult::any_rows: *static_cast<uno_Sequence**>(ret) = call_table(index, call); break;
    }
    for (std::size_t i = 0; i < n; ++i) static_cast<const ArgHolder*>(views[i])->~ArgHolder();
    return true;
}

// ---- the dispatcher -----------------------------------------------------
bool answer_addin(Object* o, const typelib_TypeDescription* member, void* ret, void** args) {
    const rtl_uString* name = member->pTypeName;
    const auto str = [&](int i) { return *static_cast<rtl_uString* const*>(args[i]); };
    const auto index = [&](int i) { return *static_cast<const sal_Int32*>(args[i]); };
    if (uno::starts_with(name, kFunctionPrefix)) return call_function(member, ret, args);
    if (uno::member_is(name, "com.sun.star.sheet.XAddIn::getProgrammaticFuntionName")) {
        const kpi::FunctionInfo* f = kpi::find_name(uno::to_utf8(str(0)));
        return_string(ret, f ? f->method : "");
    } else if (uno::member_is(name, "com.sun.star.sheet.XAddIn::getDisplayFunctionName")) {
        const kpi::FunctionInfo* f = function_of(str(0));
        return_string(ret, f ? f->name : "");
    } else if (uno::member_is(name, "com.sun.star.sheet.XAddIn::getFunctionDescription")) {
        const kpi::FunctionInfo* f = function_of(str(0));
        return_string(ret, f ? f->description.in(o->language()) : "");
    } else if (uno::member_is(name, "com.sun.star.sheet.XAddIn::getDisplayArgumentName")) {
        const kpi::ArgInfo* a = argument_of(str(0), index(1));
        return_string(ret, a ? a->display.in(o->language()) : "");
    } else if (uno::member_is(name, "com.sun.star.sheet.XAddIn::getArgumentDescription")) {
        const kpi::ArgInfo* a = argument_of(str(0), index(1));
        return_string(ret, a ? a->description.in(o->language()) : "");
    } else if (uno::member_is(name, "com.sun.star.sheet.XAddIn::getProgrammaticCategoryName") ||
               uno::member_is(name, "com.sun.star.sheet.XAddIn::getDisplayCategoryName")) {
        return_string(ret, kCategory);
    } else if (uno::member_is(name, "com.sun.star.lang.XLocalizable::setLocale")) {
        set_locale(o, *static_cast<const uno::Locale*>(args[0]));
    } else if (uno::member_is(name, "com.sun.star.lang.XLocalizable::getLocale")) {
        get_locale(o, ret);
    } else if (uno::member_is(name, "com.sun.star.sheet.XCompatibilityNames::getCompatibilityNames")) {
        compatibility_names(str(0), ret);
    } else if (uno::member_is(name, "com.sun.star.lang.XServiceName::getServiceName")) {
        return_string(ret, kServiceName);
    } else if (uno::member_is(name, "com.sun.star.lang.XServiceInfo::getImplementationName")) {
        return_string(ret, kImplementationName);
    } else if (uno::member_is(name, "com.sun.star.lang.XServiceInfo::supportsService")) {
        *static_cast<sal_Bool*>(ret) = uno::equals_ascii(str(0), kAddInService) || uno::equals_ascii(str(0), kServiceName);
    } else if (uno::member_is(name, "com.sun.star.lang.XServiceInfo::getSupportedServiceNames")) {
        return_strings(ret, {kAddInService, kServiceName});
    } else if (uno::member_is(name, "com.sun.star.lang.XTypeProvider::getTypes")) {
        return_types(ret);
    } else if (uno::member_is(name, "com.sun.star.lang.XTypeProvider::getImplementationId")) {
        *static_cast<uno_Sequence**>(ret) = uno::new_sequence(uno::types().byte_seq, nullptr, 0);  // deprecated: empty
    } else {
        return false;
    }
    return true;
}

bool answer_factory(const typelib_TypeDescription* member, void* ret) {
    const rtl_uString* name = member->pTypeName;
    if (uno::member_is(name, "com.sun.star.lang.XSingleComponentFactory::createInstanceWithContext") ||
        uno::member_is(name, "com.sun.star.lang.XSingleComponentFactory::createInstanceWithArgumentsAndContext")) {
        Object* o = new_object(false);
        *static_cast<uno_Interface**>(ret) = o ? &o->iface : nullptr;
        return true;
    }
    return false;
}

void SAL_CALL dispatch(uno_Interface* p, const typelib_TypeDescription* member, void* ret, void** args,
                       uno_Any** exc) {
    Object* o = reinterpret_cast<Object*>(p);
    uno_Any* exception = *exc;  // the caller's memory for an exception, not constructed yet
    *exc = nullptr;             // nullptr: no exception
    const rtl_uString* name = member->pTypeName;
    bool answered = true;
    try {
        if (uno::member_is(name, "com.sun.star.uno.XInterface::queryInterface"))
            query_interface(o, *static_cast<typelib_TypeDescriptionReference**>(args[0]), static_cast<uno_Any*>(ret));
        else if (uno::member_is(name, "com.sun.star.uno.XInterface::acquire"))
            acquire(p);
        else if (uno::member_is(name, "com.sun.star.uno.XInterface::release"))
            release(p);
        else
            answered = o->factory ? answer_factory(member, ret) : answer_addin(o, member, ret, args);
    } catch (...) {
        answered = false;  // only std::bad_alloc can get here: a RuntimeException for LibreOffice
    }
    if (!answered) {
        // Unknown member (or no memory): com.sun.star.uno.RuntimeException.
        uno_type_any_construct(exception, nullptr, uno::types().runtime_exception, nullptr);
        *exc = exception;
    }
}

}  // namespace
}  // namespace kpiaddin

extern "C" {
KPI_EXPORT void SAL_CALL component_getImplementationEnvironment(const char** env_type_name, uno_Environment**) {
    *env_type_name = "uno";  // UNO_LB_UNO: binary UNO, whatever the compiler
}
// Passive registration (kpi.components) asks for the factory of our one
// implementation: a uno_Interface (XSingleComponentFactory), one reference
// for the caller, which LibreOffice maps from the "uno" environment.
KPI_EXPORT void* SAL_CALL component_getFactory(const char* name, void*, void*) {
    if (!name || std::strcmp(name, kpiaddin::kImplementationName) != 0) return nullptr;
    kpiaddin::Object* o = kpiaddin::new_object(true);
    return o ? &o->iface : nullptr;
}
}
