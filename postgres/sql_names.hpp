// How the catalogue's functions appear outside the spreadsheet: their SQL
// and Python names and which of them read a whole column (aggregates in SQL,
// one value from an array in Python). Shared by the generator
// (codegen/sqlgen.cpp), the PostgreSQL extension and the Python module, so
// that the three always agree; nothing here lists functions by hand.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "kpi/catalogue.hpp"

namespace kpisql {

// KPI.CPL -> cpl, KPI.BGNBD.FIT -> bgnbd_fit: the display name without the
// prefix, inner dots as underscores (equal to the stored method name for
// every name without inner dots).
inline std::string sql_name(const kpi::FunctionInfo& f) {
    std::string_view n = f.name;
    if (n.substr(0, 4) == "KPI.") n.remove_prefix(4);
    std::string out;
    for (char c : n) out += c == '.' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

enum class Form {
    none,       // not offered (KPI.MAP: a way of calling the others row by row, which SQL and NumPy do natively)
    scalar,     // one value per call; a range argument is an array (float8[] / a sequence)
    aggregate,  // reads rows: its range arguments are columns of a table
};

// A function reads rows when it summarises cells independently of their
// order (shape `cells`: NPS, AUC, time to close) or when its ranges are the
// columns of one table of records (the model fits: one row per customer).
// A single ordered range (funnel stages, sBG survivors per period) stays an
// array argument: its order is its meaning.
inline Form form(const kpi::FunctionInfo& f) {
    int required = 0, ranges = 0;
    for (const kpi::ArgInfo& a : f.args) {
        if (a.kind == kpi::ArgKind::name || a.kind == kpi::ArgKind::column) return Form::none;
        if (a.optional) continue;
        ++required;
        if (a.kind == kpi::ArgKind::range) ++ranges;
    }
    if (f.shape == kpi::Shape::cells || (ranges >= 2 && ranges == required)) return Form::aggregate;
    return Form::scalar;
}

// Arguments holding dates (first_contact_dates, close_dates) take SQL dates
// and timestamps, NumPy datetime64; the core reads them as spreadsheet serial
// numbers (days since 1899-12-30, fractions for the time of day).
inline bool is_date(const kpi::ArgInfo& a) {
    return a.name.size() >= 5 && a.name.substr(a.name.size() - 5) == "dates";
}

// The argument holding customer ids (KPI.COHORT's customers): in SQL it
// takes float8, bigint or text. Ids are only compared, never computed
// with, so bigint and text ids reach the core as text, exactly (a bigint
// id through float8 merged 9007199254740993 into 9007199254740992).
inline bool is_id(const kpi::ArgInfo& a) { return a.name == "customers"; }

// Scores (KPI.NPS's answers 0-10, KPI.SCOREAUC's lead scores), which
// databases often hold in smallint or integer columns (numeric in some
// exports): their aggregates take those types as they are, not only
// float8, so that PostgreSQL does not cast every row to float8 before the
// call (13-18 % of kpi.nps's time on an integer column).
inline bool is_score(const kpi::ArgInfo& a) { return a.name == "scores"; }

// Spreadsheet serial number of 2000-01-01, PostgreSQL's epoch, and of
// 1970-01-01, NumPy's.
inline constexpr double kSerial2000 = 36526.0;
inline constexpr double kSerial1970 = 25569.0;

}  // namespace kpisql
