// KPI.COHORT: a cohort retention table from raw purchases.
//
// Input: one row per purchase, a customer id (text or number) and a date
// (a spreadsheet serial date: day 0 = 1899-12-30, LibreOffice's default).
// Output, one row per cohort (customers by the calendar month of their first
// purchase, oldest first): the cohort month's first day, the cohort's size,
// then for period 0, 1, 2, ... the share of the cohort that bought in that
// period (period 0 is 1). Periods are calendar months since the cohort's
// month, or, with period_days > 0, blocks of that many days from each
// customer's own first purchase. A period the data does not cover to its
// last day — the last purchase date, or `as_of` when given — is Error::na,
// which the glue hands to Calc as an empty cell (Returns::table): one day of
// March would otherwise show March as a month without purchases. Period 0
// (the cohort itself, 1) is always shown.
#pragma once

#include "kpi/catalogue.hpp"

namespace kpi {

// KPI.COHORT(customers; dates; [period_days]; [as_of]).
Output cohort(Args args);

// Calendar arithmetic on serial dates, exposed for the tests.
long month_index(long serial_day);           // year * 12 + month - 1
double month_start_serial(long month_index);  // serial date of the month's first day

}  // namespace kpi
