// Exports of the human-resources and social-security bureau (insurance enrolments)
// and the health commission (vaccinations).
#include <algorithm>
#include <array>
#include <span>
#include <utility>

#include "demo/departments.h"
#include "demo/spelling.h"

namespace citydata::demo {
namespace {

namespace chr = std::chrono;

constexpr std::array<std::string_view, 4> kEmployeeInsurance = {
    "企业职工基本养老保险", "职工基本医疗保险", "失业保险", "工伤保险"};
constexpr std::array<std::string_view, 2> kResidentInsurance = {"城乡居民基本养老保险",
                                                                "城乡居民基本医疗保险"};
constexpr std::array<int, 3> kEnrolmentStatusWeights = {85, 10, 5};
constexpr std::array<std::string_view, 3> kEnrolmentStatus = {"正常参保", "暂停缴费", "终止参保"};

chr::year_month_day Later(chr::year_month_day a, chr::year_month_day b) { return a < b ? b : a; }

// Hangzhou's minimum monthly contribution base, in yuan times 100; residents'
// schemes record it too.
constexpr int64_t kMinimumBaseCents = 446200;

// Monthly contribution base in yuan times 100: Hangzhou's 2025 range is 4,462 to
// 24,930 yuan, most people near the bottom.
int64_t RandomContributionBase(Rng& rng) {
  const double u = rng.Unit();
  return kMinimumBaseCents + static_cast<int64_t>(u * u * u * 2046800.0);
}

struct Enrolment {
  const Person& person;
  const Enterprise* employer;  // null for residents' schemes
  std::string_view insurance;
  chr::year_month_day since;
  int64_t base_cents;  // monthly contribution base
};

void WriteEnrolment(DatasetFile& file, const Enrolment& e, Rng& rng) {
  constexpr IdDefectRates kIdRates{.wrong_check = 0.002, .swapped = 0.008, .full_width = 0.002};
  constexpr NameDefectRates kNameRates{.typo = 0.015, .trailing = 0.01, .missing = 0.005};
  const std::string id = RecordIdNumber(e.person.id, kIdRates, rng);
  const std::string name = RecordName(e.person.name, kNameRates, rng);
  const std::string since = FormatDate(e.since, RandomDateStyle(rng, 0.1));
  const std::string base = FormatFixed(e.base_cents, 2);
  const std::string_view employer =
      e.employer != nullptr ? std::string_view(e.employer->name) : std::string_view();
  std::string credit_code = e.employer != nullptr ? e.employer->credit_code : "";
  if (!credit_code.empty() && rng.Chance(0.005)) credit_code = SwapAdjacentDigits(credit_code, rng);
  const std::string_view status = kEnrolmentStatus[rng.Weighted(kEnrolmentStatusWeights)];
  const int copies = rng.Chance(0.003) ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    file.WriteCsvRow({id, name, e.insurance, since, base, employer, credit_code, status});
  }
}

void WritePersonEnrolments(DatasetFile& file, const CityContext& city, const Person& p, Rng& rng) {
  const chr::year_month_day end{chr::sys_days{kExportDate} - chr::days{1}};
  // Someone turning 18 on the export day enrols on its eve.
  const chr::year_month_day start =
      std::min(end, Later(AddYears(p.birth, 18),
                          chr::year_month_day{chr::year{1995}, chr::January, chr::day{1}}));
  if (rng.Chance(0.7) && !city.enterprises.empty()) {
    const Enterprise& employer = city.enterprises[rng.Below(city.enterprises.size())];
    const chr::year_month_day since =
        RandomDayBetween(rng, Later(start, employer.established), end);
    const int64_t base = RandomContributionBase(rng);
    for (std::string_view insurance : kEmployeeInsurance) {
      if (insurance == "失业保险" && rng.Chance(0.1)) continue;
      WriteEnrolment(file, {p, &employer, insurance, since, base}, rng);
    }
    return;
  }
  const chr::year_month_day since = RandomDayBetween(rng, start, end);
  for (std::string_view insurance : kResidentInsurance) {
    WriteEnrolment(file, {p, nullptr, insurance, since, kMinimumBaseCents}, rng);
  }
}

constexpr std::string_view kCovidVaccine = "新冠病毒灭活疫苗(Vero细胞)";
constexpr std::string_view kFluVaccine = "流感病毒裂解疫苗";
constexpr std::string_view kHepatitisBVaccine = "重组乙型肝炎疫苗";
constexpr std::string_view kHpvVaccine = "双价人乳头瘤病毒疫苗";

struct Dose {
  std::string_view vaccine;
  int dose;
  chr::year_month_day date;
};

// The doses a person received, in order.
std::vector<Dose> DosesFor(const Person& p, Rng& rng) {
  std::vector<Dose> doses;
  const int age = AgeOn(p, kExportDate);
  const chr::year_month_day covid_start{chr::year{2021}, chr::March, chr::day{1}};
  if (age >= 8 && rng.Chance(0.85)) {
    const int count = rng.Chance(0.05) ? 1 : rng.Chance(0.3) ? 2 : 3;
    chr::sys_days day = chr::sys_days{covid_start} + chr::days{rng.Between(0, 180)};
    for (int d = 1; d <= count; ++d) {
      doses.push_back({kCovidVaccine, d, chr::year_month_day{day}});
      day += chr::days{d == 1 ? rng.Between(21, 56) : rng.Between(180, 300)};
    }
  }
  if (rng.Chance(0.2)) {
    const chr::year_month_day flu_start{chr::year{2025}, chr::October, chr::day{1}};
    doses.push_back(
        {kFluVaccine, 1,
         chr::year_month_day{chr::sys_days{flu_start} + chr::days{rng.Between(0, 400)}}});
  }
  if (age < 7) {
    constexpr std::array<int, 3> kScheduleDays = {0, 30, 180};
    for (int d = 0; d < 3; ++d) {
      const chr::year_month_day date{chr::sys_days{p.birth} + chr::days{kScheduleDays[d]}};
      if (date < kExportDate) doses.push_back({kHepatitisBVaccine, d + 1, date});
    }
  }
  if (p.sex == standards::Sex::kFemale && age >= 9 && age <= 45 && rng.Chance(0.1)) {
    const chr::year_month_day hpv_start{chr::year{2022}, chr::June, chr::day{1}};
    chr::sys_days day = chr::sys_days{hpv_start} + chr::days{rng.Between(0, 900)};
    for (int d = 1; d <= 2; ++d, day += chr::days{180}) {
      doses.push_back({kHpvVaccine, d, chr::year_month_day{day}});
    }
  }
  return doses;
}

void WriteDose(DatasetFile& file, const Person& p, const Dose& dose, Rng& rng) {
  constexpr IdDefectRates kIdRates{.wrong_check = 0.002, .swapped = 0.005, .missing = 0.002};
  constexpr NameDefectRates kNameRates{.typo = 0.01, .trailing = 0.005, .missing = 0.005};
  JsonObject record;
  record.StringOrNull("id_number", RecordIdNumber(p.id, kIdRates, rng));
  record.StringOrNull("name", RecordName(p.name, kNameRates, rng));
  record.String("vaccine", dose.vaccine);
  // One feeding system sent the dose number as a string.
  if (rng.Chance(0.005)) {
    record.String("dose", std::to_string(dose.dose));
  } else {
    record.Integer("dose", dose.dose);
  }
  record.String("date", standards::FormatIsoDate(dose.date));
  std::string site(p.district->name);
  site += p.subdistrict;
  site += "社区卫生服务中心";
  record.String("site", site);
  file.WriteJsonRecord(record);
  if (rng.Chance(0.005)) file.WriteJsonRecord(record);
}

}  // namespace

