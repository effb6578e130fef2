// Exports that describe the city rather than people: the ecology and environment
// bureau's hourly air quality, and the transport bureau's hourly traffic counts.
#include <algorithm>
#include <array>
#include <cmath>
#include <span>

#include "demo/departments.h"
#include "demo/spelling.h"

namespace citydata::demo {
namespace {

namespace chr = std::chrono;

constexpr int kAirStations = 30;
constexpr int kAirDays = 14;
constexpr int kTrafficSegments = 120;
constexpr int kTrafficDays = 7;

// Relative level of traffic-related pollution and traffic itself by hour of day.
constexpr std::array<double, 24> kPollutionByHour = {
    0.90, 0.85, 0.80, 0.78, 0.78, 0.82, 0.95, 1.15, 1.25, 1.15, 1.00, 0.95,
    0.90, 0.88, 0.88, 0.92, 1.00, 1.10, 1.20, 1.22, 1.15, 1.05, 1.00, 0.95};
constexpr std::array<double, 24> kTrafficByHour = {0.10, 0.06, 0.04, 0.04, 0.06, 0.15, 0.45, 0.90,
                                                   1.00, 0.80, 0.65, 0.65, 0.60, 0.62, 0.65, 0.70,
                                                   0.80, 0.95, 1.00, 0.75, 0.55, 0.45, 0.32, 0.18};

chr::year_month_day FirstDay(int days) {
  return chr::year_month_day{chr::sys_days{kExportDate} - chr::days{days}};
}

const District& DistrictFor(int index) {
  const std::span<const District> districts = CityDistricts();
  return districts[static_cast<size_t>(index) % districts.size()];
}

std::string NumberedId(std::string_view prefix, int number, int width) {
  std::string digits = std::to_string(number);
  std::string id(prefix);
  id.append(static_cast<size_t>(std::max(0, width - static_cast<int>(digits.size()))), '0');
  return id + digits;
}

std::string Degrees(double value) {
  return FormatFixed(static_cast<int64_t>(std::llround(value * 1e6)), 6);
}

// HJ 633-2012 individual air quality index for a concentration, by linear
// interpolation between breakpoints; 500 above the last one.
int Iaqi(double concentration, std::span<const double> breakpoints) {
  constexpr std::array<double, 8> kIndex = {0, 50, 100, 150, 200, 300, 400, 500};
  for (size_t i = 1; i < breakpoints.size(); ++i) {
    if (concentration <= breakpoints[i]) {
      const double share =
          (concentration - breakpoints[i - 1]) / (breakpoints[i] - breakpoints[i - 1]);
      return static_cast<int>(std::ceil(kIndex[i - 1] + share * (kIndex[i] - kIndex[i - 1])));
    }
  }
  return 500;
}

int Aqi(int pm25, int pm10) {
  constexpr std::array<double, 8> kPm25 = {0, 35, 75, 115, 150, 250, 350, 500};
  constexpr std::array<double, 8> kPm10 = {0, 50, 150, 250, 350, 420, 500, 600};
  return std::max(Iaqi(pm25, kPm25), Iaqi(pm10, kPm10));
}

struct Station {
  std::string id;
  std::string name;
  std::string lon;
  std::string lat;
  double factor;  // how polluted its surroundings are relative to the city
};

std::vector<Station> AirStations(Rng& rng) {
  std::vector<Station> stations;
  for (int i = 0; i < kAirStations; ++i) {
    const District& d = DistrictFor(i);
    const size_t n = static_cast<size_t>(i) / CityDistricts().size();
    const double lon = d.lon + (rng.Unit() - 0.5) * 0.06;
    const double lat = d.lat + (rng.Unit() - 0.5) * 0.06;
    stations.push_back({NumberedId("HZAQ", i + 1, 3),
                        std::string(d.subdistricts[n % d.subdistricts.size()]) + "监测站",
                        Degrees(lon), Degrees(lat), 0.8 + rng.Unit() * 0.4});
  }
  return stations;
}

void WriteReading(DatasetFile& file, const Station& s, const std::string& ts, double level,
                  Rng& rng) {
  if (rng.Chance(0.01)) {  // the analyser was offline
    file.WriteCsvRow({s.id, s.name, ts, "", "", "", s.lon, s.lat});
    return;
  }
  int pm25 = std::max(1, static_cast<int>(level * s.factor * (0.85 + rng.Unit() * 0.3)));
  if (rng.Chance(0.001)) pm25 = 999;  // a stuck sensor
  const int pm10 = static_cast<int>(pm25 * (1.4 + rng.Unit() * 0.5));
  const std::string pm25_text = std::to_string(pm25);
  const std::string pm10_text = std::to_string(pm10);
  const std::string aqi = std::to_string(Aqi(pm25, pm10));
  const int copies = rng.Chance(0.002) ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    file.WriteCsvRow({s.id, s.name, ts, pm25_text, pm10_text, aqi, s.lon, s.lat});
  }
}

struct Segment {
  std::string id;
  std::string_view road;
  std::string_view district;
  double capacity;  // vehicles per hour at the peak
};

std::vector<Segment> TrafficSegments(Rng& rng) {
  std::vector<Segment> segments;
  for (int i = 0; i < kTrafficSegments; ++i) {
    const District& d = DistrictFor(i);
    const size_t n = static_cast<size_t>(i) / CityDistricts().size();
    segments.push_back({NumberedId("TS", i + 1, 4), d.roads[n % d.roads.size()], d.name,
                        300.0 + rng.Unit() * 2200.0});
  }
  return segments;
}

void WriteCount(DatasetFile& file, const Segment& s, const std::string& hour, double load,
                Rng& rng) {
  JsonObject record;
  record.String("segment_id", s.id).String("road_name", s.road).String("district", s.district);
  record.String("hour", hour);
  const double noisy = std::clamp(load * (0.85 + rng.Unit() * 0.3), 0.0, 1.2);
  if (rng.Chance(0.005)) {  // detector outage
    record.Null("vehicle_count").Null("avg_speed_kmh");
  } else {
    record.Integer("vehicle_count", std::llround(s.capacity * noisy));
    const double speed = std::max(8.0, 62.0 * (1.0 - 0.65 * noisy) + rng.Unit() * 6.0);
    record.Number("avg_speed_kmh", FormatFixed(std::llround(speed * 10), 1));
  }
  file.WriteJsonRecord(record);
  if (rng.Chance(0.002)) file.WriteJsonRecord(record);
}

}  // namespace

