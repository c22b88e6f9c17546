#include "cells.hpp"

#include <pybind11/numpy.h>

#include <cstdint>
#include <cstring>
#include <limits>

#include "kpi/cohort.hpp"
#include "sql_names.hpp"

namespace pykpi {

using namespace pybind11::literals;

std::size_t Cells::size() const {
    std::size_t n = 1;
    for (py::ssize_t d : shape) n *= static_cast<std::size_t>(d);
    return n;
}

namespace {

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// Every integer of at most this magnitude is exactly a double (2**53).
constexpr std::uint64_t kExactInDouble = std::uint64_t{1} << 53;
bool exact_in_double(long long v) { return v >= -static_cast<long long>(kExactInDouble) && v <= static_cast<long long>(kExactInDouble); }
// datetime.date(1899, 12, 30).toordinal(): day 0 of the serial dates.
constexpr double kOrdinalOfSerial0 = 693594.0;

[[noreturn]] void refuse(const std::string& where, const std::string& what) { throw py::type_error(where + ": " + what); }

// float(x), as Python raises its errors (TypeError for what has no float).
double as_double(const py::handle& x) {
    const double v = PyFloat_AsDouble(x.ptr());
    if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    return v;
}

// +inf or -inf as x is positive or negative: a number beyond any double
// (an int of 400 digits) reads as one, which the core answers with #NUM!.
double infinity_like(PyObject* x) {
    py::object zero = py::int_(0);
    const int negative = PyObject_RichCompareBool(x, zero.ptr(), Py_LT);
    if (negative < 0) PyErr_Clear();
    return negative > 0 ? -kInf : kInf;
}

void append_utf8(std::string& s, std::uint32_t c) {
    if (c < 0x80) {
        s += static_cast<char>(c);
    } else if (c < 0x800) {
        s += static_cast<char>(0xC0 | (c >> 6));
        s += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {  // lone surrogates too, as Python's "surrogatepass" writes them
        s += static_cast<char>(0xE0 | (c >> 12));
        s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        s += static_cast<char>(0xF0 | (c >> 18));
        s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (c & 0x3F));
    }
}

// Days since 1970-01-01 of a datetime64 (date) or timedelta64 value counted
// in `count` x `unit`; NaN for NaT. Units finer than a day divide exactly
// (no int64 overflow, no rounding of whole days).
double days_of(std::int64_t v, const std::string& unit, std::int64_t count, bool date, const std::string& where) {
    if (v == std::numeric_limits<std::int64_t>::min()) return kNaN;  // NaT
    const double n = static_cast<double>(v) * static_cast<double>(count);
    if (unit == "Y" || unit == "M") {
        if (!date) refuse(where, "a duration in months or years has no fixed number of days");
        const double months = unit == "Y" ? 12.0 * n : n;
        // Far beyond the years 1-9999 a sheet dates (NumPy's own cast to days
        // wraps round): out of range, #NUM! where a date is read.
        if (!(std::fabs(months) < 1.2e8)) return std::copysign(kInf, months);
        return kpi::month_start_serial(1970L * 12 + static_cast<long>(months)) - kpisql::kSerial1970;
    }
    if (unit == "W") return 7.0 * n;
    if (unit == "D") return n;
    static constexpr struct {
        const char* unit;
        std::int64_t per_day;
    } kFiner[] = {{"h", 24},
                  {"m", 1440},
                  {"s", 86400},
                  {"ms", 86400000},
                  {"us", 86400000000},
                  {"ns", 86400000000000},
                  {"ps", 86400000000000000}};
    for (const auto& u : kFiner)
        if (unit == u.unit) {
            const std::int64_t whole = v / u.per_day, rest = v % u.per_day;
            return (static_cast<double>(whole) + static_cast<double>(rest) / static_cast<double>(u.per_day)) *
                   static_cast<double>(count);
        }
    if (unit == "fs") return n / 8.64e19;
    if (unit == "as") return n / 8.64e22;
    refuse(where, "a datetime64 or timedelta64 without a unit");
}

}  // namespace

// Reads one argument. Lives as a class (a friend of Cells) so that the
// Python types it recognises are looked up once per argument, not per cell.
class Reader {
public:
    Reader(const std::string& where, bool ids) : where_(where), ids_(ids), np_(py::module_::import("numpy")) {}

