// The state of a kpi aggregate: the rows seen so far, kept compactly (each
// distinct tuple once, with its count, found through a hash index) while the
// distinct tuples are few relative to the rows — NPS scores 0..10 are 11
// tuples whatever the row count, AUC scores with ties (1,001 score values)
// 2,002 (score, outcome) pairs for ten million rows — and as plain columns
// beyond that (continuous AUC scores, dates), where a tuple per row would
// cost more than the row. Partial aggregates then travel between parallel
// workers as a few kilobytes, and a function with a counted form
// (kpi::FunctionInfo::counted) evaluates the tuples as they are, without
// sorting or writing out the rows. Every aggregate function reads its rows
// as a multiset (order-independent, see kpisql::form), so counting equal
// rows changes nothing in the result.
//
// Plain C++ (no PostgreSQL header): the PostgreSQL glue owns memory and
// errors. Arguments that are not ranges (time to close's statistic) are one
// value per call: the first row's is kept. Customer ids given as bigint or
// text (KPI.COHORT) are kept as text, exactly, beside the columns: such a
// state is always flat and unsorted (the ids stay in row order).
#include <string>
#include <string_view>
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kpi/catalogue.hpp"
#include "views.hpp"

namespace kpisql {

// One column of the counted tuples, read as the rows they stand for (tuple
// t repeated counts[t] times) without writing them out: the core reads
// cells in order, so a cursor makes each read O(1).
class Runs final : public kpi::ArgView {
public:
    Runs(const double* keys, std::size_t width, std::size_t col, const std::int64_t* counts, std::size_t n)
        : keys_(keys), width_(width), col_(col), counts_(counts) {
        for (std::size_t t = 0; t < n; ++t) rows_ += static_cast<std::size_t>(counts[t]);
    }
    bool omitted() const override { return false; }
    std::size_t rows() const override { return rows_; }
    std::size_t cols(std::size_t r) const override { return r < rows_ ? 1 : 0; }
    kpi::Cell at(std::size_t r, std::size_t) const override {
        if (r >= rows_) return kpi::Cell::blank();
        if (r < start_) run_ = start_ = 0;
        while (r >= start_ + static_cast<std::size_t>(counts_[run_])) start_ += static_cast<std::size_t>(counts_[run_++]);
        const double v = keys_[run_ * width_ + col_];
        return std::isnan(v) ? kpi::Cell::blank() : kpi::Cell::num(v);
    }

private:
    const double* keys_;
    std::size_t width_, col_;
    const std::int64_t* counts_;
    std::size_t rows_ = 0;
    mutable std::size_t run_ = 0, start_ = 0;  // the run holding row start_.. (one caller, one thread)
};

// The text ids, read as a column of text cells.
class TextIds final : public kpi::ArgView {
public:
    TextIds(const std::string& bytes, const std::vector<std::uint64_t>& ends) : bytes_(bytes), ends_(ends) {}
    bool omitted() const override { return false; }
    std::size_t rows() const override { return ends_.size(); }
    std::size_t cols(std::size_t r) const override { return r < ends_.size() ? 1 : 0; }
    kpi::Cell at(std::size_t r, std::size_t) const override {
        return r < ends_.size() ? kpi::Cell::text() : kpi::Cell::blank();
    }
    std::string text(std::size_t r, std::size_t) const override {
        if (r >= ends_.size()) return {};
        const std::size_t start = r ? ends_[r - 1] : 0;
        return bytes_.substr(start, ends_[r] - start);
    }

private:
    const std::string& bytes_;
    const std::vector<std::uint64_t>& ends_;
};

class AggState {
public:
    // A compact state of a function with a counted form holds at most
    // max(kMaxDistinct, rows / kRowsPerTuple) distinct tuples. A tuple costs
    // its values, its count and about 6 bytes of index (a (score, outcome)
    // tuple about 30 bytes, a flat row 16), so past kMaxDistinct a compact
    // state stays under half the rows' size. The first kMaxDistinct tuples
    // (8 MB for AUC) are allowed whatever the rows, so that ties are
    // recognised before the ratio can be judged: 100,000 score values come
    // in an order where the first rows are all distinct. Data without ties
    // (every row distinct) turns flat after 262,144 rows; under
    // kpi.max_state_memory a state turns flat as soon as that is smaller
    // (shrink).
    static constexpr std::size_t kMaxDistinct = std::size_t{1} << 18;
    // Only a function with a counted form reads a compact state as it is.
    // Any other reads the rows a tuple stands for one by one, so a state
    // claiming billions of rows (damaged, with a valid checksum) would keep
    // it reading them: its compact states stay as small as they always
    // were, and turn flat past kFewDistinct tuples.
    static constexpr std::size_t kFewDistinct = 64;
    static constexpr std::uint64_t kRowsPerTuple = 4;

