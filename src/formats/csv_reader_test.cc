#include "formats/csv_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "formats/reader_test_util.h"

namespace citydata::formats {
namespace {

using testing::ReadBytesForTest;

std::string ReadCsv(std::string bytes, ReaderOptions options = {}) {
  return ReadBytesForTest(std::move(bytes), options);
}

TEST(CsvReader, QuotedFieldsKeepDelimitersQuotesAndNewlines) {
  EXPECT_EQ(ReadCsv("a,b\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,row\n"),
            "columns: [\"a\",\"b\"]\n"
            "2: [\"x,1\",\"say \\\"hi\\\"\"]\n"
            "3: [\"two\\nlines\",\"z\"]\n"
            "5: [\"last\",\"row\"]\n");
}

TEST(CsvReader, EmptyUnquotedIsNullAndQuotedEmptyIsEmptyString) {
  EXPECT_EQ(ReadCsv("a,b,c\n,\"\",x\n"), "columns: [\"a\",\"b\",\"c\"]\n2: [null,\"\",\"x\"]\n");
}

TEST(CsvReader, SkipsBomAndHandlesCrlfAndBlankLines) {
  EXPECT_EQ(ReadCsv("\xEF\xBB\xBFid,name\r\n1,\"a\"\r\n\r\n\n2,b\r\n"),
            "columns: [\"id\",\"name\"]\n2: [\"1\",\"a\"]\n5: [\"2\",\"b\"]\n");
}

TEST(CsvReader, LastRecordNeedsNoLineBreak) {
  EXPECT_EQ(ReadCsv("a,b\n1,2"), "columns: [\"a\",\"b\"]\n2: [\"1\",\"2\"]\n");
  EXPECT_EQ(ReadCsv("a,b\n1,\"2\""), "columns: [\"a\",\"b\"]\n2: [\"1\",\"2\"]\n");
  EXPECT_EQ(ReadCsv("a,b\n1,"), "columns: [\"a\",\"b\"]\n2: [\"1\",null]\n");
}

TEST(CsvReader, RejectsRowsWithTheWrongFieldCount) {
  EXPECT_EQ(ReadCsv("a,b\n1\n1,2,3\n4,5\n"),
            "columns: [\"a\",\"b\"]\n"
            "2: REJECT expected 2 fields, found 1; raw \"1\"\n"
            "3: REJECT expected 2 fields, found 3; raw \"1,2,3\"\n"
            "4: [\"4\",\"5\"]\n");
}

TEST(CsvReader, RejectsAnUnterminatedQuoteAtTheEnd) {
  EXPECT_EQ(ReadCsv("a,b\n1,2\n3,\"open\nmore"),
            "columns: [\"a\",\"b\"]\n2: [\"1\",\"2\"]\n"
            "3: REJECT a quoted field is never closed (the file ends inside quotes); "
            "raw \"3,\\\"open\\nmore\"\n");
}

TEST(CsvReader, RejectsTextAfterAClosingQuote) {
  std::string out = ReadCsv("a,b\n\"x\"y,2\n3,4\n");
  EXPECT_NE(out.find("2: REJECT field 1 has text after its closing quote"), std::string::npos);
  EXPECT_NE(out.find("3: [\"3\",\"4\"]"), std::string::npos);
}

TEST(CsvReader, QuoteInsideAnUnquotedFieldIsText) {
  EXPECT_EQ(ReadCsv("a\n12\"screen\n"), "columns: [\"a\"]\n2: [\"12\\\"screen\"]\n");
}

TEST(CsvReader, ReadsTsv) {
  ReaderOptions options;
  options.format = InputFormat::kTsv;
  EXPECT_EQ(ReadCsv("a\tb\n\"x\ty\"\t2\n", options),
            "columns: [\"a\",\"b\"]\n2: [\"x\\ty\",\"2\"]\n");
}

TEST(CsvReader, WithoutHeaderNamesColumns) {
  ReaderOptions options;
  options.header = false;
  auto reader = OpenReaderFromSource(MemorySource("1,2\n3,4\n"), options);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->columns(), (std::vector<std::string>{"col_1", "col_2"}));
  EXPECT_EQ(testing::DescribeAllForTest(**reader),
            "columns: [\"col_1\",\"col_2\"]\n1: [\"1\",\"2\"]\n2: [\"3\",\"4\"]\n");
}

TEST(CsvReader, EmptyAndHeaderOnlyFiles) {
  EXPECT_EQ(ReadCsv(""), "columns: []\n");
  EXPECT_EQ(ReadCsv("\xEF\xBB\xBF"), "columns: []\n");
  EXPECT_EQ(ReadCsv("a,b\r\n"), "columns: [\"a\",\"b\"]\n");
}

TEST(CsvReader, RejectsInvalidUtf8NamingTheOffset) {
  ReaderOptions options;
  options.encoding = Encoding::kUtf8;
  EXPECT_EQ(ReadCsv("a,b\nok,\xC3\x28x\n1,2\n", options),
            "columns: [\"a\",\"b\"]\n"
            "2: REJECT bytes 0xC3 0x28 0x78 at byte offset 7 are not valid UTF-8; if the file "
            "is GBK/GB18030, read it with that encoding; raw \"ok,\xEF\xBF\xBD(x\"\n"
            "3: [\"1\",\"2\"]\n");
}

TEST(CsvReader, DetectsAndDecodesGb18030) {
  // "城市,人口\n北京,2189\n" in GB18030.
  std::string gb = "\xB3\xC7\xCA\xD0,\xC8\xCB\xBF\xDA\n\xB1\xB1\xBE\xA9,2189\n";
  auto reader = OpenReaderFromSource(MemorySource(gb), {});
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->encoding(), Encoding::kGb18030);
  EXPECT_EQ(testing::DescribeAllForTest(**reader),
            "columns: [\"城市\",\"人口\"]\n2: [\"北京\",\"2189\"]\n");
}

