#include "masking/masker.h"

#include <cassert>
#include <charconv>
#include <utility>

#include "masking/generalize.h"
#include "masking/mask_forms.h"
#include "security/crypto.h"

namespace citydata::masking {
namespace {

std::string_view PrefixOf(bool deterministic) { return deterministic ? "tk" : "enc"; }
std::string_view WhatOf(bool deterministic) { return deterministic ? "token" : "ciphertext"; }

// "<prefix><version>_<body>": the version and the body, or nullopt.
std::optional<std::pair<int, std::string_view>> SplitPrefixed(std::string_view text,
                                                              std::string_view prefix) {
  if (!text.starts_with(prefix)) return std::nullopt;
  text.remove_prefix(prefix.size());
  size_t underscore = text.find('_');
  if (underscore == std::string_view::npos) return std::nullopt;
  int version = 0;
  const char* end = text.data() + underscore;
  auto [ptr, ec] = std::from_chars(text.data(), end, version);
  if (ec != std::errc() || ptr != end || version < 1) return std::nullopt;
  return std::make_pair(version, text.substr(underscore + 1));
}

std::optional<std::string> Generalize(const Operator& op, std::string_view value) {
  switch (op.generalization) {
    case Generalization::kCity:
      return GeneralizeDivision(value, 4);
    case Generalization::kProvince:
      return GeneralizeDivision(value, 2);
    case Generalization::kYear:
      return GeneralizeYear(value);
    case Generalization::kAgeBand:
      return GeneralizeAgeBand(value);
    case Generalization::kRound:
      return RoundNumbers(value, op.decimals);
  }
  return std::nullopt;
}

}  // namespace

Masker::Masker(std::vector<DataKeys> versions) : versions_(std::move(versions)) {
  assert(!versions_.empty());
}

std::optional<std::string> Masker::Apply(const Operator& op, std::string_view category,
                                         std::optional<std::string_view> value) const {
  if (!value.has_value()) return std::nullopt;
  switch (op.kind) {
    case OperatorKind::kKeep:
      return std::string(*value);
    case OperatorKind::kNullify:
      return std::nullopt;
    case OperatorKind::kMask:
      return op.explicit_keep ? MaskKeep(*value, op.first, op.last)
                              : MaskForCategory(category, *value);
    case OperatorKind::kHash:
      return Hash(*value, op.hash_digits);
    case OperatorKind::kGeneralize:
      return Generalize(op, *value);
    case OperatorKind::kTokenize:
      return Seal(*value, true);
    case OperatorKind::kEncrypt:
      return Seal(*value, false);
  }
  return std::nullopt;
}

Result<std::string> Masker::Detokenize(std::string_view token) const { return Open(token, true); }

Result<std::string> Masker::Decrypt(std::string_view ciphertext) const {
  return Open(ciphertext, false);
}

std::string Masker::Hash(std::string_view value, size_t digits) const {
  unsigned char tag[security::kSm3Bytes];
  security::HmacSm3Into(versions_.back().hash_key, value, tag);
  std::string hex =
      security::HexEncode(std::string_view(reinterpret_cast<const char*>(tag), (digits + 1) / 2));
  hex.resize(digits);
  return hex;
}

std::string Masker::Seal(std::string_view value, bool deterministic) const {
  const DataKeys& keys = versions_.back();
  std::string sealed = deterministic ? security::Sm4SivSeal(keys.token_key, value)
                                     : security::Sm4Seal(keys.encrypt_key, value);
  std::string out(PrefixOf(deterministic));
  out += std::to_string(keys.version);
  out += '_';
  out += security::Base64UrlEncode(sealed);
  return out;
}

Result<std::string> Masker::Open(std::string_view text, bool deterministic) const {
  std::string what(WhatOf(deterministic));
  auto parts = SplitPrefixed(text, PrefixOf(deterministic));
  if (!parts.has_value()) {
    return InvalidArgument("not a citydata " + what + ": expected " +
                           std::string(PrefixOf(deterministic)) + "<key version>_<base64url>");
  }
  auto [version, body] = *parts;
  const DataKeys* keys = nullptr;
  for (const DataKeys& k : versions_) {
    if (k.version == version) keys = &k;
  }
  if (keys == nullptr) {
    return NotFound("the " + what + " was made with data key version " + std::to_string(version) +
                    ", which is not in this installation's key ring");
  }
  auto sealed = security::Base64UrlDecode(body);
  if (!sealed.ok())
    return InvalidArgument("not a citydata " + what + ": " + sealed.status().message());
  auto plain = deterministic ? security::Sm4SivOpen(keys->token_key, *sealed)
                             : security::Sm4Open(keys->encrypt_key, *sealed);
  if (!plain.ok()) return plain.status().WithContext("the " + what + " cannot be opened");
  return plain;
}

}  // namespace citydata::masking