    explicit AggState(int fn) : fn_(fn) {}
    int function() const { return fn_; }

    // One row: the first n arguments of f, in order; `id`, when given, is
    // argument id_arg's value as text (its row[] entry is ignored).
    void add(const kpi::FunctionInfo& f, const double* row, int n, const std::string_view* id = nullptr,
             int id_arg = -1) {
        if (!have_direct_) {
            for (int i = 0; i < n; ++i)
                if (f.args[i].kind != kpi::ArgKind::range) direct_.push_back(row[i]);
            have_direct_ = true;
        }
        double key[16];
        std::size_t w = 0;
        for (int i = 0; i < n && w < 16; ++i)
            if (f.args[i].kind == kpi::ArgKind::range) key[w++] = row[i];
        width_ = static_cast<std::uint32_t>(w);
        if (id) {
            std::size_t c = 0;
            for (int i = 0; i < id_arg; ++i) c += f.args[i].kind == kpi::ArgKind::range ? 1 : 0;
            id_col_ = static_cast<std::int32_t>(c);
            key[c] = 0.0;  // not NaN: NaN would read as a blank
            to_flat();
            id_bytes_.append(id->data(), id->size());
            id_ends_.push_back(id_bytes_.size());
        }
        add_tuple(key, 1);
    }

    void merge(const AggState& b) {
        if (!have_direct_ && b.have_direct_) {
            direct_ = b.direct_;
            have_direct_ = true;
        }
        if (b.width_) width_ = b.width_;
        if (b.id_col_ >= 0) {  // then both are flat: the rows and their ids appended in the same order
            id_col_ = b.id_col_;
            const std::uint64_t base = id_bytes_.size();
            id_bytes_ += b.id_bytes_;
            for (std::uint64_t e : b.id_ends_) id_ends_.push_back(base + e);
        }
        if (!b.flat_) {
            for (std::size_t t = 0; t < b.counts_.size(); ++t) add_tuple(&b.keys_[t * width_], b.counts_[t]);
            return;
        }
        to_flat();
        columns_.resize(width_);
        if (sorted_ && b.sorted_ && width_ > 0 && id_col_ < 0) return merge_sorted(b);
        for (std::size_t c = 0; c < width_; ++c)
            columns_[c].insert(columns_[c].end(), b.columns_[c].begin(), b.columns_[c].end());
        sorted_ = false;
    }

    // Before the state is written out (a parallel worker's, kpi.<name>_state):
    // a counted state whose rows are nearly all distinct is written as the
    // rows, when that is smaller (a tuple and its count take 24 bytes where
    // a row of two values takes 16); then the rows are sorted (order), so
    // that the leader merges sorted runs in linear time instead of sorting
    // everything alone.
    void prepare() {
        if (!flat_ && counted() && width_ > 0 && compact_rows_ < counts_.size() * (width_ + 1) / width_) to_flat();
        order();
    }
    // The rows in sort_rows' order, a counted compact state's tuples in the
    // same order (sort_tuples): equal states serialise to equal bytes, and
    // the AUC reads them without sorting. Other compact states keep the
    // order the rows came in (KPI.RFM answers row by row).
    void order() {
        if (flat_ && !sorted_ && id_col_ < 0) sorted_ = sort_rows(columns_);
        if (!flat_ && counted()) sort_tuples();
    }

