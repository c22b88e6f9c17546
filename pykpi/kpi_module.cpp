// The Python module `kpi`: every catalogue function, registered from the
// catalogue itself (names as in SQL: kpi.cpl, kpi.bgnbd_fit; see
// postgres/sql_names.hpp), so a new catalogue function needs no code here.
//
//   kpi.cpl(30000, 200)                 -> 150.0
//   kpi.cpl(df.cost, df.leads)          -> a NumPy array, row by row (broadcast;
//                                          the core's column path, GIL released)
//   kpi.nps(scores)                     -> one value from a whole array
//   kpi.bgnbd_fit(freq, rec, age)       -> a NumPy array (Calc's order)
//
// Arguments are read as the cells Calc would hold (cells.hpp): numbers,
// text (customer ids; elsewhere #VALUE!, as in Calc), dates and blanks.
// Errors never raise for data: a cell that would show an error in Calc is a
// NaN carrying the same error code as Calc's (its payload), so one bad row
// never loses a column; kpi.error(x) names it ("#DIV/0!", or None for a
// number; elementwise on arrays). A blank (NaN, None, NaT, "") given as a
// single-value argument follows the core's blank rule (kpi/args.hpp): an
// optional argument is left out, a required one gives NaN with #N/A unless
// a blank means 0 there (new customers, churned revenue, NPS counts). In
// an array read as a whole (scores, dates), a blank is skipped, like SQL's
// NULL. Wrong calls (unknown keyword, too many arguments, an object that is
// no cell such as a complex number) raise TypeError or ValueError.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cells.hpp"

#include "kpi/catalogue.hpp"
#include "kpi/column.hpp"
#include "kpi/errors.hpp"
#include "sql_names.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using kpi::FunctionInfo;
using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

// Calc's layout for an error in a double: a quiet NaN whose low bits are
// the FormulaError number (as the add-in returns it).
double value(const kpi::Result& r) { return kpi::to_double(r); }

bool absent(const py::object& x) { return !x || x.is_none(); }

std::string shape_text(const std::vector<py::ssize_t>& s) {
    std::string t = "(";
    for (std::size_t k = 0; k < s.size(); ++k) t += std::to_string(s[k]) + (k + 1 < s.size() || s.size() == 1 ? "," : "");
    return t + ")";
}

// Where each cell of the result reads in one argument (NumPy's broadcasting:
// trailing dimensions line up, a dimension of 1 repeats).
class Broadcast {
public:
    Broadcast(const std::vector<py::ssize_t>& out, const std::vector<py::ssize_t>& in)
        : out_(out), strides_(out.size(), 0), same_(in == out) {
        std::size_t step = 1;
        for (std::size_t k = 0; k < in.size(); ++k) {
            const auto dim = static_cast<std::size_t>(in[in.size() - 1 - k]);
            if (dim != 1) strides_[out.size() - 1 - k] = step;
            step *= dim;
        }
    }
    bool same() const { return same_; }
    // The step between two cells of the last dimension: 1, or 0 when it repeats.
    std::size_t last_stride() const { return strides_.empty() ? 0 : strides_.back(); }
    std::size_t at(std::size_t r) const {
        if (same_) return r;
        std::size_t i = 0;
        for (std::size_t k = out_.size(); k-- > 0;) {
            const auto dim = static_cast<std::size_t>(out_[k]);
            i += (r % dim) * strides_[k];
            r /= dim;
        }
        return i;
    }

private:
    std::vector<py::ssize_t> out_;
    std::vector<std::size_t> strides_;
    bool same_;
};

std::vector<py::ssize_t> broadcast_shape(const std::string& name, const std::vector<const pykpi::Cells*>& in) {
    std::size_t nd = 0;
    for (const pykpi::Cells* c : in) nd = std::max(nd, c->shape.size());
    std::vector<py::ssize_t> out(nd, 1);
    for (const pykpi::Cells* c : in)
        for (std::size_t k = 0; k < c->shape.size(); ++k) {
            const py::ssize_t dim = c->shape[c->shape.size() - 1 - k];
            py::ssize_t& o = out[nd - 1 - k];
            if (dim == o || dim == 1) continue;
            if (o != 1) {
                std::string shapes;
                for (const pykpi::Cells* d : in) shapes += " " + shape_text(d->shape);
                throw py::value_error(name + "(): arguments of shapes" + shapes + " cannot be broadcast together");
            }
            o = dim;
        }
    return out;
}

