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
// may be alive when ereport runs. The C++ work happens in noexcept
// functions that catch everything (std::bad_alloc too) and hand back plain
// data (Outcome); the entry points read their arguments before (PostgreSQL
// calls that may raise) and raise after. Inside the C++ part nothing may
// raise: results go into memory from palloc_extended(MCXT_ALLOC_NO_OOM),
// messages into a fixed buffer, and cancellation is polled, not processed.
// The core's headers come first: PostgreSQL's define macros (for_each_cell)
// that would rewrite them.
#include <cctype>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "agg_state.hpp"
#include "kpi/column.hpp"
#include "kpi/stop.hpp"
#include "sql_names.hpp"
#include "views.hpp"

extern "C" {
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "port/pg_crc32c.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PG_MODULE_MAGIC;
void _PG_init(void);
PG_FUNCTION_INFO_V1(kpi_scalar);
PG_FUNCTION_INFO_V1(kpi_agg_trans);
PG_FUNCTION_INFO_V1(kpi_agg_final);
PG_FUNCTION_INFO_V1(kpi_agg_combine);
PG_FUNCTION_INFO_V1(kpi_agg_serial);
PG_FUNCTION_INFO_V1(kpi_agg_deserial);
PG_FUNCTION_INFO_V1(kpi_agg_state_final);
PG_FUNCTION_INFO_V1(kpi_agg_merge_trans);
}


namespace {

using kpi::FunctionInfo;

// What a C++ computation hands back to its entry point: plain data only, so
// that nothing is left to destroy when the entry point raises. The message
// is held here, not palloc'd: a palloc that fails raises.
constexpr std::size_t kMaxArgs = 16;  // arguments of one function, at most (PostgreSQL's FUNC_MAX_ARGS is 100)

struct Outcome {
    enum Raise { none, invalid, out_of_memory, internal };
    bool null = false;
    Raise raise = none;
    char message[512] = {};
    Datum value = 0;
};

void set_message(Outcome& out, Outcome::Raise raise, const std::string& text) {
    out.raise = raise;
    snprintf(out.message, sizeof out.message, "%s", text.c_str());
}

// kpisql::sql_name written into `out` (n bytes, n >= 1), allocating
// nothing: for messages raised where an exception must not escape (the
// memory is short, or PostgreSQL's C frames are next). The length written.
std::size_t sql_name_into(char* out, std::size_t n, const FunctionInfo& f) noexcept {
    std::string_view name = f.name;
    if (name.substr(0, 4) == "KPI.") name.remove_prefix(4);
    std::size_t k = 0;
    for (char c : name)
        if (k + 1 < n) out[k++] = c == '.' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out[k] = '\0';
    return k;
}

// After std::bad_alloc, or a result PostgreSQL cannot allocate: ERRCODE_OUT_OF_MEMORY.
// Allocates nothing (the memory is short): the SQL name is written in place.
void out_of_memory(Outcome& out, const FunctionInfo& f) noexcept {
    out.raise = Outcome::out_of_memory;
    std::size_t k = 0;
    for (const char* p = "kpi."; *p;) out.message[k++] = *p++;
    k += sql_name_into(out.message + k, 200, f);
    for (const char* p = ": out of memory"; *p;) out.message[k++] = *p++;
    out.message[k] = '\0';
}

// Raises what `out` says, if anything; called with no C++ object alive.
void raise(const Outcome& out) {
    if (out.raise == Outcome::invalid)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s", out.message)));
    if (out.raise == Outcome::out_of_memory)
        ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("%s", out.message)));
    if (out.raise == Outcome::internal) ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("%s", out.message)));
}

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
// `suffix` removed, is `own`; -1 if none. Pure C++: no PostgreSQL call.
int find_function(const char* own, const char* prefix, const char* suffix) noexcept {
    try {
        std::string name = own ? own : "";
        const std::size_t pl = std::strlen(prefix), sl = std::strlen(suffix);
        if (name.size() < pl + sl || name.compare(0, pl, prefix) != 0 || name.compare(name.size() - sl, sl, suffix) != 0)
            return -1;
        name = name.substr(pl, name.size() - pl - sl);
        const auto& table = kpi::catalogue();
        for (std::size_t i = 0; i < table.size(); ++i)
            if (kpisql::sql_name(table[i]) == name) return static_cast<int>(i);
    } catch (...) {
    }
    return -1;
}