    Cells read(py::handle x) {
        Cells out;
        std::string text;
        if (read_plain(x.ptr(), out.one_, text, ids_)) {
            if (!text.empty()) out.texts_.push_back(std::move(text));
            return out;
        }
        py::module_ ma = py::module_::import("numpy.ma");
        if (py::isinstance(x, ma.attr("MaskedArray"))) return read_masked(x, ma);
        py::array a = PyList_Check(x.ptr()) || PyTuple_Check(x.ptr()) ? np_.attr("array")(x, "dtype"_a = "object")
                                                                       : np_.attr("asarray")(x);
        out.shape.assign(a.shape(), a.shape() + a.ndim());
        out.single_ = false;
        switch (a.dtype().kind()) {
            case 'i': case 'u':
                if (ids_) {
                    read_integer_ids(a, out);
                    return out;
                }
                [[fallthrough]];
            case 'b': case 'f': {
                Doubles d = Doubles::ensure(contiguous(a, py::dtype::of<double>()));
                if (!d) refuse(where_, "cannot read the array as numbers");
                own(out, d);
                return out;
            }
            case 'M': case 'm': read_times(a, out); return out;
            case 'U': case 'S': read_strings(a, out); return out;
            case 'O': read_objects(a, out); return out;
            case 'c': refuse(where_, "complex numbers are not cells");
            default: refuse(where_, "cannot read an array of " + std::string(py::str(a.dtype())) + " as cells");
        }
    }

private:
    // `a` as `dtype` in native byte order, C order and aligned (a copy if
    // needed): what the loops below read through plain pointers. A view of
    // a buffer at an odd offset is contiguous but not aligned.
    py::array contiguous(const py::array& a, const py::handle& dtype) const {
        return np_.attr("require")(a, dtype, "CA");
    }
    static void own(Cells& c, const Doubles& d) {
        c.owner_ = d;
        c.data_ = d.data();
    }
    static void set_text(Cells& c, std::size_t i, std::size_t n, std::string&& t) {
        if (t.empty()) return;
        if (c.texts_.empty()) c.texts_.resize(n);
        c.texts_[i] = std::move(t);
    }

    // A masked array's masked cells are blanks (numpy.asarray would read the
    // values under the mask).
    Cells read_masked(py::handle x, const py::module_& ma) {
        Cells out = read(ma.attr("getdata")(x));
        py::array_t<bool, py::array::c_style | py::array::forcecast> mask = ma.attr("getmaskarray")(x);
        const std::size_t n = out.size();
        Doubles numbers(static_cast<py::ssize_t>(n));
        for (std::size_t i = 0; i < n; ++i) {
            const bool masked = mask.data()[i];
            numbers.mutable_data()[i] = masked ? kNaN : out.number(i);
            if (masked && out.is_text(i)) out.texts_[i].clear();
        }
        out.single_ = false;
        own(out, numbers);
        return out;
    }

    // The values that need no lookup: None, float, int, bool, str, bytes.
    // False for any other object.
    static bool read_plain(PyObject* p, double& number, std::string& text, bool ids) {
        number = kNaN;
        if (p == Py_None) return true;
        if (PyFloat_Check(p)) {
            number = PyFloat_AS_DOUBLE(p);
            return true;
        }
        if (PyLong_Check(p) && ids) {
            int overflow = 0;
            const long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
            if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
            if (overflow == 0 && exact_in_double(v)) {
                number = static_cast<double>(v);
            } else {
                py::str digits = py::reinterpret_borrow<py::object>(p);  // str(): its decimal digits
                text = std::string(digits);
            }
            return true;
        }
        if (PyLong_Check(p)) {
            number = PyLong_AsDouble(p);
            if (number == -1.0 && PyErr_Occurred()) {  // OverflowError
                PyErr_Clear();
                number = infinity_like(p);
            }
            return true;
        }
        if (PyUnicode_Check(p)) {
            py::object b = py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(p, "utf-8", "surrogatepass"));
            if (!b) throw py::error_already_set();
            text.assign(PyBytes_AS_STRING(b.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(b.ptr())));
            return true;
        }
        if (PyBytes_Check(p)) {
            text.assign(PyBytes_AS_STRING(p), static_cast<std::size_t>(PyBytes_GET_SIZE(p)));
            return true;
        }
        return false;
    }

