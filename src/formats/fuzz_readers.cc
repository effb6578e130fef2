// libFuzzer target for the readers. The first two input bytes choose the options
// (format, encoding, header, max_field_bytes, fixed JSON columns); the rest is the file.
// Besides crashes and sanitizer reports it traps when:
//  - a field, column name or raw text is not valid UTF-8, or raw text exceeds 4 KiB;
//  - bytes_read() goes backwards;
//  - the result depends on how reads split the input (whole vs. a few bytes at a time);
//  - a value inferred as type T does not convert to T.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/encoding.h"
#include "formats/input.h"
#include "formats/record_reader.h"
#include "formats/type_inference.h"

namespace citydata::formats {
namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

void CheckValue(std::string_view value) {
  Check(FindInvalidUtf8(value) == kNoInvalidByte);
  TypeInferrer inferrer;
  inferrer.Observe(value);
  Check(ConvertValue(value, inferrer.Result()).has_value());
}

void Describe(const Record& record, std::string& out) {
  out += std::to_string(record.line) + ":" + record.error + "|" + record.raw + "|";
  Check(record.raw.size() <= 4096 && FindInvalidUtf8(record.raw) == kNoInvalidByte);
  for (const auto& field : record.fields) {
    if (!field) {
      out += "N";
      continue;
    }
    CheckValue(*field);
    out += "V" + std::to_string(field->size()) + ":" + std::string(*field);
  }
  out += "\n";
}

std::string ReadAll(const std::string& bytes, const ReaderOptions& options, size_t max_read) {
  auto reader = OpenReaderFromSource(MemorySource(bytes, max_read), options);
  if (!reader.ok()) return "open error: " + reader.status().ToString();
  std::string out;
  Record record;
  uint64_t last_bytes_read = 0;
  while (true) {
    Result<bool> more = (*reader)->Next(record);
    if (!more.ok()) {
      out += "error: " + more.status().ToString();
      break;
    }
    Check((*reader)->bytes_read() >= last_bytes_read);
    last_bytes_read = (*reader)->bytes_read();
    if (!*more) break;
    Describe(record, out);
  }
  for (const std::string& column : (*reader)->columns()) {
    Check(FindInvalidUtf8(column) == kNoInvalidByte);
    out += column + ",";
  }
  return out;
}

}  // namespace
}  // namespace citydata::formats

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citydata::formats;
  if (size < 2) return 0;
  ReaderOptions options;
  options.format = static_cast<InputFormat>(data[0] % 4);
  options.encoding = static_cast<Encoding>((data[0] >> 2) % 3);
  options.header = ((data[0] >> 4) & 1) != 0;
  if (((data[0] >> 5) & 1) != 0) options.json_columns = {"a", "b"};
  options.max_field_bytes = 1 + size_t{data[1]} * 4;
  std::string bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string whole = ReadAll(bytes, options, SIZE_MAX);
  Check(ReadAll(bytes, options, 1 + data[1] % 7) == whole);
  return 0;
}
