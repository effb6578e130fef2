#include "formats/xlsx_writer.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace citydata::formats {
namespace {

uint64_t Le(const std::string& zip, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(zip[at + i]);
  return v;
}

std::string Inflate(std::string_view deflated, size_t size) {
  std::string out(size, '\0');
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, -MAX_WBITS), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
  z.avail_in = static_cast<uInt>(deflated.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  inflateEnd(&z);
  return out;
}

// The entries of a ZIP archive, read through its central directory as unzip does,
// each checked against its CRC.
std::map<std::string, std::string> Unzip(const std::string& zip) {
  std::map<std::string, std::string> entries;
  size_t end = zip.rfind(std::string("PK\x05\x06", 4));
  EXPECT_NE(end, std::string::npos) << "no end of central directory";
  if (end == std::string::npos) return entries;
  size_t count = Le(zip, end + 10, 2);
  size_t at = Le(zip, end + 16, 4);
  for (size_t i = 0; i < count; ++i) {
    EXPECT_EQ(Le(zip, at, 4), 0x02014b50u);
    EXPECT_EQ(Le(zip, at + 10, 2), 8u);  // deflate
    uint32_t crc = static_cast<uint32_t>(Le(zip, at + 16, 4));
    size_t compressed = Le(zip, at + 20, 4), size = Le(zip, at + 24, 4);
    size_t name_len = Le(zip, at + 28, 2), local = Le(zip, at + 42, 4);
    std::string name = zip.substr(at + 46, name_len);
    EXPECT_EQ(Le(zip, local, 4), 0x04034b50u);
    size_t data = local + 30 + Le(zip, local + 26, 2) + Le(zip, local + 28, 2);
    std::string content = Inflate(std::string_view(zip).substr(data, compressed), size);
    EXPECT_EQ(crc32(0, reinterpret_cast<const Bytef*>(content.data()),
                    static_cast<uInt>(content.size())),
              crc)
        << name;
    entries[name] = content;
    at += 46 + name_len;
  }
  return entries;
}

TEST(XlsxWriter, WritesAPackageWithTheRowsAsCells) {
  std::ostringstream out;
  XlsxWriter xlsx(out, "人口");
  ASSERT_TRUE(xlsx.AddRow(std::vector<std::optional<std::string>>{"姓名", "年龄", "备注"}).ok());
  ASSERT_TRUE(xlsx.AddRow({"张三", XlsxWriter::Number("42"), std::nullopt}).ok());
  ASSERT_TRUE(xlsx.AddRow({"<b>&\"x'", XlsxWriter::Number("-1.5e3"), "a\x01z"}).ok());
  ASSERT_TRUE(xlsx.Finish().ok());
  EXPECT_EQ(xlsx.rows(), 3);

  auto entries = Unzip(out.str());
  for (const char* part : {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                           "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                           "xl/worksheets/sheet1.xml"}) {
    EXPECT_TRUE(entries.count(part)) << part;
  }
  EXPECT_NE(entries["xl/workbook.xml"].find("<sheet name=\"人口\""), std::string::npos);
  const std::string& sheet = entries["xl/worksheets/sheet1.xml"];
  EXPECT_NE(sheet.find("<c r=\"A1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">姓名</t>"),
            std::string::npos);
  EXPECT_NE(sheet.find("<c r=\"B2\"><v>42</v></c>"), std::string::npos);
  EXPECT_EQ(sheet.find("r=\"C2\""), std::string::npos) << "an empty cell is left out";
  EXPECT_NE(sheet.find("&lt;b&gt;&amp;&quot;x&apos;"), std::string::npos);
  EXPECT_NE(sheet.find("<t xml:space=\"preserve\">az</t>"), std::string::npos)
      << "control characters XML forbids are dropped";
  EXPECT_NE(sheet.find("<c r=\"B3\"><v>-1.5e3</v></c>"), std::string::npos);
  EXPECT_NE(sheet.rfind("</sheetData></worksheet>"), std::string::npos);
}

TEST(XlsxWriter, ManyRowsStreamThroughTheDeflater) {
  std::ostringstream out;
  XlsxWriter xlsx(out);
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(xlsx.AddRow({"row " + std::to_string(i), XlsxWriter::Number(std::to_string(i))})
                    .ok());
  }
  ASSERT_TRUE(xlsx.Finish().ok());
  auto entries = Unzip(out.str());
  const std::string& sheet = entries["xl/worksheets/sheet1.xml"];
  EXPECT_NE(sheet.find("<row r=\"20000\"><c r=\"A20000\" t=\"inlineStr\"><is><t "
                       "xml:space=\"preserve\">row 19999</t></is></c><c r=\"B20000\"><v>19999</v>"),
            std::string::npos);
}

TEST(XlsxWriter, PythonsZipfileAcceptsTheArchive) {
  std::string path = ::testing::TempDir() + "xlsx_writer_test.xlsx";
  {
    std::ofstream file(path, std::ios::binary);
    XlsxWriter xlsx(file);
    ASSERT_TRUE(xlsx.AddRow(std::vector<std::optional<std::string>>{"a"}).ok());
    ASSERT_TRUE(xlsx.Finish().ok());
  }
  // Python's zipfile reads the central directory; testzip() checks every CRC.
  std::string check = "python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
                      "sys.exit(z.testzip() is not None or 'xl/workbook.xml' not in z.namelist())\" " +
                      path;
  EXPECT_EQ(std::system(check.c_str()), 0);
  std::remove(path.c_str());
}

TEST(XlsxWriter, RefusesBadNumbersAndUseAfterFinish) {
  std::ostringstream out;
  XlsxWriter xlsx(out);
  for (const char* bad : {"=1+1", "nan", "inf", "1,000", "", "+1"}) {
    EXPECT_EQ(xlsx.AddRow({XlsxWriter::Number(bad)}).code(), ErrorCode::kInvalidArgument) << bad;
  }
  ASSERT_TRUE(xlsx.Finish().ok());
  EXPECT_EQ(xlsx.AddRow(std::vector<std::optional<std::string>>{"late"}).code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(xlsx.Finish().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Unzip(out.str()).count("xl/worksheets/sheet1.xml"), 1u);
}

TEST(XlsxWriter, EscapesXmlAndRepairsInvalidUtf8) {
  EXPECT_EQ(XmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(XmlEscape("户籍\t\n"), "户籍\t\n");
  EXPECT_EQ(XmlEscape("x\xFFy"), "x\xEF\xBF\xBDy");
  EXPECT_EQ(XmlEscape("\xE6\x88"), "\xEF\xBF\xBD\xEF\xBF\xBD") << "a truncated sequence";
}

}  // namespace
}  // namespace citydata::formats