    bool is_pandas_na(PyObject* p) {
        if (!pandas_na_checked_) {
            pandas_na_checked_ = true;
            py::object pandas = py::module_::import("sys").attr("modules").attr("get")("pandas");
            if (!pandas.is_none()) pandas_na_ = py::getattr(pandas, "NA", py::none());
        }
        return pandas_na_ && !pandas_na_.is_none() && p == pandas_na_.ptr();
    }

    // pandas.NaT, a datetime that says it differs from itself. (Only dates
    // are asked: NumPy compares an object array holding itself without end,
    // and crashes.)
    static bool differs_from_itself(PyObject* p) {
        PyObject* ne = PyObject_RichCompare(p, p, Py_NE);
        if (!ne) {
            PyErr_Clear();
            return false;
        }
        const bool differs = ne == Py_True;
        Py_DECREF(ne);
        return differs;
    }

    // One element of an object array.
    double read_object(py::handle o, std::string& text) {
        double number;
        if (read_plain(o.ptr(), number, text, ids_)) return number;
        if (!datetime_) {
            py::module_ dt = py::module_::import("datetime");
            datetime_ = dt.attr("datetime");
            date_ = dt.attr("date");
            timedelta_ = dt.attr("timedelta");
        }
        if (PyComplex_Check(o.ptr()) || py::isinstance(o, np_.attr("complexfloating")))
            refuse(where_, "complex numbers are not cells");
        // An array inside an array is no cell (NumPy would read one of one element as a number).
        if (py::isinstance<py::array>(o)) refuse(where_, "an array where a cell belongs");
        if (is_pandas_na(o.ptr())) return kNaN;
        if (py::isinstance(o, date_)) {  // a datetime is a date
            if (differs_from_itself(o.ptr())) return kNaN;  // NaT
            double serial = as_double(o.attr("toordinal")()) - kOrdinalOfSerial0;
            if (py::isinstance(o, datetime_))
                serial += (as_double(o.attr("hour")) * 3600.0 + as_double(o.attr("minute")) * 60.0 +
                           as_double(o.attr("second")) + as_double(o.attr("microsecond")) / 1e6) / 86400.0;
            return serial;
        }
        if (py::isinstance(o, timedelta_)) return as_double(o.attr("total_seconds")()) / 86400.0;
        if (py::isinstance(o, np_.attr("generic"))) {  // a NumPy scalar: read as its 0-d array
            Cells one = read(np_.attr("asarray")(o));
            if (one.is_text(0)) text = one.text(0);
            return one.number(0);
        }
        // Other numbers (Decimal, Fraction): float() of them (Decimal("NaN"): NaN, a blank).
        PyNumberMethods* m = Py_TYPE(o.ptr())->tp_as_number;
        if (m && (m->nb_float || m->nb_index)) {
            PyObject* f = PyNumber_Float(o.ptr());
            if (f) {
                number = PyFloat_AS_DOUBLE(f);
                Py_DECREF(f);
                return number;
            }
            if (!PyErr_ExceptionMatches(PyExc_OverflowError)) throw py::error_already_set();
            PyErr_Clear();
            return infinity_like(o.ptr());
        }
        refuse(where_, std::string("cannot read a value of type '") + Py_TYPE(o.ptr())->tp_name + "' as a cell");
    }

    void read_objects(const py::array& a, Cells& out) {
        py::array objs = contiguous(a, a.dtype());
        const auto n = static_cast<std::size_t>(a.size());
        Doubles numbers(static_cast<py::ssize_t>(n));
        double* d = numbers.mutable_data();
        std::string text;
        for (std::size_t i = 0; i < n; ++i) {
            // A reference of our own: reading an element runs Python code
            // (__float__, __ne__) that could replace it in the array.
            PyObject* p = static_cast<PyObject* const*>(objs.data())[i];
            py::object e = p ? py::reinterpret_borrow<py::object>(p) : py::none();
            text.clear();
            d[i] = read_object(e, text);
            set_text(out, i, n, std::move(text));
        }
        own(out, numbers);
    }

