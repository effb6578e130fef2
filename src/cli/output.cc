#include "cli/output.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "core/csv.h"
#include "core/json_util.h"

namespace citydata::cli {
namespace {

// Decodes one UTF-8 code point at s[i], advancing i; invalid bytes count as one.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  if (i + static_cast<size_t>(len) > s.size()) len = 1;
  uint32_t cp = len == 1 ? b : b & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
  i += static_cast<size_t>(len);
  return cp;
}

bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

std::string Pad(const std::string& text, size_t width) {
  size_t w = DisplayWidth(text);
  return text + std::string(width > w ? width - w : 0, ' ');
}

// Keeps table cells on one line and of bounded width.
std::string Clip(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  constexpr size_t kMaxWidth = 48;
  if (DisplayWidth(text) <= kMaxWidth) return text;
  std::string out;
  size_t i = 0, width = 0;
  while (i < text.size()) {
    size_t start = i;
    uint32_t cp = NextCodePoint(text, i);
    width += IsWide(cp) ? 2 : 1;
    if (width > kMaxWidth - 1) break;
    out.append(text, start, i - start);
  }
  return out + "…";
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) width += IsWide(NextCodePoint(text, i)) ? 2 : 1;
  return width;
}

std::string CellText(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return DumpJson(value);
}

void PrintRows(const std::vector<std::string>& headers,
               const std::vector<std::vector<std::string>>& rows, OutputFormat format) {
  if (format == OutputFormat::kCsv) {
    for (size_t i = 0; i < headers.size(); ++i) std::cout << (i ? "," : "") << CsvField(headers[i]);
    std::cout << "\n";
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) std::cout << (i ? "," : "") << CsvField(row[i]);
      std::cout << "\n";
    }
    return;
  }
  std::vector<size_t> widths;
  for (const auto& h : headers) widths.push_back(DisplayWidth(h));
  std::vector<std::vector<std::string>> clipped;
  for (const auto& row : rows) {
    clipped.emplace_back();
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      clipped.back().push_back(Clip(row[i]));
      widths[i] = std::max(widths[i], DisplayWidth(clipped.back().back()));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) out += (i ? "  " : "") + Pad(cells[i], widths[i]);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    std::cout << out << "\n";
  };
  line(headers);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& row : clipped) line(row);
}

void PrintFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [k, v] : fields) width = std::max(width, DisplayWidth(k));
  for (const auto& [k, v] : fields) std::cout << Pad(k, width) << "  " << v << "\n";
}

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), enabled_(::isatty(STDERR_FILENO) != 0) {}

void ProgressBar::Update(uint64_t done, uint64_t total) {
  if (!enabled_ || total == 0) return;
  int permille = static_cast<int>(done * 1000 / total);
  if (permille == last_permille_) return;
  last_permille_ = permille;
  constexpr int kWidth = 30;
  int filled = permille * kWidth / 1000;
  std::fprintf(stderr, "\r%s [%s%s] %5.1f%%  %.1f/%.1f MB", label_.c_str(),
               std::string(static_cast<size_t>(filled), '#').c_str(),
               std::string(static_cast<size_t>(kWidth - filled), ' ').c_str(), permille / 10.0,
               static_cast<double>(done) / 1e6, static_cast<double>(total) / 1e6);
  std::fflush(stderr);
}

void ProgressBar::Finish() {
  if (enabled_ && last_permille_ >= 0) std::fprintf(stderr, "\n");
}

}  // namespace citydata::cli
