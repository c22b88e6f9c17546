// Reads fuzzer bytes as a stream of small decisions and doubles. Running out
// of bytes yields zeros, so every input is a valid (if short) program.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

class FuzzInput {
public:
    FuzzInput(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}

    std::uint8_t byte() { return p_ < end_ ? *p_++ : 0; }
    std::size_t below(std::size_t n) { return n ? byte() % n : 0; }

    // Doubles that matter to spreadsheets: the usual, the extreme and the
    // non-finite, or 8 raw bytes (any bit pattern, NaN payloads included).
    double number() {
        static const double special[] = {
            0.0, -0.0, 1.0, -1.0, 0.5, 9.0, 10.0, 11.0, 45306.0, 1e300, -1e300,
            std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
            std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::min(),
            std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::quiet_NaN(), 1e-308, 1.0 + 1e-15};
        const std::uint8_t how = byte();
        if (how < 128) return special[how % (sizeof special / sizeof special[0])];
        if (how < 192) return static_cast<double>(static_cast<std::int8_t>(byte()));
        std::uint8_t raw[8];
        for (auto& b : raw) b = byte();
        double d;
        std::memcpy(&d, raw, sizeof d);
        return d;
    }

private:
    const std::uint8_t* p_;
    const std::uint8_t* end_;
};
