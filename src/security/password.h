// Password hashing with Argon2id (RFC 9106), the memory-hard function the issue and
// PRODUCT.md require. Hashes are stored in the self-describing encoded form
// ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"), so raising the cost later only
// affects new hashes and old ones still verify.
//
// Thread safety: the functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace citydata::security {

// InvalidArgument unless the password has 8..1024 bytes; says what is required.
Status CheckPasswordStrength(std::string_view password);

// The Argon2id hash of `password` with a fresh random salt (OWASP's parameters:
// 19 MiB, 2 passes, 1 lane), in encoded form. Internal on a library failure.
Result<std::string> HashPassword(std::string_view password);

// True when `password` matches `encoded`; false for a mismatch or a malformed hash.
bool VerifyPassword(std::string_view encoded, std::string_view password);

}  // namespace citydata::security