// This call's catalogue index (find_function), cached in fn_extra. The
// PostgreSQL calls, which may raise, come before and after the C++ part.
int function_index(FunctionCallInfo fcinfo, const char* prefix, const char* suffix) {
    FmgrInfo* fl = fcinfo->flinfo;
    if (fl->fn_extra) return *static_cast<int*>(fl->fn_extra);
    int* cache = static_cast<int*>(MemoryContextAlloc(fl->fn_mcxt, sizeof(int)));
    *cache = find_function(get_func_name(fl->fn_oid), prefix, suffix);
    fl->fn_extra = cache;
    return *cache;
}

// An error kind as SQL sees it: NULL, or a message for SQLSTATE 22023.
// `args`, when given, are the reduced scalar arguments, to name a negative
// amount (the convention shared by every count and amount).
void fail(Outcome& out, const FunctionInfo& f, kpi::Error e, const double* args = nullptr) {
    if (e == kpi::Error::div0 || e == kpi::Error::na) {
        out.null = true;
        return;
    }
    std::string msg = "kpi." + kpisql::sql_name(f) + ": ";
    std::string why;
    if (args)
        for (std::size_t i = 0; i < f.args.size() && i < kMaxArgs; ++i)
            if (f.args[i].kind == kpi::ArgKind::amount && args[i] < 0)
                why = "argument " + std::string(f.args[i].name) + " is negative";
    if (why.empty() && e == kpi::Error::num && !f.domain.en.empty())
        why = "an argument is outside the domain (" + std::string(f.domain.en) + ")";
    if (why.empty() && e == kpi::Error::num) why = "the result is not a finite number";
    if (why.empty()) why = "an argument has the wrong shape or size";
    set_message(out, Outcome::invalid, msg + why + " [" + std::string(kpi::error_name(e)) + "]");
}

// A float8[] of `n` elements (dims: ndims values), written directly in its
// on-disk layout, in memory that PostgreSQL gives without raising
// (MCXT_ALLOC_NO_OOM): this runs while C++ objects are alive. nullptr if
// the memory is not there; `too_big` when PostgreSQL's array limits are
// passed (what construct_md_array would have raised). `nulls` (may be null)
// marks the NULL elements; their values are not stored.
ArrayType* float8_array(int ndims, const int* dims, const double* values, const bool* nulls, bool& too_big) {
    std::size_t n = ndims ? 1 : 0;
    for (int d = 0; d < ndims; ++d) n *= static_cast<std::size_t>(dims[d]);
    std::size_t stored = n;
    bool any_null = false;
    for (std::size_t i = 0; nulls && i < n; ++i)
        if (nulls[i]) {
            any_null = true;
            --stored;
        }
    too_big = n > MaxArraySize;
    if (too_big) return nullptr;
    const std::size_t overhead = any_null ? ARR_OVERHEAD_WITHNULLS(ndims, n) : ARR_OVERHEAD_NONULLS(ndims);
    const std::size_t total = overhead + stored * sizeof(double);
    too_big = !AllocSizeIsValid(total);  // a varlena holds at most 1 GB
    if (too_big) return nullptr;
    auto* a = static_cast<ArrayType*>(palloc_extended(total, MCXT_ALLOC_NO_OOM));
    if (!a) return nullptr;
    SET_VARSIZE(a, total);
    a->ndim = ndims;
    a->dataoffset = any_null ? static_cast<int32>(overhead) : 0;
    a->elemtype = FLOAT8OID;
    for (int d = 0; d < ndims; ++d) {
        ARR_DIMS(a)[d] = dims[d];
        ARR_LBOUND(a)[d] = 1;
    }
    double* data = reinterpret_cast<double*>(ARR_DATA_PTR(a));
    bits8* bitmap = ARR_NULLBITMAP(a);
    if (bitmap) std::memset(bitmap, 0, (n + 7) / 8);
    for (std::size_t i = 0; i < n; ++i) {
        if (nulls && nulls[i]) continue;
        if (bitmap) bitmap[i / 8] |= static_cast<bits8>(1 << (i % 8));
        *data++ = values[i];
    }
    return a;
}

