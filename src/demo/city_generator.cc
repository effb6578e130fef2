#include "demo/city_generator.h"

#include <array>
#include <filesystem>
#include <system_error>

#include "demo/departments.h"
#include "demo/population.h"

namespace citydata::demo {
namespace {

constexpr int64_t kMaxPersons = 10'000'000;

using DatasetWriter = Result<DemoDataset> (*)(const CityContext&);

constexpr std::array<DatasetWriter, 8> kWriters = {
    WriteHouseholdRegistry, WriteMarriageRegistrations, WriteElderlyLivingAlone,
    WriteSocialInsurance,   WriteEnterpriseRegistry,    WriteVaccinations,
    WriteAirQuality,        WriteTrafficCounts,
};

Status CheckOptions(const CityOptions& options) {
  if (options.persons < 1 || options.persons > kMaxPersons) {
    return InvalidArgument("persons must be between 1 and " + std::to_string(kMaxPersons) +
                           ", got " + std::to_string(options.persons));
  }
  if (options.out_dir.empty()) return InvalidArgument("an output directory is required");
  return Status::Ok();
}

Result<std::string> PrepareDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(dir, ec).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // drop a trailing separator
  if (!ec) std::filesystem::create_directories(path, ec);
  if (ec) return Internal("cannot create output directory " + dir + ": " + ec.message());
  return path.string();
}

}  // namespace

Result<DemoCity> GenerateCity(const CityOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  ASSIGN_OR_RETURN(std::string out_dir, PrepareDirectory(options.out_dir));
  const std::vector<Person> people = BuildPopulation(options.persons, options.seed);
  const std::vector<Enterprise> enterprises = BuildEnterprises(people, options.seed);
  const CityContext city{people, enterprises, out_dir, options.seed};
  DemoCity result;
  result.departments.assign(Departments().begin(), Departments().end());
  for (DatasetWriter write : kWriters) {
    ASSIGN_OR_RETURN(DemoDataset dataset, write(city));
    result.datasets.push_back(std::move(dataset));
  }
  return result;
}

}  // namespace citydata::demo
