#include "kpi/stop.hpp"

namespace kpi {
namespace {
// Per thread: a host's call runs on its own thread; the fits' helper thread
// (detail::chunked_sum) never polls, the calling thread does between passes.
thread_local StopFn current = nullptr;
}  // namespace

StopScope::StopScope(StopFn fn) : previous_(current) { current = fn; }
StopScope::~StopScope() { current = previous_; }

bool stop_requested() { return current != nullptr && current(); }

}  // namespace kpi