// The core's output as a SQL value: a number, or an array whose error cells
// are NULL elements (a table's cells with no value yet, KPI.COHORT's periods
// after the data, too); a single error cell is the whole result's error.
// `shaped`: an array computed cell for cell from a 2-D range (KPI.FUNNEL of
// a float8[][]) keeps the range's shape, as in Calc.
void deliver(Outcome& out, const FunctionInfo& f, const kpi::Output& o, const double* args, bool shaped = false) {
    if (o.cells.size() == 1 && !o.single().ok()) return fail(out, f, o.single().error, args);
    if (f.returns == kpi::Returns::number) {
        out.value = Float8GetDatum(o.single().value);
        return;
    }
    const std::size_t n = o.cells.size();
    std::vector<double> values(n);
    std::unique_ptr<bool[]> nulls(new bool[n ? n : 1]);
    for (std::size_t i = 0; i < n; ++i) {
        if (kpi::stop_at(i)) throw Stopped{};
        values[i] = o.cells[i].ok() ? o.cells[i].value : 0.0;
        nulls[i] = !o.cells[i].ok();
    }
    // A table (KPI.COHORT), or a shaped array, is rows x cols; anything else one-dimensional.
    int dims[2] = {static_cast<int>(n), 1};
    int ndims = n ? 1 : 0;
    if ((f.returns == kpi::Returns::table || shaped) && n > 0) {
        dims[0] = static_cast<int>(o.rows);
        dims[1] = static_cast<int>(n / o.rows);
        ndims = 2;
    }
    bool too_big = false;
    ArrayType* a = float8_array(ndims, dims, values.data(), nulls.get(), too_big);
    if (too_big) return set_message(out, Outcome::invalid, "kpi." + kpisql::sql_name(f) +
                                    ": the result has more elements than a PostgreSQL array holds");
    if (!a) return out_of_memory(out, f);
    out.value = PointerGetDatum(a);
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

// A range argument as PostgreSQL holds it, read before any C++ object
// exists: its numbers in order, NULL elements as NaN (a blank).
struct RangeArg {
    const double* data;
    std::size_t n;
    int rows, cols;  // a two-dimensional array's; rows = 0 for any other
};

// The argument's float8[] without a copy when it has no NULL (its data are
// the doubles, aligned); with NULLs, a copy with NaN for them. May raise
// (detoasting, palloc): called before the C++ part, which then only reads.
RangeArg read_range(FunctionCallInfo fcinfo, int i) {
    ArrayType* arr = PG_GETARG_ARRAYTYPE_P(i);
    const std::size_t n = static_cast<std::size_t>(ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr)));
    const double* src = reinterpret_cast<const double*>(ARR_DATA_PTR(arr));
    const bits8* bitmap = ARR_NULLBITMAP(arr);
    // A float8[][] is a 2-D range (KPI.FUNNEL then answers in its shape);
    // other dimensions read as one column, as before.
    const int rows = ARR_NDIM(arr) == 2 ? ARR_DIMS(arr)[0] : 0, cols = ARR_NDIM(arr) == 2 ? ARR_DIMS(arr)[1] : 0;
    if (!bitmap) return {src, n, rows, cols};
    auto* copy = static_cast<double*>(MemoryContextAllocHuge(CurrentMemoryContext, (n ? n : 1) * sizeof(double)));
    for (std::size_t k = 0; k < n; ++k) {
        if ((k & (kpi::kStopEvery - 1)) == 0) CHECK_FOR_INTERRUPTS();  // plain C here: it may raise
        copy[k] = bitmap[k / 8] & (1 << (k % 8)) ? *src++ : NAN;
    }
    return {copy, n, rows, cols};
}

