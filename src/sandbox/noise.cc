#include "sandbox/noise.h"

#include <openssl/rand.h>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace citydata::sandbox {
namespace {

// Uniform in the open interval (0, 1).
Result<double> OpenUniform() {
  uint64_t bits = 0;
  unsigned char bytes[sizeof bits];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Internal("the random generator failed");
  std::memcpy(&bits, bytes, sizeof bits);
  constexpr double kTwo53 = 9007199254740992.0;
  return (static_cast<double>(bits >> 11) + 0.5) / kTwo53;
}

}  // namespace

Result<double> LaplaceNoise(double scale) {
  ASSIGN_OR_RETURN(double u, OpenUniform());
  // Inverse CDF; |u - 0.5| < 0.5 strictly, so the logarithm is finite.
  double centred = u - 0.5;
  double magnitude = -scale * std::log(1.0 - 2.0 * std::fabs(centred));
  return centred < 0 ? -magnitude : magnitude;
}

}  // namespace citydata::sandbox