    // The function on every row seen (none: the empty call).
    // Sorts the stored rows in place (their order is no part of the state).
    kpi::Output evaluate(const kpi::FunctionInfo& f) {
        order();
        if (!flat_ && kpi::has_counted(f) && direct_.empty() && id_col_ < 0) return evaluate_counted(f);
        std::vector<std::vector<double>>& cols = columns_;
        std::vector<Column> columns;
        std::vector<Runs> runs;
        std::vector<Scalar> scalars;
        const TextIds ids(id_bytes_, id_ends_);
        columns.reserve(f.args.size());
        runs.reserve(f.args.size());
        scalars.reserve(f.args.size());
        std::vector<const kpi::ArgView*> views;
        std::size_t c = 0, d = 0;
        static const std::vector<double> none;
        for (const kpi::ArgInfo& a : f.args) {
            if (a.kind == kpi::ArgKind::range && c >= width_ && a.optional) {
                scalars.emplace_back();  // an optional range the call left out (TIMETOCLOSE's won)
                views.push_back(&scalars.back());
            } else if (a.kind == kpi::ArgKind::range) {
                if (static_cast<std::int32_t>(c) == id_col_) {
                    views.push_back(&ids);
                } else if (flat_) {
                    columns.emplace_back(c < cols.size() ? cols[c] : none);
                    views.push_back(&columns.back());
                } else {
                    runs.emplace_back(keys_.data(), width_, c, counts_.data(), c < width_ ? counts_.size() : 0);
                    views.push_back(&runs.back());
                }
                ++c;
            } else {
                if (d < direct_.size()) scalars.emplace_back(direct_[d]);
                else if (a.optional) scalars.emplace_back();
                else scalars.emplace_back(a.fallback);
                ++d;
                views.push_back(&scalars.back());
            }
        }
        return kpi::evaluate(f, views);
    }

    // A function with a counted form, on the tuples and their counts: a
    // column of the distinct values per range argument.
    kpi::Output evaluate_counted(const kpi::FunctionInfo& f) const {
        const std::size_t k = counts_.size();
        std::vector<std::vector<double>> cols(width_, std::vector<double>(k));
        for (std::size_t t = 0; t < k; ++t)
            for (std::size_t c = 0; c < width_; ++c) cols[c][t] = keys_[t * width_ + c];
        std::vector<Column> columns;
        columns.reserve(f.args.size());
        std::vector<const kpi::ArgView*> views;
        static const std::vector<double> none;
        std::size_t c = 0;
        for (std::size_t i = 0; i < f.args.size(); ++i, ++c) {  // counted forms take ranges only
            columns.emplace_back(c < cols.size() ? cols[c] : none);
            views.push_back(&columns.back());
        }
        return kpi::evaluate_counted(f, views, counts_);
    }