// The C++ part of a scalar call: views over the arguments read by
// kpi_scalar, the core, the result. Raises nothing: everything it holds is
// destroyed when it returns, and kpi_scalar raises after.
void scalar_call(Outcome& out, const FunctionInfo& f, int n, const double* reduced, const RangeArg* ranges) noexcept {
    stopped = false;
    try {
        const kpi::StopScope scope(stop);
        std::vector<kpisql::Scalar> scalars;
        std::vector<kpisql::Column> columns;
        std::vector<kpisql::Block> blocks;
        scalars.reserve(n);
        columns.reserve(n);
        blocks.reserve(n);
        std::vector<const kpi::ArgView*> views;
        bool two_d = false;
        for (int i = 0; i < n; ++i) {
            if (f.args[i].kind == kpi::ArgKind::range && ranges[i].rows > 0) {
                blocks.emplace_back(ranges[i].data, ranges[i].rows, ranges[i].cols);
                views.push_back(&blocks.back());
                two_d = true;
            } else if (f.args[i].kind == kpi::ArgKind::range) {
                columns.emplace_back(ranges[i].data, ranges[i].n);
                views.push_back(&columns.back());
            } else {
                scalars.emplace_back(reduced[i]);
                views.push_back(&scalars.back());
            }
        }
        // One value of an elementwise function: the core's column path for
        // one row (kpi/column.hpp), as Python and KPI.MAP call it: the same
        // reading of the arguments everywhere, without the per-call Output.
        // A float8 'NaN' is a value, not a blank (#NUM!, as before).
        const kpi::ColumnCall column(f, views);
        if (column.available()) {
            kpi::ColumnArg cols[kMaxArgs];
            for (int i = 0; i < n; ++i)
                if (f.args[i].kind != kpi::ArgKind::range) cols[i] = kpi::ColumnArg{&reduced[i], 0, nullptr, false};
            double v = 0.0;
            if (!column.run(std::span<const kpi::ColumnArg>(cols, static_cast<std::size_t>(n)), 1, &v)) {
                if (!stopped) set_message(out, Outcome::internal, "kpi." + kpisql::sql_name(f) + ": internal error");
                return;  // stopped: kpi_scalar raises PostgreSQL's own error
            }
            const kpi::Error e = kpi::nan_error(v);
            if (e != kpi::Error::none) return fail(out, f, e, reduced);
            out.value = Float8GetDatum(v);
            return;
        }
        deliver(out, f, kpi::evaluate(f, views), reduced, two_d && f.shape == kpi::Shape::array);
    } catch (const std::bad_alloc&) {
        out_of_memory(out, f);
    } catch (...) {
        set_message(out, Outcome::internal, "kpi." + kpisql::sql_name(f) + ": internal error");
    }
}

// The aggregate state lives in C++ (std::vector); it is freed when the
// aggregate's memory context is reset or deleted.
void free_state(void* arg) { delete static_cast<kpisql::AggState*>(arg); }

kpisql::AggState* new_state(FunctionCallInfo fcinfo, int fn) {
    MemoryContext agg;
    if (!AggCheckCallContext(fcinfo, &agg)) agg = CurrentMemoryContext;
    auto* cb = static_cast<MemoryContextCallback*>(MemoryContextAllocZero(agg, sizeof(MemoryContextCallback)));
    kpisql::AggState* state = new (std::nothrow) kpisql::AggState(fn);
    if (!state) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("kpi: out of memory in an aggregate")));
    cb->func = free_state;
    cb->arg = state;
    MemoryContextRegisterResetCallback(agg, cb);
    return state;
}

// kpi.max_state_memory (kB, -1: none): the most an aggregate's state may
// hold (AggState::memory). A state keeps its rows once its distinct tuples
// are many relative to them (AUC: 16 bytes a row), so without a bound it
// grows with the table. Checked
// where a state grows (every 4,096 rows, each combine or merge) and where
// it is written out: a state passed between processes (a parallel worker's,
// kpi.<name>_state's) is one PostgreSQL value, at most 1 GB, which
// palloc refused with "invalid memory alloc request size" and no word of
// which aggregate or what to do.
int max_state_kb = -1;

constexpr std::size_t kMaxValue = MaxAllocSize - VARHDRSZ;  // PostgreSQL's 1 GB limit on one value

// A compact state past kpi.max_state_memory turns flat when that is
// smaller (AggState::shrink: few rows of many distinct values). C++ work,
// so no exception may leave it; false when memory ran out.
bool shrink_if_over(kpisql::AggState& state) noexcept {
    try {
        if (max_state_kb >= 0 && state.memory() > static_cast<std::size_t>(max_state_kb) * 1024) state.shrink();
        return true;
    } catch (...) {
        return false;
    }
}

