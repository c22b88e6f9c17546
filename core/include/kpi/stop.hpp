// Stopping a long call early at the host's request (PostgreSQL's query
// cancel, pg_terminate_backend and statement_timeout). The core knows no
// host: a host that can be interrupted passes a plain function for the
// duration of one call (StopScope, on the calling thread); the loops that
// can run long over big inputs ask it every kStopEvery iterations, or once
// per likelihood evaluation in the fits, and when it says stop they end
// with an error that the host discards (it raises its own). Hosts that pass
// none (Calc, Python) pay a thread-local read per poll, nothing else.
#pragma once

#include <cstddef>

namespace kpi {

// Returns true when the call should stop; must be cheap and must not throw
// or jump (PostgreSQL's: reading its interrupt flags).
using StopFn = bool (*)();

class StopScope {
public:
    explicit StopScope(StopFn fn);
    ~StopScope();
    StopScope(const StopScope&) = delete;
    StopScope& operator=(const StopScope&) = delete;

private:
    StopFn previous_;
};

// True when the function passed on this thread says stop (false if none).
bool stop_requested();

inline constexpr std::size_t kStopEvery = std::size_t{1} << 16;

// For a loop over i = 0, 1, ...: asks every kStopEvery iterations.
inline bool stop_at(std::size_t i) { return (i & (kStopEvery - 1)) == 0 && stop_requested(); }

}  // namespace kpi