    // Serialised form: header (fixed-width fields, written one by one: no
    // padding bytes, so equal states serialise to equal bytes), the
    // non-range values, then the tuples and their counts, or the columns.
    static constexpr std::size_t kHeader = 48;
    std::size_t rows_stored() const { return flat_ ? (width_ ? columns_[0].size() : 0) : counts_.size(); }
    // The rows' flat form, when smaller than the compact state (before
    // giving up on kpi.max_state_memory). Whether it changed anything.
    bool shrink() {
        if (flat_ || width_ == 0 || compact_rows_ >= memory() / (width_ * 8)) return false;
        to_flat();
        return true;
    }
    // What the state holds in memory, for kpi.max_state_memory: its
    // serialised size and a compact state's hash index.
    std::size_t memory() const { return serial_size() + index_.size() * sizeof(std::uint32_t); }
    std::size_t serial_size() const {
        const std::size_t rows = rows_stored();
        return kHeader + direct_.size() * 8 + rows * width_ * 8 + (flat_ ? 0 : rows * 8) + id_ends_.size() * 8 +
               id_bytes_.size();
    }
    void serialise(char* out) const {
        Head h{kMagic, fn_, width_, static_cast<std::uint32_t>(direct_.size()), {have_direct_, flat_, sorted_, 0},
               id_col_, rows_stored(), id_ends_.size(), id_bytes_.size()};
        h.fields([&](const void* p, std::size_t n) { put(out, p, n); });
        put(out, direct_.data(), direct_.size() * 8);
        if (flat_) {
            for (const auto& col : columns_) put(out, col.data(), col.size() * 8);
        } else {
            put(out, keys_.data(), keys_.size() * 8);
            put(out, counts_.data(), counts_.size() * 8);
        }
        put(out, id_ends_.data(), id_ends_.size() * 8);
        put(out, id_bytes_.data(), id_bytes_.size());
    }
    static int function_of(const char* data, std::size_t size) {
        std::uint32_t magic;
        int fn;
        if (size < kHeader) return -1;
        std::memcpy(&magic, data, 4);
        std::memcpy(&fn, data + 4, 4);
        return magic == kMagic && fn >= 0 ? fn : -1;
    }
    // False, leaving the state unusable, when `data` is not a whole state
    // this build wrote: every count is checked against the size before
    // anything is allocated or read, so no input can make it read past the
    // data or allocate more than the data's size.
    bool deserialise(const char* data, std::size_t size) {
        if (size < kHeader) return false;
        Head h;
        h.fields([&](void* p, std::size_t n) { get(data, p, n); });
        fn_ = h.fn;
        width_ = h.width;
        id_col_ = h.id_col;
        const std::uint32_t ndirect = h.ndirect, magic = h.magic;
        const std::uint8_t* flags = h.flags;
        const std::uint64_t rows = h.rows, nids = h.nids, nbytes = h.nbytes;
        const std::uint64_t left = size - kHeader;
        if (magic != kMagic || width_ > 16 || ndirect > 16 || flags[0] > 1 || flags[1] > 1 || flags[2] > 1 ||
            id_col_ < -1 || (id_col_ >= 0 && (!flags[1] || nids != rows || id_col_ >= static_cast<std::int32_t>(width_))) ||
            rows > left / 8 || nids > left / 8 || nbytes > left)
            return false;
        have_direct_ = flags[0];
        flat_ = flags[1];
        sorted_ = flags[2];
        // Each term is at most 16 * left now: no overflow.
        if (left != ndirect * 8 + rows * width_ * 8 + (flat_ ? 0 : rows * 8) + nids * 8 + nbytes) return false;
        direct_.resize(ndirect);
        get(data, direct_.data(), ndirect * 8);
        if (flat_) {
            columns_.assign(width_, std::vector<double>(rows));
            for (auto& col : columns_) get(data, col.data(), rows * 8);
        } else {
            keys_.resize(rows * width_);
            counts_.resize(rows);
            get(data, keys_.data(), keys_.size() * 8);
            get(data, counts_.data(), rows * 8);
            std::uint64_t total = 0;  // the rows the tuples stand for: each count positive, the sum bounded
            for (std::int64_t c : counts_) {
                if (c <= 0 || static_cast<std::uint64_t>(c) > (std::uint64_t{1} << 62) - total) return false;
                total += static_cast<std::uint64_t>(c);
            }
            compact_rows_ = total;
            index_.clear();
        }
        id_ends_.resize(nids);
        get(data, id_ends_.data(), nids * 8);
        id_bytes_.assign(data, nbytes);
        for (std::size_t i = 0; i < id_ends_.size(); ++i)  // increasing, within the bytes
            if (id_ends_[i] > nbytes || (i && id_ends_[i] < id_ends_[i - 1])) return false;
        return true;
    }
    void set_function(int fn) { fn_ = fn; }
    // The rows the state stands for (a compact state's counts summed).
    std::uint64_t row_count() const {
        if (flat_) return rows_stored();
        std::uint64_t n = 0;
        for (std::int64_t c : counts_) n += static_cast<std::uint64_t>(c);
        return n;
    }