// Raises 54000 when the state's size (AggState::memory, or serialised when
// `written`) passes the limit: the setting's, or (when `written`, a value
// to be) PostgreSQL's 1 GB. `rows`: the rows it stands for (a counted
// state's counts summed), for the message. No C++ object is alive in the
// callers when this runs.
void check_state_size(const FunctionInfo& f, const char* as, std::size_t rows, std::size_t size, bool written) {
    const bool set = max_state_kb >= 0 && size > static_cast<std::size_t>(max_state_kb) * 1024;
    if (!set && !(written && size > kMaxValue)) return;
    char name[64];
    sql_name_into(name, sizeof name, f);
    if (set)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("kpi.%s%s: the aggregate's state holds %zu rows (%zu kB), more than kpi.max_state_memory"
                               " (%d kB)", name, as, rows, (size + 1023) >> 10, max_state_kb),
                        errhint("Group by more columns, so that each state holds fewer rows, or raise"
                                " kpi.max_state_memory.")));
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("kpi.%s%s: the aggregate's state holds %zu rows (%zu MB), more than PostgreSQL's 1 GB limit"
                           " on a value passed between processes", name, as, rows, size >> 20),
                    std::strcmp(as, "_state") == 0
                        ? errhint("Group kpi.%s_state by more columns, so that each state holds fewer rows.", name)
                        : errhint("Group by more columns, so that each state holds fewer rows; without parallel"
                                  " workers (SET max_parallel_workers_per_gather = 0) kpi.%s's state is never"
                                  " written out.", name)));
}

}  // namespace

extern "C" void _PG_init(void) {
    DefineCustomIntVariable("kpi.max_state_memory", "The most memory one kpi aggregate state may hold (-1: no limit).",
                            "A state beyond it stops the query with SQLSTATE 54000. A state written out (parallel"
                            " workers, kpi.<name>_state) is limited to 1 GB by PostgreSQL in any case.",
                            &max_state_kb, -1, -1, static_cast<int>(MaxAllocSize / 1024), PGC_USERSET, GUC_UNIT_KB,
                            nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("kpi");
}

// The arguments are read here, in C terms (PostgreSQL may raise while
// detoasting), then the C++ part runs and returns; only then may this raise.
extern "C" Datum kpi_scalar(PG_FUNCTION_ARGS) {
    const int index = function_index(fcinfo, "", "");
    const int n = PG_NARGS();
    if (index < 0 || n > static_cast<int>(kMaxArgs) || n > static_cast<int>(kpi::catalogue()[index].args.size()))
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                        errmsg("kpi: this SQL function is not in the catalogue (reinstall the extension)")));
    const FunctionInfo& f = kpi::catalogue()[index];
    double reduced[kMaxArgs] = {};
    RangeArg ranges[kMaxArgs] = {};
    for (int i = 0; i < n; ++i) {
        const kpi::ArgKind kind = f.args[i].kind;
        if (kind == kpi::ArgKind::range) ranges[i] = read_range(fcinfo, i);
        else if (kind == kpi::ArgKind::flag) reduced[i] = PG_GETARG_BOOL(i) ? 1.0 : 0.0;
        else reduced[i] = PG_GETARG_FLOAT8(i);
    }
    Outcome out;
    scalar_call(out, f, n, reduced, ranges);
    raise_if_stopped();
    raise(out);
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
    // A bigint or text id (kpisql::is_id) is passed as its text, exactly.
    char digits[24];
    const char* id = nullptr;
    std::size_t id_len = 0;
    int id_arg = -1;
    for (int i = 0; i < n; ++i) {
        if (PG_ARGISNULL(i + 1)) PG_RETURN_POINTER(state);
        const Oid type = site->types[i];
        if (type == INT8OID || type == TEXTOID) {
            id_arg = i;
            row[i] = 0.0;
            if (type == INT8OID) {
                id_len = static_cast<std::size_t>(snprintf(digits, sizeof digits, INT64_FORMAT, PG_GETARG_INT64(i + 1)));
                id = digits;
            } else {
                const text* t = PG_GETARG_TEXT_PP(i + 1);  // may detoast: before the C++ part
                id = VARDATA_ANY(t);
                id_len = VARSIZE_ANY_EXHDR(t);
            }
            continue;
        }
        // Scores in smallint, integer or numeric columns (kpisql::is_score)
        // are read here, not cast to float8 by PostgreSQL row by row.
        row[i] = type == FLOAT8OID  ? PG_GETARG_FLOAT8(i + 1)
               : type == INT4OID    ? static_cast<double>(PG_GETARG_INT32(i + 1))
               : type == INT2OID    ? static_cast<double>(PG_GETARG_INT16(i + 1))
               : type == NUMERICOID ? DatumGetFloat8(DirectFunctionCall1(numeric_float8, PG_GETARG_DATUM(i + 1)))
               : type == BOOLOID    ? (PG_GETARG_BOOL(i + 1) ? 1.0 : 0.0)
                                    : to_serial(type, PG_GETARG_DATUM(i + 1));
    }
    bool ok = true;
    try {
        const std::string_view id_view(id ? id : "", id_len);
        state->add(kpi::catalogue()[site->index], row, n, id ? &id_view : nullptr, id_arg);
    } catch (...) {
        ok = false;
    }
    if (!ok) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("kpi: out of memory in an aggregate")));
    if (max_state_kb >= 0 && (state->rows_stored() & 4095) == 0) {
        if (!shrink_if_over(*state)) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("kpi: out of memory in an aggregate")));
        check_state_size(kpi::catalogue()[site->index], "", state->row_count(), state->memory(), false);
    }
    PG_RETURN_POINTER(state);
}