// The arguments of a call by parameter (null where not given). Every
// function takes (*args, **kwargs) and binds them here: pybind11's own
// binding terminates the process when it words its TypeError for a keyword
// that is not valid UTF-8 (a lone surrogate), so keywords are compared as
// Python strings and only their repr is put in a message.
std::vector<py::object> bind_arguments(const std::string& name, const std::vector<std::string_view>& params, const py::args& args,
                             const py::kwargs& kwargs) {
    const std::size_t n = params.size();
    if (args.size() > n) throw py::type_error(name + "() takes at most " + std::to_string(n) + " arguments");
    std::vector<py::object> given(n);
    for (std::size_t i = 0; i < args.size(); ++i) given[i] = py::reinterpret_borrow<py::object>(args[i]);
    for (auto kv : kwargs) {
        std::size_t i = 0;
        while (i < n && !py::str(std::string(params[i])).equal(kv.first)) ++i;
        if (i == n) throw py::type_error(name + "() got an unexpected keyword argument " + std::string(py::repr(kv.first)));
        if (given[i]) throw py::type_error(name + "() got multiple values for argument '" + std::string(params[i]) + "'");
        given[i] = py::reinterpret_borrow<py::object>(kv.second);
    }
    return given;
}

// The rows of an elementwise call through the core's column path
// (kpi/column.hpp): the arguments read once, the parameter rows parsed
// once, one tight loop per run of the last dimension (one loop in all when
// every argument has the result's shape or is a single value), with the
// GIL released: nothing here touches a Python object.
void run_columns(const kpi::ColumnCall& column, const std::vector<std::size_t>& single_args,
                 const std::vector<pykpi::Cells>& cells, const std::vector<Broadcast>& reads,
                 const std::vector<py::ssize_t>& shape, std::size_t n, std::size_t nargs, double* res) {
    // A text cell is #VALUE! wherever a number belongs, whatever its position.
    std::vector<std::vector<kpi::Error>> texts(nargs);
    for (std::size_t i : single_args) {
        if (!cells[i].has_text()) continue;
        const std::size_t size = cells[i].size();
        texts[i].resize(size);
        for (std::size_t c = 0; c < size; ++c) texts[i][c] = cells[i].is_text(c) ? kpi::Error::value : kpi::Error::none;
    }
    std::vector<kpi::ColumnArg> cols(nargs);  // omitted until given
    bool flat = true;
    for (std::size_t k = 0; k < single_args.size(); ++k) flat &= reads[k].same() || cells[single_args[k]].size() == 1;
    const std::size_t inner = flat || shape.empty() ? n : static_cast<std::size_t>(shape.back());
    py::gil_scoped_release unlocked;
    for (std::size_t start = 0; start < n && inner > 0; start += inner) {
        for (std::size_t k = 0; k < single_args.size(); ++k) {
            const std::size_t i = single_args[k];
            const bool one = cells[i].size() == 1;
            const std::size_t at = one ? 0 : reads[k].at(start);
            const std::ptrdiff_t stride = one ? 0 : flat ? 1 : static_cast<std::ptrdiff_t>(reads[k].last_stride());
            cols[i] = kpi::ColumnArg{cells[i].numbers() + at, stride, texts[i].empty() ? nullptr : texts[i].data() + at};
        }
        column.run(cols, inner, res + start);
    }
}

