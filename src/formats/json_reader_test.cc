#include "formats/json_reader.h"

#include <gtest/gtest.h>

#include "formats/reader_test_util.h"

namespace citydata::formats {
namespace {

using testing::ReadBytesForTest;

ReaderOptions Json(std::vector<std::string> columns = {}) {
  ReaderOptions options;
  options.format = InputFormat::kJson;
  options.json_columns = std::move(columns);
  return options;
}

ReaderOptions Ndjson() {
  ReaderOptions options;
  options.format = InputFormat::kNdjson;
  return options;
}

TEST(JsonReader, DiscoversColumnsInOrderOfFirstAppearance) {
  EXPECT_EQ(
      ReadBytesForTest("[\n {\"a\": 1, \"b\": \"x\"},\n {\"c\": true, \"a\": null}\n]\n", Json()),
      "columns: [\"a\",\"b\",\"c\"]\n"
      "2: [\"1\",\"x\"]\n"
      "3: [null,null,\"true\"]\n");
}

TEST(JsonReader, FixedColumnsArePositional) {
  EXPECT_EQ(
      ReadBytesForTest("[{\"b\": 2, \"z\": 9, \"a\": \"s\"}, {\"a\": false}]", Json({"a", "b"})),
      "columns: [\"a\",\"b\"]\n1: [\"s\",\"2\"]\n1: [\"false\",null]\n");
}

TEST(JsonReader, KeepsNumbersAsWrittenAndNestedValuesAsCompactJson) {
  EXPECT_EQ(
      ReadBytesForTest(
          "[{\"n\": 3.50, \"big\": 123456789012345678901234, \"e\": 1E3, \"i\": -7,"
          " \"o\": {\"k\": [1, 2.0, \"t\\\"x\", null, {}], \"m\": {\"x\": false}}, \"s\": \"\"}]",
          Json()),
      "columns: [\"n\",\"big\",\"e\",\"i\",\"o\",\"s\"]\n"
      "1: [\"3.50\",\"123456789012345678901234\",\"1E3\",\"-7\","
      "\"{\\\"k\\\":[1,2.0,\\\"t\\\\\\\"x\\\",null,{}],\\\"m\\\":{\\\"x\\\":false}}\",\"\"]\n");
}

TEST(JsonReader, RejectsElementsThatAreNotObjectsOrMalformed) {
  std::string out =
      ReadBytesForTest("[{\"a\":1},\n 5,\n [1],\n \"s\",\n {\"a\": tru},\n {\"a\":2}]", Json());
  EXPECT_EQ(out,
            "columns: [\"a\"]\n"
            "1: [\"1\"]\n"
            "2: REJECT the element is a JSON scalar, not an object; raw \"5\"\n"
            "3: REJECT the element is a JSON array, not an object; raw \"[1]\"\n"
            "4: REJECT the element is a JSON string, not an object; raw \"\\\"s\\\"\"\n"
            "5: REJECT malformed JSON: parse error at line 1, column 10: syntax error while "
            "parsing value - invalid literal; last read: '\"a\": tru}'; raw \"{\\\"a\\\": tru}\"\n"
            "6: [\"2\"]\n");
}

TEST(JsonReader, RejectedElementsAddNoColumns) {
  EXPECT_EQ(ReadBytesForTest("[{\"a\":1, \"b\": }, {\"c\": 1}]", Json()).substr(0, 18),
            "columns: [\"c\"]\n1: ");
}

TEST(JsonReader, TopLevelMustBeAnArray) {
  std::string out = ReadBytesForTest("{\"a\": 1}", Json());
  EXPECT_EQ(out.rfind("OPEN ERROR invalid_argument: the file does not start with a JSON array", 0),
            0u)
      << out;
  EXPECT_EQ(ReadBytesForTest("", Json()), "columns: []\n");
  EXPECT_EQ(ReadBytesForTest(" [ ] ", Json()), "columns: []\n");
}

TEST(JsonReader, BrokenArraysFailTheFile) {
  EXPECT_EQ(ReadBytesForTest("[{\"a\":1} {\"a\":2}]", Json()),
            "columns: [\"a\"]\n1: [\"1\"]\n"
            "ERROR invalid_argument: line 1: expected ',' or ']' after an array element\n");
  EXPECT_EQ(ReadBytesForTest("[{\"a\":1},\n", Json()),
            "columns: [\"a\"]\n1: [\"1\"]\nERROR invalid_argument: line 2: the file ends before "
            "the array's closing ']'; is it cut short?\n");
  EXPECT_EQ(ReadBytesForTest("[{\"a\":1}] x", Json()),
            "columns: [\"a\"]\n1: [\"1\"]\n"
            "ERROR invalid_argument: line 1: unexpected text after the array's closing ']'\n");
  EXPECT_EQ(ReadBytesForTest("[{\"a\":\"1]}", Json()),
            "columns: []\n1: REJECT the element is never closed (the file ends inside it); "
            "raw \"{\\\"a\\\":\\\"1]}\"\n");
}

TEST(JsonReader, OversizeElementsAreRejectedAndSkipped) {
  ReaderOptions options = Json();
  options.max_field_bytes = 16;
  EXPECT_EQ(ReadBytesForTest("[{\"a\": \"0123456789abcdef\"},\n{\"a\": \"x\"}]", options),
            "columns: [\"a\"]\n"
            "1: REJECT the element exceeds max_field_bytes (16 bytes); raw \"{\\\"a\\\": "
            "\\\"012345678\"\n"
            "2: [\"x\"]\n");
}

TEST(NdjsonReader, ReadsOneObjectPerLine) {
  EXPECT_EQ(ReadBytesForTest(
                "{\"a\": 1}\r\n\n  \n{\"b\": [1, {\"c\": null}]}\nnot json\n{\"a\": 2}", Ndjson()),
            "columns: [\"a\",\"b\"]\n"
            "1: [\"1\"]\n"
            "4: [null,\"[1,{\\\"c\\\":null}]\"]\n"
            "5: REJECT malformed JSON: parse error at line 1, column 2: syntax error while "
            "parsing value - invalid literal; last read: 'no'; raw \"not json\"\n"
            "6: [\"2\",null]\n");
}

TEST(NdjsonReader, RejectsInvalidUtf8AndLongLines) {
  ReaderOptions options = Ndjson();
  options.encoding = Encoding::kUtf8;
  options.max_field_bytes = 12;
  EXPECT_EQ(
      ReadBytesForTest("{\"a\": \"\xC3\x28\"}\n{\"a\": \"long line here\"}\n{\"a\": 1}\n", options),
      "columns: [\"a\"]\n"
      "1: REJECT bytes 0xC3 0x28 0x22 at byte offset 7 are not valid UTF-8; if the file is "
      "GBK/GB18030, read it with that encoding; raw \"{\\\"a\\\": \\\"\xEF\xBF\xBD(\\\"}\"\n"
      "2: REJECT the line exceeds max_field_bytes (12 bytes); raw \"{\\\"a\\\": \\\"long \"\n"
      "3: [\"1\"]\n");
}

TEST(JsonReader, DecodesGb18030) {
  // [{"城市": "北京"}] in GB18030.
  std::string gb = "[{\"\xB3\xC7\xCA\xD0\": \"\xB1\xB1\xBE\xA9\"}]";
  EXPECT_EQ(ReadBytesForTest(gb, Json()), "columns: [\"城市\"]\n1: [\"北京\"]\n");
}

TEST(JsonReader, ChunkBoundariesDoNotChangeTheResult) {
  const std::string inputs[] = {
      "[\n{\"a\": \"x\\\"]}\", \"b\": [1,{\"c\":\"}\"}]},\n 7, \"s\",\n{\"a\": 1.50}\n]",
      "[{\"\xB3\xC7\": \"\xB1\xB1\xBE\xA9\"}, {\"a\": \"012345678901234567\"}]",
  };
  for (const std::string& input : inputs) {
    for (ReaderOptions options : {Json(), Ndjson()}) {
      options.max_field_bytes = 24;
      std::string whole = ReadBytesForTest(input, options);
      for (size_t max_read : {1, 2, 5}) {
        EXPECT_EQ(ReadBytesForTest(input, options, max_read), whole) << input;
      }
    }
  }
}

}  // namespace
}  // namespace citydata::formats