// The C++ part of a final function (see scalar_call).
void final_call(Outcome& out, const FunctionInfo& f, int index, kpisql::AggState* state) noexcept {
    stopped = false;
    try {
        const kpi::StopScope scope(stop);
        kpisql::AggState empty(index);
        deliver(out, f, (state ? state : &empty)->evaluate(f), nullptr);
    } catch (const std::bad_alloc&) {
        out_of_memory(out, f);
    } catch (...) {
        set_message(out, Outcome::internal, "kpi." + kpisql::sql_name(f) + ": internal error");
    }
}

extern "C" Datum kpi_agg_final(PG_FUNCTION_ARGS) {
    const int index = function_index(fcinfo, "_", "_final");
    if (index < 0) ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("kpi: unknown aggregate")));
    auto* state = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<kpisql::AggState*>(PG_GETARG_POINTER(0));
    Outcome out;
    final_call(out, kpi::catalogue()[index], index, state);
    raise_if_stopped();
    raise(out);
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
    if (!ok || !shrink_if_over(*a)) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("kpi: out of memory in an aggregate")));
    check_state_size(kpi::catalogue()[a->function()], "", a->row_count(), a->memory(), false);
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
    check_state_size(kpi::catalogue()[state->function()], "", state->row_count(), size, true);
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

// Two-phase aggregates (kpi.<name>_state, kpi.<name>_merge): the state in
// its portable form (kpisql::write_portable), so that a query per shard can
// return it and the coordinator merge the shards' states. See
// docs/guide's PostgreSQL chapter.
namespace {

std::uint32_t crc32c(const char* data, std::size_t size) {
    pg_crc32c crc;
    INIT_CRC32C(crc);
    COMP_CRC32C(crc, data, size);
    FIN_CRC32C(crc);
    return crc;
}

// The C++ part of kpi._<name>_state_final: the state sorted (as before a
// parallel worker hands it over: the merge is then linear), its size. The
// bytes are written after the entry point has allocated them.
bool prepare_state(kpisql::AggState& state, std::size_t& size, std::string_view name) noexcept {
    try {
        state.prepare();
        size = kpisql::portable_size(name, state);
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace

// kpi._<name>_state_final(internal) -> bytea: the state as kpi.<name>_merge
// reads it; no row at all is the empty state (which merges as no rows).
extern "C" Datum kpi_agg_state_final(PG_FUNCTION_ARGS) {
    const int index = function_index(fcinfo, "_", "_state_final");
    if (index < 0) ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("kpi: unknown aggregate")));
    const kpi::FunctionInfo& f = kpi::catalogue()[index];
    auto* given = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<kpisql::AggState*>(PG_GETARG_POINTER(0));
    kpisql::AggState* state = given ? given : new_state(fcinfo, index);
    char name[64];
    sql_name_into(name, sizeof name, f);
    std::size_t size = 0;
    if (!prepare_state(*state, size, name))
        ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("kpi.%s_state: out of memory", name)));
    check_state_size(f, "_state", state->row_count(), size, true);
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(out, VARHDRSZ + size);
    char* data = VARDATA(out);
    kpisql::write_portable(data, name, *state);
    const std::uint32_t crc = crc32c(data + 12, size - 12);
    std::memcpy(data + 8, &crc, 4);
    PG_RETURN_BYTEA_P(out);
}

