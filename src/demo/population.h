// The synthetic population every department file draws its people from.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "demo/places.h"
#include "demo/random.h"
#include "standards/national_ids.h"

namespace citydata::demo {

// The day the departments exported their files: every birth and registration date
// is before it, and the sensor readings cover the two weeks up to it.
inline constexpr std::chrono::year_month_day kExportDate{
    std::chrono::year{2026}, std::chrono::November, std::chrono::day{15}};

// A person as the authoritative sources know them. Department files copy these
// values and then spoil a few of them (see defects.h).
struct Person {
  std::string id;  // valid 18-digit GB 11643 number, unique in the population
  std::string name;
  standards::Sex sex = standards::Sex::kMale;
  std::chrono::year_month_day birth;
  const EthnicGroup* ethnic = nullptr;  // points into static data
  std::string phone;
  const District* district = nullptr;  // where they live; points into static data
  std::string subdistrict;
  std::string address;
  bool registered_resident = true;  // 户籍人口: listed in the household registry
};

// Age in whole years on `on`.
int AgeOn(const Person& person, std::chrono::year_month_day on);

// `date` plus `years`, with 29 February becoming 28 February in common years.
std::chrono::year_month_day AddYears(std::chrono::year_month_day date, int years);

// A day in [from, to], uniformly. REQUIRES: from <= to.
std::chrono::year_month_day RandomDayBetween(Rng& rng, std::chrono::year_month_day from,
                                             std::chrono::year_month_day to);

// `count` people with a realistic age pyramid, about 60% born in the city and the
// rest across China. Deterministic in `seed`.
std::vector<Person> BuildPopulation(int64_t count, uint64_t seed);

}  // namespace citydata::demo