    // Whether b's rows are rows of the same call as ours (the same range
    // arguments, the same number of others, ids of the same type): states
    // of kpi.timetoclose(d0, d1) and kpi.timetoclose(d0, d1, 0, won) must
    // not be merged. An empty state goes with anything.
    bool compatible(const AggState& b) const {
        return !have_direct_ || !b.have_direct_ ||
               (width_ == b.width_ && direct_.size() == b.direct_.size() && id_col_ == b.id_col_);
    }

private:
    static constexpr std::uint32_t kMagic = 0x4b504933;  // "KPI3": fixed-width header fields
    // The header, written and read field by field (kHeader bytes), never
    // as a struct: its padding would be bytes of nothing in particular.
    struct Head {
        std::uint32_t magic;
        std::int32_t fn;
        std::uint32_t width, ndirect;
        std::uint8_t flags[4];  // have_direct, flat, sorted, 0
        std::int32_t id_col;    // -1: no text ids
        std::uint64_t rows, nids, nbytes;
        template <class F>
        void fields(F f) {
            f(&magic, 4), f(&fn, 4), f(&width, 4), f(&ndirect, 4), f(flags, 4), f(&id_col, 4);
            f(&rows, 8), f(&nids, 8), f(&nbytes, 8);
        }
    };
    static void put(char*& out, const void* p, std::size_t n) {
        if (n) std::memcpy(out, p, n);
        out += n;
    }
    static void get(const char*& in, void* p, std::size_t n) {
        if (n) std::memcpy(p, in, n);
        in += n;
    }

    void add_tuple(const double* key, std::int64_t count) {
        if (flat_) {
            columns_.resize(width_);
            sorted_ = false;
            for (std::size_t c = 0; c < width_; ++c) {
                if (count == 1) columns_[c].push_back(key[c]);
                else columns_[c].insert(columns_[c].end(), count, key[c]);
            }
            return;
        }
        if (index_.empty()) rebuild_index(64);
        const std::size_t mask = index_.size() - 1;
        for (std::size_t slot = hash(key) & mask;; slot = (slot + 1) & mask) {
            const std::uint32_t at = index_[slot];
            if (at == 0) {
                // A new tuple, while the tuples stay few relative to the rows.
                const std::uint64_t rows = compact_rows_ + static_cast<std::uint64_t>(count);
                // (The index numbers tuples in 32 bits: 2^30 of them at most.)
                if (counts_.size() >= kFewDistinct &&
                    (!counted() || (counts_.size() >= kMaxDistinct && counts_.size() >= rows / kRowsPerTuple) ||
                     counts_.size() >= (std::size_t{1} << 30)))
                    break;
                keys_.insert(keys_.end(), key, key + width_);
                counts_.push_back(count);
                compact_rows_ = rows;
                index_[slot] = static_cast<std::uint32_t>(counts_.size());
                if (counts_.size() * 2 > index_.size()) rebuild_index(index_.size() * 2);
                return;
            }
            if (same_bits(keys_.data() + (at - 1) * width_, key)) {
                counts_[at - 1] += count;
                compact_rows_ += static_cast<std::uint64_t>(count);
                return;
            }
        }
        to_flat();
        add_tuple(key, count);
    }

    bool same_bits(const double* a, const double* b) const {
        for (std::size_t c = 0; c < width_; ++c)
            if (bits(a[c]) != bits(b[c])) return false;
        return true;
    }

