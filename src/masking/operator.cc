#include "masking/operator.h"

#include <array>
#include <charconv>
#include <utility>

namespace citydata::masking {
namespace {

constexpr std::array<std::pair<OperatorKind, std::string_view>, 7> kKindNames = {{
    {OperatorKind::kKeep, "keep"},
    {OperatorKind::kNullify, "nullify"},
    {OperatorKind::kMask, "mask"},
    {OperatorKind::kHash, "hash"},
    {OperatorKind::kGeneralize, "generalize"},
    {OperatorKind::kTokenize, "tokenize"},
    {OperatorKind::kEncrypt, "encrypt"},
}};

// Indexed by Generalization.
constexpr std::array<std::string_view, 5> kGeneralizationNames = {"city", "province", "year",
                                                                  "age_band", "round"};

constexpr size_t kMaxKeep = 99;
constexpr size_t kMinHashDigits = 16;
constexpr size_t kMaxDecimals = 8;

Status BadSpec(std::string_view spec) {
  return InvalidArgument("invalid masking operator '" + std::string(spec) +
                         "': use keep, nullify, mask, mask:<first>,<last>, hash, hash:<16-64>, "
                         "generalize:city|province|year|age_band|round<0-8>, tokenize or encrypt");
}

// A decimal number in [0, max] spelled exactly (no sign, spaces or leading '+').
bool ParseBounded(std::string_view text, size_t max, size_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return !text.empty() && ec == std::errc() && ptr == end && out <= max;
}

bool ParseMaskArgs(std::string_view args, Operator& op) {
  size_t comma = args.find(',');
  op.explicit_keep = true;
  return comma != std::string_view::npos &&
         ParseBounded(args.substr(0, comma), kMaxKeep, op.first) &&
         ParseBounded(args.substr(comma + 1), kMaxKeep, op.last);
}

bool ParseGeneralization(std::string_view args, Operator& op) {
  if (args.starts_with("round")) {
    op.generalization = Generalization::kRound;
    return ParseBounded(args.substr(5), kMaxDecimals, op.decimals);
  }
  for (size_t i = 0; i < kGeneralizationNames.size(); ++i) {
    if (kGeneralizationNames[i] == args && args != "round") {
      op.generalization = static_cast<Generalization>(i);
      return true;
    }
  }
  return false;
}

bool ParseArgs(bool has_args, std::string_view args, Operator& op) {
  switch (op.kind) {
    case OperatorKind::kMask:
      return !has_args || ParseMaskArgs(args, op);
    case OperatorKind::kHash:
      return !has_args ||
             (ParseBounded(args, 64, op.hash_digits) && op.hash_digits >= kMinHashDigits);
    case OperatorKind::kGeneralize:
      return has_args && ParseGeneralization(args, op);
    default:
      return !has_args;
  }
}

}  // namespace

Result<Operator> Operator::Parse(std::string_view spec) {
  size_t colon = spec.find(':');
  std::string_view name = spec.substr(0, colon);
  std::string_view args = colon == std::string_view::npos ? "" : spec.substr(colon + 1);
  for (const auto& [kind, kind_name] : kKindNames) {
    if (kind_name != name) continue;
    Operator op;
    op.kind = kind;
    if (!ParseArgs(colon != std::string_view::npos, args, op)) return BadSpec(spec);
    return op;
  }
  return BadSpec(spec);
}

std::string_view Operator::Name() const {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "";
}

std::string Operator::ToString() const {
  std::string out(Name());
  if (kind == OperatorKind::kMask && explicit_keep) {
    out += ":" + std::to_string(first) + "," + std::to_string(last);
  } else if (kind == OperatorKind::kHash && hash_digits != 64) {
    out += ":" + std::to_string(hash_digits);
  } else if (kind == OperatorKind::kGeneralize) {
    out += ":";
    out += kGeneralizationNames[static_cast<size_t>(generalization)];
    if (generalization == Generalization::kRound) out += std::to_string(decimals);
  }
  return out;
}

}  // namespace citydata::masking
