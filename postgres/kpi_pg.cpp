// The PostgreSQL extension `kpi`: every catalogue function through five
// generic C entry points. Each SQL function is declared by the generated
// script (kpigen sql) with one of these as its symbol; the entry finds its
// catalogue function from its own SQL name (cached per call site), so a new
// catalogue function needs no code here.
//
// Errors follow what analysts write by hand: a zero denominator (#DIV/0!)
// or no value (#N/A) gives NULL, so one empty group never aborts a report;
// any other error kind raises SQLSTATE 22023 naming the function and the
// offending argument or the documented domain.
//
// PostgreSQL reports errors with longjmp: no C++ object with a destructor
// may be alive when ereport runs. The C++ work happens in functions that
// catch everything and hand back plain data; the entry points ereport after.
// The core's headers come first: PostgreSQL's define macros (for_each_cell)
// that would rewrite them.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "agg_state.hpp"
#include "kpi/stop.hpp"
#include "sql_names.hpp"
#include "views.hpp"

extern "C" {
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PG_MODULE_MAGIC;
PG_FUNCTION_INFO_V1(kpi_scalar);
PG_FUNCTION_INFO_V1(kpi_agg_trans);
PG_FUNCTION_INFO_V1(kpi_agg_final);
PG_FUNCTION_INFO_V1(kpi_agg_combine);
PG_FUNCTION_INFO_V1(kpi_agg_serial);
PG_FUNCTION_INFO_V1(kpi_agg_deserial);
}


namespace {

using kpi::FunctionInfo;

// What a C++ computation hands back to its entry point.
struct Outcome {
    bool null = false;
    char* error = nullptr;  // palloc'd message: raise 22023
    Datum value = 0;
};

char* pstr(const std::string& s) { return pstrdup(s.c_str()); }

// Cancellation. A long call (an sBG fit over millions of periods, a funnel
// of tens of millions of stages) must stop at pg_cancel_backend,
// pg_terminate_backend and statement_timeout, but CHECK_FOR_INTERRUPTS
// raises with longjmp, which must not cross C++ frames. So the core gets
// `stop` (kpi::StopScope), which only reads the flags the signal handlers
// set; the core and the loops here end early with an error, and once every
// C++ object is gone the entry point calls raise_if_stopped, where
// CHECK_FOR_INTERRUPTS raises PostgreSQL's own error (57014, or FATAL for a
// terminated backend).
bool stopped = false;

bool stop() {
    if (QueryCancelPending || ProcDiePending) stopped = true;
    return stopped;
}

// Thrown by the loops here when stop() says so; caught with the rest.
struct Stopped {};

void raise_if_stopped() {
    if (!stopped) return;
    stopped = false;
    CHECK_FOR_INTERRUPTS();
    // The flags were cleared meanwhile (cannot happen outside a hold-off):
    // the result is already abandoned, so still an error.
    ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("canceling statement due to user request")));
}

// The catalogue index of the function whose SQL name, with `prefix` and
// `suffix` removed, is this call's; cached in fn_extra. -1 if none.
int function_index(FunctionCallInfo fcinfo, const char* prefix, const char* suffix) {
    FmgrInfo* fl = fcinfo->flinfo;
    if (fl->fn_extra) return *static_cast<int*>(fl->fn_extra);
    char* own = get_func_name(fl->fn_oid);
    std::string name = own ? own : "";
    const std::size_t pl = std::strlen(prefix), sl = std::strlen(suffix);
    int found = -1;
    if (name.size() >= pl + sl && name.compare(0, pl, prefix) == 0 &&
        name.compare(name.size() - sl, sl, suffix) == 0) {
        name = name.substr(pl, name.size() - pl - sl);
        const auto& table = kpi::catalogue();
        for (std::size_t i = 0; i < table.size(); ++i)
            if (kpisql::sql_name(table[i]) == name) found = static_cast<int>(i);
    }
    int* cache = static_cast<int*>(MemoryContextAlloc(fl->fn_mcxt, sizeof(int)));
    *cache = found;
    fl->fn_extra = cache;
    return found;
}

