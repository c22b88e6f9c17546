// Internal to the core: what the family files (costs.cpp, rates.cpp, ...)
// use to write their entries, and the functions catalogue.cpp assembles the
// table from. An entry here is structure only — names, arguments, shape,
// evaluation; its words come from core/catalogue/texts.toml.
#pragma once

#include <utility>
#include <vector>

#include "kpi/catalogue.hpp"
#include "kpi/column.hpp"
#include "kpi/kpi.hpp"

namespace kpi::entries {

using Values = std::span<const double>;

// Arguments by kind (see ArgKind). Texts are attached by name afterwards.
inline ArgInfo amount(std::string_view name) { return ArgInfo{name, {}, {}, ArgKind::amount, false, 0.0}; }
inline ArgInfo number(std::string_view name) { return ArgInfo{name, {}, {}, ArgKind::number, false, 0.0}; }
inline ArgInfo optional_number(std::string_view name, double fallback) {
    return ArgInfo{name, {}, {}, ArgKind::number, true, fallback};
}
inline ArgInfo optional_flag(std::string_view name) { return ArgInfo{name, {}, {}, ArgKind::flag, true, 0.0}; }
inline ArgInfo range(std::string_view name) { return ArgInfo{name, {}, {}, ArgKind::range, false, 0.0}; }
inline ArgInfo optional_range(std::string_view name) { return ArgInfo{name, {}, {}, ArgKind::range, true, 0.0}; }
inline ArgInfo name_arg(std::string_view name) { return ArgInfo{name, {}, {}, ArgKind::name, false, 0.0}; }
inline ArgInfo column(std::string_view name, bool optional) {
    return ArgInfo{name, {}, {}, ArgKind::column, optional, 0.0};
}

// The column form (FunctionInfo::column) of a plain ratio of its two
// arguments, times Scale; PartOfWhole: a part above its whole is #NUM!.
// Only for entries whose scalar is exactly that (the column path's test
// compares the two on every case of the bad-input matrix).
template <int Scale, bool PartOfWhole = false>
void ratio_rows(const double* const* x, std::size_t m, double* out) {
    ratio_column(x[0], x[1], m, Scale, PartOfWhole, out);
}

// The branch-free column forms of kpi.hpp, for `.column`.
inline void gain_rows(const double* const* x, std::size_t m, double* out) { gain_column(x[0], x[1], m, out); }
inline void clv_rows(const double* const* x, std::size_t m, double* out) { clv_column(x[0], x[1], x[2], x[3], m, out); }
inline void breakevenroas_rows(const double* const* x, std::size_t m, double* out) { breakevenroas_column(x[0], m, out); }
// Their forms over cells as they are, for `.column_cells`.
inline bool clv_cells(const double* const* x, std::size_t m, double* out) {
    return clv_column_cells(x[0], x[1], x[2], x[3], m, out);
}
inline bool breakevenroas_cells(const double* const* x, std::size_t m, double* out) {
    return breakevenroas_column_cells(x[0], m, out);
}
inline void retention_rows(const double* const* x, std::size_t m, double* out) { retention_column(x[0], x[1], x[2], m, out); }
inline void frequency_rows(const double* const* x, std::size_t m, double* out) { frequency_column(x[0], x[1], m, out); }
inline void romi_rows(const double* const* x, std::size_t m, double* out) { romi_column(x[0], x[1], x[2], m, out); }
inline void payback_rows(const double* const* x, std::size_t m, double* out) { payback_column(x[0], x[1], x[2], m, out); }
inline void quickratio_rows(const double* const* x, std::size_t m, double* out) {
    quickratio_column(x[0], x[1], x[2], x[3], m, out);
}

// The column form of an entry whose scalar is exactly F(x[0], x[1], ...)
// over doubles: the same formula called directly per row, without the
// scalar's indirect call and span (the formulas themselves are not
// vectorised: they branch).
template <class... A>
constexpr std::size_t arity(Result (*)(A...)) { return sizeof...(A); }
template <auto F, std::size_t... I>
void formula_rows(const double* const* x, std::size_t m, double* out, std::index_sequence<I...>) {
    for (std::size_t k = 0; k < m; ++k) out[k] = to_double(F(x[I][k]...));
}
template <auto F>
void formula_rows(const double* const* x, std::size_t m, double* out) {
    formula_rows<F>(x, m, out, std::make_index_sequence<arity(F)>{});
}

// A required argument a blank means 0 for (see ArgInfo::zero_if_blank).
inline ArgInfo zero_if_blank(ArgInfo a) {
    a.zero_if_blank = true;
    return a;
}

// The families, in the order the reference lists them. Each returns its
// entries in order; catalogue.cpp records the family's name on each.
std::vector<FunctionInfo> costs();      // cost per result: CPL, CPA, CAC, CPC, CPM, CPV
std::vector<FunctionInfo> rates();      // advertising and web rates: CTR, conversion, engagement, share, reach, A/B tests
std::vector<FunctionInfo> email();      // e-mail: open, click-to-open, unsubscribe, bounce rates
std::vector<FunctionInfo> returns();    // ROI, ROAS, growth, ROMI, break-even ROAS
std::vector<FunctionInfo> customers();  // retention, churn, revenue per head, CLV, payback, NRR, cohorts
std::vector<FunctionInfo> pipeline();   // leads and sales: MQL to SQL, funnel, time to close, scoring, win rate, coverage
std::vector<FunctionInfo> models();     // predictive CLV: BG/NBD, Gamma-Gamma, sBG
std::vector<FunctionInfo> statistics();  // tests and subscriptions: A/B sizes and intervals, NPS margin, incrementality, GRR, quick ratio, RFM, cohort revenue
std::vector<FunctionInfo> meta();       // KPI.MAP (and the benchmark's empty methods)

}  // namespace kpi::entries
