// Places and reference data for the synthetic city: its districts (real GB/T 2260
// codes of 杭州市), birthplaces elsewhere in China, GB 3304 ethnic groups, and
// random addresses and phone numbers in the formats departments record them.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "demo/random.h"

namespace citydata::demo {

inline constexpr std::string_view kProvinceName = "浙江省";
inline constexpr std::string_view kCityName = "杭州市";
inline constexpr std::string_view kCityShortName = "杭州";  // as used in enterprise names

struct District {
  std::string_view code;  // GB/T 2260 county-level code, e.g. "330106"
  std::string_view name;  // e.g. "西湖区"
  std::span<const std::string_view> roads;
  std::span<const std::string_view> subdistricts;  // 街道 / 镇
  double lon;                                      // approximate centre, WGS 84
  double lat;
};

std::span<const District> CityDistricts();

// County-level codes of other provinces, for people born outside the city.
std::span<const std::string_view> OutsideBirthplaceCodes();

struct EthnicGroup {
  std::string_view code;  // GB 3304, "01".."56"
  std::string_view name;  // e.g. "汉族"
};

// An ethnic group drawn with realistic weights (about 90% 汉族).
const EthnicGroup& RandomEthnicGroup(Rng& rng);

// A mobile number matching ^1[3-9]\d{9}$ with a real carrier prefix.
std::string RandomMobile(Rng& rng);

// A landline in the city's area code, e.g. "0571-86543210".
std::string RandomLandline(Rng& rng);

// "浙江省杭州市西湖区文三路123号", often followed by a residential compound, building,
// unit and room.
std::string RandomAddress(Rng& rng, const District& district);

}  // namespace citydata::demo
