#include "demo/random.h"

#include <cassert>
#include <numeric>

namespace citydata::demo {
namespace {

// FNV-1a: a fixed, portable hash for stream names (std::hash is not portable).
uint64_t HashName(std::string_view name) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// SplitMix64 finalizer, so that nearby seeds give unrelated engine states.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

Rng::Rng(uint64_t seed, std::string_view stream) : engine_(Mix(seed ^ HashName(stream))) {}

size_t Rng::Weighted(std::span<const int> weights) {
  const int64_t total = std::accumulate(weights.begin(), weights.end(), int64_t{0});
  assert(total > 0);
  int64_t ticket = static_cast<int64_t>(Below(static_cast<uint64_t>(total)));
  for (size_t i = 0; i < weights.size(); ++i) {
    ticket -= weights[i];
    if (ticket < 0) return i;
  }
  return weights.size() - 1;
}

}  // namespace citydata::demo