    // Fixed-width str (UCS-4) and bytes arrays, read from their buffer:
    // NumPy's own conversion to str objects fails with SystemError on a code
    // point beyond Unicode, which a buffer can hold.
    void read_strings(const py::array& a, Cells& out) {
        const bool wide = a.dtype().kind() == 'U';
        py::array native = contiguous(a, a.dtype().attr("newbyteorder")("="));
        const auto n = static_cast<std::size_t>(a.size());
        const auto width = static_cast<std::size_t>(native.itemsize());
        const auto* bytes = static_cast<const char*>(native.data());
        Doubles numbers(static_cast<py::ssize_t>(n));
        std::fill_n(numbers.mutable_data(), n, kNaN);
        for (std::size_t i = 0; i < n; ++i) {
            const char* item = bytes + i * width;
            std::string text;
            if (wide) {
                std::size_t len = width / 4;
                auto unit = [&](std::size_t k) {
                    std::uint32_t c;
                    std::memcpy(&c, item + 4 * k, 4);
                    return c;
                };
                while (len > 0 && unit(len - 1) == 0) --len;  // NumPy pads with NULs
                for (std::size_t k = 0; k < len; ++k) {
                    if (unit(k) > 0x10FFFF) throw py::value_error(where_ + ": a string holds a code point beyond Unicode");
                    append_utf8(text, unit(k));
                }
            } else {
                std::size_t len = width;
                while (len > 0 && item[len - 1] == '\0') --len;
                text.assign(item, len);
            }
            set_text(out, i, n, std::move(text));
        }
        own(out, numbers);
    }

    // Customer ids in an int64 or uint64 array: a bigint id beyond 2**53 has
    // no double of its own (9007199254740993 read as ...992 merged two
    // customers, issue 27), so such an id is its decimal text, compared
    // exactly; the others stay numbers, as Calc holds them (the number 7
    // and the text "7" remain two customers).
    void read_integer_ids(const py::array& a, Cells& out) {
        const bool is_signed = a.dtype().kind() == 'i';
        py::array native = contiguous(a, py::dtype(is_signed ? "int64" : "uint64"));
        const auto n = static_cast<std::size_t>(a.size());
        Doubles numbers(static_cast<py::ssize_t>(n));
        double* d = numbers.mutable_data();
        for (std::size_t i = 0; i < n; ++i) {
            d[i] = kNaN;
            if (is_signed) {
                const std::int64_t v = static_cast<const std::int64_t*>(native.data())[i];
                if (exact_in_double(v)) d[i] = static_cast<double>(v);
                else set_text(out, i, n, std::to_string(v));
            } else {
                const std::uint64_t v = static_cast<const std::uint64_t*>(native.data())[i];
                if (v <= kExactInDouble) d[i] = static_cast<double>(v);
                else set_text(out, i, n, std::to_string(v));
            }
        }
        own(out, numbers);
    }

    void read_times(const py::array& a, Cells& out) {
        const bool date = a.dtype().kind() == 'M';
        py::tuple meta = np_.attr("datetime_data")(a.dtype());
        const std::string unit = py::str(meta[0]);
        const auto count = meta[1].cast<std::int64_t>();
        py::array native = contiguous(a, a.dtype().attr("newbyteorder")("="));
        py::array ticks = native.attr("view")("int64");
        const auto n = static_cast<std::size_t>(a.size());
        const auto* t = static_cast<const std::int64_t*>(ticks.data());
        Doubles numbers(static_cast<py::ssize_t>(n));
        double* d = numbers.mutable_data();
        for (std::size_t i = 0; i < n; ++i) d[i] = days_of(t[i], unit, count, date, where_) + (date ? kpisql::kSerial1970 : 0.0);
        own(out, numbers);
    }

    const std::string& where_;
    const bool ids_;  // the argument holds customer ids (kpisql::is_id)
    py::module_ np_;
    py::object datetime_, date_, timedelta_, pandas_na_;
    bool pandas_na_checked_ = false;
};

Cells read_cells(py::handle x, const std::string& where, bool ids) { return Reader(where, ids).read(x); }

RangeView::RangeView(const Cells& cells, const std::string& where) : cells_(cells) {
    const auto& s = cells.shape;
    if (s.size() > 2) throw py::value_error(where + ": a range has rows and columns, not " + std::to_string(s.size()) + " dimensions");
    if (!s.empty()) rows_ = static_cast<std::size_t>(s[0]);
    if (s.size() == 2) cols_ = static_cast<std::size_t>(s[1]);
}

}  // namespace pykpi
