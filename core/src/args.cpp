#include "kpi/args.hpp"

#include "kpi/stop.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace kpi {
namespace {

// Error for a required argument that is not usable at all.
Error shape_error(const ArgView& arg) {
    if (arg.omitted()) return Error::args;
    if (!arg.well_formed()) return Error::value;
    return Error::none;
}

}  // namespace

std::size_t cell_count(const ArgView& arg) {
    std::size_t n = 0;
    for (std::size_t r = 0, nr = arg.rows(); r < nr; ++r) n += arg.cols(r);
    return n;
}

Result amount(const ArgView& arg) {
    if (Error e = shape_error(arg); e != Error::none) return Result::fail(e);
    double sum = 0.0;
    Error err = Error::none;
    for_each_cell(arg, [&](const Cell& c) {
        switch (c.kind) {
            case Cell::Kind::empty: return true;
            case Cell::Kind::text: err = Error::value; return false;
            case Cell::Kind::error: err = c.error == Error::none ? Error::value : c.error; return false;
            case Cell::Kind::number:
                if (!std::isfinite(c.number) || c.number < 0.0) {
                    err = Error::num;
                    return false;
                }
                sum += c.number;
                return true;
        }
        return true;
    });
    if (err != Error::none) return Result::fail(err);
    return Result::of(sum);  // a sum that overflows is #NUM!
}

bool blank(const ArgView& arg) {
    if (arg.omitted() || !arg.well_formed()) return false;
    return for_each_cell(arg, [](const Cell& c) { return c.kind == Cell::Kind::empty; });
}

Result number(const ArgView& arg) {
    if (Error e = shape_error(arg); e != Error::none) return Result::fail(e);
    Result found = Result::fail(Error::na);  // no value given (yet)
    std::size_t values = 0;
    for_each_cell(arg, [&](const Cell& c) {
        switch (c.kind) {
            case Cell::Kind::empty: return true;
            case Cell::Kind::text: found = Result::fail(Error::value); return false;
            case Cell::Kind::error:
                found = Result::fail(c.error == Error::none ? Error::value : c.error);
                return false;
            case Cell::Kind::number:
                if (++values > 1) {
                    found = Result::fail(Error::value);
                    return false;
                }
                found = std::isfinite(c.number) ? Result{c.number, Error::none} : Result::fail(Error::num);
                return true;
        }
        return true;
    });
    return found;
}

Result optional_number(const ArgView& arg, double fallback) {
    if (arg.omitted() || blank(arg)) return Result{fallback, Error::none};
    return number(arg);
}

NpsCounts nps_counts(const ArgView& scores) { return nps_counts(scores, {}); }

NpsCounts nps_counts(const ArgView& scores, std::span<const std::int64_t> weights) {
    NpsCounts out;
    if (Error e = shape_error(scores); e != Error::none) {
        out.error = e;
        return out;
    }
    if (!weights.empty() && weights.size() != cell_count(scores)) {
        out.error = Error::value;
        return out;
    }
    std::size_t k = 0;  // the cell's index in reading order (its weight's)
    for (std::size_t r = 0, nr = scores.rows(); r < nr; ++r) {
        for (std::size_t col = 0, nc = scores.cols(r); col < nc; ++col, ++k) {
            const Cell c = scores.at(r, col);
            const double w = weights.empty() ? 1.0 : static_cast<double>(weights[k]);
            if (c.kind == Cell::Kind::empty) continue;
            if (c.kind == Cell::Kind::error) {
                out.error = c.error == Error::none ? Error::value : c.error;
                return out;
            }
            if (c.kind == Cell::Kind::text) {
                // A formula's "" is an answer not given; any other text (a
                // score stored as text, "n/a") would silently change the count.
                if (scores.text(r, col).empty()) continue;
                out.error = Error::value;
                return out;
            }
            const double s = c.number;
            if (!(s >= 0.0 && s <= 10.0) || s != std::floor(s)) {
                out.error = Error::num;
                return out;
            }
            if (stop_at(k)) {
                out.error = Error::value;  // the host stops the call: discarded
                return out;
            }
            if (s >= 9.0) out.promoters += w;
            else if (s >= 7.0) out.passives += w;
            else out.detractors += w;
        }
    }
    return out;
}

