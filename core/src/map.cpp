#include "kpi/map.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "kpi/column.hpp"

namespace kpi {
namespace {

Output fail(Error e) { return Output::scalar(Result::fail(e)); }

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// A column argument, read as a line of cells: n cells, or one cell repeated.
struct Column {
    const ArgView* view = nullptr;
    std::size_t n = 0;
    bool along_rows = true;  // cells run down rows (a column) or along a row
    Cell at(std::size_t i) const {
        if (n == 1) return view->at(0, 0);
        return along_rows ? view->at(i, 0) : view->at(0, i);
    }
};

// A line-shaped view (one column or one row); false for a 2-D or ragged one.
bool as_column(const ArgView& v, Column& out) {
    const std::size_t rows = v.rows();
    if (rows == 0) return false;
    const std::size_t cols = v.cols(0);
    if (rows == 1) {
        out = Column{&v, cols, false};
        return cols > 0;
    }
    for (std::size_t r = 0; r < rows; ++r)
        if (v.cols(r) != 1) return false;
    out = Column{&v, rows, true};
    return true;
}

// Runs `f` over every row of `columns` (a single cell repeated), the
// arguments past the given columns left out (their defaults), through the
// core's column path (column.hpp): each column read once into doubles, the
// rows computed in one loop, a blank cell read as 0 as =C2/D2 reads it.
// `first`: the argument the first column stands for (after a model's
// parameter rows, which `call` read once). The result takes the shape of
// columns[shape]. The call's one budget (kMapBudget) is spent by every row
// and a model row's series; when it runs out the whole call is #NUM!.
Output each_row(const ColumnCall& call, const FunctionInfo& f, std::size_t first, const std::vector<Column>& columns,
                std::size_t shape, long budget) {
    const std::size_t n = columns[shape].n;
    for (const Column& c : columns)
        if (c.n != n && c.n != 1) return fail(Error::value);  // columns of different lengths
    Output o;
    o.rows = columns[shape].along_rows ? n : 1;
    o.cols = columns[shape].along_rows ? 1 : n;
    o.cells.reserve(n);
    // A chunk of rows at a time, into buffers reused from chunk to chunk
    // (a column of a million rows copied whole cost more in page faults
    // than the loop it fed): the cells as the column path reads them,
    // numbers with NaN for an empty cell, and beside them the errors of the
    // cells that are not numbers.
    constexpr std::size_t kChunk = 4096;
    std::vector<std::vector<double>> values(columns.size(), std::vector<double>(std::min(n, kChunk)));
    std::vector<std::vector<Error>> errors(columns.size(), std::vector<Error>(std::min(n, kChunk)));
    std::vector<double> out(std::min(n, kChunk));
    std::vector<ColumnArg> args(f.args.size());
    for (std::size_t i0 = 0; i0 < n; i0 += kChunk) {
        const std::size_t m = std::min(kChunk, n - i0);
        for (std::size_t j = 0; j < columns.size(); ++j) {
            const Column& c = columns[j];
            const std::size_t cells = c.n == 1 ? 1 : m;  // a single cell is read once, repeated (stride 0)
            bool any = false;
            for (std::size_t k = 0; k < cells; ++k) {
                const Cell cell = c.at(c.n == 1 ? 0 : i0 + k);
                Error e = Error::none;
                switch (cell.kind) {
                    case Cell::Kind::empty: values[j][k] = std::numeric_limits<double>::quiet_NaN(); break;
                    case Cell::Kind::text: e = Error::value; break;
                    case Cell::Kind::error: e = cell.error == Error::none ? Error::value : cell.error; break;
                    case Cell::Kind::number:
                        values[j][k] = cell.number;
                        if (std::isnan(cell.number)) e = Error::num;  // a number that is none, not a blank
                        break;
                }
                errors[j][k] = e;
                any |= e != Error::none;
            }
            args[first + j] = ColumnArg{values[j].data(), c.n == 1 ? 0 : 1, any ? errors[j].data() : nullptr};
        }
        if (!call.run(args, m, out.data(), &budget)) return fail(Error::num);
        for (std::size_t k = 0; k < m; ++k) {
            const Error e = nan_error(out[k]);
            o.cells.push_back(e == Error::none ? Result{out[k], Error::none} : Result::fail(e));
        }
    }
    return o;
}

// The given columns from args[first] on, up to the first omitted one.
Error read_columns(Args args, std::size_t first, std::vector<Column>& columns) {
    for (std::size_t i = first; i < args.size(); ++i) {
        if (args[i] == nullptr || args[i]->omitted()) break;
        if (!args[i]->well_formed()) return Error::value;
        Column c;
        if (!as_column(*args[i], c)) return Error::value;
        columns.push_back(c);
    }
    return columns.empty() ? Error::args : Error::none;
}

}  // namespace

// The budget is a local of the call: the core keeps no state between calls.
Output map_rows(Args args) { return map_rows(args, kMapBudget); }

Output map_rows(Args args, long budget) {
    if (args.empty() || args[0] == nullptr || args[0]->omitted()) return fail(Error::args);
    const ArgView& name_arg = *args[0];
    if (name_arg.rows() != 1 || name_arg.cols(0) != 1 || name_arg.at(0, 0).kind != Cell::Kind::text)
        return fail(Error::value);
    std::string name = upper(name_arg.text(0, 0));
    if (name.rfind("KPI.", 0) != 0) name = "KPI." + name;
    const FunctionInfo* f = find_name(name);
    if (!f) return fail(Error::value);
    // A model's parameter rows (args[1], and args[2] for KPI.CLV.PREDICT)
    // are read once here and shared by every customer; the columns after
    // them are the customer's values. A function with no column form (it
    // reads ranges, or returns an array) cannot be mapped.
    const ColumnCall call(*f, args.subspan(1), ColumnCall::Blanks::zero);
    if (!call.available()) return fail(Error::value);
    if (call.range_error() != Error::none) return fail(call.range_error());
    const std::size_t first = call.range_args();

    // The given columns, then the KPI's arguments they stand for.
    std::vector<Column> columns;
    if (Error e = read_columns(args, 1 + first, columns); e != Error::none) return fail(e);
    if (first + columns.size() > f->args.size()) return fail(Error::value);  // more columns than the KPI has arguments
    for (std::size_t j = first + columns.size(); j < f->args.size(); ++j)
        if (!f->args[j].optional) return fail(Error::args);  // a required argument has no column
    // A model's single cell (one horizon t for every customer) is broadcast
    // even when it comes first: the first column of several cells gives the
    // shape. (Another KPI's result has its first column's shape.)
    std::size_t shape = 0;
    if (first > 0)
        while (shape + 1 < columns.size() && columns[shape].n == 1) ++shape;
    return each_row(call, *f, first, columns, shape, budget);
}

}  // namespace kpi
