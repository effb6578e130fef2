#include "security/password.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <array>
#include <vector>

namespace citydata::security {
namespace {

constexpr uint32_t kPasses = 2;
constexpr uint32_t kMemoryKiB = 19 * 1024;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kMaxPasswordBytes = 1024;

}  // namespace

Status CheckPasswordStrength(std::string_view password) {
  if (password.size() < 8) return InvalidArgument("a password needs at least 8 characters");
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgument("a password may have at most 1024 bytes");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  std::array<unsigned char, kSaltBytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return Internal("the random number generator failed");
  }
  std::vector<char> encoded(
      argon2_encodedlen(kPasses, kMemoryKiB, kLanes, kSaltBytes, kHashBytes, Argon2_id));
  int rc = argon2id_hash_encoded(kPasses, kMemoryKiB, kLanes, password.data(), password.size(),
                                 salt.data(), salt.size(), kHashBytes, encoded.data(),
                                 encoded.size());
  if (rc != ARGON2_OK) return Internal(std::string("argon2id failed: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  if (!encoded.starts_with("$argon2id$") || password.size() > kMaxPasswordBytes) return false;
  std::string hash(encoded);
  return argon2id_verify(hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace citydata::security
