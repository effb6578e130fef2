// Applies masking operators to values with the platform's keys.
//
// Formats of the keyed operators (all ASCII, so they survive CSV, JSON and SQL):
//   hash      lower-case hex of HMAC-SM3(hash key, value), 64 digits or the
//             operator's hash_digits (a prefix of the same digest)
//   tokenize  "tk<version>_" + base64url(Sm4SivSeal(token key, value)): the same value
//             gives the same token under one key version, so tokenized columns still
//             join and count; Detokenize reverses it
//   encrypt   "enc<version>_" + base64url(Sm4Seal(encrypt key, value)): a fresh random
//             IV each time; Decrypt reverses it
// The version is the data key version (key_ring.h), so values made before a data key
// rotation still detokenize and decrypt.
//
// Thread safety: immutable after construction; Apply, Detokenize and Decrypt may be
// called from many threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "masking/key_ring.h"
#include "masking/operator.h"

namespace citydata::masking {

class Masker {
 public:
  // `versions`: every data key version, oldest first; the last is used for new values.
  // REQUIRES: !versions.empty(), key sizes as documented on DataKeys.
  explicit Masker(std::vector<DataKeys> versions);

  // `op` applied to `value` of a column of `category` (used by `mask` without explicit
  // first/last to pick the display form). nullopt is SQL NULL: NULL stays NULL, and
  // `nullify` and a value that does not fit a generalization give NULL. Never fails:
  // any bytes are accepted.
  std::optional<std::string> Apply(const Operator& op, std::string_view category,
                                   std::optional<std::string_view> value) const;

  // The value of a token made by `tokenize`. InvalidArgument when `token` is not a
  // token or fails its integrity check (altered, or made by another installation);
  // NotFound when its key version is not in the ring.
  Result<std::string> Detokenize(std::string_view token) const;

  // The same for a ciphertext made by `encrypt`.
  Result<std::string> Decrypt(std::string_view ciphertext) const;

 private:
  std::string Hash(std::string_view value, size_t digits) const;
  std::string Seal(std::string_view value, bool deterministic) const;
  Result<std::string> Open(std::string_view text, bool deterministic) const;

  std::vector<DataKeys> versions_;
};

}  // namespace citydata::masking
