// Streaming writers for the demo's department files: a buffered file that can
// transcode to GB18030 on the way out, and CSV/JSON record formatting.
#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace citydata::demo {

enum class FileEncoding { kUtf8, kUtf8WithBom, kGb18030 };

// "utf-8" (also for kUtf8WithBom) or "gb18030".
std::string_view FileEncodingName(FileEncoding encoding);

// A file written in whole records. Text is handed over as UTF-8 and converted with
// glibc iconv when the encoding is GB18030. Output is buffered; the first write error
// is kept and returned by Close(), so callers need not check every Append().
//
// Not thread-safe.
class FileSink {
 public:
  // Creates or truncates `path`. Internal when the file cannot be opened or iconv
  // has no GB18030 converter.
  static Result<FileSink> Open(const std::string& path, FileEncoding encoding);

  FileSink(FileSink&&) noexcept;
  FileSink& operator=(FileSink&&) noexcept;
  ~FileSink();

  // Appends `text`. REQUIRES: `text` is valid UTF-8 ending on a character boundary.
  void Append(std::string_view text);

  // Flushes and closes the file; returns the first error seen. Call once.
  Status Close();

 private:
  struct Converter;
  struct FileCloser {
    void operator()(std::FILE* file) const;
  };

  FileSink(std::string path, std::FILE* file, std::unique_ptr<Converter> converter);

  void Flush();
  void Fail(std::string message);

  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::unique_ptr<Converter> converter_;  // null for UTF-8
  std::string buffer_;
  Status status_;
};

// Appends one CSV record, RFC 4180: fields holding a comma, quote, CR or LF are
// quoted with inner quotes doubled; `line_end` is "\n" or "\r\n".
void AppendCsvRecord(std::string& out, std::initializer_list<std::string_view> fields,
                     std::string_view line_end);

// Builds one JSON object, fields in the order added. Keys must not need escaping.
class JsonObject {
 public:
  JsonObject& String(std::string_view key, std::string_view value);
  // A JSON null when `value` is empty.
  JsonObject& StringOrNull(std::string_view key, std::string_view value);
  JsonObject& Integer(std::string_view key, int64_t value);
  // REQUIRES: `number` is a valid JSON number literal.
  JsonObject& Number(std::string_view key, std::string_view number);
  JsonObject& Null(std::string_view key);

  // The object text, e.g. {"a":1,"b":"x"}.
  std::string Finish() const { return text_ + "}"; }

 private:
  void Key(std::string_view key);

  std::string text_ = "{";
};

}  // namespace citydata::demo