py::object call(std::size_t index, const py::args& args, const py::kwargs& kwargs, bool per_row = false) {
    const FunctionInfo& f = kpi::catalogue()[index];
    const std::string name = kpisql::sql_name(f);
    const std::size_t nargs = f.args.size();
    std::vector<std::string_view> params;
    for (const kpi::ArgInfo& a : f.args) params.push_back(a.name);
    const std::vector<py::object> given = bind_arguments(name, params, args, kwargs);
    // Range arguments are read whole; the others are broadcast together, one
    // result per cell. Views point into `cells`, sized once.
    std::vector<pykpi::Cells> cells(nargs);
    std::vector<std::optional<pykpi::RangeView>> ranges(nargs);
    std::vector<pykpi::CellView> singles(nargs);  // omitted until pointed at a cell
    std::vector<const kpi::ArgView*> views(nargs);
    std::vector<std::size_t> single_args;
    std::vector<const pykpi::Cells*> single_cells;
    for (std::size_t i = 0; i < nargs; ++i) {
        views[i] = &singles[i];
        if (absent(given[i])) {
            if (!f.args[i].optional) throw py::type_error(name + "() missing argument '" + std::string(f.args[i].name) + "'");
            continue;
        }
        const std::string where = name + "() argument '" + std::string(f.args[i].name) + "'";
        cells[i] = pykpi::read_cells(given[i], where, kpisql::is_id(f.args[i]));
        if (f.args[i].kind == kpi::ArgKind::range) {
            views[i] = &ranges[i].emplace(cells[i], where);
        } else {
            single_args.push_back(i);
            single_cells.push_back(&cells[i]);
        }
    }
    const std::vector<py::ssize_t> shape = broadcast_shape(name, single_cells);
    std::size_t n = 1;
    for (py::ssize_t d : shape)
        if (__builtin_mul_overflow(n, static_cast<std::size_t>(d), &n)) throw py::value_error(name + "(): too many cells");
    std::vector<Broadcast> reads;
    for (std::size_t i : single_args) reads.emplace_back(shape, cells[i].shape);

    if (f.returns != kpi::Returns::number) {  // the fits, FUNNEL; COHORT's table
        if (!shape.empty()) throw py::type_error(name + "() returns an array: give its single-value arguments as numbers");
        // A missing value (None, NaN) is a blank cell: the core's blank rule
        // decides (an optional one is left out, a required one is #N/A).
        for (std::size_t i : single_args) singles[i].point(&cells[i], 0);
        kpi::Output o;
        {
            py::gil_scoped_release unlocked;
            o = kpi::evaluate(f, views);
        }
        // A table (KPI.COHORT) is always rows x columns, its empty cells NaN
        // with #N/A. An array computed cell for cell from a 2-D range
        // (KPI.FUNNEL of a (3, 1) column or a (1, 3) row) keeps the range's
        // two dimensions, as in Calc and SQL (a float8[][] answers
        // float8[][]); its error, a 2-D block, is then (1, 1).
        bool two_d = false;
        for (std::size_t i = 0; i < nargs; ++i) two_d |= ranges[i] && cells[i].shape.size() == 2;
        const bool table = (f.returns == kpi::Returns::table || (two_d && f.shape == kpi::Shape::array)) &&
                           o.cells.size() == o.rows * o.cols;
        Array out(table ? std::vector<py::ssize_t>{static_cast<py::ssize_t>(o.rows), static_cast<py::ssize_t>(o.cols)}
                  : o.cells.size() == 1 ? std::vector<py::ssize_t>{1}
                  : o.rows > 1 && o.cols > 1 ? std::vector<py::ssize_t>{static_cast<py::ssize_t>(o.rows), static_cast<py::ssize_t>(o.cols)}
                                            : std::vector<py::ssize_t>{static_cast<py::ssize_t>(o.cells.size())});
        for (std::size_t c = 0; c < o.cells.size(); ++c) out.mutable_data()[c] = value(o.cells[c]);
        return out;
    }

    Array out(shape);
    double* res = out.mutable_data();
    const kpi::ColumnCall column(f, views);
    if (column.available() && !per_row) {
        run_columns(column, single_args, cells, reads, shape, n, nargs, res);
    } else {  // one evaluation per row (KPI.TIMETOCLOSE's statistic broadcast; the tests' reference)
        py::gil_scoped_release unlocked;
        for (std::size_t r = 0; r < n; ++r) {
            for (std::size_t k = 0; k < single_args.size(); ++k) {
                const std::size_t i = single_args[k], at = reads[k].at(r);
                singles[i].point(&cells[i], at);
            }
            res[r] = value(kpi::evaluate(f, views).single());
        }
    }
    if (shape.empty()) return py::float_(res[0]);
    return out;
}

// The spreadsheet error a result carries, or None.
py::object error_of_double(double x) {
    if (!std::isnan(x)) return py::none();
    const auto code = static_cast<std::uint16_t>(std::bit_cast<std::uint64_t>(x) & 0xFFFF);
    for (const kpi::SpreadsheetError& e : kpi::spreadsheet_errors())
        if (e.calc_code == code) return py::str(std::string(e.name));
    return py::str("#NUM!");  // a NaN from elsewhere: not a number
}

