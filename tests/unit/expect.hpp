// The unit tests' shared assertions on a Result: a value to 1e-12 relative
// (or the tolerance given), or an error kind.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "kpi/result.hpp"

inline void expect_value(const kpi::Result& r, double expected, double rel = 1e-12) {
    ASSERT_TRUE(r.ok()) << "error " << kpi::error_name(r.error);
    EXPECT_NEAR(r.value, expected, rel * std::max(1.0, std::fabs(expected)));
}
inline void expect_error(const kpi::Result& r, kpi::Error e) {
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error, e) << "got " << kpi::error_name(r.error) << " value " << r.value;
}
