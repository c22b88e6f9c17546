// libFuzzer harness over the UNO glue's argument conversion and dispatch:
// builds the Anys Calc could send, and the malformed ones it should never
// send (wrong types, 1-D sequences, nested void, structs, interfaces), wraps
// them as the component does (ArgHolder over their binary-UNO memory: a C++
// Any is a uno_Any, a Sequence holds a uno_Sequence*) and calls dispatch. The result
// must be a finite double or a NaN carrying one of Calc's error codes, and no
// exception may escape.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <com/sun/star/lang/Locale.hpp>
#include <com/sun/star/uno/Any.hxx>
#include <com/sun/star/uno/Sequence.hxx>
#include <rtl/ustring.hxx>

#include "arg_views.hxx"
#include "dispatch.hxx"
#include "fuzz_input.hpp"
#include "kpi/catalogue.hpp"

using css::uno::Any;
using css::uno::Sequence;

namespace {

Any element(FuzzInput& in) {
    switch (in.below(10)) {
        case 0: return Any();                                   // void (nested void)
        case 1: return Any(rtl::OUString());                    // a blank cell
        case 2: return Any(rtl::OUString("text"));
        case 3: return Any(true);
        case 4: return Any(static_cast<sal_Int32>(static_cast<std::int8_t>(in.byte())));
        case 5: return Any(static_cast<sal_Int64>(in.number() > 0 ? 1LL << 62 : -(1LL << 62)));
        case 6: return Any(Sequence<Any>(2));                   // a sequence where a cell belongs
        case 7: return Any(css::lang::Locale("fr", "FR", ""));  // a struct
        default: return Any(in.number());
    }
}

Sequence<Sequence<Any>> rows(FuzzInput& in) {
    const sal_Int32 n = static_cast<sal_Int32>(in.below(5) == 0 ? in.below(3) * 500 : in.below(6));
    Sequence<Sequence<Any>> out(n);
    for (sal_Int32 r = 0; r < n; ++r) {
        Sequence<Any> row(static_cast<sal_Int32>(in.below(6)));  // ragged, possibly empty
        for (sal_Int32 c = 0; c < row.getLength(); ++c) row.getArray()[c] = element(in);
        out.getArray()[r] = row;
    }
    return out;
}

Any optional(FuzzInput& in) {
    switch (in.below(8)) {
        case 0: return Any();
        case 1: return Any(rows(in));
        case 2: {
            Sequence<Sequence<double>> d(2);
            for (auto& row : d) { row.realloc(static_cast<sal_Int32>(in.below(4))); for (auto& x : row) x = in.number(); }
            return Any(d);
        }
        case 3: return Any(Sequence<Any>(3));  // 1-D: malformed
        case 4: return Any(Any(in.number()));  // an any inside an any
        default: return element(in);
    }
}

bool calc_value(double d) {
    if (std::isfinite(d)) return true;
    if (!std::isnan(d)) return false;
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(d);
    const std::uint32_t code = static_cast<std::uint32_t>(bits & 0xffffffffu);
    return code == 532 || code == 503 || code == 519 || code == 32767 || code == 504;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzInput in(data, size);
    const auto& table = kpi::catalogue();
    const std::size_t index = in.below(table.size() + 1);  // one past the end too
    const std::size_t nargs = index < table.size() ? table[index].args.size() : 2;

    // Keep the UNO values alive while the views point into them.
    std::vector<Sequence<Sequence<Any>>> required;
    std::vector<Any> optionals;
    required.reserve(nargs);
    optionals.reserve(nargs);
    std::vector<kpiaddin::ArgHolder> holders;
    holders.reserve(nargs);
    for (std::size_t i = 0; i < nargs; ++i) {
        const bool is_optional = index < table.size() && table[index].args[i].optional;
        if (is_optional || in.below(4) == 0) {
            optionals.push_back(optional(in));
            holders.emplace_back(static_cast<const uno_Any&>(optionals.back()));
        } else {
            required.push_back(rows(in));
            holders.push_back(kpiaddin::ArgHolder::any_rows(required.back().get()));
        }
    }
    std::vector<const kpi::ArgView*> views;
    for (const auto& h : holders) views.push_back(&h);
    const kpi::Args args(views.data(), views.size());

    if (index < table.size() && table[index].returns == kpi::Returns::table) {
        const Sequence<Sequence<Any>> out(kpiaddin::call_table(index, args), SAL_NO_ACQUIRE);
        for (const auto& row : out)
            for (const auto& a : row) {
                double d = 0.0;
                if (a.hasValue() && (!(a >>= d) || !calc_value(d))) std::abort();
            }
    } else if (index < table.size() && table[index].returns == kpi::Returns::array) {
        const Sequence<Sequence<double>> out(kpiaddin::call_array(index, args), SAL_NO_ACQUIRE);
        for (const auto& row : out)
            for (double d : row)
                if (!calc_value(d)) std::abort();
    } else if (!calc_value(kpiaddin::call_number(index, args))) {
        std::abort();
    }
    return 0;
}
