// kpigen's PostgreSQL modes: the extension's SQL script and control file,
// written from the catalogue (see postgres/sql_names.hpp for the naming and
// which functions become aggregates). Every function is PARALLEL SAFE; every
// aggregate has combine, serialise and deserialise functions, so partial
// aggregates run on parallel workers; and a two-phase pair over the same
// transition function, kpi.<name>_state (the portable partial state, bytea)
// and kpi.<name>_merge (states merged and finished), so that a sharded
// database can compute the state where the rows are and merge elsewhere.
#include "sqlgen.hpp"

#include <sstream>
#include <vector>

#include "../postgres/sql_names.hpp"

namespace {

using kpi::ArgInfo;
using kpi::ArgKind;
using kpi::FunctionInfo;

std::string literal(std::string_view s) {
    std::string o = "'";
    for (char c : s) o += c == '\'' ? std::string("''") : std::string(1, c);
    return o + "'";
}

std::string number(double v) {
    std::ostringstream o;
    o.precision(17);
    o << v;
    return o.str();
}

std::string scalar_type(const ArgInfo& a) {
    if (a.kind == ArgKind::flag) return "boolean";
    return a.kind == ArgKind::range ? "float8[]" : "float8";
}

// Arrays (the fits) are one-dimensional float8[]; a table (KPI.COHORT) is a
// two-dimensional float8[][], which SQL types as float8[] too.
std::string returns(const FunctionInfo& f) { return f.returns == kpi::Returns::number ? "float8" : "float8[]"; }

void scalar_function(std::ostringstream& o, const FunctionInfo& f, const std::string& name) {
    std::string params, types;
    for (const ArgInfo& a : f.args) {
        const std::string sep = params.empty() ? "" : ", ";
        params += sep + "\"" + std::string(a.name) + "\" " + scalar_type(a);
        types += sep + scalar_type(a);
        if (a.optional)
            params += " DEFAULT " + (a.kind == ArgKind::flag ? std::string(a.fallback != 0 ? "true" : "false")
                                                              : number(a.fallback));
    }
    o << "CREATE FUNCTION kpi." << name << "(" << params << ") RETURNS " << returns(f)
      << "\n  AS 'MODULE_PATHNAME', 'kpi_scalar' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;\n";
    o << "COMMENT ON FUNCTION kpi." << name << "(" << types << ") IS " << literal(f.description.en) << ";\n\n";
}

// One aggregate per SQL type of its date arguments, per SQL type of its id
// argument, per SQL type of its scores (kpisql::is_score) and per number of
// optional arguments given (CREATE AGGREGATE has no defaults).
void aggregate(std::ostringstream& o, const FunctionInfo& f, const std::string& name) {
    const std::string p = "kpi._" + name;
    o << "CREATE FUNCTION " << p << "_final(internal) RETURNS " << returns(f)
      << "\n  AS 'MODULE_PATHNAME', 'kpi_agg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;\n"
      << "CREATE FUNCTION " << p << "_combine(internal, internal) RETURNS internal\n"
      << "  AS 'MODULE_PATHNAME', 'kpi_agg_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;\n"
      << "CREATE FUNCTION " << p << "_serial(internal) RETURNS bytea\n"
      << "  AS 'MODULE_PATHNAME', 'kpi_agg_serial' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;\n"
      << "CREATE FUNCTION " << p << "_deserial(bytea, internal) RETURNS internal\n"
      << "  AS 'MODULE_PATHNAME', 'kpi_agg_deserial' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;\n"
      << "CREATE FUNCTION " << p << "_state_final(internal) RETURNS bytea\n"
      << "  AS 'MODULE_PATHNAME', 'kpi_agg_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;\n"
      << "CREATE FUNCTION " << p << "_merge_trans(internal, bytea) RETURNS internal\n"
      << "  AS 'MODULE_PATHNAME', 'kpi_agg_merge_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;\n";
    // The common part of the aggregates over one transition function: the
    // result, the partial state for kpi.<name>_merge.
    const std::string parallel = "  COMBINEFUNC = " + p + "_combine, SERIALFUNC = " + p + "_serial, DESERIALFUNC = " + p +
                                 "_deserial,\n  PARALLEL = SAFE);\n";
    bool dates = false, ids = false, scores = false;
    std::size_t required = 0;
    for (const ArgInfo& a : f.args) {
        dates = dates || kpisql::is_date(a);
        ids = ids || kpisql::is_id(a);
        scores = scores || kpisql::is_score(a);
        required += a.optional ? 0 : 1;
    }
    const std::vector<std::string> date_types = dates ? std::vector<std::string>{"date", "timestamp"}
                                                      : std::vector<std::string>{""};
    const std::vector<std::string> id_types = ids ? std::vector<std::string>{"float8", "bigint", "text"}
                                                  : std::vector<std::string>{""};
    const std::vector<std::string> score_types = scores ? std::vector<std::string>{"float8", "smallint", "integer", "numeric"}
                                                        : std::vector<std::string>{""};
    for (const std::string& score_type : score_types)
    for (const std::string& id_type : id_types)
    for (const std::string& date_type : date_types) {
        for (std::size_t n = required; n <= f.args.size(); ++n) {
            std::string types;
            for (std::size_t i = 0; i < n; ++i) {
                const ArgInfo& a = f.args[i];
                types += (i ? ", " : "") + (kpisql::is_date(a) ? date_type
                                            : kpisql::is_id(a) ? id_type
                                            : kpisql::is_score(a) ? score_type
                                            : a.kind == ArgKind::flag ? "boolean" : "float8");
            }
            o << "CREATE FUNCTION " << p << "_trans(internal, " << types << ") RETURNS internal\n"
              << "  AS 'MODULE_PATHNAME', 'kpi_agg_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;\n"
              << "CREATE AGGREGATE kpi." << name << "(" << types << ") (\n"
              << "  SFUNC = " << p << "_trans, STYPE = internal, FINALFUNC = " << p << "_final,\n" << parallel
              << "COMMENT ON AGGREGATE kpi." << name << "(" << types << ") IS " << literal(f.description.en)
              << ";\n"
              << "CREATE AGGREGATE kpi." << name << "_state(" << types << ") (\n"
              << "  SFUNC = " << p << "_trans, STYPE = internal, FINALFUNC = " << p << "_state_final,\n" << parallel
              << "COMMENT ON AGGREGATE kpi." << name << "_state(" << types << ") IS "
              << literal("The partial state of kpi." + name + " over these rows, for kpi." + name + "_merge") << ";\n";
        }
    }
    // Merges states of any of the signatures above: kpi.<name>_merge over
    // the states of a partition of the rows is kpi.<name> over all of them.
    o << "CREATE AGGREGATE kpi." << name << "_merge(bytea) (\n"
      << "  SFUNC = " << p << "_merge_trans, STYPE = internal, FINALFUNC = " << p << "_final,\n" << parallel
      << "COMMENT ON AGGREGATE kpi." << name << "_merge(bytea) IS "
      << literal("kpi." + name + " of the rows whose states (kpi." + name + "_state) are merged") << ";\n";
    o << "\n";
}

}  // namespace

std::string kpigen_sql() {
    std::ostringstream o;
    o << "-- Generated by kpigen sql from the catalogue. Do not edit.\n"
         "\\echo Use \"CREATE EXTENSION kpi\" to load this file. \\quit\n\n";
    for (const FunctionInfo& f : kpi::catalogue()) {
        const std::string name = kpisql::sql_name(f);
        switch (kpisql::form(f)) {
            case kpisql::Form::scalar: scalar_function(o, f, name); break;
            case kpisql::Form::aggregate: aggregate(o, f, name); break;
            case kpisql::Form::none: break;
        }
    }
    return o.str();
}

std::string kpigen_control(const std::string& version) {
    return "# Generated by kpigen control. Do not edit.\n"
           "comment = 'Marketing KPI functions (the same definitions as the KPI functions for LibreOffice Calc)'\n"
           "default_version = '" + version + "'\n"
           "module_pathname = '$libdir/kpi'\n"
           "relocatable = false\n"
           "schema = kpi\n"
           "trusted = false\n";
}