// kpi.error reads results: numbers (None for an element that is none).
// Anything else is no result of the module: TypeError.
py::object error_of(const py::object& x) {
    if (PyFloat_Check(x.ptr())) return error_of_double(PyFloat_AS_DOUBLE(x.ptr()));
    if (PyLong_Check(x.ptr())) return py::none();  // an int, however large, is a number
    py::module_ np = py::module_::import("numpy");
    py::array a = np.attr("asarray")(x);
    py::list names;
    const char kind = a.dtype().kind();
    if (kind == 'b' || kind == 'i' || kind == 'u' || kind == 'f') {
        Array d = Array::ensure(np.attr("require")(a, "float64", "CA"));  // aligned: read through a pointer
        if (!d) throw py::type_error("kpi.error() cannot read the array as numbers");
        for (py::ssize_t i = 0; i < d.size(); ++i) names.append(error_of_double(d.data()[i]));
    } else if (kind == 'O') {
        py::array objs = np.attr("ascontiguousarray")(a);
        for (py::ssize_t i = 0; i < a.size(); ++i) {
            PyObject* p = static_cast<PyObject* const*>(objs.data())[i];
            py::object e = p ? py::reinterpret_borrow<py::object>(p) : py::none();
            if (e.is_none() || PyLong_Check(e.ptr()) || py::isinstance(e, np.attr("integer")) || py::isinstance(e, np.attr("bool_")))
                names.append(py::none());
            else if (PyFloat_Check(e.ptr()) || py::isinstance(e, np.attr("floating")))
                names.append(error_of_double(e.cast<double>()));
            else
                throw py::type_error(std::string("kpi.error() reads the results of kpi functions, not a value of type '") + Py_TYPE(p)->tp_name + "'");
        }
    } else {
        throw py::type_error("kpi.error() reads the results of kpi functions, not an array of " + std::string(py::str(a.dtype())));
    }
    py::object out = np.attr("array")(names, "dtype"_a = "object");
    return out.attr("reshape")(a.attr("shape"));
}

std::string docstring(const FunctionInfo& f) {
    std::string sig = kpisql::sql_name(f) + "(";
    for (std::size_t i = 0; i < f.args.size(); ++i)
        sig += (i ? ", " : "") + std::string(f.args[i].name) + (f.args[i].optional ? "=None" : "");
    std::string doc = sig + ")\n\n" + std::string(f.description.en) + "\n\n" + std::string(f.definition.en);
    for (const kpi::ArgInfo& a : f.args)
        doc += "\n  " + std::string(a.name) + ": " + std::string(a.description.en);
    return doc;
}

}  // namespace

PYBIND11_MODULE(kpi, m) {
    m.doc() = "Marketing KPI functions: the same definitions as the KPI functions for LibreOffice Calc.";
    const auto& table = kpi::catalogue();
    py::list names;
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (kpisql::form(table[i]) == kpisql::Form::none) continue;
        const std::string name = kpisql::sql_name(table[i]);
        m.def(name.c_str(), [i](py::args a, py::kwargs k) { return call(i, a, k); }, docstring(table[i]).c_str());
        names.append(name);
    }
    m.attr("FUNCTIONS") = names;
    // For the tests only: the same call evaluated row by row through the
    // generic per-call path, the reference the column path must equal
    // (tests/pykpi/test_column_path.py).
    m.def(
        "_per_row",
        [](const std::string& name, py::args a, py::kwargs k) {
            const auto& all = kpi::catalogue();
            for (std::size_t i = 0; i < all.size(); ++i)
                if (kpisql::form(all[i]) != kpisql::Form::none && kpisql::sql_name(all[i]) == name)
                    return call(i, a, k, true);
            throw py::value_error("no function " + name);
        },
        "For tests: name(*args, **kwargs) evaluated row by row, without the column path.");
    m.def(
        "error",
        [](py::args a, py::kwargs k) {
            const std::vector<py::object> x = bind_arguments("error", {"x"}, a, k);
            if (!x[0]) throw py::type_error("error() missing argument 'x'");
            return error_of(x[0]);
        },
        "error(x)\n\nThe spreadsheet error a result carries (\"#DIV/0!\", \"#NUM!\", ...), None for a number; "
        "elementwise on arrays.");
}
