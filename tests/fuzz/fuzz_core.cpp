// libFuzzer harness over the core's entry point, kpi::evaluate: any function
// of the catalogue, any number of arguments, any grid shape (ragged, empty,
// tall), any cells (blank, text, error kinds, any double). The core must
// return a well-formed Output: finite values or errors, never a crash, a hang
// or undefined behaviour (the build adds AddressSanitizer and UBSan).
#include <cmath>
#include <cstdlib>
#include <vector>

#include "fuzz_input.hpp"
#include "kpi/catalogue.hpp"

namespace {

kpi::Cell cell(FuzzInput& in) {
    switch (in.below(6)) {
        case 0: return kpi::Cell::blank();
        case 1: return kpi::Cell::text();
        case 2: return kpi::Cell::err(static_cast<kpi::Error>(in.below(6)));
        default: return kpi::Cell::num(in.number());
    }
}

kpi::Grid grid(FuzzInput& in) {
    switch (in.below(8)) {
        case 0: return kpi::Grid();  // omitted
        case 1: return kpi::Grid(cell(in));
        case 2: {  // a tall column with a repeating pattern (bounded size)
            const std::size_t n = 1 + in.below(256) * 64;
            std::vector<kpi::Cell> pattern{cell(in), cell(in), cell(in)};
            std::vector<std::vector<kpi::Cell>> rows(n);
            for (std::size_t i = 0; i < n; ++i) rows[i] = {pattern[i % 3]};
            return kpi::Grid(std::move(rows));
        }
        default: {  // small, possibly ragged, possibly empty
            std::vector<std::vector<kpi::Cell>> rows(in.below(6));
            for (auto& r : rows) {
                r.resize(in.below(6));
                for (auto& c : r) c = cell(in);
            }
            return kpi::Grid(std::move(rows));
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzInput in(data, size);
    const auto& table = kpi::catalogue();
    const kpi::FunctionInfo& f = table[in.below(table.size())];
    std::size_t nargs = f.args.size();
    if (in.below(8) == 0) nargs = in.below(10);  // sometimes the wrong number of arguments

    std::vector<kpi::Grid> grids;
    grids.reserve(nargs);
    for (std::size_t i = 0; i < nargs; ++i) grids.push_back(grid(in));
    std::vector<const kpi::ArgView*> views;
    for (const auto& g : grids) views.push_back(&g);

    const kpi::Output out = kpi::evaluate(f, kpi::Args(views.data(), views.size()));
    if (out.rows == 0 || out.cols == 0 || out.cells.size() != out.rows * out.cols) std::abort();
    for (const kpi::Result& r : out.cells) {
        if (r.ok() && !std::isfinite(r.value)) std::abort();  // a number must be finite
        if (!r.ok() && r.error == kpi::Error::none) std::abort();
    }
    if (f.returns == kpi::Returns::number && out.cells.size() != 1) std::abort();
    return 0;
}