Result<DemoDataset> WriteAirQuality(const CityContext& city) {
  Rng rng(city.seed, "air_quality_hourly");
  ASSIGN_OR_RETURN(
      DatasetFile file,
      DatasetFile::Create(city, {.dataset = "air_quality_hourly",
                                 .dept_code = "sthjj",
                                 .title = "空气质量小时监测数据",
                                 .description = "全市国控和市控空气质量监测站的逐小时监测值。",
                                 .encoding = FileEncoding::kUtf8,
                                 .format = "csv"}));
  file.WriteCsvHeader({"station_id", "station_name", "ts", "pm25", "pm10", "aqi", "lon", "lat"});
  const std::vector<Station> stations = AirStations(rng);
  double regional = 35.0;  // the day's regional PM2.5 level, a bounded random walk
  for (int hour = 0; hour < kAirDays * 24; ++hour) {
    if (hour % 24 == 0) regional = std::clamp(regional + (rng.Unit() - 0.5) * 30.0, 12.0, 110.0);
    const std::string ts = FormatHour(FirstDay(kAirDays), hour);
    for (const Station& s : stations) {
      WriteReading(file, s, ts, regional * kPollutionByHour[static_cast<size_t>(hour % 24)], rng);
    }
  }
  return file.Finish();
}

Result<DemoDataset> WriteTrafficCounts(const CityContext& city) {
  Rng rng(city.seed, "traffic_counts");
  ASSIGN_OR_RETURN(
      DatasetFile file,
      DatasetFile::Create(city, {.dataset = "traffic_counts",
                                 .dept_code = "jtj",
                                 .title = "路段交通流量",
                                 .description = "主要路段检测器逐小时统计的过车数和平均车速。",
                                 .encoding = FileEncoding::kUtf8,
                                 .format = "json"}));
  const std::vector<Segment> segments = TrafficSegments(rng);
  const chr::year_month_day first_day = FirstDay(kTrafficDays);
  for (int hour = 0; hour < kTrafficDays * 24; ++hour) {
    const chr::weekday weekday{chr::sys_days{first_day} + chr::days{hour / 24}};
    const double day_factor = weekday == chr::Saturday || weekday == chr::Sunday ? 0.75 : 1.0;
    const double load = kTrafficByHour[static_cast<size_t>(hour % 24)] * day_factor;
    const std::string ts = FormatHour(first_day, hour);
    for (const Segment& s : segments) WriteCount(file, s, ts, load, rng);
  }
  return file.Finish();
}

}  // namespace citydata::demo
