// HyperLogLog distinct-count sketch (private to catalog).
//
// 2^14 one-byte registers (16 KiB). The estimate uses Ertl's improved raw estimator
// ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), which
// needs no empirical bias tables and stays unbiased from zero to billions, so no
// separate small-range correction is needed. Relative standard error is
// 1.04 / sqrt(2^14) ≈ 0.8%.
//
// REQUIRES: Add() is given well-mixed 64-bit hashes (see sketch_hash.h).
// Not thread-safe; copyable.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/byte_codec.h"

namespace citydata::catalog {

class HyperLogLog {
 public:
  static constexpr int kPrecision = 14;
  static constexpr size_t kRegisters = size_t{1} << kPrecision;
  static constexpr uint8_t kMaxRank = 64 - kPrecision + 1;

  HyperLogLog() : registers_(kRegisters, 0) {}

  void Add(uint64_t hash) {
    size_t index = hash >> (64 - kPrecision);
    uint64_t rest = hash << kPrecision;
    auto rank = static_cast<uint8_t>(rest == 0 ? kMaxRank : std::countl_zero(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }

  void Merge(const HyperLogLog& other) {
    for (size_t i = 0; i < kRegisters; ++i) {
      if (other.registers_[i] > registers_[i]) registers_[i] = other.registers_[i];
    }
  }

  double Estimate() const {
    std::array<int, kMaxRank + 1> histogram{};
    for (uint8_t r : registers_) ++histogram[r];
    constexpr double m = kRegisters;
    double z = m * Tau(1.0 - histogram[kMaxRank] / m);
    for (int k = kMaxRank - 1; k >= 1; --k) z = 0.5 * (z + histogram[k]);
    z += m * Sigma(histogram[0] / m);
    return m * m / (2.0 * std::log(2.0) * z);
  }

  // Writes the registers as kRegisters raw bytes.
  void EncodeTo(ByteEncoder& out) const {
    out.PutRaw({reinterpret_cast<const char*>(registers_.data()), registers_.size()});
  }
  // False when the input is short or a register exceeds kMaxRank.
  bool DecodeFrom(ByteDecoder& in) {
    std::string_view bytes;
    if (!in.GetRaw(kRegisters, &bytes)) return false;
    for (size_t i = 0; i < kRegisters; ++i) {
      registers_[i] = static_cast<uint8_t>(bytes[i]);
      if (registers_[i] > kMaxRank) return in.Fail();
    }
    return true;
  }

 private:
  static double Sigma(double x) {
    if (x == 1.0) return std::numeric_limits<double>::infinity();
    double y = 1.0;
    double z = x;
    for (double previous = -1.0; previous != z; y += y) {
      previous = z;
      x *= x;
      z += x * y;
    }
    return z;
  }

  static double Tau(double x) {
    if (x == 0.0 || x == 1.0) return 0.0;
    double y = 1.0;
    double z = 1.0 - x;
    for (double previous = -1.0; previous != z;) {
      previous = z;
      x = std::sqrt(x);
      y *= 0.5;
      z -= (1.0 - x) * (1.0 - x) * y;
    }
    return z / 3.0;
  }

  std::vector<uint8_t> registers_;
};

}  // namespace citydata::catalog
