#include "demo/city_generator.h"

#include <gtest/gtest.h>
#include <iconv.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>

#include "standards/national_ids.h"

namespace citydata::demo {
namespace {

namespace fs = std::filesystem;
namespace chr = std::chrono;

constexpr chr::year_month_day kToday{chr::year{2026}, chr::November, chr::day{15}};

using Record = std::vector<std::string>;

fs::path TempDir(const std::string& name) {
  return fs::temp_directory_path() /
         ("citydata_demo_test_" + std::to_string(getpid()) + "_" + name);
}

std::string ReadFile(const std::string& path) {
  std::string bytes(fs::file_size(path), '\0');
  std::FILE* file = std::fopen(path.c_str(), "rb");
  EXPECT_NE(file, nullptr) << path;
  if (file == nullptr) return "";
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file));
  std::fclose(file);
  return bytes;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const size_t len = lead < 0x80         ? 1
                       : (lead >> 5) == 6  ? 2
                       : (lead >> 4) == 14 ? 3
                       : (lead >> 3) == 30 ? 4
                                           : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += len;
  }
  return true;
}

std::string Gb18030ToUtf8(std::string in) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  std::string out(in.size() * 2 + 16, '\0');
  char* src = in.data();
  size_t src_left = in.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  const size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
  iconv_close(cd);
  EXPECT_NE(rc, static_cast<size_t>(-1));
  out.resize(out.size() - dst_left);
  return out;
}

// A small RFC 4180 reader, independent of the writer under test.
std::vector<Record> ParseCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Record> records;
  Record record;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  return records;
}

std::vector<Record> ReadCsv(const DemoDataset& d) {
  std::string bytes = ReadFile(d.file);
  return ParseCsv(d.encoding == "gb18030" ? Gb18030ToUtf8(std::move(bytes)) : bytes);
}

class CityGeneratorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(TempDir("shared"));
    Result<DemoCity> generated = GenerateCity({.persons = 3000, .out_dir = dir_->string()});
    ASSERT_TRUE(generated.ok()) << generated.status().ToString();
    city_ = new DemoCity(std::move(*generated));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete city_;
    delete dir_;
  }

  static const DemoDataset& Dataset(std::string_view name) {
    for (const DemoDataset& d : city_->datasets) {
      if (d.dataset == name) return d;
    }
    ADD_FAILURE() << "no dataset " << name;
    return city_->datasets.front();
  }

  // Share of non-header rows whose `column` passes `valid`.
  static double ValidShare(const DemoDataset& d, size_t column,
                           const std::function<bool(const std::string&)>& valid) {
    const std::vector<Record> records = ReadCsv(d);
    size_t good = 0;
    for (size_t i = 1; i < records.size(); ++i) good += valid(records[i][column]) ? 1 : 0;
    return static_cast<double>(good) / static_cast<double>(records.size() - 1);
  }

  static fs::path* dir_;
  static DemoCity* city_;
};

fs::path* CityGeneratorTest::dir_ = nullptr;
DemoCity* CityGeneratorTest::city_ = nullptr;

TEST_F(CityGeneratorTest, DescribesDepartmentsAndDatasets) {
  EXPECT_EQ(city_->departments.size(), 7u);
  ASSERT_EQ(city_->datasets.size(), 8u);
  for (const DemoDataset& d : city_->datasets) {
    EXPECT_TRUE(fs::path(d.file).is_absolute()) << d.file;
    EXPECT_TRUE(fs::exists(d.file)) << d.file;
    EXPECT_FALSE(d.dept_name.empty()) << d.dataset;
    EXPECT_FALSE(d.title.empty()) << d.dataset;
    EXPECT_GT(d.rows, 0) << d.dataset;
  }
  EXPECT_EQ(Dataset("household_registry").encoding, "gb18030");
  EXPECT_EQ(Dataset("household_registry").dept_name, "杭州市公安局");
  EXPECT_EQ(Dataset("vaccinations").format, "ndjson");
  EXPECT_EQ(Dataset("traffic_counts").format, "json");
}

TEST_F(CityGeneratorTest, CsvRowCountsMatchAndEveryRecordHasTheHeaderWidth) {
  for (const DemoDataset& d : city_->datasets) {
    if (d.format != "csv") continue;
    const std::vector<Record> records = ReadCsv(d);
    ASSERT_FALSE(records.empty()) << d.dataset;
    EXPECT_EQ(static_cast<int64_t>(records.size()) - 1, d.rows) << d.dataset;
    for (const Record& r : records) ASSERT_EQ(r.size(), records.front().size()) << d.dataset;
  }
}