namespace {

Error cell_error(const Cell& c) {
    if (c.kind == Cell::Kind::text) return Error::value;
    if (c.kind == Cell::Kind::error) return c.error == Error::none ? Error::value : c.error;
    return Error::none;
}

Pairs read_pairs(const ArgView& a, const ArgView& b, const ArgView* keep,
                 std::span<const std::int64_t> weights = {}, bool weighted = false) {
    Pairs out;
    if (Error e = shape_error(a); e != Error::none) { out.error = e; return out; }
    if (Error e = shape_error(b); e != Error::none) { out.error = e; return out; }
    const std::size_t n = cell_count(a);
    if (cell_count(b) != n) { out.error = Error::value; return out; }
    if (weighted && weights.size() != n) { out.error = Error::value; return out; }
    if (keep) {
        if (!keep->well_formed()) { out.error = Error::value; return out; }
        if (cell_count(*keep) != n) { out.error = Error::value; return out; }
    }
    // One cursor per view, so that ranges of the same size but different
    // orientation (a row and a column) pair up.
    CellCursor ca(a), cb(b);
    std::optional<CellCursor> ck;
    if (keep) ck.emplace(*keep);
    for (std::size_t i = 0; i < n; ++i) {
        if (stop_at(i)) { out.error = Error::value; return out; }  // the host stops the call: discarded
        const Cell x = ca.next(), y = cb.next(), k = ck ? ck->next() : Cell::num(1.0);
        for (const Cell* c : {&x, &y, &k})
            if (Error e = cell_error(*c); e != Error::none) { out.error = e; return out; }
        if (k.kind == Cell::Kind::number && k.number != 0.0 && k.number != 1.0) { out.error = Error::num; return out; }
        if (x.kind == Cell::Kind::empty || y.kind == Cell::Kind::empty || k.kind == Cell::Kind::empty) continue;
        if (k.number == 0.0) continue;
        out.first.push_back(x.number);
        out.second.push_back(y.number);
        if (weighted) out.weights.push_back(weights[i]);
    }
    return out;
}

}  // namespace

Pairs pairs(const ArgView& a, const ArgView& b) { return read_pairs(a, b, nullptr); }

Pairs pairs_counted(const ArgView& a, const ArgView& b, std::span<const std::int64_t> weights) {
    return read_pairs(a, b, nullptr, weights, true);
}

Pairs pairs(const ArgView& a, const ArgView& b, const ArgView& keep) {
    // The blank rule: an optional range left blank is left out (every row kept).
    return read_pairs(a, b, keep.omitted() || blank(keep) ? nullptr : &keep);
}

Line line(const ArgView& arg) {
    Line out;
    if (Error e = shape_error(arg); e != Error::none) { out.error = e; return out; }
    const std::size_t nr = arg.rows();
    std::size_t widest = 0;
    for (std::size_t r = 0; r < nr; ++r) widest = std::max(widest, arg.cols(r));
    if (nr == 0 || widest == 0 || (nr > 1 && widest > 1)) { out.error = Error::value; return out; }
    out.is_row = nr == 1 && widest > 1;
    for_each_cell(arg, [&](const Cell& c) {
        if (stop_at(out.values.size())) {  // the host stops the call: discarded
            out.error = Error::value;
            return false;
        }
        if (c.kind == Cell::Kind::number) {
            out.values.push_back(c.number);
            return true;
        }
        out.error = c.kind == Cell::Kind::error && c.error != Error::none ? c.error : Error::value;
        return false;
    });
    return out;
}

Records records(std::span<const ArgView* const> ranges) {
    Records out;
    out.columns.resize(ranges.size());
    if (ranges.empty()) { out.error = Error::args; return out; }
    for (const ArgView* r : ranges)
        if (Error e = shape_error(*r); e != Error::none) { out.error = e; return out; }
    const std::size_t n = cell_count(*ranges[0]);
    for (const ArgView* r : ranges)
        if (cell_count(*r) != n) { out.error = Error::value; return out; }
    // One cursor per range, so that a row and a column of the same size pair up.
    std::vector<std::size_t> row(ranges.size(), 0), col(ranges.size(), 0);
    std::vector<Cell> rec(ranges.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (stop_at(i)) { out.error = Error::value; return out; }  // the host stops the call: discarded
        std::size_t blanks = 0;
        for (std::size_t k = 0; k < ranges.size(); ++k) {
            const ArgView& v = *ranges[k];
            while (row[k] < v.rows() && col[k] >= v.cols(row[k])) { ++row[k]; col[k] = 0; }
            rec[k] = row[k] < v.rows() ? v.at(row[k], col[k]++) : Cell::blank();
            if (rec[k].kind == Cell::Kind::error) { out.error = rec[k].error == Error::none ? Error::value : rec[k].error; return out; }
            if (rec[k].kind == Cell::Kind::text) { out.error = Error::value; return out; }
            if (rec[k].kind == Cell::Kind::empty) ++blanks;
        }
        if (blanks == ranges.size()) continue;
        if (blanks != 0) { out.error = Error::value; return out; }
        for (std::size_t k = 0; k < ranges.size(); ++k) out.columns[k].push_back(rec[k].number);
    }
    return out;
}

}  // namespace kpi