TEST(CsvReader, RejectsFieldsThatAreNotGb18030) {
  ReaderOptions options;
  options.encoding = Encoding::kGb18030;
  EXPECT_EQ(ReadCsv("a,b\n\"\xB1\xB1\"\"\",\xFF\n", options),
            "columns: [\"a\",\"b\"]\n"
            "2: REJECT field 2: bytes 0xFF at byte offset 11 are not valid GB18030; check the "
            "file's encoding; raw \"\\\"北\\\"\\\"\\\",\xEF\xBF\xBD\"\n");
  EXPECT_EQ(ReadCsv("a\n\"\xB1\xB1\"\"\"\n", options), "columns: [\"a\"]\n2: [\"北\\\"\"]\n");
}

TEST(CsvReader, ExplicitUtf8IsHonoured) {
  ReaderOptions options;
  options.encoding = Encoding::kUtf8;
  auto reader = OpenReaderFromSource(MemorySource("a\n\xB1\xB1\n"), options);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->encoding(), Encoding::kUtf8);
}

TEST(CsvReader, ReadsAFieldOfTenMegabytes) {
  std::string big(10u << 20, 'x');
  auto reader = OpenReaderFromSource(MemorySource("a,b\n1,\"" + big + "\"\n2,3\n"), {});
  ASSERT_TRUE(reader.ok());
  Record record;
  ASSERT_TRUE(*(*reader)->Next(record));
  ASSERT_TRUE(record.error.empty());
  EXPECT_EQ(record.fields[1]->size(), big.size());
  ASSERT_TRUE(*(*reader)->Next(record));
  EXPECT_EQ(record.line, 3);
}

TEST(CsvReader, RejectsAnOversizeFieldAndReadsOn) {
  std::string big(10u << 20, 'x');
  big[5u << 20] = '\n';
  ReaderOptions options;
  options.max_field_bytes = 1u << 20;
  auto reader =
      OpenReaderFromSource(MemorySource("a,b\n1,\"" + big + "\"\n2,3\n4," + big + "\n"), options);
  ASSERT_TRUE(reader.ok());
  Record record;
  ASSERT_TRUE(*(*reader)->Next(record));
  EXPECT_EQ(record.line, 2);
  EXPECT_EQ(record.error, "a field exceeds max_field_bytes (1048576 bytes)");
  EXPECT_EQ(record.raw.size(), 4096u);
  ASSERT_TRUE(*(*reader)->Next(record));
  EXPECT_EQ(record.line, 4);
  EXPECT_EQ(testing::DescribeRecordForTest(record), "4: [\"2\",\"3\"]");
  ASSERT_TRUE(*(*reader)->Next(record));  // unquoted: its embedded line break ends it
  EXPECT_EQ(record.line, 5);
  EXPECT_FALSE(record.error.empty());
  ASSERT_TRUE(*(*reader)->Next(record));
  EXPECT_EQ(record.line, 6);
  EXPECT_FALSE(record.error.empty());
  EXPECT_FALSE(*(*reader)->Next(record));
}