TEST_F(CityGeneratorTest, JsonRowCountsMatch) {
  const DemoDataset& ndjson = Dataset("vaccinations");
  const std::string lines = ReadFile(ndjson.file);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), ndjson.rows);
  const DemoDataset& json = Dataset("traffic_counts");
  const std::string array = ReadFile(json.file);
  EXPECT_EQ(array.substr(0, 2), "[\n");
  EXPECT_EQ(array.substr(array.size() - 3), "\n]\n");
  EXPECT_EQ(std::count(array.begin(), array.end(), '{'), json.rows);
}

TEST_F(CityGeneratorTest, HouseholdIdNumbersMostlyValidate) {
  const double share = ValidShare(Dataset("household_registry"), 1, [](const std::string& id) {
    return standards::ValidateIdNumber(id, kToday).ok();
  });
  EXPECT_GE(share, 0.95);
  EXPECT_LT(share, 1.0);
}

TEST_F(CityGeneratorTest, CreditCodesMostlyValidate) {
  const DemoDataset& enterprises = Dataset("enterprise_registry");
  const double share = ValidShare(enterprises, 0, [](const std::string& code) {
    return standards::ValidateCreditCode(code).ok();
  });
  EXPECT_GE(share, 0.95);
  EXPECT_LT(share, 1.0);
  const double org_share = ValidShare(enterprises, 0, [](const std::string& code) {
    return standards::IsValidOrganizationCode(code.substr(8, 9));
  });
  EXPECT_GE(org_share, 0.98);
}

// ^1[3-9][0-9]{9}$ (std::regex trips GCC 12 warnings in some build types).
bool IsMobile(const std::string& p) {
  return p.size() == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' &&
         std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
}

TEST_F(CityGeneratorTest, PhonesMostlyMatchTheMobilePattern) {
  const double share = ValidShare(Dataset("household_registry"), 6, IsMobile);
  EXPECT_GE(share, 0.93);
  EXPECT_LT(share, 1.0);
}

TEST_F(CityGeneratorTest, Gb18030FilesAreNotUtf8) {
  const std::string bytes = ReadFile(Dataset("household_registry").file);
  EXPECT_FALSE(IsValidUtf8(bytes));
  EXPECT_TRUE(IsValidUtf8(Gb18030ToUtf8(bytes)));
  EXPECT_NE(Gb18030ToUtf8(bytes).find("身份证号"), std::string::npos);
  EXPECT_TRUE(IsValidUtf8(ReadFile(Dataset("enterprise_registry").file)));
}

TEST_F(CityGeneratorTest, SeedsDefectsAcrossDepartments) {
  const std::vector<Record> marriages = ReadCsv(Dataset("marriage_registrations"));
  std::map<std::string, int> date_shapes;
  for (size_t i = 1; i < marriages.size(); ++i) {
    const std::string& date = marriages[i][5];
    const bool iso = date.size() == 10 && date[4] == '-';
    ++date_shapes[iso ? "iso" : date.find('/') != std::string::npos ? "slash" : "other"];
  }
  EXPECT_GT(date_shapes["iso"], date_shapes["slash"] + date_shapes["other"]);
  EXPECT_GT(date_shapes["slash"], 0);
  EXPECT_GT(date_shapes["other"], 0);
}

TEST(GenerateCity, IsDeterministic) {
  const fs::path a = TempDir("a");
  const fs::path b = TempDir("b");
  Result<DemoCity> first = GenerateCity({.persons = 1000, .seed = 7, .out_dir = a.string()});
  Result<DemoCity> second = GenerateCity({.persons = 1000, .seed = 7, .out_dir = b.string()});
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->datasets.size(), second->datasets.size());
  for (size_t i = 0; i < first->datasets.size(); ++i) {
    EXPECT_EQ(first->datasets[i].rows, second->datasets[i].rows);
    EXPECT_EQ(ReadFile(first->datasets[i].file), ReadFile(second->datasets[i].file))
        << first->datasets[i].dataset;
  }
  Result<DemoCity> other = GenerateCity({.persons = 1000, .seed = 8, .out_dir = b.string()});
  ASSERT_TRUE(other.ok());
  EXPECT_NE(ReadFile(first->datasets[0].file), ReadFile(other->datasets[0].file));
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(GenerateCity, RejectsBadOptions) {
  EXPECT_EQ(GenerateCity({.persons = 0, .out_dir = "/tmp/x"}).status().code(),
            ErrorCode::kInvalidArgument);
  CityOptions no_dir;
  no_dir.persons = 10;
  EXPECT_EQ(GenerateCity(no_dir).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(GenerateCity({.persons = 10, .out_dir = "/proc/citydata_demo"}).status().code(),
            ErrorCode::kInternal);
}

}  // namespace
}  // namespace citydata::demo
