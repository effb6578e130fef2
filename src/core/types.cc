#include "core/types.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace citydata {

std::string ValueText(const Value& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
      return ec == std::errc() ? std::string(buf, end) : std::string();
    }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(Visitor{}, v);
}
namespace {

constexpr std::array<std::string_view, 6> kTypeNames = {"integer", "decimal", "boolean",
                                                        "date",    "timestamp", "text"};
constexpr std::array<std::string_view, 4> kZoneNames = {"raw", "std", "fact", "theme"};

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string_view ColumnTypeName(ColumnType type) { return kTypeNames[static_cast<size_t>(type)]; }

Result<ColumnType> ParseColumnType(std::string_view name) {
  for (size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<ColumnType>(i);
  }
  return InvalidArgument("unknown column type '" + std::string(name) +
                         "': use integer, decimal, boolean, date, timestamp or text");
}

std::string_view ZoneName(Zone zone) { return kZoneNames[static_cast<size_t>(zone)]; }

Result<Zone> ParseZone(std::string_view name) {
  for (size_t i = 0; i < kZoneNames.size(); ++i) {
    if (kZoneNames[i] == name) return static_cast<Zone>(i);
  }
  return InvalidArgument("unknown zone '" + std::string(name) + "': use raw, std, fact or theme");
}

std::string DatasetName::ToString() const { return std::string(ZoneName(zone)) + "." + name; }

Status ValidateIdentifier(std::string_view name, std::string_view what) {
  bool ok = !name.empty() && name.size() <= 63 && name[0] >= 'a' && name[0] <= 'z';
  for (char c : name) ok = ok && (IsLowerAlnum(c) || c == '_');
  if (ok && name.starts_with("sqlite_")) {
    return InvalidArgument(std::string(what) + " '" + std::string(name) +
                           "' is reserved: names may not start with sqlite_");
  }
  if (ok) return Status::Ok();
  return InvalidArgument(std::string(what) + " '" + std::string(name) +
                         "' is not valid: use 1-63 lower-case ASCII letters, digits and _, "
                         "starting with a letter (e.g. household_registry)");
}

Result<DatasetName> ParseDatasetName(std::string_view text, std::optional<Zone> default_zone) {
  DatasetName out;
  size_t dot = text.find('.');
  if (dot == std::string_view::npos) {
    if (!default_zone) {
      return InvalidArgument("dataset '" + std::string(text) +
                             "' needs a zone: write it as <zone>.<name>, e.g. raw.household_registry");
    }
    out.zone = *default_zone;
    out.name = std::string(text);
  } else {
    ASSIGN_OR_RETURN(out.zone, ParseZone(text.substr(0, dot)));
    out.name = std::string(text.substr(dot + 1));
  }
  RETURN_IF_ERROR(ValidateIdentifier(out.name, "dataset name"));
  return out;
}

namespace {
std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}
}  // namespace

std::string NormalizeColumnName(std::string_view header, size_t position) {
  std::string out;
  for (char c : header) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '"') continue;
    out += c;
  }
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  auto is_space_at = [&](size_t i) { return out[i] == ' '; };
  while (!out.empty() && is_space_at(0)) out.erase(0, 1);
  while (!out.empty() && is_space_at(out.size() - 1)) out.pop_back();
  while (out.starts_with(kIdeographicSpace)) out.erase(0, kIdeographicSpace.size());
  while (out.ends_with(kIdeographicSpace)) out.resize(out.size() - kIdeographicSpace.size());
  if (out.size() > 128) {
    size_t cut = 128;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  if (out.empty()) return "col_" + std::to_string(position);
  // Engines address rows by these names; a column may not shadow them.
  std::string lower = AsciiLower(out);
  if (lower == "rowid" || lower == "oid" || lower == "_rowid_" || lower == "_row_id") {
    out += "_col";
  }
  return out;
}


void DeduplicateColumnNames(std::vector<std::string>& names) {
  std::vector<std::string> seen;
  for (auto& name : names) {
    std::string candidate = name;
    for (int n = 2; std::find(seen.begin(), seen.end(), AsciiLower(candidate)) != seen.end(); ++n) {
      candidate = name + "_" + std::to_string(n);
    }
    name = candidate;
    seen.push_back(AsciiLower(candidate));
  }
}

}  // namespace citydata
