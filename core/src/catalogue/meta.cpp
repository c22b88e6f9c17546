// KPI.MAP, the column-at-once form of the other functions (listed last: it is
// a way of calling them), and the benchmark build's empty methods.
#include "entries.hpp"
#include "kpi/map.hpp"

namespace kpi::entries {

std::vector<FunctionInfo> meta() {
    std::vector<FunctionInfo> t = {
        {.method = "map", .name = "KPI.MAP", .shape = Shape::map,
         .args = {name_arg("kpi"), column("column1", false), column("column2", false), column("column3", true),
                  column("column4", true)},
         .returns = Returns::array, .eval = map_rows},
    };
#ifdef KPI_BENCHMARK_METHODS
    // Benchmark-only (cmake -DKPI_BENCHMARK=ON): KPI.CTR's signature with no
    // work at all, so that the benchmark measures the bridge's own cost per
    // call; and the same with two number-only columns (what Calc's
    // conversion of a range costs without an Any per cell).
    const auto nothing = [](Args) { return Output::scalar(Result{0.0, Error::none}); };
    t.push_back({.method = "noop", .name = "KPI.NOOP", .shape = Shape::formula, .args = {amount("a"), amount("b")},
                 .eval = nothing, .description = {"Benchmark only: does nothing.", "Benchmark seulement."}});
    t.push_back({.method = "noopcols", .name = "KPI.NOOPCOLS", .shape = Shape::formula,
                 .args = {column("a", false), column("b", false)}, .eval = nothing,
                 .description = {"Benchmark only: does nothing.", "Benchmark seulement."}});
#endif
    return t;
}

}  // namespace kpi::entries