// An error kind as SQL sees it: NULL, or a message for SQLSTATE 22023.
// `args`, when given, are the reduced scalar arguments, to name a negative
// amount (the convention shared by every count and amount).
void fail(Outcome& out, const FunctionInfo& f, kpi::Error e, const std::vector<double>* args = nullptr) {
    if (e == kpi::Error::div0 || e == kpi::Error::na) {
        out.null = true;
        return;
    }
    std::string msg = "kpi." + kpisql::sql_name(f) + ": ";
    std::string why;
    if (args)
        for (std::size_t i = 0; i < f.args.size() && i < args->size(); ++i)
            if (f.args[i].kind == kpi::ArgKind::amount && (*args)[i] < 0)
                why = "argument " + std::string(f.args[i].name) + " is negative";
    if (why.empty() && e == kpi::Error::num && !f.domain.en.empty())
        why = "an argument is outside the domain (" + std::string(f.domain.en) + ")";
    if (why.empty() && e == kpi::Error::num) why = "the result is not a finite number";
    if (why.empty()) why = "an argument has the wrong shape or size";
    out.error = pstr(msg + why + " [" + std::string(kpi::error_name(e)) + "]");
}

// rows > 0: a two-dimensional array of rows x (n / rows), for a table.
Datum float8_array(const std::vector<double>& values, const std::vector<bool>& nulls, int rows = 0) {
    const int n = static_cast<int>(values.size());
    Datum* d = static_cast<Datum*>(palloc(sizeof(Datum) * (n ? n : 1)));
    bool* isnull = static_cast<bool*>(palloc(sizeof(bool) * (n ? n : 1)));
    for (int i = 0; i < n; ++i) {
        d[i] = Float8GetDatum(values[i]);
        isnull[i] = nulls[i];
    }
    int dims[2] = {n, 1}, lbs[2] = {1, 1};
    int ndims = 1;
    if (rows > 0 && n > 0) {
        dims[0] = rows;
        dims[1] = n / rows;
        ndims = 2;
    }
    return PointerGetDatum(construct_md_array(d, isnull, ndims, dims, lbs, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

// The core's output as a SQL value: a number, or an array whose error cells
// are NULL elements (a table's cells with no value yet, KPI.COHORT's periods
// after the data, too); a single error cell is the whole result's error.
void deliver(Outcome& out, const FunctionInfo& f, const kpi::Output& o, const std::vector<double>* args) {
    if (o.cells.size() == 1 && !o.single().ok()) return fail(out, f, o.single().error, args);
    if (f.returns == kpi::Returns::number) {
        out.value = Float8GetDatum(o.single().value);
        return;
    }
    std::vector<double> values;
    std::vector<bool> nulls;
    for (const kpi::Result& r : o.cells) {
        if (kpi::stop_at(values.size())) throw Stopped{};
        values.push_back(r.ok() ? r.value : 0.0);
        nulls.push_back(!r.ok());
    }
    out.value = float8_array(values, nulls, f.returns == kpi::Returns::table ? static_cast<int>(o.rows) : 0);
}

// A spreadsheet serial number from a date or timestamp argument. 'infinity'
// and '-infinity' are stored as the type's extreme values, which would read
// as dates millions of years away (kpi.timetoclose gave 2,147,474,881 days):
// they become infinite serials, which every date-reading function rejects
// as #NUM! (a date outside the calendar, as KPI.COHORT already said). Not
// NaN: NaN is a blank, and a blank row would be skipped silently.
double to_serial(Oid type, Datum d) {
    if (type == DATEOID) {
        const DateADT v = DatumGetDateADT(d);
        if (DATE_NOT_FINITE(v)) return DATE_IS_NOBEGIN(v) ? -HUGE_VAL : HUGE_VAL;
        return kpisql::kSerial2000 + v;
    }
    if (type == TIMESTAMPOID || type == TIMESTAMPTZOID) {
        const Timestamp v = DatumGetTimestamp(d);
        if (TIMESTAMP_NOT_FINITE(v)) return TIMESTAMP_IS_NOBEGIN(v) ? -HUGE_VAL : HUGE_VAL;
        return kpisql::kSerial2000 + static_cast<double>(v) / static_cast<double>(USECS_PER_DAY);
    }
    return DatumGetFloat8(d);
}

Outcome scalar_call(FunctionCallInfo fcinfo) {
    Outcome out;
    const int index = function_index(fcinfo, "", "");
    if (index < 0) {
        out.error = pstr("kpi: this SQL function is not in the catalogue (reinstall the extension)");
        return out;
    }
    const FunctionInfo& f = kpi::catalogue()[index];
    stopped = false;
    try {
        const kpi::StopScope scope(stop);
        // Arrays first (PostgreSQL calls), then the views over them.
        const int n = PG_NARGS();
        std::vector<double> reduced(n, 0.0);
        std::vector<std::vector<double>> arrays(n);
        for (int i = 0; i < n && i < static_cast<int>(f.args.size()); ++i) {
            const kpi::ArgInfo& a = f.args[i];
            if (a.kind == kpi::ArgKind::range) {
                ArrayType* arr = PG_GETARG_ARRAYTYPE_P(i);
                Datum* elems;
                bool* nulls;
                int count;
                deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &count);
                for (int k = 0; k < count; ++k) {
                    if (kpi::stop_at(static_cast<std::size_t>(k))) throw Stopped{};
                    arrays[i].push_back(nulls[k] ? NAN : DatumGetFloat8(elems[k]));
                }
            } else if (a.kind == kpi::ArgKind::flag) {
                reduced[i] = PG_GETARG_BOOL(i) ? 1.0 : 0.0;
            } else {
                reduced[i] = PG_GETARG_FLOAT8(i);
            }
        }
        std::vector<kpisql::Scalar> scalars;
        std::vector<kpisql::Column> columns;
        scalars.reserve(n);
        columns.reserve(n);
        std::vector<const kpi::ArgView*> views;
        for (int i = 0; i < n; ++i) {
            if (f.args[i].kind == kpi::ArgKind::range) {
                columns.emplace_back(arrays[i]);
                views.push_back(&columns.back());
            } else {
                scalars.emplace_back(reduced[i]);
                views.push_back(&scalars.back());
            }
        }
        deliver(out, f, kpi::evaluate(f, views), &reduced);
    } catch (...) {
        out.error = pstr("kpi." + kpisql::sql_name(f) + ": internal error");
    }
    return out;
}

// The aggregate state lives in C++ (std::vector); it is freed when the
// aggregate's memory context is reset or deleted.
void free_state(void* arg) { delete static_cast<kpisql::AggState*>(arg); }

kpisql::AggState* new_state(FunctionCallInfo fcinfo, int fn) {
    MemoryContext agg;
    if (!AggCheckCallContext(fcinfo, &agg)) agg = CurrentMemoryContext;
    auto* cb = static_cast<MemoryContextCallback*>(MemoryContextAllocZero(agg, sizeof(MemoryContextCallback)));
    auto* state = new kpisql::AggState(fn);
    cb->func = free_state;
    cb->arg = state;
    MemoryContextRegisterResetCallback(agg, cb);
    return state;
}

}  // namespace

extern "C" Datum kpi_scalar(PG_FUNCTION_ARGS) {
    const Outcome out = scalar_call(fcinfo);
    raise_if_stopped();
    if (out.error) ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s", out.error)));
    if (out.null) PG_RETURN_NULL();
    return out.value;
}

// What a transition function's call site needs on every row, found once.
struct TransSite {
    int index;
    int nargs;
    Oid types[16];
};

// kpi._NAME_trans(state, row...): rows with a NULL are skipped (strict
// semantics; the function itself cannot be strict with an internal state).
extern "C" Datum kpi_agg_trans(PG_FUNCTION_ARGS) {
    auto* site = static_cast<TransSite*>(fcinfo->flinfo->fn_extra);
    if (!site) {
        const int index = function_index(fcinfo, "_", "_trans");  // caches an int in fn_extra: replace it
        if (index < 0 || PG_NARGS() - 1 > 16)
            ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("kpi: unknown aggregate")));
        site = static_cast<TransSite*>(MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(TransSite)));
        site->index = index;
        site->nargs = PG_NARGS() - 1;
        for (int i = 0; i < site->nargs; ++i) site->types[i] = get_fn_expr_argtype(fcinfo->flinfo, i + 1);
        fcinfo->flinfo->fn_extra = site;
    }
    auto* state = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<kpisql::AggState*>(PG_GETARG_POINTER(0));
    if (!state) state = new_state(fcinfo, site->index);
    double row[16];
    const int n = site->nargs;
    for (int i = 0; i < n; ++i) {
        if (PG_ARGISNULL(i + 1)) PG_RETURN_POINTER(state);
        const Oid type = site->types[i];
        row[i] = type == FLOAT8OID ? PG_GETARG_FLOAT8(i + 1)
               : type == BOOLOID   ? (PG_GETARG_BOOL(i + 1) ? 1.0 : 0.0)
                                   : to_serial(type, PG_GETARG_DATUM(i + 1));
    }
    bool ok = true;
    try {
        state->add(kpi::catalogue()[site->index], row, n);
    } catch (...) {
        ok = false;
    }
    if (!ok) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("kpi: out of memory in an aggregate")));
    PG_RETURN_POINTER(state);
}

