// The UNO component: Calc's view of the catalogue.
//
// Thin by design: the function wizard's answers come from the catalogue, the
// methods (generated into kpi_methods.inc by tools/kpigen) wrap their
// arguments in ArgViews and hand them to dispatch.cxx, which calls
// kpi::evaluate and turns the result into Calc's value or error. No exception
// leaves a function method: a catch-all there maps anything unexpected to
// #VALUE!, so the extension cannot take the user's office down with it.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>

#include <com/sun/star/lang/Locale.hpp>
#include <com/sun/star/lang/XServiceInfo.hpp>
#include <com/sun/star/lang/XServiceName.hpp>
#include <com/sun/star/sheet/LocalizedName.hpp>
#include <com/sun/star/sheet/XAddIn.hpp>
#include <com/sun/star/sheet/XCompatibilityNames.hpp>
#include <com/sun/star/uno/XComponentContext.hpp>
#include <cppuhelper/factory.hxx>
#include <cppuhelper/implbase5.hxx>
#include <cppuhelper/implementationentry.hxx>
#include <cppuhelper/supportsservice.hxx>
#include <org/kpifunctions/XKpiFunctions.hpp>
#include <rtl/ustring.hxx>
#include <uno/lbnames.h>

#include "arg_views.hxx"
#include "dispatch.hxx"
#include "kpi/catalogue.hpp"

using namespace css;
using rtl::OString;
using rtl::OUString;

namespace kpiaddin {
namespace {

// The service name is half of the name Calc stores in documents
// (KPI.<METHOD>): a compatibility promise, never to be changed.
constexpr char kServiceName[] = "KPI";
constexpr char kImplementationName[] = "org.kpifunctions.calc.KpiAddIn";
constexpr char kAddInService[] = "com.sun.star.sheet.AddIn";
// Calc puts every add-in function whose category is not one of its own in
// "Add-In"; naming it explicitly keeps that choice visible.
constexpr char kCategory[] = "Add-In";

OUString ustr(std::string_view s) {
    return OUString(s.data(), static_cast<sal_Int32>(s.size()), RTL_TEXTENCODING_UTF8);
}
std::string utf8(const OUString& s) {
    const OString o = OUStringToOString(s, RTL_TEXTENCODING_UTF8);
    return std::string(o.getStr(), static_cast<std::size_t>(o.getLength()));
}

class KpiAddIn final
    : public cppu::WeakImplHelper5<org::kpifunctions::XKpiFunctions, sheet::XAddIn, sheet::XCompatibilityNames,
                                   lang::XServiceName, lang::XServiceInfo> {
public:
    // --- the functions (generated) --------------------------------------
#include "kpi_methods.inc"

    // --- XAddIn: the function wizard's texts, from the catalogue ---------
    OUString SAL_CALL getProgrammaticFuntionName(const OUString& display_name) override {
        const kpi::FunctionInfo* f = kpi::find_name(utf8(display_name));
        return f ? ustr(f->method) : OUString();
    }
    OUString SAL_CALL getDisplayFunctionName(const OUString& method) override {
        const kpi::FunctionInfo* f = find(method);
        return f ? ustr(f->name) : OUString();
    }
    OUString SAL_CALL getFunctionDescription(const OUString& method) override {
        const kpi::FunctionInfo* f = find(method);
        return f ? ustr(f->description.in(language())) : OUString();
    }
    OUString SAL_CALL getDisplayArgumentName(const OUString& method, sal_Int32 arg) override {
        const kpi::ArgInfo* a = find_arg(method, arg);
        return a ? ustr(a->display.in(language())) : OUString();
    }
    OUString SAL_CALL getArgumentDescription(const OUString& method, sal_Int32 arg) override {
        const kpi::ArgInfo* a = find_arg(method, arg);
        return a ? ustr(a->description.in(language())) : OUString();
    }
    OUString SAL_CALL getProgrammaticCategoryName(const OUString&) override { return OUString::createFromAscii(kCategory); }
    OUString SAL_CALL getDisplayCategoryName(const OUString&) override { return OUString::createFromAscii(kCategory); }

    // --- XLocalizable ----------------------------------------------------
    void SAL_CALL setLocale(const lang::Locale& locale) override {
        std::lock_guard lock(mutex_);
        locale_ = locale;
        french_ = locale.Language == "fr";
    }
    lang::Locale SAL_CALL getLocale() override {
        std::lock_guard lock(mutex_);
        return locale_;
    }

    // --- XCompatibilityNames: the English name, for the file filters -----
    uno::Sequence<sheet::LocalizedName> SAL_CALL getCompatibilityNames(const OUString& method) override {
        const kpi::FunctionInfo* f = find(method);
        if (!f) return {};
        uno::Sequence<sheet::LocalizedName> names(1);
        names.getArray()[0] = sheet::LocalizedName(lang::Locale("en", "US", ""), ustr(f->name));
        return names;
    }

    // --- XServiceName, XServiceInfo --------------------------------------
    OUString SAL_CALL getServiceName() override { return OUString::createFromAscii(kServiceName); }
    OUString SAL_CALL getImplementationName() override { return OUString::createFromAscii(kImplementationName); }
    sal_Bool SAL_CALL supportsService(const OUString& name) override { return cppu::supportsService(this, name); }
    uno::Sequence<OUString> SAL_CALL getSupportedServiceNames() override { return service_names(); }

    static uno::Sequence<OUString> service_names() {
        uno::Sequence<OUString> names(2);
        names.getArray()[0] = OUString::createFromAscii(kAddInService);
        names.getArray()[1] = OUString::createFromAscii(kServiceName);
        return names;
    }

private:
    static const kpi::FunctionInfo* find(const OUString& method) { return kpi::find_method(utf8(method)); }
    static const kpi::ArgInfo* find_arg(const OUString& method, sal_Int32 arg) {
        const kpi::FunctionInfo* f = find(method);
        if (!f || arg < 0 || static_cast<std::size_t>(arg) >= f->args.size()) return nullptr;
        return &f->args[static_cast<std::size_t>(arg)];
    }
    std::string_view language() const { return french_ ? "fr" : "en"; }

    std::mutex mutex_;
    lang::Locale locale_{"en", "US", ""};
    std::atomic<bool> french_{false};
};

uno::Reference<uno::XInterface> SAL_CALL create(const uno::Reference<uno::XComponentContext>&) {
    return static_cast<cppu::OWeakObject*>(new KpiAddIn);
}
OUString SAL_CALL implementation_name() { return OUString::createFromAscii(kImplementationName); }
uno::Sequence<OUString> SAL_CALL supported_services() { return KpiAddIn::service_names(); }

const cppu::ImplementationEntry kEntries[] = {
    {create, implementation_name, supported_services, cppu::createSingleComponentFactory, nullptr, 0},
    {nullptr, nullptr, nullptr, nullptr, nullptr, 0},
};

}  // namespace
}  // namespace kpiaddin

extern "C" {
SAL_DLLPUBLIC_EXPORT void* SAL_CALL component_getFactory(const char* name, void* service_manager, void* registry) {
    return cppu::component_getFactoryHelper(name, service_manager, registry, kpiaddin::kEntries);
}
SAL_DLLPUBLIC_EXPORT void SAL_CALL component_getImplementationEnvironment(const char** env_type_name, uno_Environment**) {
    *env_type_name = CPPU_CURRENT_LANGUAGE_BINDING_NAME;
}
}
