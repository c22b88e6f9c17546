// The core's own exp, log and log1p (kpi/vecmath.hpp) against long double's
// (x86 extended or IEEE quad: 11 or more bits beyond a double's, enough to
// measure errors of a fraction of a double's last place), on a wide random
// sample and at the edges.
#include "kpi/vecmath.hpp"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// |got - want| in units of the last place of the double nearest `want`
// (a subnormal's place is 2^-1074).
double ulps(double got, long double want) {
    const double w = static_cast<double>(want);
    int e = 0;
    std::frexp(w == 0 ? DBL_MIN : w, &e);
    const long double place = std::ldexp(1.0L, std::max(e - 53, -1074));
    return static_cast<double>(std::fabs(static_cast<long double>(got) - want) / place);
}

double from_bits(std::uint64_t u) {
    double d;
    std::memcpy(&d, &u, sizeof d);
    return d;
}

TEST(VecMath, LogIsWithinOneUlpOfEveryPositiveDouble) {
    std::mt19937_64 g(1);
    double worst = 0, at = 0;
    for (int i = 0; i < 1'000'000; ++i) {
        // Any finite positive double, subnormals included: uniform in its bits.
        const double x = from_bits(g() % UINT64_C(0x7ff0000000000000));
        const double e = ulps(kpi::vecmath::log(x), std::log(static_cast<long double>(x)));
        if (e > worst) worst = e, at = x;
    }
    // And near 1, where ln x is small and f = x - 1 matters most.
    for (int i = 0; i < 200'000; ++i) {
        const double x = 1.0 + std::ldexp(std::uniform_real_distribution<double>(-1, 1)(g), -static_cast<int>(g() % 50));
        const double e = ulps(kpi::vecmath::log(x), std::log(static_cast<long double>(x)));
        if (e > worst) worst = e, at = x;
    }
    EXPECT_LE(worst, 1.0) << "at " << at;
}

TEST(VecMath, ExpIsWithinOneUlpFromUnderflowToOverflow) {
    std::mt19937_64 g(2);
    std::uniform_real_distribution<double> u(-745.2, 709.78);  // ln(DBL_MAX) = 709.7827...
    double worst = 0, at = 0;
    for (int i = 0; i < 1'000'000; ++i) {
        const double x = i % 4 == 0 ? std::ldexp(u(g), -static_cast<int>(g() % 60)) : u(g);  // small ones too
        const double e = ulps(kpi::vecmath::exp(x), std::exp(static_cast<long double>(x)));
        if (e > worst) worst = e, at = x;
    }
    EXPECT_LE(worst, 1.0) << "at " << at;
}

TEST(VecMath, Log1pIsWithinTwoUlps) {
    std::mt19937_64 g(3);
    double worst = 0, at = 0;
    for (int i = 0; i < 1'000'000; ++i) {
        const double d = std::ldexp(std::uniform_real_distribution<double>(0, 1)(g), 40 - static_cast<int>(g() % 100));
        const double e = ulps(kpi::vecmath::log1p(d), std::log1p(static_cast<long double>(d)));
        if (e > worst) worst = e, at = d;
    }
    EXPECT_LE(worst, 2.0) << "at " << at;
}

TEST(VecMath, Edges) {
    using kpi::vecmath::exp;
    using kpi::vecmath::log;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(log(0.0), -kInf);
    EXPECT_EQ(log(-0.0), -kInf);
    EXPECT_EQ(log(kInf), kInf);
    EXPECT_TRUE(std::isnan(log(-1.0)));
    EXPECT_TRUE(std::isnan(log(-kInf)));
    EXPECT_TRUE(std::isnan(log(-5e-324)));
    EXPECT_TRUE(std::isnan(log(nan)));
    EXPECT_EQ(std::signbit(log(1.0)), false);
    EXPECT_EQ(log(1.0), 0.0);
    EXPECT_LE(ulps(log(5e-324), std::log(static_cast<long double>(5e-324))), 1.0);  // -744.44..., the smallest subnormal
    EXPECT_LE(ulps(log(DBL_MIN), std::log(static_cast<long double>(DBL_MIN))), 1.0);
    EXPECT_LE(ulps(log(DBL_MAX), std::log(static_cast<long double>(DBL_MAX))), 1.0);
    EXPECT_EQ(log(2.0), 0.6931471805599453);  // ln 2, correctly rounded
    EXPECT_EQ(exp(0.0), 1.0);
    EXPECT_EQ(exp(-0.0), 1.0);
    EXPECT_EQ(exp(5e-324), 1.0);
    EXPECT_EQ(exp(kInf), kInf);
    EXPECT_EQ(exp(-kInf), 0.0);
    EXPECT_TRUE(std::isnan(exp(nan)));
    EXPECT_EQ(exp(1e300), kInf);
    EXPECT_EQ(exp(-1e300), 0.0);
    // ln(DBL_MAX) = 709.782712893383996...: the largest double below it is
    // finite, the next one overflows.
    EXPECT_LE(ulps(exp(709.78271289338397), std::exp(static_cast<long double>(709.78271289338397))), 1.0);
    EXPECT_EQ(exp(709.78271289338409), kInf);
    // Subnormal results: 2^-1074 at ln(2^-1074) = -744.44, 0 below -745.13.
    EXPECT_EQ(exp(-744.44007192138122), 5e-324);
    EXPECT_EQ(exp(-745.14), 0.0);
    EXPECT_LE(ulps(exp(-720.0), std::exp(static_cast<long double>(-720.0))), 1.0);
    EXPECT_EQ(kpi::vecmath::log1p(0.0), 0.0);
    EXPECT_EQ(kpi::vecmath::log1p(1e-300), 1e-300);
    EXPECT_EQ(kpi::vecmath::log1p(kInf), kInf);
}

}  // namespace
