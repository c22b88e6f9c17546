// Issue 27, item 14: whatever range Calc hands over, the core must not
// allocate in proportion to its cells when a sum suffices. Calc already
// holds the range twice by then (24 bytes a cell per copy); the add-in's
// views read it in place, and the amount reader behind KPI.CPL only sums.
// A view computing its cells on the fly (no storage) stands for a range of
// 16,384 columns; every allocation of the process is counted around the call.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "kpi/catalogue.hpp"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Counting replacements of the global allocation functions (this test
// program only). Every form is replaced, the nothrow and array ones too:
// libstdc++ forwards them to the plain one, but a sanitizer runtime has its
// own, and memory from its nothrow new freed by ours is a mismatch
// (std::stable_sort's temporary buffer, under AddressSanitizer).
void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
// GCC cannot tell that these deletes pair with the new above.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace {

using namespace kpi;

// rows x 16,384 cells, blank but for 300 in the first and 100 in the last.
class WideRange final : public ArgView {
public:
    explicit WideRange(std::size_t rows) : rows_(rows) {}
    bool omitted() const override { return false; }
    std::size_t rows() const override { return rows_; }
    std::size_t cols(std::size_t r) const override { return r < rows_ ? kCols : 0; }
    Cell at(std::size_t r, std::size_t c) const override {
        if (r == 0 && c == 0) return Cell::num(300);
        if (r + 1 == rows_ && c + 1 == kCols) return Cell::num(100);
        return Cell::blank();
    }

private:
    static constexpr std::size_t kCols = 16384;
    std::size_t rows_;
};

long allocations_of_cpl(std::size_t rows) {
    const WideRange cost(rows);
    const Grid leads(20.0);
    const FunctionInfo& cpl = *find_name("KPI.CPL");
    const std::vector<const ArgView*> args{&cost, &leads};
    const long before = g_allocations.load();
    const Output out = evaluate(cpl, args);
    const long used = g_allocations.load() - before;
    EXPECT_EQ(out.single().value, 20.0) << rows;  // (300 + 100) / 20
    return used;
}

}  // namespace

TEST(RangeMemory, CplOverAWideRangeAllocatesTheSameForAnySize) {
    find_name("KPI.CPL");  // the catalogue is built once, outside the count
    const long small = allocations_of_cpl(2), large = allocations_of_cpl(2000);  // 32,768 and 32,768,000 cells
    EXPECT_EQ(small, large) << small << " and " << large << " allocations";
    EXPECT_LE(large, 2);  // the result cell, nothing per cell
}
