// The core's own exp and log (issue 26, item 2: BGNBD.PALIVE's column path).
//
// Why not libm: glibc's scalar exp/log were 38 % of a million PALIVE rows,
// one call per value that GCC cannot vectorise; and libm's last bits differ
// between glibc, mingw/UCRT and Apple's libm anyway. Why not SLEEF (Debian's
// libsleef-dev): the mingw and arm64 cross builds have no package of it, and
// its vector functions give different bits per ISA unless its deterministic
// variants are used. These are fdlibm's algorithms (e_exp.c, e_log.c: < 1 ulp)
// written without branches, tables or int/double conversions: only IEEE
// double operations and 64-bit bit operations that SSE2, AVX2 and AVX-512
// all have, so that GCC vectorises a loop calling them (column.cpp's
// target_clones), and every version — the vector loops, the scalar per-call
// path, x86-64, arm64, Windows — computes the same bits (no FMA:
// -ffp-contract=off everywhere, and no -ffast-math). tests/unit/vecmath_test.cpp
// measures them against long double on a wide sample and at the edges.
#pragma once

#include <bit>
#include <cfloat>
#include <cstdint>
#include <limits>

namespace kpi::vecmath {

namespace detail {
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000: k * kLn2Hi is exact for |k| < 2^20
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kRound = 6755399441055744.0;  // 1.5 * 2^52: v + kRound - kRound is v rounded to a whole number
inline double bits(std::uint64_t u) { return std::bit_cast<double>(u); }
inline std::uint64_t bits(double d) { return std::bit_cast<std::uint64_t>(d); }
// 2^k for a whole k in [-1022, 1023] given as a double: k + 1023 lands in
// the low mantissa bits of k + 1023 + kRound, and the shift moves it into
// the exponent field (no double-to-integer conversion, which SSE2 lacks).
inline double pow2(double k) { return bits(bits(k + (kRound + 1023.0)) << 52); }
}  // namespace detail

// e^x, fdlibm's e_exp.c: x = k ln2 + r, |r| <= ln2/2, e^r from a rational
// form of a degree-5 polynomial, then times 2^k in two steps (each a power
// of two that is a normal double; the second rounds once when the result is
// subnormal). Inputs are clamped to +-1000 first (beyond, the result is
// 0 or inf anyway): NaN gives NaN.
inline double exp(double x) {
    using namespace detail;
    const double xc = x > 1000.0 ? 1000.0 : (x < -1000.0 ? -1000.0 : x);
    const double k = (xc * 1.44269504088896338700e+00 + kRound) - kRound;
    const double hi = xc - k * kLn2Hi, lo = k * kLn2Lo, r = hi - lo;
    const double t = r * r;
    const double c = r - t * (1.66666666666666019037e-01 +
                              t * (-2.77777777770155933842e-03 +
                                   t * (6.61375632143793436117e-05 +
                                        t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
    const double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    const double k1 = (k * 0.5 + kRound) - kRound, k2 = k - k1;  // |k1|, |k2| <= 722
    const double e = y * pow2(k1) * pow2(k2);
    return x != x ? x : e;
}

// ln x, fdlibm's e_log.c: x = 2^k m with sqrt(2)/2 <= m < sqrt(2), f = m - 1,
// s = f / (2 + f), ln m = 2 atanh s from a degree-14 polynomial in s; its two
// final forms (the second for m near 0.7, where it keeps more digits) are
// both computed and one selected. Subnormals are scaled by 2^54 first.
// 0 gives -inf, +inf inf, a negative number or NaN a NaN.
inline double log(double x) {
    using namespace detail;
    const bool tiny = x < DBL_MIN;
    const std::uint64_t u = bits(tiny ? x * 18014398509481984.0 : x);
    const std::uint64_t hx = (u >> 32) & 0x000fffff;                 // the mantissa's high 20 bits
    const std::uint64_t i = (hx + 0x95f64) & 0x100000;                // set when the mantissa is >= sqrt(2)
    const double m = bits(((hx | (i ^ 0x3ff00000)) << 32) | (u & 0xffffffff));  // x's mantissa, or half of it
    // k = the exponent (+1 when m was halved), through 2^52 + e - 2^52: exact.
    const double e = bits(UINT64_C(0x4330000000000000) | (((u >> 52) & 0x7ff) + (i >> 20))) - 4503599627370496.0;
    const double k = e - (tiny ? 1077.0 : 1023.0);
    const double f = m - 1.0, s = f / (2.0 + f), z = s * s, w = z * z;
    const double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
    const double t2 = z * (6.666666666666735130e-01 +
                           w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
    const double R = t2 + t1, hfsq = 0.5 * f * f;
    const double near_half = k * kLn2Hi - ((hfsq - (s * (hfsq + R) + k * kLn2Lo)) - f);
    const double other = k * kLn2Hi - ((s * (f - R) - k * kLn2Lo) - f);
    // fdlibm's test on the original mantissa's high bits (0x6147a <= hx <= 0x6b851).
    const double mant = bits((u & UINT64_C(0x000fffffffffffff)) | UINT64_C(0x3ff0000000000000));
    const double v = (mant >= bits(UINT64_C(0x3ff6147a00000000))) & (mant < bits(UINT64_C(0x3ff6b85200000000)))
                         ? near_half
                         : other;
    constexpr double inf = std::numeric_limits<double>::infinity();
    const double special = x == 0.0 ? -inf : (x == inf ? inf : std::numeric_limits<double>::quiet_NaN());
    return (x > 0.0) & (x <= DBL_MAX) ? v : special;
}

// ln(1 + d), d >= 0: ln u for u = 1 + d rounded, corrected by what the
// rounding lost ((d - (u - 1)) / u: d's digits below u's last bit).
inline double log1p(double d) {
    const double u = 1.0 + d;
    const double fix = u <= DBL_MAX ? (d - (u - 1.0)) / u : 0.0;
    return log(u) + fix;
}

}  // namespace kpi::vecmath
