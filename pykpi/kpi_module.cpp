// The Python module `kpi`: every catalogue function, registered from the
// catalogue itself (names as in SQL: kpi.cpl, kpi.bgnbd_fit; see
// postgres/sql_names.hpp), so a new catalogue function needs no code here.
//
//   kpi.cpl(30000, 200)                 -> 150.0
//   kpi.cpl(df.cost, df.leads)          -> a NumPy array, row by row (broadcast)
//   kpi.nps(scores)                     -> one value from a whole array
//   kpi.bgnbd_fit(freq, rec, age)       -> a NumPy array (Calc's order)
//
// Errors never raise for data: a cell that would show an error in Calc is a
// NaN carrying the same error code as Calc's (its payload), so one bad row
// never loses a column; kpi.error(x) names it ("#DIV/0!", or None for a
// number; elementwise on arrays). A NaN given as a single-value argument is
// a missing value: the result is NaN with #N/A. In an array read as a whole
// (scores, dates), NaN is a blank cell and is skipped, like SQL's NULL.
// Wrong calls (unknown keyword, too many arguments) raise TypeError.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kpi/catalogue.hpp"
#include "kpi/errors.hpp"
#include "sql_names.hpp"
#include "views.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using kpi::FunctionInfo;
using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

// Calc's layout for an error in a double: a quiet NaN whose low bits are
// the FormulaError number (as the add-in returns it).
double error_nan(kpi::Error e) { return std::bit_cast<double>(UINT64_C(0x7FF8000000000000) | kpi::calc_code(e)); }
double value(const kpi::Result& r) { return r.ok() ? r.value : error_nan(r.error); }

// A NumPy array of float64 from any argument; datetime64 as spreadsheet
// serial days (the core's dates).
Array as_doubles(const py::handle& x) {
    py::array a = py::array::ensure(x);
    if (!a) a = py::array(py::float_(py::cast<double>(x)));
    if (a.dtype().kind() == 'M') {
        py::array us = a.attr("astype")("datetime64[us]").attr("astype")("int64").attr("astype")("float64");
        Array days = Array::ensure(us);
        auto* p = days.mutable_data();
        for (py::ssize_t i = 0; i < days.size(); ++i) p[i] = p[i] / 86400e6 + kpisql::kSerial1970;
        return days;
    }
    return Array::ensure(a);
}

bool absent(const py::object& x) { return !x || x.is_none(); }