namespace {

enum class MergeOutcome { ok, corrupt, incompatible, out_of_memory };

// The C++ part of kpi._<name>_merge_trans: the body read into a state of
// its own, then merged into `into` (or read straight into an empty one).
MergeOutcome merge_body(kpisql::AggState& into, bool into_is_new, const char* body, std::size_t size, int index) noexcept {
    try {
        if (into_is_new) {
            if (!into.deserialise(body, size)) return MergeOutcome::corrupt;
            into.set_function(index);
            return MergeOutcome::ok;
        }
        kpisql::AggState b(index);
        if (!b.deserialise(body, size)) return MergeOutcome::corrupt;
        b.set_function(index);
        if (!into.compatible(b)) return MergeOutcome::incompatible;
        into.merge(b);
        return MergeOutcome::ok;
    } catch (...) {
        return MergeOutcome::out_of_memory;
    }
}

}  // namespace

// kpi._<name>_merge_trans(state, bytea): one shard's (or one group's) state
// merged into the running one; a NULL state is skipped, anything that is
// not a whole state of this function from this byte order and format is an
// error (SQLSTATE 22P03) that says which.
extern "C" Datum kpi_agg_merge_trans(PG_FUNCTION_ARGS) {
    const int index = function_index(fcinfo, "_", "_merge_trans");
    if (index < 0) ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("kpi: unknown aggregate")));
    auto* state = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<kpisql::AggState*>(PG_GETARG_POINTER(0));
    if (PG_ARGISNULL(1)) {
        if (!state) PG_RETURN_NULL();
        PG_RETURN_POINTER(state);
    }
    char name[64];
    sql_name_into(name, sizeof name, kpi::catalogue()[index]);
    bytea* in = PG_GETARG_BYTEA_PP(1);
    const char* data = VARDATA_ANY(in);
    const std::size_t size = VARSIZE_ANY_EXHDR(in);
    std::string_view found;
    const char* body = nullptr;
    std::size_t body_size = 0;
    const kpisql::PortableCheck check = kpisql::read_portable(data, size, name, crc32c, found, body, body_size);
    const char* why = nullptr;
    switch (check) {
        case kpisql::PortableCheck::ok: break;
        case kpisql::PortableCheck::not_a_state: why = "not an aggregate state written by kpi.%s_state"; break;
        case kpisql::PortableCheck::byte_order: why = "a state written on a machine of the other byte order"; break;
        case kpisql::PortableCheck::version: why = "a state in another format version (another version of the extension)"; break;
        case kpisql::PortableCheck::truncated: why = "a truncated state"; break;
        case kpisql::PortableCheck::checksum: why = "a corrupt or truncated state (its checksum does not match)"; break;
        case kpisql::PortableCheck::other_function: break;
    }
    if (check == kpisql::PortableCheck::other_function)
        ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
                        errmsg("kpi.%s_merge: a state of kpi.%.*s, not of kpi.%s", name, static_cast<int>(found.size()),
                               found.data(), name)));
    if (why) {
        char text[160];
        snprintf(text, sizeof text, why, name);
        ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION), errmsg("kpi.%s_merge: %s", name, text)));
    }
    const bool fresh = state == nullptr;
    if (fresh) state = new_state(fcinfo, index);
    MergeOutcome merged = merge_body(*state, fresh, body, body_size, index);
    if (merged == MergeOutcome::ok && !shrink_if_over(*state)) merged = MergeOutcome::out_of_memory;
    if (merged == MergeOutcome::ok)
        check_state_size(kpi::catalogue()[index], "_merge", state->row_count(), state->memory(), false);
    switch (merged) {
        case MergeOutcome::ok: break;
        case MergeOutcome::corrupt:
            ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
                            errmsg("kpi.%s_merge: a corrupt state (its contents are inconsistent)", name)));
        case MergeOutcome::incompatible:
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("kpi.%s_merge: states of calls with different arguments (their number or types)", name)));
        case MergeOutcome::out_of_memory:
            ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("kpi.%s_merge: out of memory", name)));
    }
    PG_RETURN_POINTER(state);
}
