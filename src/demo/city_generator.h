// A deterministic synthetic city: the export files of a city's departments, with the
// defects real exports have, for demos, tests and benchmarks.
//
// GenerateCity() writes one file per dataset into CityOptions::out_dir. The same
// options always produce byte-identical files. Everyone in the files is fictional;
// addresses use the real districts of 杭州市 and ID numbers real GB/T 2260 codes, so
// validators and standard code tables recognise them.
//
// The files are realistic on purpose (see README.md for the full list): mixed header
// conventions (Chinese, pinyin initials, English), GB18030 and UTF-8 (with and
// without BOM), CRLF and LF, RFC 4180 quoting, NDJSON and JSON arrays, and a few
// percent of seeded defects per file: wrong ID check characters, 15-digit IDs,
// full-width digits, lower-case 'x', missing values, trailing spaces, homophone name
// typos and swapped digits for the same person across departments, mixed date
// formats, duplicate rows, invalid credit codes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace citydata::demo {

struct DemoDataset {
  std::string file;         // absolute path
  std::string dataset;      // snake_case name for raw.<dataset>
  std::string dept_code;    // e.g. "gaj"
  std::string dept_name;    // e.g. "杭州市公安局"
  std::string title;        // Chinese title, e.g. "户籍人口信息"
  std::string description;  // Chinese, one sentence
  std::string encoding;     // "utf-8" or "gb18030"
  std::string format;       // "csv", "ndjson" or "json"
  int64_t rows = 0;         // data records written, duplicates included, header excluded
};

struct DemoDepartment {
  std::string code;  // short pinyin initials, e.g. "gaj"
  std::string name;  // e.g. "杭州市公安局"
};

struct CityOptions {
  int64_t persons = 100000;  // size of the population; other files scale with it
  uint64_t seed = 20261122;
  std::string out_dir;  // created if missing; existing files of the same names are replaced
};

struct DemoCity {
  std::vector<DemoDepartment> departments;
  std::vector<DemoDataset> datasets;
};

// Writes the city's files. InvalidArgument when `persons` is below 1 or above
// 10,000,000 or `out_dir` is empty; Internal when a directory or file cannot be
// written. Files are streamed; memory grows with `persons` (about 500 bytes each).
Result<DemoCity> GenerateCity(const CityOptions& options);

}  // namespace citydata::demo
