// Human and machine output of CLI commands.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace citydata::cli {

enum class OutputFormat { kTable, kJson, kCsv };

// Display width of UTF-8 text in a terminal: CJK and full-width characters count 2.
size_t DisplayWidth(std::string_view text);

// A cell's text: strings as they are, null as "", other JSON compactly.
std::string CellText(const nlohmann::json& value);

// Prints rows as an aligned table (CJK aware) or as CSV.
void PrintRows(const std::vector<std::string>& headers,
               const std::vector<std::vector<std::string>>& rows, OutputFormat format);

// Prints key/value lines aligned on the keys.
void PrintFields(const std::vector<std::pair<std::string, std::string>>& fields);

// A one-line progress bar on stderr, redrawn in place; only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  void Update(uint64_t done, uint64_t total);
  void Finish();

 private:
  std::string label_;
  bool enabled_;
  int last_permille_ = -1;
};

}  // namespace citydata::cli
