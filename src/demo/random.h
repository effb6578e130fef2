// Deterministic random numbers for the demo generator.
//
// The generator promises byte-identical output for the same seed on every platform,
// so it uses std::mt19937_64 (whose sequence the standard fixes) and maps its output
// with the simple functions below instead of std::*_distribution, whose algorithms
// are left to each standard library.
//
// Not thread-safe: one Rng per thread of generation.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string_view>

namespace citydata::demo {

class Rng {
 public:
  // An independent sequence per (seed, stream name), so that adding a dataset or
  // drawing more numbers for one file leaves every other file unchanged.
  Rng(uint64_t seed, std::string_view stream);

  // Uniform in [0, n). REQUIRES: n > 0. Plain modulo: the bias, below n / 2^64, does
  // not matter for synthetic data.
  uint64_t Below(uint64_t n) { return engine_() % n; }

  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1), from the top 53 bits.
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // True with probability p.
  bool Chance(double p) { return Unit() < p; }

  // REQUIRES: !items.empty().
  template <typename T>
  const T& Pick(std::span<const T> items) {
    return items[Below(items.size())];
  }

  // An index into `weights`, each drawn with probability weight / sum.
  // REQUIRES: a positive sum.
  size_t Weighted(std::span<const int> weights);

 private:
  std::mt19937_64 engine_;
};

}  // namespace citydata::demo
