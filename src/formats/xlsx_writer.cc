#include "formats/xlsx_writer.h"

#include <zlib.h>

#include <charconv>
#include <cmath>
#include <limits>

namespace citydata::formats {
namespace {

constexpr int64_t kMaxRows = 1048576;  // Excel's row limit
constexpr uint64_t kMaxZip32 = 0xFFFFFFFFull;
// Deflated worksheet XML is handed to zlib in pieces of about this size.
constexpr size_t kFlushBytes = 64 << 10;

constexpr std::string_view kXmlHead =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr std::string_view kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr std::string_view kRelNs = "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr std::string_view kDocRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string ContentTypes() {
  constexpr std::string_view kOoxml = "application/vnd.openxmlformats-";
  std::string x(kXmlHead);
  x += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">";
  x += "<Default Extension=\"rels\" ContentType=\"" + std::string(kOoxml) +
       "package.relationships+xml\"/>";
  x += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>";
  x += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"" + std::string(kOoxml) +
       "officedocument.spreadsheetml.sheet.main+xml\"/>";
  x += "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"" + std::string(kOoxml) +
       "officedocument.spreadsheetml.worksheet+xml\"/>";
  x += "<Override PartName=\"/xl/styles.xml\" ContentType=\"" + std::string(kOoxml) +
       "officedocument.spreadsheetml.styles+xml\"/>";
  return x + "</Types>";
}

std::string Relationship(std::string_view id, std::string_view type, std::string_view target) {
  return "<Relationship Id=\"" + std::string(id) + "\" Type=\"" + std::string(kDocRel) + "/" +
         std::string(type) + "\" Target=\"" + std::string(target) + "\"/>";
}

std::string PackageRels() {
  return std::string(kXmlHead) + "<Relationships xmlns=\"" + std::string(kRelNs) + "\">" +
         Relationship("rId1", "officeDocument", "xl/workbook.xml") + "</Relationships>";
}

std::string WorkbookRels() {
  return std::string(kXmlHead) + "<Relationships xmlns=\"" + std::string(kRelNs) + "\">" +
         Relationship("rId1", "worksheet", "worksheets/sheet1.xml") +
         Relationship("rId2", "styles", "styles.xml") + "</Relationships>";
}

std::string Workbook(const std::string& sheet_name) {
  return std::string(kXmlHead) + "<workbook xmlns=\"" + std::string(kMainNs) + "\" xmlns:r=\"" +
         std::string(kDocRel) + "\"><sheets><sheet name=\"" + XmlEscape(sheet_name) +
         "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
}

std::string Styles() {
  return std::string(kXmlHead) + "<styleSheet xmlns=\"" + std::string(kMainNs) +
         "\"><fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
         "<fills count=\"1\"><fill><patternFill patternType=\"none\"/></fill></fills>"
         "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border>"
         "</borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
         "borderId=\"0\"/></cellStyleXfs><cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" "
         "fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs></styleSheet>";
}

// Excel forbids []:*?/\ in a sheet name and keeps 31 characters (code points).
std::string SheetName(std::string_view name) {
  std::string out;
  int chars = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    bool lead = (c & 0xC0) != 0x80;
    if (lead && ++chars > 31) break;
    out += std::string_view("[]:*?/\\").find(name[i]) == std::string_view::npos ? name[i] : '_';
  }
  return out.empty() ? "Sheet1" : out;
}

