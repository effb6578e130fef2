#include <array>
#include <utility>

#include "demo/departments.h"

namespace citydata::demo {
namespace {

const std::array<DemoDepartment, 7>& DepartmentTable() {
  static const std::array<DemoDepartment, 7> kDepartments = {{
      {"gaj", "杭州市公安局"},
      {"mzj", "杭州市民政局"},
      {"rsj", "杭州市人力资源和社会保障局"},
      {"scjgj", "杭州市市场监督管理局"},
      {"wjw", "杭州市卫生健康委员会"},
      {"sthjj", "杭州市生态环境局"},
      {"jtj", "杭州市交通运输局"},
  }};
  return kDepartments;
}

std::string DepartmentName(std::string_view code) {
  for (const DemoDepartment& d : DepartmentTable()) {
    if (d.code == code) return d.name;
  }
  return "";
}

}  // namespace

std::span<const DemoDepartment> Departments() { return DepartmentTable(); }

Result<DatasetFile> DatasetFile::Create(const CityContext& city, const DatasetSpec& spec) {
  DemoDataset meta;
  meta.dataset = spec.dataset;
  meta.dept_code = spec.dept_code;
  meta.dept_name = DepartmentName(spec.dept_code);
  meta.title = spec.title;
  meta.description = spec.description;
  meta.encoding = FileEncodingName(spec.encoding);
  meta.format = spec.format;
  meta.file = city.out_dir + "/" + meta.dept_code + "_" + meta.dataset + "." + meta.format;
  ASSIGN_OR_RETURN(FileSink sink, FileSink::Open(meta.file, spec.encoding));
  // Exports from Windows tools (GB18030, UTF-8 with BOM) end lines with CRLF.
  std::string line_end = spec.encoding == FileEncoding::kUtf8 ? "\n" : "\r\n";
  return DatasetFile(std::move(meta), std::move(sink), std::move(line_end));
}

DatasetFile::DatasetFile(DemoDataset meta, FileSink sink, std::string line_end)
    : meta_(std::move(meta)), sink_(std::move(sink)), line_end_(std::move(line_end)) {}

void DatasetFile::WriteCsvHeader(std::initializer_list<std::string_view> names) {
  scratch_.clear();
  AppendCsvRecord(scratch_, names, line_end_);
  sink_.Append(scratch_);
}

void DatasetFile::WriteCsvRow(std::initializer_list<std::string_view> fields) {
  scratch_.clear();
  AppendCsvRecord(scratch_, fields, line_end_);
  sink_.Append(scratch_);
  ++meta_.rows;
}

void DatasetFile::WriteJsonRecord(const JsonObject& record) {
  if (meta_.format == "json") sink_.Append(meta_.rows == 0 ? "[\n" : ",\n");
  sink_.Append(record.Finish());
  if (meta_.format == "ndjson") sink_.Append("\n");
  ++meta_.rows;
}

Result<DemoDataset> DatasetFile::Finish() {
  if (meta_.format == "json") sink_.Append(meta_.rows == 0 ? "[]\n" : "\n]\n");
  RETURN_IF_ERROR(sink_.Close());
  return std::move(meta_);
}

}  // namespace citydata::demo