    bool counted() const {
        const auto& table = kpi::catalogue();
        return fn_ >= 0 && static_cast<std::size_t>(fn_) < table.size() && kpi::has_counted(table[fn_]);
    }

    // The hash of a tuple's bit patterns (the equality is theirs too),
    // mixed to the low bits the index uses: a whole number's double has
    // only zeros there (1,001 integer scores all fell in one slot).
    std::size_t hash(const double* key) const {
        std::uint64_t h = 0x9E3779B97F4A7C15ull;
        for (std::size_t c = 0; c < width_; ++c) {
            h ^= bits(key[c]);
            h ^= h >> 33;  // MurmurHash3's finaliser
            h *= 0xFF51AFD7ED558CCDull;
            h ^= h >> 33;
            h *= 0xC4CEB9FE1A85EC53ull;
            h ^= h >> 33;
        }
        return static_cast<std::size_t>(h);
    }
    // The index of the tuples (open addressing, tuple number + 1, 0 for
    // none) at `size` slots, a power of two, at most half full.
    void rebuild_index(std::size_t size) {
        while (size < counts_.size() * 2 + 2) size *= 2;
        index_.assign(size, 0);
        const std::size_t mask = size - 1;
        for (std::size_t t = 0; t < counts_.size(); ++t) {
            std::size_t slot = hash(keys_.data() + t * width_) & mask;
            while (index_[slot]) slot = (slot + 1) & mask;
            index_[slot] = static_cast<std::uint32_t>(t + 1);
        }
    }
    // The tuples in sort_rows' order, their counts along.
    void sort_tuples() {
        const std::size_t k = counts_.size(), w = width_;
        std::vector<std::uint32_t> order(k);
        for (std::size_t t = 0; t < k; ++t) order[t] = static_cast<std::uint32_t>(t);
        const double* keys = keys_.data();
        const auto less = [&](std::uint32_t a, std::uint32_t b) {
            const double *x = keys + a * w, *y = keys + b * w;
            if (w == 0) return false;
            if (before(x[0], y[0])) return true;
            if (before(y[0], x[0])) return false;
            return rest_before(x, 1, y, 1, w);
        };
        if (std::is_sorted(order.begin(), order.end(), less)) return;
        std::sort(order.begin(), order.end(), less);
        std::vector<double> keys2(keys_.size());
        std::vector<std::int64_t> counts2(k);
        for (std::size_t t = 0; t < k; ++t) {
            std::copy_n(keys + order[t] * w, w, &keys2[t * w]);
            counts2[t] = counts_[order[t]];
        }
        keys_ = std::move(keys2);
        counts_ = std::move(counts2);
        index_.clear();  // rebuilt when a row comes
    }