// "A", "B", ..., "Z", "AA", ... for the 0-based column.
std::string ColumnLetters(size_t column) {
  std::string out;
  for (size_t n = column + 1; n > 0; n = (n - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return out;
}

bool IsFiniteDecimal(std::string_view text) {
  if (text.empty()) return false;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

// The length of the valid UTF-8 sequence at text[i], or 0 when it is invalid.
size_t Utf8Length(std::string_view text, size_t i) {
  auto c = static_cast<unsigned char>(text[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

void PutLe(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8Length(text, i);
    if (n == 0) {  // not UTF-8: the replacement character keeps the part well-formed
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    char c = text[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (n > 1 || static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' ||
            c == '\r') {
          out.append(text.substr(i, n));
        }
    }
    i += n;
  }
  return out;
}

// A ZIP archive written front to back: each entry is deflated as it is written and
// followed by a data descriptor (sizes and CRC), then the central directory.
class XlsxWriter::Zip {
 public:
  explicit Zip(std::ostream& out) : out_(out) {}
  ~Zip() {
    if (open_) deflateEnd(&z_);
  }

  Status Begin(const std::string& name) {
    entries_.push_back({name, 0, 0, 0, offset_});
    std::string header;
    PutLe(header, 0x04034b50, 4);
    PutLocalFields(header, entries_.back());
    header += name;
    RETURN_IF_ERROR(Emit(header));
    z_ = {};
    if (deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      return Internal("zlib could not start a deflate stream");
    }
    open_ = true;
    return Status::Ok();
  }

  Status Write(std::string_view data) { return Deflate(data, Z_NO_FLUSH); }

  Status End() {
    RETURN_IF_ERROR(Deflate({}, Z_FINISH));
    deflateEnd(&z_);
    open_ = false;
    const Entry& e = entries_.back();
    if (e.size > kMaxZip32 || e.compressed > kMaxZip32) {
      return ResourceExhausted("the spreadsheet exceeds 4 GiB; export fewer rows or as CSV");
    }
    std::string descriptor;
    PutLe(descriptor, 0x08074b50, 4);
    PutLe(descriptor, e.crc, 4);
    PutLe(descriptor, e.compressed, 4);
    PutLe(descriptor, e.size, 4);
    return Emit(descriptor);
  }

  Status Add(const std::string& name, std::string_view data) {
    RETURN_IF_ERROR(Begin(name));
    RETURN_IF_ERROR(Write(data));
    return End();
  }

  Status Close() {
    uint64_t directory_offset = offset_;
    std::string directory;
    for (const Entry& e : entries_) {
      PutLe(directory, 0x02014b50, 4);
      PutLe(directory, 20, 2);  // made by: MS-DOS/FAT attributes, ZIP 2.0
      PutLocalFields(directory, e);
      PutLe(directory, 0, 2);  // comment length
      PutLe(directory, 0, 2);  // disk number
      PutLe(directory, 0, 2);  // internal attributes
      PutLe(directory, 0, 4);  // external attributes
      PutLe(directory, e.offset, 4);
      directory += e.name;
    }
    if (offset_ + directory.size() > kMaxZip32) {
      return ResourceExhausted("the spreadsheet exceeds 4 GiB; export fewer rows or as CSV");
    }
    std::string end;
    PutLe(end, 0x06054b50, 4);
    PutLe(end, 0, 4);  // this disk, the directory's disk
    PutLe(end, entries_.size(), 2);
    PutLe(end, entries_.size(), 2);
    PutLe(end, directory.size(), 4);
    PutLe(end, directory_offset, 4);
    PutLe(end, 0, 2);  // comment length
    return Emit(directory + end);
  }

 private:
  struct Entry {
    std::string name;
    uint32_t crc;
    uint64_t size;
    uint64_t compressed;
    uint64_t offset;
  };

  // The fields a local header and a central directory record share, from "version
  // needed" to "extra length". Sizes and CRC are in the descriptor (flag bit 3) and
  // repeated in the directory, where they are known.
  static void PutLocalFields(std::string& out, const Entry& e) {
    PutLe(out, 20, 2);             // version needed: deflate
    PutLe(out, 0x0008 | 0x0800, 2);  // data descriptor follows; names are UTF-8
    PutLe(out, 8, 2);              // deflate
    PutLe(out, 0, 2);              // time 00:00
    PutLe(out, (0 << 9) | (1 << 5) | 1, 2);  // date 1980-01-01
    PutLe(out, e.crc, 4);
    PutLe(out, e.compressed, 4);
    PutLe(out, e.size, 4);
    PutLe(out, e.name.size(), 2);
    PutLe(out, 0, 2);  // extra length
  }

  Status Deflate(std::string_view data, int flush) {
    Entry& e = entries_.back();
    // zlib's crc32 returns its initial value for a null buffer, even mid-stream.
    if (!data.empty()) {
      e.crc = static_cast<uint32_t>(crc32(e.crc, reinterpret_cast<const Bytef*>(data.data()),
                                          static_cast<uInt>(data.size())));
    }
    e.size += data.size();
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    char chunk[16384];
    int rc = Z_OK;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(chunk);
      z_.avail_out = sizeof(chunk);
      rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) return Internal("zlib failed to deflate");
      size_t produced = sizeof(chunk) - z_.avail_out;
      e.compressed += produced;
      RETURN_IF_ERROR(Emit(std::string_view(chunk, produced)));
    } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return Status::Ok();
  }

  Status Emit(std::string_view bytes) {
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    offset_ += bytes.size();
    if (!out_) return Internal("writing the spreadsheet failed (the output stream broke)");
    return Status::Ok();
  }

  std::ostream& out_;
  std::vector<Entry> entries_;
  uint64_t offset_ = 0;
  z_stream z_{};
  bool open_ = false;  // z_ holds a deflate stream
};

XlsxWriter::XlsxWriter(std::ostream& out, std::string_view sheet_name)
    : zip_(std::make_unique<Zip>(out)), sheet_name_(SheetName(sheet_name)) {}

XlsxWriter::~XlsxWriter() = default;

XlsxCell XlsxWriter::Number(std::string decimal) {
  XlsxCell cell(std::move(decimal));
  cell.number = true;
  return cell;
}

// Writes the package parts before the worksheet on first use, so the constructor
// cannot fail.
Status XlsxWriter::Check() {
  if (finished_) return FailedPrecondition("the spreadsheet is already finished");
  if (rows_ > 0 || !buffer_.empty()) return Status::Ok();
  RETURN_IF_ERROR(zip_->Add("[Content_Types].xml", ContentTypes()));
  RETURN_IF_ERROR(zip_->Add("_rels/.rels", PackageRels()));
  RETURN_IF_ERROR(zip_->Add("xl/workbook.xml", Workbook(sheet_name_)));
  RETURN_IF_ERROR(zip_->Add("xl/_rels/workbook.xml.rels", WorkbookRels()));
  RETURN_IF_ERROR(zip_->Add("xl/styles.xml", Styles()));
  RETURN_IF_ERROR(zip_->Begin("xl/worksheets/sheet1.xml"));
  buffer_ = std::string(kXmlHead) + "<worksheet xmlns=\"" + std::string(kMainNs) +
            "\"><sheetData>";
  return Status::Ok();
}

Status XlsxWriter::AddRow(const std::vector<XlsxCell>& cells) {
  RETURN_IF_ERROR(Check());
  if (rows_ >= kMaxRows) {
    return ResourceExhausted("a worksheet holds at most 1,048,576 rows; export as CSV instead");
  }
  std::string r = std::to_string(rows_ + 1);
  std::string xml = "<row r=\"" + r + "\">";
  for (size_t i = 0; i < cells.size(); ++i) {
    const XlsxCell& cell = cells[i];
    if (!cell.text) continue;
    std::string ref = ColumnLetters(i) + r;
    if (cell.number) {
      if (!IsFiniteDecimal(*cell.text)) {
        return InvalidArgument("'" + *cell.text + "' is not a finite decimal number");
      }
      xml += "<c r=\"" + ref + "\"><v>" + *cell.text + "</v></c>";
    } else {
      xml += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">" +
             XmlEscape(*cell.text) + "</t></is></c>";
    }
  }
  buffer_ += xml + "</row>";
  ++rows_;
  if (buffer_.size() >= kFlushBytes) {
    RETURN_IF_ERROR(zip_->Write(buffer_));
    buffer_.clear();
  }
  return Status::Ok();
}

Status XlsxWriter::AddRow(const std::vector<std::optional<std::string>>& cells) {
  return AddRow(std::vector<XlsxCell>(cells.begin(), cells.end()));
}

Status XlsxWriter::Finish() {
  RETURN_IF_ERROR(Check());
  finished_ = true;
  buffer_ += "</sheetData></worksheet>";
  RETURN_IF_ERROR(zip_->Write(buffer_));
  buffer_.clear();
  RETURN_IF_ERROR(zip_->End());
  return zip_->Close();
}

}  // namespace citydata::formats
