// National (SM3) and general cryptographic primitives over OpenSSL 3.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace citydata::security {

// SM3 digest (GB/T 32905) of `data` as 64 lower-case hex digits.
// SM3("abc") = 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0.
std::string Sm3Hex(std::string_view data);

// `bytes` bytes from the OpenSSL CSPRNG as lower-case hex.
std::string RandomHex(size_t bytes);

// Compares in time independent of where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace citydata::security