    // Rows in ascending order of their first value (NaN last), ties by the
    // next values (rest_before): the functions read rows as a multiset, so this changes
    // no result, but a core function that sorts (AUC, median time to close)
    // then sorts ordered data with sequential memory access, several times
    // faster on millions of rows than its indirect sort of scattered data.
    // And the order is total: the same rows come in the same order however
    // they were split into states and merged, so a sum over them (a mean
    // time to close) is the same bit for bit (kpi.<name>_merge).
    template <std::size_t W>
    static void sort_rows_of(std::vector<std::vector<double>>& cols) {
        const std::size_t n = cols[0].size();
        std::vector<std::array<double, W>> rows(n);
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < W; ++c) rows[r][c] = cols[c][r];
        const auto numbers_end = std::partition(rows.begin(), rows.end(),
                                                [](const std::array<double, W>& a) { return !std::isnan(a[0]); });
        std::sort(rows.begin(), numbers_end, [](const std::array<double, W>& a, const std::array<double, W>& b) {
            return a[0] < b[0] || (a[0] == b[0] && rest_before(a.data(), 1, b.data(), 1, W));
        });
        std::sort(numbers_end, rows.end(), [](const std::array<double, W>& a, const std::array<double, W>& b) {
            return rest_before(a.data(), 1, b.data(), 1, W);
        });
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < W; ++c) cols[c][r] = rows[r][c];
    }
    static bool sort_rows(std::vector<std::vector<double>>& cols) {
        switch (cols.size()) {
            case 1: sort_rows_of<1>(cols); return true;
            case 2: sort_rows_of<2>(cols); return true;
            case 3: sort_rows_of<3>(cols); return true;
            default: return false;  // wider tables are read as they come
        }
    }
    static bool before(double x, double y) { return !std::isnan(x) && (std::isnan(y) || x < y); }
    // Ties on the first value are ordered by the next values' bit
    // patterns: any total order makes the merged rows' order independent of
    // the split, and an integer comparison is the cheapest one (no NaN to
    // treat apart, -0 and 0 told apart as well).
    static std::uint64_t bits(double x) {
        std::uint64_t b;
        std::memcpy(&b, &x, 8);
        return b;
    }
    static bool rest_before(const double* a, std::size_t sa, const double* b, std::size_t sb, std::size_t w) {
        for (std::size_t c = 1; c < w; ++c) {
            const std::uint64_t x = bits(a[c * sa]), y = bits(b[c * sb]);
            if (x != y) return x < y;
        }
        return false;
    }
    bool row_before(std::size_t i, const AggState& b, std::size_t j) const {
        const double x = columns_[0][i], y = b.columns_[0][j];
        if (before(x, y)) return true;
        if (before(y, x)) return false;
        for (std::size_t c = 1; c < width_; ++c) {
            const std::uint64_t u = bits(columns_[c][i]), v = bits(b.columns_[c][j]);
            if (u != v) return u < v;
        }
        return false;
    }

    // Both sorted: one merged sorted table (the order sort_rows makes).
    void merge_sorted(const AggState& b) {
        const std::size_t na = columns_[0].size(), nb = b.columns_[0].size();
        // Where each row goes first (one pass on the first column, the
        // others on ties), then every column copied along it.
        std::vector<std::uint8_t> from_b(na + nb);
        for (std::size_t i = 0, j = 0, k = 0; k < na + nb; ++k) {
            const bool b_first = i == na || (j < nb && b.row_before(j, *this, i));
            from_b[k] = b_first;
            b_first ? ++j : ++i;
        }
        for (std::size_t c = 0; c < width_; ++c) {
            std::vector<double> out(na + nb);
            const double* x = columns_[c].data();
            const double* y = b.columns_[c].data();
            for (std::size_t k = 0; k < na + nb; ++k) out[k] = from_b[k] ? *y++ : *x++;
            columns_[c] = std::move(out);
        }
    }
    void to_flat() {
        if (flat_) return;
        std::vector<std::vector<double>> cols(width_);
        for (std::size_t t = 0; t < counts_.size(); ++t)
            for (std::size_t c = 0; c < width_; ++c) cols[c].insert(cols[c].end(), counts_[t], keys_[t * width_ + c]);
        columns_ = std::move(cols);
        keys_.clear();
        counts_.clear();
        index_ = {};
        compact_rows_ = 0;
        flat_ = true;
        sorted_ = columns_.empty() || columns_[0].empty();  // no rows yet: trivially in order
    }

    int fn_;
    std::uint32_t width_ = 0;
    bool have_direct_ = false, flat_ = false;
    bool sorted_ = false;  // flat rows in sort_rows' order
    std::vector<double> direct_;
    std::vector<double> keys_;           // distinct tuples, width_ values each
    std::vector<std::int64_t> counts_;   // how many rows each
    std::vector<std::uint32_t> index_;   // compact: the hash index of keys_ (empty: to be built)
    std::uint64_t compact_rows_ = 0;     // compact: the rows the tuples stand for
    std::vector<std::vector<double>> columns_;  // flat: one column per range argument
    std::int32_t id_col_ = -1;                  // the column whose ids are text (its values are 0)
    std::string id_bytes_;                      // the ids, back to back
    std::vector<std::uint64_t> id_ends_;        // where each row's id ends in id_bytes_
};

