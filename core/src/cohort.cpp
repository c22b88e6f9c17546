#include "kpi/cohort.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kpi/args.hpp"
#include "kpi/stop.hpp"
#include "purchases.hpp"

namespace kpi {
namespace {

// LibreOffice's date range, 0001-01-01 to 9999-12-31, as serial dates.
constexpr double kFirstDate = -693593.0;
constexpr double kLastDate = 2958465.0;
// 1970-01-01 as a serial date (day 0 = 1899-12-30).
constexpr long kEpochSerial = 25569;
// The largest table given back. A sheet has at most 16,384 columns; past a
// few million cells a table is no report, and the limit keeps memory bounded
// whatever the dates (one purchase in year 1 and one in 9999, period_days
// 0.001, ...): such input is #NUM!.
constexpr std::size_t kMaxColumns = 16384;
constexpr std::size_t kMaxCells = std::size_t{1} << 22;

Output fail(Error e) { return Output::scalar(Result::fail(e)); }

Error error_of(const Cell& c) { return c.error == Error::none ? Error::value : c.error; }

// Days since 1970-01-01 <-> proleptic Gregorian year and month, by the
// era (400-year cycle) decomposition of H. Hinnant's "chrono-Compatible
// Low-Level Date Algorithms". Months are counted from March inside an era so
// that the leap day falls at the end of the year.
long days_from_civil(long y, long m, long d) {
    y -= m <= 2 ? 1 : 0;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long year_of_era = y - era * 400;
    const long day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

long month_index_of_days(long z) {
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const long day_of_era = z - era * 146097;
    const long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const long mp = (5 * day_of_year + 2) / 153;  // 0 = March
    const long month = mp < 10 ? mp + 3 : mp - 9;
    const long year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    return year * 12 + month - 1;
}


// Customer ids -> dense numbers 0, 1, 2, ... An open-addressing table of
// 8-byte slots (32 bits of the hash, the id): a million look-ups over
// hundreds of thousands of ids are cache misses, and a slot holds what is
// needed to reject a wrong candidate without reading its key.
class Ids {
public:
    explicit Ids(std::size_t expected) {
        std::size_t cap = 64;
        while (cap < 2 * expected && cap < (std::size_t{1} << 31)) cap *= 2;
        slots_.assign(cap, Slot{});
    }
    std::uint32_t count() const { return static_cast<std::uint32_t>(keys_.size()); }
    std::uint32_t of_number(double v) {
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(v + 0.0);  // -0 is 0
        return find(mix(bits), [&](const Key& k) { return !k.is_text && numbers_[k.index] == bits; },
                    [&] { keys_.push_back({false, static_cast<std::uint32_t>(numbers_.size())}); numbers_.push_back(bits); });
    }
    std::uint32_t of_text(std::string&& t) {
        return find(mix(std::hash<std::string>{}(t)), [&](const Key& k) { return k.is_text && texts_[k.index] == t; },
                    [&] { keys_.push_back({true, static_cast<std::uint32_t>(texts_.size())}); texts_.push_back(std::move(t)); });
    }

private:
    struct Slot {
        std::uint32_t tag = 0;  // 0: empty; else the hash's high 32 bits, made non-zero
        std::uint32_t id = 0;
    };
    struct Key {
        bool is_text;
        std::uint32_t index;  // in numbers_ or texts_
    };
    // The finaliser of splitmix64: spreads the bits of a double's pattern
    // (and of libstdc++'s string hash) over the table.
    static std::uint64_t mix(std::uint64_t x) {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9ULL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebULL;
        return x ^ (x >> 31);
    }
    static std::uint32_t tag_of(std::uint64_t h) { return static_cast<std::uint32_t>(h >> 32) | 1u; }
    template <class Same, class Add>
    std::uint32_t find(std::uint64_t h, Same same, Add add) {
        if (2 * (keys_.size() + 1) > slots_.size()) grow();
        const std::size_t mask = slots_.size() - 1;
        const std::uint32_t tag = tag_of(h);
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            Slot& s = slots_[i];
            if (s.tag == 0) {
                const auto id = count();
                add();
                s = Slot{tag, id};
                return id;
            }
            if (s.tag == tag && same(keys_[s.id])) return s.id;
        }
    }
    void grow() {
        std::vector<Slot> old(slots_.size() * 2);
        old.swap(slots_);
        const std::size_t mask = slots_.size() - 1;
        for (std::uint32_t id = 0; id < count(); ++id) {
            const Key& k = keys_[id];
            const std::uint64_t h = k.is_text ? mix(std::hash<std::string>{}(texts_[k.index])) : mix(numbers_[k.index]);
            std::size_t i = h & mask;
            while (slots_[i].tag != 0) i = (i + 1) & mask;
            slots_[i] = Slot{tag_of(h), id};
        }
    }

    std::vector<Slot> slots_;
    std::vector<Key> keys_;  // by id
    std::vector<std::uint64_t> numbers_;
    std::vector<std::string> texts_;
};

}  // namespace

namespace purchases {

AsOf as_of(const ArgView& arg) {
    AsOf out;
    const Result r = optional_number(arg, 0.0);
    if (!r.ok()) { out.error = r.error; return out; }
    if (r.value == 0.0) return out;
    if (!(r.value >= kFirstDate && r.value <= kLastDate)) { out.error = Error::num; return out; }
    out.given = true;
    out.day = static_cast<std::int32_t>(std::floor(r.value));
    return out;
}

// Customer ids are keyed by what the cell holds: a number by its value, a
// text by its characters (so 1 and "1" are two customers, as they are two
// different cell values).
Purchases read(const ArgView& customers, const ArgView& dates, const ArgView* amounts, const AsOf& as_of) {
    Purchases out;
    const std::size_t n = cell_count(customers);
    if (cell_count(dates) != n || (amounts && cell_count(*amounts) != n)) { out.error = Error::value; return out; }
    if (n >= std::numeric_limits<std::uint32_t>::max()) { out.error = Error::num; return out; }
    out.customer.reserve(n);
    out.day.reserve(n);
    if (amounts) out.amount.reserve(n);
    // Sized for a few purchases per customer; it grows when there are more.
    Ids ids(n / 4 + 16);
    std::int32_t last = std::numeric_limits<std::int32_t>::min();
    CellCursor cc(customers), cd(dates), ca(amounts ? *amounts : dates);
    for (std::size_t i = 0; i < n; ++i) {
        if (stop_at(i)) { out.error = Error::value; return out; }  // the host stops the call: discarded
        const Cell c = cc.next(), d = cd.next(), a = amounts ? ca.next() : Cell{};
        std::string id_text;
        bool c_blank = c.kind == Cell::Kind::empty, d_blank = d.kind == Cell::Kind::empty;
        bool a_blank = amounts && a.kind == Cell::Kind::empty;
        // An empty string (a formula giving "") is a blank, as in the ranges Calc passes.
        if (c.kind == Cell::Kind::text) c_blank = (id_text = cc.text()).empty();
        if (d.kind == Cell::Kind::text) d_blank = cd.text().empty();
        if (amounts && a.kind == Cell::Kind::text) a_blank = ca.text().empty();
        for (const Cell* x : {&c, &d, &a})
            if (x->kind == Cell::Kind::error) { out.error = error_of(*x); return out; }
        if ((d.kind == Cell::Kind::text && !d_blank) || (amounts && a.kind == Cell::Kind::text && !a_blank)) {
            out.error = Error::value;
            return out;
        }
        if (c_blank && d_blank && (!amounts || a_blank)) continue;  // a range reaching below the table
        if (c_blank || d_blank || a_blank) { out.error = Error::value; return out; }
        if (c.kind == Cell::Kind::number && !std::isfinite(c.number)) { out.error = Error::num; return out; }
        if (!(d.number >= kFirstDate && d.number <= kLastDate)) { out.error = Error::num; return out; }
        // Refunds may be negative amounts; the sums must stay numbers.
        if (amounts && !std::isfinite(a.number)) { out.error = Error::num; return out; }
        const auto day = static_cast<std::int32_t>(std::floor(d.number));
        // The data is complete up to as_of: a purchase after it contradicts it.
        if (as_of.given && day > as_of.day) { out.error = Error::num; return out; }
        const std::uint32_t who = c.kind == Cell::Kind::text ? ids.of_text(std::move(id_text)) : ids.of_number(c.number);
        out.customer.push_back(who);
        out.day.push_back(day);
        if (amounts) out.amount.push_back(a.number);
        last = std::max(last, day);
    }
    out.customers = ids.count();
    out.last = last;
    return out;
}

}  // namespace purchases

long month_index(long serial_day) { return month_index_of_days(serial_day - kEpochSerial); }

double month_start_serial(long index) {
    const long year = index >= 0 ? index / 12 : -((-index + 11) / 12);
    const long month = index - year * 12 + 1;
    return static_cast<double>(days_from_civil(year, month, 1) + kEpochSerial);
}

Output cohort(Args args) {
    if (args.size() != 4) return fail(Error::args);
    for (const ArgView* a : args.first(2)) {
        if (a->omitted()) return fail(Error::args);
        if (!a->well_formed()) return fail(Error::value);
    }
    const Result period = optional_number(*args[2], 0.0);
    if (!period.ok()) return fail(period.error);
    if (period.value < 0.0) return fail(Error::num);
    const double period_days = period.value;  // 0: calendar months
    const bool by_days = period_days > 0.0;
    // The date up to which the data is complete: as_of, or (omitted, blank or
    // 0, as period_days' 0 means months) the last purchase.
    const purchases::AsOf given = purchases::as_of(*args[3]);
    if (given.error != Error::none) return fail(given.error);

    const purchases::Purchases p = purchases::read(*args[0], *args[1], nullptr, given);
    if (p.error != Error::none) return fail(p.error);
    if (p.customer.empty()) return fail(Error::div0);  // no purchase: no cohort

    // Each customer's first purchase, and the last date of the data.
    const std::uint32_t nc = p.customers;
    std::vector<std::int32_t> first(nc, std::numeric_limits<std::int32_t>::max());
    for (std::size_t i = 0; i < p.customer.size(); ++i) first[p.customer[i]] = std::min(first[p.customer[i]], p.day[i]);

    // Cohorts: the months of first purchases, oldest first. Months span at
    // most 12 x 9999 values, so a dense month -> row table is small.
    std::vector<long> cohort_month(nc);
    long lo = std::numeric_limits<long>::max(), hi = std::numeric_limits<long>::min();
    for (std::uint32_t c = 0; c < nc; ++c) {
        cohort_month[c] = month_index(first[c]);
        lo = std::min(lo, cohort_month[c]);
        hi = std::max(hi, cohort_month[c]);
    }
    std::vector<std::int32_t> row_of_month(static_cast<std::size_t>(hi - lo + 1), -1);
    for (std::uint32_t c = 0; c < nc; ++c) row_of_month[static_cast<std::size_t>(cohort_month[c] - lo)] = 0;
    std::vector<long> months;
    for (std::size_t m = 0; m < row_of_month.size(); ++m)
        if (row_of_month[m] == 0) {
            row_of_month[m] = static_cast<std::int32_t>(months.size());
            months.push_back(lo + static_cast<long>(m));
        }
    const std::size_t rows = months.size();
    std::vector<std::uint32_t> row_of(nc), size(rows, 0);
    std::vector<std::int32_t> latest_first(rows, std::numeric_limits<std::int32_t>::min());
    for (std::uint32_t c = 0; c < nc; ++c) {
        const auto r = static_cast<std::uint32_t>(row_of_month[static_cast<std::size_t>(cohort_month[c] - lo)]);
        row_of[c] = r;
        ++size[r];
        latest_first[r] = std::max(latest_first[r], first[c]);
    }

    // The data is complete up to as_of (a whole day), or else up to its last
    // purchase (the reader refused a purchase after as_of).
    const std::int32_t as_of = given.given ? given.day : p.last;

    // Periods each cohort can show: those the data covers to their last day
    // (issue 24: one day of March is not March) — in days mode, for every
    // customer of the cohort, since each customer's periods start at their
    // own first purchase. Period 0 is always shown: it is the cohort (1).
    std::vector<std::size_t> shown(rows);
    std::size_t periods = 0;
    const long complete_months = month_index(static_cast<long>(as_of) + 1);  // months ended by as_of
    for (std::size_t r = 0; r < rows; ++r) {
        // Days mode: period k ends on day first + (k + 1) x period_days (exclusive).
        double k = by_days ? std::floor(static_cast<double>(as_of + 1 - latest_first[r]) / period_days)
                           : static_cast<double>(complete_months - months[r]);
        k = std::max(k, 1.0);
        if (!(k <= static_cast<double>(kMaxColumns))) return fail(Error::num);
        shown[r] = static_cast<std::size_t>(k);
        periods = std::max(periods, shown[r]);
    }
    const std::size_t cols = 2 + periods;
    if (cols > kMaxColumns || rows * cols > kMaxCells) return fail(Error::num);

    // Purchases grouped by customer (a counting sort: linear time), so that
    // each customer counts once per period, whatever the number of purchases.
    std::vector<std::uint32_t> start(static_cast<std::size_t>(nc) + 1, 0), order(p.customer.size());
    for (std::uint32_t c : p.customer) ++start[c + 1];
    for (std::uint32_t c = 0; c < nc; ++c) start[c + 1] += start[c];
    {
        std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
        for (std::size_t i = 0; i < p.customer.size(); ++i) order[next[p.customer[i]]++] = static_cast<std::uint32_t>(i);
    }
    std::vector<std::uint32_t> counted(periods, std::numeric_limits<std::uint32_t>::max());  // customer last counted
    std::vector<std::uint32_t> buyers(rows * periods, 0);
    for (std::uint32_t c = 0; c < nc; ++c) {
        const std::uint32_t r = row_of[c];
        for (std::uint32_t j = start[c]; j < start[c + 1]; ++j) {
            const std::int32_t d = p.day[order[j]];
            const double k = by_days ? std::floor(static_cast<double>(d - first[c]) / period_days)
                                     : static_cast<double>(month_index(d) - months[r]);
            if (!(k < static_cast<double>(shown[r]))) continue;  // after what the cohort shows
            const auto ki = static_cast<std::size_t>(k);
            if (counted[ki] == c) continue;
            counted[ki] = c;
            ++buyers[r * periods + ki];
        }
    }

    Output out{rows, cols, std::vector<Result>(rows * cols, Result::fail(Error::na))};
    for (std::size_t r = 0; r < rows; ++r) {
        Result* row = &out.cells[r * cols];
        row[0] = Result::of(month_start_serial(months[r]));
        row[1] = Result::of(static_cast<double>(size[r]));
        for (std::size_t k = 0; k < shown[r]; ++k)
            row[2 + k] = Result::of(static_cast<double>(buyers[r * periods + k]) / static_cast<double>(size[r]));
    }
    return out;
}

}  // namespace kpi
