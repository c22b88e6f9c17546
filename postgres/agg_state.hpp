// The state of a kpi aggregate: the rows seen so far, kept compactly while
// they take few distinct values (NPS scores 0..10 are 11 tuples whatever the
// row count, so partial aggregates travel between parallel workers as a few
// bytes) and as plain columns beyond that (AUC scores, dates). Every
// aggregate function reads its rows as a multiset (order-independent, see
// kpisql::form), so counting equal rows changes nothing in the result.
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
    static constexpr std::size_t kMaxDistinct = 64;

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

    // Sorts the rows (see sort_rows) if they are not: done by each parallel
    // worker before it hands its state over, so that the leader merges
    // sorted runs in linear time instead of sorting everything alone.
    void prepare() {
        if (flat_ && !sorted_ && id_col_ < 0) sorted_ = sort_rows(columns_);
    }

    // The function on every row seen (none: the empty call).
    // Sorts the stored rows in place (their order is no part of the state).
    kpi::Output evaluate(const kpi::FunctionInfo& f) {
        prepare();
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

    // Serialised form: header, the non-range values, then the tuples and
    // their counts, or the columns.
    std::size_t serial_size() const {
        const std::size_t rows = flat_ ? (width_ ? columns_[0].size() : 0) : counts_.size();
        return sizeof(Header) + direct_.size() * 8 + rows * width_ * 8 + (flat_ ? 0 : rows * 8) +
               id_ends_.size() * 8 + id_bytes_.size();
    }
    void serialise(char* out) const {
        const Header h{kMagic, fn_, width_, static_cast<std::uint32_t>(direct_.size()), have_direct_, flat_, sorted_,
                       flat_ ? (width_ ? columns_[0].size() : 0) : counts_.size(), id_col_, id_ends_.size(),
                       id_bytes_.size()};
        put(out, &h, sizeof h);
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
        Header h;
        if (size < sizeof h) return -1;
        std::memcpy(&h, data, sizeof h);
        return h.magic == kMagic ? h.fn : -1;
    }
    bool deserialise(const char* data, std::size_t size) {
        Header h;
        if (size < sizeof h) return false;
        std::memcpy(&h, data, sizeof h);
        if (h.magic != kMagic || h.width > 16 || h.ndirect > 16 || (h.id_col >= 0 && (!h.flat || h.nids != h.rows)) ||
            size != sizeof h + h.ndirect * 8 + h.rows * h.width * 8 + (h.flat ? 0 : h.rows * 8) + h.nids * 8 + h.id_bytes)
            return false;
        fn_ = h.fn;
        width_ = h.width;
        have_direct_ = h.have_direct;
        flat_ = h.flat;
        sorted_ = h.sorted;
        data += sizeof h;
        direct_.resize(h.ndirect);
        get(data, direct_.data(), h.ndirect * 8);
        if (flat_) {
            columns_.assign(width_, std::vector<double>(h.rows));
            for (auto& col : columns_) get(data, col.data(), h.rows * 8);
        } else {
            keys_.resize(h.rows * width_);
            counts_.resize(h.rows);
            get(data, keys_.data(), keys_.size() * 8);
            get(data, counts_.data(), h.rows * 8);
        }
        id_col_ = h.id_col;
        id_ends_.resize(h.nids);
        get(data, id_ends_.data(), h.nids * 8);
        id_bytes_.assign(data, h.id_bytes);
        for (std::size_t i = 0; i < id_ends_.size(); ++i)  // increasing, within the bytes
            if (id_ends_[i] > h.id_bytes || (i && id_ends_[i] < id_ends_[i - 1])) return false;
        return true;
    }

private:
    static constexpr std::uint32_t kMagic = 0x4b504932;  // "KPI2": with the text ids
    struct Header {
        std::uint32_t magic;
        int fn;
        std::uint32_t width, ndirect;
        bool have_direct, flat, sorted;
        std::uint64_t rows;
        std::int32_t id_col;  // -1: no text ids
        std::uint64_t nids, id_bytes;
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
        for (std::size_t t = 0; t < counts_.size(); ++t) {
            const double* k = &keys_[t * width_];
            std::size_t c = 0;
            while (c < width_ && std::memcmp(k + c, key + c, sizeof(double)) == 0) ++c;
            if (c == width_) {
                counts_[t] += count;
                return;
            }
        }
        if (counts_.size() < kMaxDistinct) {
            keys_.insert(keys_.end(), key, key + width_);
            counts_.push_back(count);
            return;
        }
        to_flat();
        add_tuple(key, count);
    }

    // Rows in ascending order of their first value (NaN last): the
    // functions read rows as a multiset, so this changes no result, but a
    // core function that sorts (AUC, median time to close) then sorts
    // ordered data with sequential memory access, several times faster on
    // millions of rows than its indirect sort of scattered data.
    template <std::size_t W>
    static void sort_rows_of(std::vector<std::vector<double>>& cols) {
        const std::size_t n = cols[0].size();
        std::vector<std::array<double, W>> rows(n);
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < W; ++c) rows[r][c] = cols[c][r];
        const auto numbers_end = std::partition(rows.begin(), rows.end(),
                                                [](const std::array<double, W>& a) { return !std::isnan(a[0]); });
        std::sort(rows.begin(), numbers_end,
                  [](const std::array<double, W>& a, const std::array<double, W>& b) { return a[0] < b[0]; });
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

    // Both sorted: one merged sorted table (the order sort_rows makes).
    void merge_sorted(const AggState& b) {
        const std::size_t na = columns_[0].size(), nb = b.columns_[0].size();
        // Where each row goes first (one pass on the first column), then
        // every column copied along it.
        std::vector<std::uint8_t> from_b(na + nb);
        for (std::size_t i = 0, j = 0, k = 0; k < na + nb; ++k) {
            const bool b_first = i == na || (j < nb && before(b.columns_[0][j], columns_[0][i]));
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
    std::vector<std::vector<double>> columns_;  // flat: one column per range argument
    std::int32_t id_col_ = -1;                  // the column whose ids are text (its values are 0)
    std::string id_bytes_;                      // the ids, back to back
    std::vector<std::uint64_t> id_ends_;        // where each row's id ends in id_bytes_
};

}  // namespace kpisql