TEST(CsvReader, ChunkBoundariesDoNotChangeTheResult) {
  const std::string inputs[] = {
      "a,b\n\"x,1\",\"say \"\"hi\"\"\"\r\n\"two\r\nlines\",z\n\n1\n\"x\"y,2\n3,\"open",
      "\xEF\xBB\xBFid,名字\r\n1,\"北京\"\r\n2,\xC3\x28\r\n3,\"\"\"\"\r\n",
      "\xB3\xC7\xCA\xD0,b\n\xB1\xB1\xBE\xA9,\"\xB1\xB1\"\"\"\n",
  };
  for (const std::string& input : inputs) {
    for (bool header : {true, false}) {
      ReaderOptions options;
      options.header = header;
      options.max_field_bytes = 6;
      std::string whole = ReadBytesForTest(input, options);
      for (size_t max_read : {1, 2, 3, 7}) {
        EXPECT_EQ(ReadBytesForTest(input, options, max_read), whole)
            << "max_read " << max_read << " input " << input;
      }
    }
  }
}

TEST(CsvReader, CountsBytesRead) {
  std::string input =
      "\xEF\xBB\xBF"
      "a,b\n1,2\n";
  auto reader = OpenReaderFromSource(MemorySource(input), {});
  ASSERT_TRUE(reader.ok());
  Record record;
  while (*(*reader)->Next(record)) {
  }
  EXPECT_EQ((*reader)->bytes_read(), input.size());
}

TEST(OpenReader, ReportsMissingFilesAsNotFound) {
  auto reader = OpenReader("/nonexistent/file.csv", {});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), ErrorCode::kNotFound);
}

TEST(OpenReader, ReadsAFile) {
  std::string path = ::testing::TempDir() + "open_reader_test.csv";
  std::ofstream(path) << "a\n1\n";
  auto reader = OpenReader(path, {});
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(testing::DescribeAllForTest(**reader), "columns: [\"a\"]\n2: [\"1\"]\n");
  std::remove(path.c_str());
}

TEST(Names, FormatsAndEncodings) {
  EXPECT_EQ(*InputFormatFromPath("/x/Data.CSV"), InputFormat::kCsv);
  EXPECT_EQ(*InputFormatFromPath("a.tab"), InputFormat::kTsv);
  EXPECT_EQ(*InputFormatFromPath("a.jsonl"), InputFormat::kNdjson);
  EXPECT_EQ(*InputFormatFromPath("a.json"), InputFormat::kJson);
  EXPECT_FALSE(InputFormatFromPath("dir.csv/file").ok());
  EXPECT_EQ(*ParseInputFormat("TSV"), InputFormat::kTsv);
  EXPECT_FALSE(ParseInputFormat("xlsx").ok());
  EXPECT_EQ(*ParseEncoding("GBK"), Encoding::kGb18030);
  EXPECT_EQ(*ParseEncoding("utf8"), Encoding::kUtf8);
  EXPECT_FALSE(ParseEncoding("latin1").ok());
  EXPECT_EQ(EncodingName(Encoding::kGb18030), "gb18030");
  EXPECT_EQ(InputFormatName(InputFormat::kNdjson), "ndjson");
}

TEST(OpenReader, RefusesUtf16) {
  auto reader = OpenReaderFromSource(MemorySource("\xFF\xFE"
                                                  "a\0"),
                                     {});
  EXPECT_FALSE(reader.ok());
}

}  // namespace
}  // namespace citydata::formats
