// The KPI formulas: pure, total functions of plain numbers.
//
// Every function returns a value or an error kind for any input, NaN and
// infinities included; none keeps state, so all are safe from any thread.
// Definitions and sources are in the catalogue (catalogue.cpp) and in the
// generated docs/functions.md.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kpi/result.hpp"

namespace kpi {

// --- cost per unit -------------------------------------------------------
Result cpl(double cost, double leads);
Result cpa(double cost, double acquisitions);
Result cac(double cost, double new_customers);
Result cpc(double cost, double clicks);
Result cpm(double cost, double impressions);

// --- rates (fractions, 0.05 = 5 %) ---------------------------------------
Result ctr(double clicks, double impressions);
Result convrate(double conversions, double visitors);
Result share(double part, double total);
Result openrate(double opens, double delivered);
Result ctor(double clicks, double opens);
Result unsubrate(double unsubscribes, double delivered);
Result bouncerate(double bounces, double sent);
Result engagement(double engagements, double impressions);
Result mql2sql(double sqls, double mqls);
Result retention(double customers_end, double new_customers, double customers_start);
Result churn(double customers_lost, double customers_start);

// --- returns and growth --------------------------------------------------
Result roi(double gain, double investment);
Result roas(double revenue, double ad_spend);
Result growth(double current, double previous);

// --- revenue per head and customer value ---------------------------------
Result aov(double revenue, double orders);
Result arpu(double revenue, double users);
Result clv(double average_order_value, double purchase_frequency, double lifespan,
           double gross_margin = 1.0);
Result clvret(double margin, double retention_rate, double discount_rate,
              bool first_margin_now = false);
Result ltv2cac(double clv, double cac);
Result payback(double cac, double monthly_revenue_per_customer, double gross_margin = 1.0);
// Net revenue retention of a cohort of accounts over a period.
Result nrr(double revenue_start, double expansion, double contraction, double churned);

// --- sales pipeline ------------------------------------------------------
Result winrate(double won, double lost);
Result pipecoverage(double pipeline, double quota);

// --- margin-based returns ------------------------------------------------
Result romi(double incremental_revenue, double gross_margin, double marketing_cost);
Result breakevenroas(double gross_margin);

// --- media reach and video -----------------------------------------------
Result frequency(double impressions, double reach);
Result grp(double impressions, double population);
Result viewrate(double views, double impressions);
Result cpv(double cost, double views);

// --- A/B tests -----------------------------------------------------------
// Relative lift of the test's conversion rate over the control's.
Result lift(double conversions_test, double visitors_test, double conversions_control,
            double visitors_control);
// Two-sided p-value of the pooled two-proportion z-test.
Result ab_pvalue(double conversions_a, double visitors_a, double conversions_b, double visitors_b);

// --- scores and series ---------------------------------------------------
Result npscount(double promoters, double passives, double detractors);

enum class Statistic { mean = 0, median = 1 };
// days[i] = close[i] - first[i]; the spans must have the same length.
Result time_to_close(std::span<const double> first_contact, std::span<const double> close,
                     Statistic statistic);

// ROC AUC of scores against 0/1 outcomes (Mann-Whitney U with mid-ranks for
// ties), O(n log n).
Result score_auc(std::span<const double> scores, std::span<const double> converted);
// The same when pair i stands for counts[i] leads (an aggregate that
// counted equal (score, outcome) rows); O(k log k) in the k pairs, nothing
// in the rows they stand for. Counts must be positive (#VALUE!).
Result score_auc(std::span<const double> scores, std::span<const double> converted,
                 std::span<const std::int64_t> counts);

// Stage-to-stage conversion: 1 for the first stage (when it is not zero),
// then stage[i] / stage[i-1].
std::vector<Result> funnel(std::span<const double> stage_counts);

// The plain ratios over a block of rows, for the column path (column.hpp):
// out[k] is exactly what ratio(num[k], den[k]) scaled by `scale` gives (or,
// with part_of_whole, the part-of-a-whole ratio: a part above its whole is
// #NUM!), as a double with an error's NaN payload, computed without a
// branch per row so that it vectorises.
void ratio_column(const double* num, const double* den, std::size_t m, double scale, bool part_of_whole, double* out);
// The same for roi()/growth() (a gain), clv(), breakevenroas() and retention().
void gain_column(const double* a, const double* b, std::size_t m, double* out);
void clv_column(const double* aov, const double* frequency, const double* lifespan, const double* margin,
                std::size_t m, double* out);
void breakevenroas_column(const double* margin, std::size_t m, double* out);
// clv() and breakevenroas() over cells as they are (FunctionInfo::column_cells):
// out[k] is the row's value where it is a number and a NaN where the row is
// an error or holds a cell that is not a plain number; returns whether any
// out[k] is a NaN.
bool clv_column_cells(const double* aov, const double* frequency, const double* lifespan, const double* margin,
                      std::size_t m, double* out);
bool breakevenroas_column_cells(const double* margin, std::size_t m, double* out);
void retention_column(const double* end, const double* added, const double* start, std::size_t m, double* out);
// frequency(), payback(), romi() and stats.hpp's quick_ratio() (clvmodels.hpp:
// the sBG retention and the Gamma-Gamma spend).
void frequency_column(const double* impressions, const double* reach, std::size_t m, double* out);
void payback_column(const double* cac, const double* revenue, const double* margin, std::size_t m, double* out);
void romi_column(const double* revenue, const double* margin, const double* cost, std::size_t m, double* out);
void quickratio_column(const double* new_revenue, const double* expansion, const double* contraction,
                       const double* churned, std::size_t m, double* out);

}  // namespace kpi
