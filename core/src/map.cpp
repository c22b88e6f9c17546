#include "kpi/map.hpp"

#include <cctype>
#include <cmath>
#include <string>
#include <string_view>

#include "clvmodels_eval.hpp"
#include "kpi/clvmodels.hpp"

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

// Applies `fn` to every row of `columns` (a single cell is repeated); the
// arguments past the given columns take `fallback`. `amount[j]`: column j is
// an amount (negative -> #NUM!). The result takes the shape of columns[shape].
// `fn(x, budget)` draws on the call's one budget (kMapBudget), as does every
// row; when it runs out the whole call is #NUM!.
template <class Fn>
Output each_row(const std::vector<Column>& columns, std::size_t shape, std::size_t nargs, const double* fallback,
                const bool* amount, long budget, Fn&& fn) {
    const std::size_t n = columns[shape].n;
    for (const Column& c : columns)
        if (c.n != n && c.n != 1) return fail(Error::value);  // columns of different lengths
    double x[16] = {};
    if (nargs > std::size(x)) return fail(Error::value);
    for (std::size_t j = columns.size(); j < nargs; ++j) x[j] = fallback[j];
    Output out;
    out.rows = columns[shape].along_rows ? n : 1;
    out.cols = columns[shape].along_rows ? 1 : n;
    out.cells.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        Result row{0.0, Error::none};
        for (std::size_t j = 0; j < columns.size() && row.ok(); ++j) {
            const Cell c = columns[j].at(i);
            switch (c.kind) {
                case Cell::Kind::empty: x[j] = 0.0; break;  // as =C2/D2 reads a blank
                case Cell::Kind::text: row = Result::fail(Error::value); break;
                case Cell::Kind::error: row = Result::fail(c.error == Error::none ? Error::value : c.error); break;
                case Cell::Kind::number:
                    // The per-row version of the argument conventions.
                    if (!std::isfinite(c.number) || (amount[j] && c.number < 0.0)) row = Result::fail(Error::num);
                    x[j] = c.number;
                    break;
            }
        }
        budget -= models::kEvaluationCost;
        out.cells.push_back(row.ok() ? fn(std::span<const double>(x, nargs), budget) : row);
        if (budget <= 0) return fail(Error::num);
    }
    return out;
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

// The model functions that take parameter rows: the rows (args[1], and
// args[2] for KPI.CLV.PREDICT) are read once and shared by every customer;
// the columns after them are the customer's values.
Output map_model(std::string_view name, Args args, long budget) {
    const models::RowModel m = models::row_model(name, args.subspan(1));
    for (std::size_t j = 0; j < m.param_args; ++j)
        if (1 + j >= args.size() || args[1 + j] == nullptr || args[1 + j]->omitted()) return fail(Error::args);
    if (m.error != Error::none) return fail(m.error);
    std::vector<Column> columns;
    if (Error e = read_columns(args, 1 + m.param_args, columns); e != Error::none) return fail(e);
    if (columns.size() > m.row_args) return fail(Error::value);
    if (columns.size() < m.row_args - m.optional) return fail(Error::args);
    double fallback[16] = {};
    bool amount[16] = {};
    for (std::size_t j = m.row_args - m.optional; j < m.row_args && j < std::size(fallback); ++j) fallback[j] = m.fallback;
    // A single cell (one horizon t for every customer) is broadcast even when
    // it comes first: the first column of several cells gives the shape.
    std::size_t shape = 0;
    while (shape + 1 < columns.size() && columns[shape].n == 1) ++shape;
    return each_row(columns, shape, m.row_args, fallback, amount, budget, m.row);
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
    if (models::is_row_model(name)) return map_model(name, args, budget);
    const FunctionInfo* f = find_name(name);
    if (!f || !f->scalar || f->returns != Returns::number) return fail(Error::value);

    // The given columns, then the KPI's arguments they stand for.
    std::vector<Column> columns;
    if (Error e = read_columns(args, 1, columns); e != Error::none) return fail(e);
    if (columns.size() > f->args.size()) return fail(Error::value);  // more columns than the KPI has arguments
    for (std::size_t j = columns.size(); j < f->args.size(); ++j)
        if (!f->args[j].optional) return fail(Error::args);       // a required argument has no column
    double fallback[16] = {};
    bool amount[16] = {};
    if (f->args.size() > std::size(fallback)) return fail(Error::value);
    for (std::size_t j = 0; j < f->args.size(); ++j) {
        fallback[j] = f->args[j].fallback;
        amount[j] = f->args[j].kind == ArgKind::amount;
    }
    return each_row(columns, 0, f->args.size(), fallback, amount, budget,
                    [scalar = f->scalar](std::span<const double> x, long&) { return scalar(x); });
}

}  // namespace kpi