py::object call(std::size_t index, py::args args, py::kwargs kwargs) {
    const FunctionInfo& f = kpi::catalogue()[index];
    const std::string name = kpisql::sql_name(f);
    if (args.size() > f.args.size()) throw py::type_error(name + "() takes at most " + std::to_string(f.args.size()) + " arguments");
    std::vector<py::object> given(f.args.size());
    for (std::size_t i = 0; i < args.size(); ++i) given[i] = py::reinterpret_borrow<py::object>(args[i]);
    for (auto kv : kwargs) {
        const std::string key = py::cast<std::string>(kv.first);
        std::size_t i = 0;
        while (i < f.args.size() && f.args[i].name != key) ++i;
        if (i == f.args.size()) throw py::type_error(name + "() got an unexpected keyword argument '" + key + "'");
        given[i] = py::reinterpret_borrow<py::object>(kv.second);
    }
    // Range arguments are read whole; the others are broadcast together.
    // (A default array_t is an empty array, not a null one: `has` says which are set.)
    std::vector<Array> ranges(f.args.size()), singles(f.args.size());
    std::vector<char> has_range(f.args.size(), 0), has_single(f.args.size(), 0);
    std::vector<py::ssize_t> shape;
    py::list to_broadcast;
    for (std::size_t i = 0; i < f.args.size(); ++i) {
        if (absent(given[i])) {
            if (!f.args[i].optional) throw py::type_error(name + "() missing argument '" + std::string(f.args[i].name) + "'");
            continue;
        }
        if (f.args[i].kind == kpi::ArgKind::range) {
            ranges[i] = as_doubles(given[i]);
            has_range[i] = 1;
            continue;
        }
        to_broadcast.append(as_doubles(given[i]));
    }
    py::module_ np = py::module_::import("numpy");
    py::list b(np.attr("broadcast_arrays")(*to_broadcast));
    bool scalar = true;
    for (std::size_t i = 0, k = 0; i < f.args.size(); ++i)
        if (!absent(given[i]) && f.args[i].kind != kpi::ArgKind::range) {
            // A copy: the broadcast views are read-only, which array_t refuses.
            singles[i] = Array::ensure(np.attr("array")(b[k++], "dtype"_a = "float64"));
            has_single[i] = 1;
            scalar = scalar && singles[i].ndim() == 0;
            if (singles[i].ndim() > 0) shape.assign(singles[i].shape(), singles[i].shape() + singles[i].ndim());
        }
    const py::ssize_t n = scalar ? 1 : py::array(py::object(b[0])).size();

    std::vector<kpisql::Column> columns;
    std::vector<kpisql::Scalar> scalars(f.args.size());
    columns.reserve(f.args.size());
    std::vector<const kpi::ArgView*> views(f.args.size());
    for (std::size_t i = 0; i < f.args.size(); ++i)
        if (has_range[i]) {
            columns.emplace_back(ranges[i].data(), static_cast<std::size_t>(ranges[i].size()));
            views[i] = &columns.back();
        } else {
            views[i] = &scalars[i];
        }

    if (f.returns != kpi::Returns::number) {  // the fits, FUNNEL; COHORT's table
        if (!scalar) throw py::type_error(name + "() returns an array: give its single-value arguments as numbers");
        for (std::size_t i = 0; i < f.args.size(); ++i)
            if (has_single[i]) scalars[i] = kpisql::Scalar(singles[i].data()[0]);
        kpi::Output o;
        {
            py::gil_scoped_release unlocked;
            o = kpi::evaluate(f, views);
        }
        // A table (KPI.COHORT) is always rows x columns, its empty cells NaN with #N/A.
        const bool table = f.returns == kpi::Returns::table && o.cells.size() == o.rows * o.cols;
        Array out(table ? std::vector<py::ssize_t>{static_cast<py::ssize_t>(o.rows), static_cast<py::ssize_t>(o.cols)}
                  : o.cells.size() == 1 ? std::vector<py::ssize_t>{1}
                  : o.rows > 1 && o.cols > 1 ? std::vector<py::ssize_t>{static_cast<py::ssize_t>(o.rows), static_cast<py::ssize_t>(o.cols)}
                                            : std::vector<py::ssize_t>{static_cast<py::ssize_t>(o.cells.size())});
        for (std::size_t c = 0; c < o.cells.size(); ++c) out.mutable_data()[c] = value(o.cells[c]);
        return out;
    }

    Array out(shape);
    double* res = out.mutable_data();
    {
        py::gil_scoped_release unlocked;
        for (py::ssize_t r = 0; r < n; ++r) {
            bool missing = false;
            for (std::size_t i = 0; i < f.args.size(); ++i)
                if (has_single[i]) {
                    const double x = singles[i].data()[scalar ? 0 : r];
                    missing = missing || std::isnan(x);
                    scalars[i] = kpisql::Scalar(x);
                }
            res[r] = missing ? error_nan(kpi::Error::na) : value(kpi::evaluate(f, views).single());
        }
    }
    if (scalar) return py::float_(res[0]);
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

py::object error_of(const py::object& x) {
    if (py::isinstance<py::float_>(x) || py::isinstance<py::int_>(x)) return error_of_double(py::cast<double>(x));
    Array a = as_doubles(x);
    py::list names;
    for (py::ssize_t i = 0; i < a.size(); ++i) names.append(error_of_double(a.data()[i]));
    py::object out = py::module_::import("numpy").attr("array")(names, "dtype"_a = "object");
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
    m.def("error", &error_of, "x"_a,
          "The spreadsheet error a result carries (\"#DIV/0!\", \"#NUM!\", ...), None for a number; elementwise on arrays.");
}
