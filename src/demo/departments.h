// The department exports that make up the demo city, one writer per dataset.
// Internal to the demo module; GenerateCity() is the public entry point.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "demo/city_generator.h"
#include "demo/file_sink.h"
#include "demo/population.h"

namespace citydata::demo {

// The departments of the city, in the order their files are written.
std::span<const DemoDepartment> Departments();

// A registered enterprise, as the market-regulation authority knows it.
struct Enterprise {
  std::string credit_code;  // passes GB 32100; a few fail the GB 11714 part
  std::string name;
  size_t legal_representative = 0;  // index into the population
  std::string address;
  std::string_view industry;
  int64_t capital_cents = 0;  // registered capital in 10,000 yuan, times 100
  std::chrono::year_month_day established;
};

// About one enterprise per twelve people, at least 20. REQUIRES: !people.empty().
std::vector<Enterprise> BuildEnterprises(const std::vector<Person>& people, uint64_t seed);

// What every writer needs.
struct CityContext {
  const std::vector<Person>& people;
  const std::vector<Enterprise>& enterprises;
  std::string out_dir;  // absolute
  uint64_t seed = 0;
};

// What a writer says about its dataset; see DemoDataset for the fields.
struct DatasetSpec {
  std::string_view dataset;
  std::string_view dept_code;  // one of Departments()
  std::string_view title;
  std::string_view description;
  FileEncoding encoding;
  std::string_view format;  // "csv", "ndjson" or "json"
};

// One dataset's file: opens it, formats and counts records, and describes the result.
class DatasetFile {
 public:
  // Creates <out_dir>/<dept_code>_<dataset>.<format>.
  static Result<DatasetFile> Create(const CityContext& city, const DatasetSpec& spec);

  // CSV only. The header is not counted as a row.
  void WriteCsvHeader(std::initializer_list<std::string_view> names);
  void WriteCsvRow(std::initializer_list<std::string_view> fields);
  // NDJSON and JSON only: one object per line, or one element of the array.
  void WriteJsonRecord(const JsonObject& record);

  // Closes the file and returns its description.
  Result<DemoDataset> Finish();

 private:
  DatasetFile(DemoDataset meta, FileSink sink, std::string line_end);

  DemoDataset meta_;
  FileSink sink_;
  std::string line_end_;
  std::string scratch_;
};

Result<DemoDataset> WriteHouseholdRegistry(const CityContext& city);
Result<DemoDataset> WriteMarriageRegistrations(const CityContext& city);
Result<DemoDataset> WriteElderlyLivingAlone(const CityContext& city);
Result<DemoDataset> WriteSocialInsurance(const CityContext& city);
Result<DemoDataset> WriteVaccinations(const CityContext& city);
Result<DemoDataset> WriteEnterpriseRegistry(const CityContext& city);
Result<DemoDataset> WriteAirQuality(const CityContext& city);
Result<DemoDataset> WriteTrafficCounts(const CityContext& city);

}  // namespace citydata::demo
