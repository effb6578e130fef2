// Golden-file tests: every input in testdata/ (.csv .tsv .json .ndjson) is read with
// default options and compared with <name>.expected (format: reader_test_util.h).
// Adding a case is adding those two files; run with CITYDATA_UPDATE_GOLDEN=1 to write
// the .expected files, then review them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "formats/reader_test_util.h"

namespace citydata::formats {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string ReadForGolden(const fs::path& path, size_t max_read) {
  ReaderOptions options;
  options.format = *InputFormatFromPath(path.string());
  return testing::ReadBytesForTest(ReadFile(path), options, max_read);
}

std::vector<fs::path> GoldenInputs() {
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(CITYDATA_TESTDATA_DIR)) {
    if (InputFormatFromPath(entry.path().string()).ok()) inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

TEST(Golden, EveryInputMatchesItsExpectedOutput) {
  const bool update = std::getenv("CITYDATA_UPDATE_GOLDEN") != nullptr;
  std::vector<fs::path> inputs = GoldenInputs();
  EXPECT_GE(inputs.size(), 10u);
  for (const fs::path& input : inputs) {
    SCOPED_TRACE(input.filename().string());
    fs::path expected_path = fs::path(input).replace_extension(".expected");
    std::string actual = ReadForGolden(input, SIZE_MAX);
    if (update) std::ofstream(expected_path, std::ios::binary) << actual;
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
    EXPECT_EQ(actual, ReadFile(expected_path));
    EXPECT_EQ(ReadForGolden(input, 3), actual) << "depends on where reads split the input";
  }
}

}  // namespace
}  // namespace citydata::formats
