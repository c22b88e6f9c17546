// The input of KPI.COHORT and KPI.COHORT.REVENUE, read by one reader so that
// the two tables agree on every row and on as_of (they used to read them each
// their own way: a blank as_of cell, which Calc hands over as 0, was "left
// out" in one and the date 1899-12-30 in the other).
#pragma once

#include <cstdint>
#include <vector>

#include "kpi/args.hpp"

namespace kpi::purchases {

struct AsOf {
    bool given = false;   // false: omitted, blank or 0 (as period_days' 0 means months)
    std::int32_t day = 0;  // the whole day the data is complete to
    Error error = Error::none;
};

// as_of: omitted, blank or 0 → not given; a date outside 0001-01-01 ..
// 9999-12-31 → #NUM!; text → #VALUE!.
AsOf as_of(const ArgView& arg);

struct Purchases {
    std::vector<std::uint32_t> customer;  // dense ids, in order of first appearance
    std::vector<std::int32_t> day;        // whole serial days
    std::vector<double> amount;           // empty when no amounts range is read
    std::uint32_t customers = 0;
    std::int32_t last = 0;                // the latest day (when any purchase)
    Error error = Error::none;
};

// One row per purchase: customer id (text or number: 7 and "7" are two
// customers), date, and the amount when `amounts` is given. The ranges must
// hold the same number of cells (else #VALUE!). A wholly blank row is
// skipped (a range reaching below the table); a row with some cells blank,
// or text where a date or an amount belongs, is #VALUE!; an error cell gives
// its error; a date outside LibreOffice's range or an amount that is not
// finite, #NUM!; a purchase after `as_of` contradicts it: #NUM!.
Purchases read(const ArgView& customers, const ArgView& dates, const ArgView* amounts, const AsOf& as_of);

}  // namespace kpi::purchases
