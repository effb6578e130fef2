#include "core/csv.h"

namespace citydata {

std::string CsvField(std::string_view text, bool quote_empty) {
  bool quote = (quote_empty && text.empty()) || text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace citydata