Result<DemoDataset> WriteSocialInsurance(const CityContext& city) {
  Rng rng(city.seed, "social_insurance_enrolments");
  ASSIGN_OR_RETURN(
      DatasetFile file,
      DatasetFile::Create(city, {.dataset = "social_insurance_enrolments",
                                 .dept_code = "rsj",
                                 .title = "社会保险参保信息",
                                 .description = "参保人员的险种、参保日期、缴费基数和参保单位。",
                                 .encoding = FileEncoding::kUtf8,
                                 .format = "csv"}));
  // 身份证号, 姓名, 险种类型, 参保日期, 缴费基数, 单位名称, 单位统一社会信用代码, 参保状态
  file.WriteCsvHeader({"sfzh", "xm", "xzlx", "cbrq", "jfjs", "dwmc", "dwtyshxydm", "cbzt"});
  for (const Person& p : city.people) {
    const int age = AgeOn(p, kExportDate);
    if (age < 18 || age > 65 || !rng.Chance(0.8)) continue;
    WritePersonEnrolments(file, city, p, rng);
  }
  return file.Finish();
}

Result<DemoDataset> WriteVaccinations(const CityContext& city) {
  Rng rng(city.seed, "vaccinations");
  ASSIGN_OR_RETURN(
      DatasetFile file,
      DatasetFile::Create(city, {.dataset = "vaccinations",
                                 .dept_code = "wjw",
                                 .title = "疫苗接种记录",
                                 .description = "全市接种点上报的疫苗接种记录，每剂次一条。",
                                 .encoding = FileEncoding::kUtf8,
                                 .format = "ndjson"}));
  for (const Person& p : city.people) {
    for (const Dose& dose : DosesFor(p, rng)) {
      if (dose.date < kExportDate) WriteDose(file, p, dose, rng);
    }
  }
  return file.Finish();
}

}  // namespace citydata::demo