// The portable form of a state, what kpi.<name>_state returns and
// kpi.<name>_merge reads (on another server, maybe of another build): the
// state above behind an envelope that says what it is.
//
//   bytes 0-3    "KPIS"
//   4-5          format version (kPortableVersion), native byte order
//   6-7          0x0102 in native byte order: a state from a machine of the
//                other byte order reads 0x0201 and is refused
//   8-11         CRC-32C of bytes 12 to the end (computed by the caller:
//                PostgreSQL's own, hardware-accelerated)
//   12-15        length L of the function's SQL name
//   16-(16+L)    the name ("nps"): a state of another function is refused
//                by name, not by its catalogue index, which another build
//                may number differently
//   then         AggState::serialise's bytes
//
// The checksum makes a damaged state (a flipped bit in a score, a cut
// transfer) an error instead of a wrong result; the checks of
// AggState::deserialise make any bytes with a valid checksum safe to read.
inline constexpr std::uint16_t kPortableVersion = 1;
inline constexpr std::size_t kPortableHead = 16;

enum class PortableCheck { ok, not_a_state, byte_order, version, truncated, checksum, other_function };

inline std::size_t portable_size(std::string_view name, const AggState& s) {
    return kPortableHead + name.size() + s.serial_size();
}

// Everything but the checksum (bytes 8-11), which the caller writes.
inline void write_portable(char* out, std::string_view name, const AggState& s) {
    const std::uint16_t version = kPortableVersion, order = 0x0102;
    const std::uint32_t crc = 0, len = static_cast<std::uint32_t>(name.size());
    std::memcpy(out, "KPIS", 4);
    std::memcpy(out + 4, &version, 2);
    std::memcpy(out + 6, &order, 2);
    std::memcpy(out + 8, &crc, 4);
    std::memcpy(out + 12, &len, 4);
    std::memcpy(out + 16, name.data(), name.size());
    s.serialise(out + 16 + name.size());
}

// Reads the envelope of `data`; `crc` computes CRC-32C. On ok, `body` is
// the state's bytes; `found` is the function named (other_function).
template <class Crc>
PortableCheck read_portable(const char* data, std::size_t size, std::string_view name, Crc crc, std::string_view& found,
                            const char*& body, std::size_t& body_size) {
    if (size < 4 || std::memcmp(data, "KPIS", 4) != 0) return PortableCheck::not_a_state;
    if (size < kPortableHead) return PortableCheck::truncated;
    std::uint16_t version, order;
    std::uint32_t stored, len;
    std::memcpy(&version, data + 4, 2);
    std::memcpy(&order, data + 6, 2);
    std::memcpy(&stored, data + 8, 4);
    std::memcpy(&len, data + 12, 4);
    if (order == 0x0201) return PortableCheck::byte_order;
    if (order != 0x0102) return PortableCheck::checksum;  // damaged
    if (version != kPortableVersion) return PortableCheck::version;
    if (crc(data + 12, size - 12) != stored) return PortableCheck::checksum;  // a cut state too
    if (len > size - kPortableHead) return PortableCheck::truncated;
    found = std::string_view(data + kPortableHead, len);
    // A name is an SQL name (lower case, digits, underscores), which the
    // error message may quote; anything else is no state of ours.
    if (found.empty() || found.size() > 63 || std::any_of(found.begin(), found.end(), [](char c) {
            return !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
        }))
        return PortableCheck::not_a_state;
    if (found != name) return PortableCheck::other_function;
    body = data + kPortableHead + len;
    body_size = size - kPortableHead - len;
    return PortableCheck::ok;
}

}  // namespace kpisql