extern "C" Datum kpi_agg_final(PG_FUNCTION_ARGS) {
    Outcome out;
    const int index = function_index(fcinfo, "_", "_final");
    if (index < 0) ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("kpi: unknown aggregate")));
    const FunctionInfo& f = kpi::catalogue()[index];
    auto* state = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<kpisql::AggState*>(PG_GETARG_POINTER(0));
    stopped = false;
    try {
        const kpi::StopScope scope(stop);
        kpisql::AggState empty(index);
        deliver(out, f, (state ? state : &empty)->evaluate(f), nullptr);
    } catch (...) {
        out.error = pstr("kpi." + kpisql::sql_name(f) + ": internal error");
    }
    raise_if_stopped();
    if (out.error) ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s", out.error)));
    if (out.null) PG_RETURN_NULL();
    return out.value;
}

extern "C" Datum kpi_agg_combine(PG_FUNCTION_ARGS) {
    auto* a = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<kpisql::AggState*>(PG_GETARG_POINTER(0));
    auto* b = PG_ARGISNULL(1) ? nullptr : reinterpret_cast<kpisql::AggState*>(PG_GETARG_POINTER(1));
    if (!b) {
        if (!a) PG_RETURN_NULL();
        PG_RETURN_POINTER(a);
    }
    // The first state must live in the aggregate's context: a copy of b.
    if (!a) a = new_state(fcinfo, b->function());
    bool ok = true;
    try {
        a->merge(*b);
    } catch (...) {
        ok = false;
    }
    if (!ok) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("kpi: out of memory in an aggregate")));
    PG_RETURN_POINTER(a);
}

extern "C" Datum kpi_agg_serial(PG_FUNCTION_ARGS) {
    auto* state = reinterpret_cast<kpisql::AggState*>(PG_GETARG_POINTER(0));
    bool ok = true;
    try {
        state->prepare();
    } catch (...) {
        ok = false;
    }
    if (!ok) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("kpi: out of memory in an aggregate")));
    const std::size_t size = state->serial_size();
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(out, VARHDRSZ + size);
    state->serialise(VARDATA(out));
    PG_RETURN_BYTEA_P(out);
}

extern "C" Datum kpi_agg_deserial(PG_FUNCTION_ARGS) {
    bytea* in = PG_GETARG_BYTEA_PP(0);
    const char* data = VARDATA_ANY(in);
    const std::size_t size = VARSIZE_ANY_EXHDR(in);
    const int fn = kpisql::AggState::function_of(data, size);
    if (fn < 0) ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("kpi: corrupt aggregate state")));
    kpisql::AggState* state = new_state(fcinfo, fn);
    bool ok = true;
    try {
        ok = state->deserialise(data, size);
    } catch (...) {
        ok = false;
    }
    if (!ok) ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("kpi: corrupt aggregate state")));
    PG_RETURN_POINTER(state);
}
