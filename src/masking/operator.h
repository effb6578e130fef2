// A masking operator and its parameters, written in policies as a short spec:
//
//   keep                      the value unchanged
//   nullify                   NULL
//   mask                      the category's display form (mask_forms.h)
//   mask:<first>,<last>       keep the first and last characters, e.g. mask:3,4
//   hash                      keyed HMAC-SM3, 64 hex digits (joinable pseudonym)
//   hash:<digits>             the same cut to 16..64 hex digits
//   generalize:city           division code → city      (generalize.h)
//   generalize:province       division code → province
//   generalize:year           date → year
//   generalize:age_band       age → 10-year band
//   generalize:round<N>       numbers (coordinates) rounded to N = 0..8 decimals
//   tokenize                  reversible SM4 token, deterministic (masker.h)
//   encrypt                   SM4 authenticated encryption, randomized
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace citydata::masking {

enum class OperatorKind { kKeep, kNullify, kMask, kHash, kGeneralize, kTokenize, kEncrypt };

enum class Generalization { kCity, kProvince, kYear, kAgeBand, kRound };

struct Operator {
  OperatorKind kind = OperatorKind::kNullify;
  // kMask: whether `first`/`last` are given; otherwise the category's form is used.
  bool explicit_keep = false;
  size_t first = 0;
  size_t last = 0;
  size_t hash_digits = 64;                                // kHash
  Generalization generalization = Generalization::kYear;  // kGeneralize
  size_t decimals = 2;                                    // kGeneralize with kRound

  // Parses a spec as above; InvalidArgument naming the valid forms otherwise.
  static Result<Operator> Parse(std::string_view spec);

  // "mask", "hash", "generalize", ...
  std::string_view Name() const;
  // The canonical spec: Parse(op.ToString()) == op.
  std::string ToString() const;

  friend bool operator==(const Operator&, const Operator&) = default;
};

}  // namespace citydata::masking
