// libFuzzer harness over the readers of the PostgreSQL aggregate state
// (postgres/agg_state.hpp): kpi.<name>_merge reads bytes that came from
// another server, a parallel worker's state is read back the same way. Any
// bytes must be refused or read into a state that merges and evaluates
// without a crash or undefined behaviour (the build adds AddressSanitizer
// and UBSan). The checksum is the one check skipped (the stored one is
// taken as right), so that damaged contents reach the state's own checks.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../../postgres/agg_state.hpp"
#include "../../postgres/sql_names.hpp"

namespace {

// The function a state names, or the first aggregate (the bytes are then
// read as its state all the same).
int function_named(std::string_view name) {
    const auto& table = kpi::catalogue();
    int first = -1;
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (kpisql::form(table[i]) != kpisql::Form::aggregate) continue;
        if (first < 0) first = static_cast<int>(i);
        if (kpisql::sql_name(table[i]) == name) return static_cast<int>(i);
    }
    return first;
}

// Evaluating reads every row: a state claiming billions of them is slow,
// not wrong (the extension polls for cancellation), so it is not evaluated.
constexpr std::uint64_t kMaxRows = 100000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const char* bytes = reinterpret_cast<const char*>(data);
    std::string_view named;
    if (size >= 16 + 3) {
        std::uint32_t len;
        std::memcpy(&len, bytes + 12, 4);
        if (len <= size - 16) named = std::string_view(bytes + 16, len);
    }
    const int fn = function_named(named);
    const kpi::FunctionInfo& f = kpi::catalogue()[fn];
    const std::string name = kpisql::sql_name(f);
    std::uint32_t stored = 0;
    if (size >= 12) std::memcpy(&stored, bytes + 8, 4);
    std::string_view found;
    const char* body = nullptr;
    std::size_t body_size = 0;
    const auto check = kpisql::read_portable(bytes, size, name, [&](const char*, std::size_t) { return stored; },
                                             found, body, body_size);
    if (check != kpisql::PortableCheck::ok) return 0;
    kpisql::AggState a(fn);
    if (!a.deserialise(body, body_size)) return 0;
    a.set_function(fn);
    if (a.row_count() > kMaxRows) return 0;
    // As kpi.<name>_merge does: into an empty state, then with itself.
    kpisql::AggState b(fn);
    if (b.compatible(a)) b.merge(a);
    if (a.compatible(b)) a.merge(b);
    (void)a.evaluate(f);
    // And serialised again: the bytes a parallel worker would hand over.
    std::vector<char> out(a.serial_size());
    a.serialise(out.data());
    kpisql::AggState c(fn);
    if (!c.deserialise(out.data(), out.size())) __builtin_trap();  // what we write, we read
    return 0;
}
