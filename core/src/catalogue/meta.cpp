// KPI.MAP, the column-at-once form of the other functions (listed last: it is
// a way of calling them), and the benchmark build's empty methods.
#include "entries.hpp"
#include "kpi/map.hpp"

#include <algorithm>

namespace kpi::entries {

std::vector<FunctionInfo> meta() {
    std::vector<FunctionInfo> t = {
        {.method = "map", .name = "KPI.MAP", .shape = Shape::map,
         .args = {name_arg("kpi"), column("column1", false), column("column2", false), column("column3", true),
                  column("column4", true), column("column5", true), column("column6", true), column("column7", true),
                  column("column8", true), column("column9", true)},
         .returns = Returns::array, .eval = map_rows},
    };
#ifdef KPI_BENCHMARK_METHODS
    // Benchmark-only (cmake -DKPI_BENCHMARK=ON, never in a release: a stored
    // name is a promise): methods that do no work, so that the benchmark
    // measures what Calc's bridge alone costs.
    // KPI.NOOP: KPI.CTR's signature (per-row calls; two ranges as
    // sequence<sequence<any>>). NOOPCOLS: two required columns, handed over
    // as sequence<sequence<double>>. NOOPOPT: two optional columns, `any`
    // (what an optional argument must be).
    const auto nothing = [](Args) { return Output::scalar(Result{0.0, Error::none}); };
    const Text bench{"Benchmark only: does nothing.", "Benchmark seulement."};
    t.push_back({.method = "noop", .name = "KPI.NOOP", .shape = Shape::formula, .args = {amount("a"), amount("b")},
                 .eval = nothing, .description = bench});
    t.push_back({.method = "noopcols", .name = "KPI.NOOPCOLS", .shape = Shape::formula,
                 .args = {column("a", false), column("b", false)}, .eval = nothing, .description = bench});
    t.push_back({.method = "noopopt", .name = "KPI.NOOPOPT", .shape = Shape::formula,
                 .args = {column("a", true), column("b", true)}, .eval = nothing, .description = bench});
    // The floor of a model function (issue 26, item 5): its very arguments
    // (copied from its entry, so the two cannot drift apart) and a result of
    // the shape a valid call returns, all zeros. What Calc spends on it is
    // the least that function can cost in Calc, whatever the core does.
    const auto floor_of = [&](const FunctionInfo& f, std::string_view method, std::string_view name,
                              Output (*eval)(Args)) {
        t.push_back({.method = method, .name = name, .shape = f.shape, .args = f.args, .returns = f.returns,
                     .eval = eval, .description = bench});
    };
    const std::vector<FunctionInfo> model_entries = models();
    for (const FunctionInfo& f : model_entries) {
        if (f.method == "bgnbdfit")
            floor_of(f, "floorbgnbdfit", "KPI.FLOORBGNBDFIT", [](Args) { return Output{1, 5, std::vector<Result>(5)}; });
        if (f.method == "ggfit")
            floor_of(f, "floorggfit", "KPI.FLOORGGFIT", [](Args) { return Output{1, 4, std::vector<Result>(4)}; });
    }
    // KPI.MAP's floor: a column of zeros as long as its longest column.
    const FunctionInfo map_entry = t.front();  // a copy: push_back may move t's elements
    floor_of(map_entry, "floormap", "KPI.FLOORMAP", [](Args a) {
        std::size_t n = 1;
        for (std::size_t i = 1; i < a.size(); ++i)
            if (!a[i]->omitted()) n = std::max(n, a[i]->rows());
        return Output{n, 1, std::vector<Result>(n, Result{0.0, Error::none})};
    });
#endif
    return t;
}

}  // namespace kpi::entries
