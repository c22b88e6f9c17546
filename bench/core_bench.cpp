// Google Benchmark micro-benchmarks of the core alone (no office, no
// bridge): what one call costs once Calc's arguments are in hand.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "kpi/catalogue.hpp"

namespace {

const kpi::FunctionInfo& fn(const char* name) { return *kpi::find_name(name); }

void BM_ScalarCtr(benchmark::State& state) {
    kpi::Grid clicks(150.0), impressions(10000.0);
    const kpi::ArgView* args[] = {&clicks, &impressions};
    const auto& f = fn("KPI.CTR");
    for (auto _ : state) benchmark::DoNotOptimize(kpi::evaluate(f, args));
}
BENCHMARK(BM_ScalarCtr);

kpi::Grid column(std::size_t n, double (*value)(std::size_t)) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = value(i);
    return kpi::Grid::column(v);
}

void BM_AggregateCpl(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    kpi::Grid cost = column(n, [](std::size_t i) { return 10.0 + i % 90; });
    kpi::Grid leads = column(n, [](std::size_t i) { return 1.0 + i % 7; });
    const kpi::ArgView* args[] = {&cost, &leads};
    const auto& f = fn("KPI.CPL");
    for (auto _ : state) benchmark::DoNotOptimize(kpi::evaluate(f, args));
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_AggregateCpl)->Arg(10000)->Arg(1000000);

void BM_Nps(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    kpi::Grid scores = column(n, [](std::size_t i) { return static_cast<double>(i % 11); });
    const kpi::ArgView* args[] = {&scores};
    const auto& f = fn("KPI.NPS");
    for (auto _ : state) benchmark::DoNotOptimize(kpi::evaluate(f, args));
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_Nps)->Arg(1000000);

void BM_ScoreAuc(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    kpi::Grid scores = column(n, [](std::size_t i) { return static_cast<double>((i * 7919) % 1000); });
    kpi::Grid converted = column(n, [](std::size_t i) { return (i * 7919) % 1000 > 700 && i % 3 ? 1.0 : 0.0; });
    const kpi::ArgView* args[] = {&scores, &converted};
    const auto& f = fn("KPI.SCOREAUC");
    for (auto _ : state) benchmark::DoNotOptimize(kpi::evaluate(f, args));
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_ScoreAuc)->Arg(1000000)->Unit(benchmark::kMillisecond);

// KPI.COHORT over a million purchases by 200,000 customers with text ids,
// dates over two years (the README's "well under a second" claim).
void BM_Cohort(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::vector<std::string> ids(n);
    for (std::size_t i = 0; i < n; ++i) ids[i] = "C" + std::to_string((i * 7919) % 200000);
    kpi::Grid customers = kpi::Grid::text_column(ids);
    kpi::Grid dates = column(n, [](std::size_t i) { return 45292.0 + static_cast<double>((i * 104729) % 730); });
    kpi::Grid months;  // period_days omitted: calendar months
    const kpi::ArgView* args[] = {&customers, &dates, &months};
    const auto& f = fn("KPI.COHORT");
    for (auto _ : state) benchmark::DoNotOptimize(kpi::evaluate(f, args));
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_Cohort)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_MapCtr(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    kpi::Grid name = kpi::Grid::of_text("CTR");
    kpi::Grid clicks = column(n, [](std::size_t i) { return static_cast<double>(i % 1000); });
    kpi::Grid impressions = column(n, [](std::size_t i) { return 1000.0 + i % 100000; });
    kpi::Grid omitted;
    const kpi::ArgView* args[] = {&name, &clicks, &impressions, &omitted, &omitted};
    const auto& f = fn("KPI.MAP");
    for (auto _ : state) benchmark::DoNotOptimize(kpi::evaluate(f, args));
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_MapCtr)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
