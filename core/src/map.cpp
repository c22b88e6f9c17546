#include "kpi/map.hpp"

#include <cctype>
#include <cmath>
#include <string>

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

}  // namespace

Output map_rows(Args args) {
    if (args.empty() || args[0] == nullptr || args[0]->omitted()) return fail(Error::args);
    const ArgView& name_arg = *args[0];
    if (name_arg.rows() != 1 || name_arg.cols(0) != 1 || name_arg.at(0, 0).kind != Cell::Kind::text)
        return fail(Error::value);
    std::string name = upper(name_arg.text(0, 0));
    if (name.rfind("KPI.", 0) != 0) name = "KPI." + name;
    const FunctionInfo* f = find_name(name);
    if (!f || !f->scalar || f->returns != Returns::number) return fail(Error::value);

    // The given columns, then the KPI's arguments they stand for.
    std::vector<Column> columns;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == nullptr || args[i]->omitted()) break;
        if (!args[i]->well_formed()) return fail(Error::value);
        Column c;
        if (!as_column(*args[i], c)) return fail(Error::value);
        columns.push_back(c);
    }
    if (columns.empty()) return fail(Error::args);
    if (columns.size() > f->args.size()) return fail(Error::value);  // more columns than the KPI has arguments
    for (std::size_t j = columns.size(); j < f->args.size(); ++j)
        if (!f->args[j].optional) return fail(Error::args);       // a required argument has no column

    const std::size_t n = columns.front().n;
    for (const Column& c : columns)
        if (c.n != n && c.n != 1) return fail(Error::value);      // columns of different lengths

    double x[8] = {};
    if (f->args.size() > std::size(x)) return fail(Error::value);
    for (std::size_t j = columns.size(); j < f->args.size(); ++j) x[j] = f->args[j].fallback;

    Output out;
    out.rows = columns.front().along_rows ? n : 1;
    out.cols = columns.front().along_rows ? 1 : n;
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
                    if (!std::isfinite(c.number) || (f->args[j].kind == ArgKind::amount && c.number < 0.0))
                        row = Result::fail(Error::num);
                    x[j] = c.number;
                    break;
            }
        }
        out.cells.push_back(row.ok() ? f->scalar(std::span<const double>(x, f->args.size())) : row);
    }
    return out;
}

}  // namespace kpi
