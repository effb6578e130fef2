#include "demo/population.h"

#include <array>
#include <unordered_set>

#include "demo/names.h"

namespace citydata::demo {
namespace {

namespace chr = std::chrono;

// Share of people per ten-year age band (0-9, 10-19, ...), parts per thousand,
// roughly the 2020 census for a large eastern city.
constexpr std::array<int, 10> kAgeBandWeights = {100, 90, 150, 190, 150, 140, 100, 55, 22, 3};

chr::year_month_day RandomBirthDate(Rng& rng) {
  const int64_t band = static_cast<int64_t>(rng.Weighted(kAgeBandWeights));
  const int64_t age_days = rng.Between(band * 3653, band * 3653 + 3652);
  return chr::year_month_day{chr::sys_days{kExportDate} - chr::days{age_days + 1}};
}

std::string RandomAddressCode(Rng& rng, const District& home) {
  if (rng.Chance(0.38)) return std::string(rng.Pick(OutsideBirthplaceCodes()));
  if (rng.Chance(0.7)) return std::string(home.code);
  return std::string(rng.Pick(CityDistricts()).code);
}

// A valid ID number not yet in `taken`.
std::string UniqueIdNumber(Rng& rng, const std::string& address_code, chr::year_month_day birth,
                           standards::Sex sex, std::unordered_set<std::string>& taken) {
  const std::string date = standards::FormatIsoDate(birth);
  const std::string prefix =
      address_code + date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2);
  const int parity = sex == standards::Sex::kMale ? 1 : 0;
  while (true) {
    const int sequence = static_cast<int>(rng.Below(500)) * 2 + parity;
    std::string id = prefix + std::to_string(1000 + sequence).substr(1);
    id.push_back(standards::IdCheckCharacter(id).value());
    if (taken.insert(id).second) return id;
  }
}

Person RandomPerson(Rng& rng, std::unordered_set<std::string>& taken) {
  Person p;
  p.sex = rng.Chance(0.512) ? standards::Sex::kMale : standards::Sex::kFemale;
  p.birth = RandomBirthDate(rng);
  p.district = &rng.Pick(CityDistricts());
  const std::string address_code = RandomAddressCode(rng, *p.district);
  p.id = UniqueIdNumber(rng, address_code, p.birth, p.sex, taken);
  p.name = RandomChineseName(rng, p.sex);
  p.ethnic = &RandomEthnicGroup(rng);
  p.phone = RandomMobile(rng);
  p.subdistrict = rng.Pick(p.district->subdistricts);
  p.address = RandomAddress(rng, *p.district);
  p.registered_resident = address_code.starts_with("3301") || rng.Chance(0.75);
  return p;
}

}  // namespace

int AgeOn(const Person& person, chr::year_month_day on) {
  int age = static_cast<int>(on.year()) - static_cast<int>(person.birth.year());
  const chr::month_day birthday{person.birth.month(), person.birth.day()};
  if (chr::month_day{on.month(), on.day()} < birthday) --age;
  return age;
}

chr::year_month_day AddYears(chr::year_month_day date, int years) {
  const chr::year_month_day later = date + chr::years{years};
  if (later.ok()) return later;
  return chr::year_month_day{chr::sys_days{later.year() / later.month() / chr::last}};
}

chr::year_month_day RandomDayBetween(Rng& rng, chr::year_month_day from, chr::year_month_day to) {
  const int64_t first = chr::sys_days{from}.time_since_epoch().count();
  const int64_t last = chr::sys_days{to}.time_since_epoch().count();
  return chr::year_month_day{chr::sys_days{chr::days{rng.Between(first, last)}}};
}

std::vector<Person> BuildPopulation(int64_t count, uint64_t seed) {
  Rng rng(seed, "population");
  std::unordered_set<std::string> taken;
  taken.reserve(static_cast<size_t>(count));
  std::vector<Person> people;
  people.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) people.push_back(RandomPerson(rng, taken));
  return people;
}

}  // namespace citydata::demo
