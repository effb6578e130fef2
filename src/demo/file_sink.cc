#include "demo/file_sink.h"

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace citydata::demo {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

std::string ErrnoText() { return std::strerror(errno); }

bool NeedsQuotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(kHex[(c >> 4) & 0xF]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

std::string_view FileEncodingName(FileEncoding encoding) {
  return encoding == FileEncoding::kGb18030 ? "gb18030" : "utf-8";
}

// Owns an iconv descriptor converting UTF-8 to GB18030.
struct FileSink::Converter {
  explicit Converter(iconv_t cd) : descriptor(cd) {}
  ~Converter() { iconv_close(descriptor); }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  // Converts all of `in`; false on a conversion error (errno set).
  bool Convert(std::string& in, std::string& out) {
    out.resize(in.size() * 2 + 16);
    char* src = in.data();
    size_t src_left = in.size();
    char* dst = out.data();
    size_t dst_left = out.size();
    const size_t rc = iconv(descriptor, &src, &src_left, &dst, &dst_left);
    out.resize(out.size() - dst_left);
    return rc != static_cast<size_t>(-1);
  }

  iconv_t descriptor;
};

Result<FileSink> FileSink::Open(const std::string& path, FileEncoding encoding) {
  std::unique_ptr<Converter> converter;
  if (encoding == FileEncoding::kGb18030) {
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1))) {
      return Internal("iconv cannot convert UTF-8 to GB18030: " + ErrnoText() +
                      "; is the glibc gconv data installed?");
    }
    converter = std::make_unique<Converter>(cd);
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return Internal("cannot create " + path + ": " + ErrnoText());
  FileSink sink(path, file, std::move(converter));
  if (encoding == FileEncoding::kUtf8WithBom) sink.Append("\xEF\xBB\xBF");
  return sink;
}

FileSink::FileSink(std::string path, std::FILE* file, std::unique_ptr<Converter> converter)
    : path_(std::move(path)), file_(file), converter_(std::move(converter)) {
  buffer_.reserve(kFlushBytes * 2);
}

FileSink::FileSink(FileSink&&) noexcept = default;
FileSink& FileSink::operator=(FileSink&&) noexcept = default;
FileSink::~FileSink() = default;

void FileSink::FileCloser::operator()(std::FILE* file) const { std::fclose(file); }

void FileSink::Append(std::string_view text) {
  buffer_ += text;
  if (buffer_.size() >= kFlushBytes) Flush();
}

void FileSink::Fail(std::string message) {
  if (status_.ok()) status_ = Internal(std::move(message));
}

void FileSink::Flush() {
  if (buffer_.empty() || !status_.ok()) return;
  std::string converted;
  if (converter_ != nullptr && !converter_->Convert(buffer_, converted)) {
    Fail("cannot convert text to GB18030 for " + path_ + ": " + ErrnoText());
  }
  const std::string& bytes = converter_ != nullptr ? converted : buffer_;
  if (status_.ok() && std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size()) {
    Fail("cannot write " + path_ + ": " + ErrnoText());
  }
  buffer_.clear();
}

Status FileSink::Close() {
  Flush();
  if (std::fclose(file_.release()) != 0) Fail("cannot close " + path_ + ": " + ErrnoText());
  return status_;
}

void AppendCsvRecord(std::string& out, std::initializer_list<std::string_view> fields,
                     std::string_view line_end) {
  bool first = true;
  for (std::string_view field : fields) {
    if (!first) out.push_back(',');
    first = false;
    if (!NeedsQuotes(field)) {
      out += field;
      continue;
    }
    out.push_back('"');
    for (char c : field) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += line_end;
}

void JsonObject::Key(std::string_view key) {
  if (text_.size() > 1) text_.push_back(',');
  AppendJsonString(text_, key);
  text_.push_back(':');
}

JsonObject& JsonObject::String(std::string_view key, std::string_view value) {
  Key(key);
  AppendJsonString(text_, value);
  return *this;
}

JsonObject& JsonObject::StringOrNull(std::string_view key, std::string_view value) {
  return value.empty() ? Null(key) : String(key, value);
}

JsonObject& JsonObject::Integer(std::string_view key, int64_t value) {
  Key(key);
  text_ += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::Number(std::string_view key, std::string_view number) {
  Key(key);
  text_ += number;
  return *this;
}

JsonObject& JsonObject::Null(std::string_view key) {
  Key(key);
  text_ += "null";
  return *this;
}

}  // namespace citydata::demo
