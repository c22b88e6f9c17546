// Internal to the core: the maximiser the model fits share, the special
// functions with their quiet error policy, and the deterministic parallel sum
// the likelihoods use. See clvmodels_optim.cpp.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

#include "kpi/clvmodels.hpp"

namespace kpi::models::detail {

double lgam(double x);  // ln Gamma(x), NaN/inf instead of exceptions
double psi(double x);   // digamma(x), likewise

// The objective handed to the maximiser: the log-likelihood per observation
// at `params` (all > 0) and, in `grad`, its derivatives with respect to them.
using LogLik = std::function<double(const double* params, double* grad)>;

// Maximises `ll` from `start` over log-parameters bounded to
// [ln kMinParam, ln kMaxParam]; `scale` turns the per-observation value back
// into the total log-likelihood. At most `max_evaluations` evaluations of
// `ll`: past that the fit is Error::num (a bounded cost for any input).
Fit maximise(const LogLik& ll, const std::vector<double>& start, double scale, int max_evaluations = 400);

// Rows are cut into chunks of this many; each chunk's partial sums are
// computed by one thread and added in chunk order, so the result is the
// same bits whatever the number of threads.
inline constexpr std::size_t kChunk = 16384;

// sum over chunks c of part(begin, end) (an array of N partial sums),
// added in chunk order. Uses a second thread when there are several chunks;
// falls back to one thread if a thread cannot be started.
template <std::size_t N, class Part>
std::array<double, N> chunked_sum(std::size_t n, Part&& part) {
    const std::size_t chunks = (n + kChunk - 1) / kChunk;
    std::vector<std::array<double, N>> partial(chunks, std::array<double, N>{});
    auto run = [&](std::size_t first, std::size_t step) {
        for (std::size_t c = first; c < chunks; c += step) partial[c] = part(c * kChunk, std::min(n, (c + 1) * kChunk));
    };
    bool helped = false;
    if (chunks >= 2 && std::thread::hardware_concurrency() >= 2) {
        try {
            std::thread helper(run, 1, 2);
            run(0, 2);
            helper.join();
            helped = true;
        } catch (...) {
            helped = false;  // no thread available: the serial loop below recomputes every chunk
        }
    }
    if (!helped) run(0, 1);
    std::array<double, N> total{};
    for (const auto& p : partial)
        for (std::size_t k = 0; k < N; ++k) total[k] += p[k];
    return total;
}

// std::sort on two threads (each half, then a merge) for large tables. The
// result is the one sorted order: same bits as a serial sort.
template <class T, class Less>
void parallel_sort(std::vector<T>& v, Less less) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    if (v.size() >= 65536 && std::thread::hardware_concurrency() >= 2) {
        bool helped = false;
        try {
            std::thread helper([&] { std::sort(v.begin(), mid, less); });
            std::sort(mid, v.end(), less);
            helper.join();
            helped = true;
        } catch (...) {
            helped = false;  // no thread: sort it all below
        }
        if (helped) {
            std::inplace_merge(v.begin(), mid, v.end(), less);
            return;
        }
    }
    std::sort(v.begin(), v.end(), less);
}

}  // namespace kpi::models::detail
