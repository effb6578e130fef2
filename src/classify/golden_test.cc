// Golden classification cases: testdata/*.case, one column per file.
//
//   # what the case shows
//   column: <column name>
//   expect: <category id>
//   confidence: >= 0.9        (optional; or <= 0.3)
//   embedded: mobile id_card  (optional; the exact set of embedded categories,
//                              none when the line is absent)
//   ---
//   one value per line
//
// Values may contain templates that the test completes with the check functions of
// src/standards, so no check character is a hand-made guess:
//   {id:<17 digits>}     the ID number with its check character
//   {id-bad:<17 digits>} the same with a wrong check character
//   {uscc:<17 chars>}, {uscc-bad:<17 chars>}   likewise for credit codes
//   {luhn:<digits>}, {luhn-bad:<digits>}       a digit appended that passes / fails Luhn
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "classify/classifier.h"
#include "standards/national_ids.h"

namespace citydata::classify {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  std::string file;
  std::string column;
  std::string expect;
  std::string confidence;  // e.g. ">= 0.9", or empty
  std::set<std::string> embedded;
  std::vector<std::string> values;
};

// A character from `alphabet` other than `right`.
char WrongCharacter(char right, std::string_view alphabet) {
  return alphabet[(alphabet.find(right) + 1) % alphabet.size()];
}

char LuhnDigit(const std::string& body) {
  for (char d = '0'; d <= '9'; ++d) {
    if (standards::PassesLuhn(body + d)) return d;
  }
  ADD_FAILURE() << "no Luhn digit for " << body;
  return '0';
}

std::string Complete(const std::string& kind, const std::string& body) {
  bool bad = kind.ends_with("-bad");
  char check = '?';
  std::string_view alphabet = "0123456789";
  if (kind.starts_with("id")) {
    Result<char> c = standards::IdCheckCharacter(body);
    EXPECT_TRUE(c.ok()) << body;
    check = c.ok() ? *c : '0';
    alphabet = "0123456789X";
  } else if (kind.starts_with("uscc")) {
    Result<char> c = standards::CreditCodeCheckCharacter(body);
    EXPECT_TRUE(c.ok()) << body;
    check = c.ok() ? *c : '0';
    alphabet = standards::kCreditCodeAlphabet;
  } else if (kind.starts_with("luhn")) {
    check = LuhnDigit(body);
  } else {
    ADD_FAILURE() << "unknown template {" << kind << ":...}";
  }
  return body + (bad ? WrongCharacter(check, alphabet) : check);
}

std::string ExpandTemplates(const std::string& line) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = line.find('{', pos);
    size_t colon = line.find(':', open);
    size_t close = line.find('}', open);
    if (open == std::string::npos || colon == std::string::npos || close == std::string::npos)
      break;
    out += line.substr(pos, open - pos);
    out += Complete(line.substr(open + 1, colon - open - 1),
                    line.substr(colon + 1, close - colon - 1));
    pos = close + 1;
  }
  return out + line.substr(pos);
}

void ReadHeader(const std::string& line, GoldenCase& c) {
  size_t colon = line.find(": ");
  std::string key = line.substr(0, colon),
              value = colon == std::string::npos ? "" : line.substr(colon + 2);
  if (key == "column")
    c.column = value;
  else if (key == "expect")
    c.expect = value;
  else if (key == "confidence")
    c.confidence = value;
  else if (key == "embedded") {
    std::istringstream words(value);
    for (std::string word; words >> word;) c.embedded.insert(word);
  } else {
    ADD_FAILURE() << c.file << ": unknown header line '" << line << "'";
  }
}

GoldenCase ReadCase(const fs::path& path) {
  GoldenCase c;
  c.file = path.filename().string();
  std::ifstream in(path);
  bool in_values = false;
  for (std::string line; std::getline(in, line);) {
    if (in_values)
      c.values.push_back(ExpandTemplates(line));
    else if (line == "---")
      in_values = true;
    else if (!line.empty() && line[0] != '#')
      ReadHeader(line, c);
  }
  return c;
}

std::vector<GoldenCase> ReadCases() {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(CITYDATA_TESTDATA_DIR)) {
    if (entry.path().extension() == ".case") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<GoldenCase> cases;
  for (const fs::path& path : paths) cases.push_back(ReadCase(path));
  return cases;
}

void ExpectConfidence(const GoldenCase& c, double confidence) {
  if (c.confidence.empty()) return;
  double bound = std::stod(c.confidence.substr(3));
  if (c.confidence.starts_with(">="))
    EXPECT_GE(confidence, bound) << c.file;
  else if (c.confidence.starts_with("<="))
    EXPECT_LE(confidence, bound) << c.file;
  else
    ADD_FAILURE() << c.file << ": confidence must be '>= x' or '<= x'";
}

TEST(ClassifyGolden, EveryCase) {
  Result<std::unique_ptr<Classifier>> classifier = Classifier::Create();
  ASSERT_TRUE(classifier.ok()) << classifier.status().ToString();
  std::vector<GoldenCase> cases = ReadCases();
  ASSERT_GE(cases.size(), 40u);
  for (const GoldenCase& c : cases) {
    std::vector<std::string_view> values(c.values.begin(), c.values.end());
    ColumnClassification got = (*classifier)->ClassifyColumn(c.column, values);
    EXPECT_EQ(got.category, c.expect) << c.file << " (confidence " << got.confidence << ")";
    ExpectConfidence(c, got.confidence);
    std::set<std::string> embedded;
    for (const EmbeddedCategory& e : got.embedded) embedded.insert(e.category);
    EXPECT_EQ(embedded, c.embedded) << c.file;
  }
}

}  // namespace
}  // namespace citydata::classify
