// Exports of the public-security bureau (household registry) and the civil-affairs
// bureau (marriages, elderly people living alone).
#include <algorithm>
#include <utility>

#include "demo/departments.h"
#include "demo/names.h"
#include "demo/spelling.h"

namespace citydata::demo {
namespace {

namespace chr = std::chrono;

std::string_view SexName(standards::Sex sex) { return sex == standards::Sex::kMale ? "男" : "女"; }

// A few addresses carry a remark after an ASCII comma, which forces CSV quoting.
std::string RecordAddress(const std::string& address, Rng& rng) {
  if (rng.Chance(0.005)) return address + ",近" + std::string(rng.Chance(0.5) ? "地铁站" : "菜场");
  if (rng.Chance(0.01)) return TrailingSpaces(address, rng);
  return address;
}

std::string RecordPhone(const Person& person, Rng& rng) {
  const double u = rng.Unit();
  if (u < 0.02) return "";
  if (u < 0.03) return RandomLandline(rng);
  if (u < 0.035) return FullWidthDigits(person.phone);
  return person.phone;
}

// Household-registry birth date: the ID's date, except for a few clerical errors
// (a day off) that a cross-field check between the columns finds.
std::string RecordBirthDate(const Person& person, Rng& rng) {
  if (!rng.Chance(0.004)) return standards::FormatIsoDate(person.birth);
  return standards::FormatIsoDate(chr::year_month_day{chr::sys_days{person.birth} + chr::days{1}});
}

std::string_view RecordSex(const Person& person, Rng& rng) {
  if (rng.Chance(0.003)) {
    return SexName(person.sex == standards::Sex::kMale ? standards::Sex::kFemale
                                                       : standards::Sex::kMale);
  }
  return SexName(person.sex);
}

// People at least `min_age` on the export date and of `sex`, by index, oldest first.
std::vector<size_t> AdultsOfSex(const std::vector<Person>& people, standards::Sex sex,
                                int min_age) {
  std::vector<size_t> adults;
  for (size_t i = 0; i < people.size(); ++i) {
    if (people[i].sex == sex && AgeOn(people[i], kExportDate) >= min_age) adults.push_back(i);
  }
  std::stable_sort(adults.begin(), adults.end(),
                   [&people](size_t a, size_t b) { return people[a].birth < people[b].birth; });
  return adults;
}

// A wife for `husband` from `women` (sorted by birth): usually a little younger.
const Person& PartnerFor(const Person& husband, const std::vector<size_t>& women,
                         const std::vector<Person>& people, Rng& rng) {
  const chr::year_month_day target{chr::sys_days{husband.birth} +
                                   chr::days{rng.Between(-3 * 365, 6 * 365)}};
  auto it = std::lower_bound(
      women.begin(), women.end(), target,
      [&people](size_t woman, chr::year_month_day date) { return people[woman].birth < date; });
  if (it == women.end()) --it;
  return people[*it];
}

struct Marriage {
  const Person& husband;
  const Person& wife;
  chr::year_month_day registered;
};

void WriteMarriage(DatasetFile& file, const Marriage& m, int64_t serial, Rng& rng) {
  constexpr IdDefectRates kIdRates{.wrong_check = 0.003, .swapped = 0.01, .full_width = 0.002};
  constexpr NameDefectRates kNameRates{.typo = 0.02, .trailing = 0.01};
  IdDefectRates rates = kIdRates;
  // Registrations before 2000 were typed in from paper records with old numbers.
  if (m.registered.year() < chr::year{2000}) rates.old_form = 0.3;
  const std::string year = std::to_string(static_cast<int>(m.registered.year()));
  std::string number = "J";
  number += m.husband.district->code;
  number += "-" + year + "-" + std::to_string(1000000 + serial).substr(1);
  const std::string office =
      rng.Chance(0.01)
          ? ""
          : std::string(kCityName) + std::string(m.husband.district->name) + "民政局婚姻登记处";
  const std::string date = FormatDate(m.registered, RandomDateStyle(rng, 0.15));
  const std::string husband_name = RecordName(m.husband.name, kNameRates, rng);
  const std::string husband_id = RecordIdNumber(m.husband.id, rates, rng);
  const std::string wife_name = RecordName(m.wife.name, kNameRates, rng);
  const std::string wife_id = RecordIdNumber(m.wife.id, rates, rng);
  const int copies = rng.Chance(0.005) ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    file.WriteCsvRow({number, husband_name, husband_id, wife_name, wife_id, date, office});
  }
}

}  // namespace

Result<DemoDataset> WriteHouseholdRegistry(const CityContext& city) {
  Rng rng(city.seed, "household_registry");
  ASSIGN_OR_RETURN(
      DatasetFile file,
      DatasetFile::Create(city, {.dataset = "household_registry",
                                 .dept_code = "gaj",
                                 .title = "户籍人口信息",
                                 .description = "全市户籍人口的身份、民族、住址和联系方式。",
                                 .encoding = FileEncoding::kGb18030,
                                 .format = "csv"}));
  file.WriteCsvHeader({"姓名", "身份证号", "性别", "民族", "出生日期", "住址", "联系电话"});
  constexpr IdDefectRates kIdRates{.wrong_check = 0.012,
                                   .old_form = 0.01,
                                   .full_width = 0.003,
                                   .lower_x = 0.1,
                                   .missing = 0.002};
  constexpr NameDefectRates kNameRates{.trailing = 0.01, .missing = 0.002};
  for (const Person& p : city.people) {
    if (!p.registered_resident) continue;
    const std::string name = RecordName(p.name, kNameRates, rng);
    const std::string id = RecordIdNumber(p.id, kIdRates, rng);
    const std::string_view ethnic = rng.Chance(0.005) ? "" : p.ethnic->name;
    const std::string birth = RecordBirthDate(p, rng);
    const std::string address = RecordAddress(p.address, rng);
    const std::string phone = RecordPhone(p, rng);
    const std::string_view sex = RecordSex(p, rng);
    const int copies = rng.Chance(0.003) ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      file.WriteCsvRow({name, id, sex, ethnic, birth, address, phone});
    }
  }
  return file.Finish();
}

Result<DemoDataset> WriteMarriageRegistrations(const CityContext& city) {
  Rng rng(city.seed, "marriage_registrations");
  ASSIGN_OR_RETURN(
      DatasetFile file,
      DatasetFile::Create(city, {.dataset = "marriage_registrations",
                                 .dept_code = "mzj",
                                 .title = "婚姻登记信息",
                                 .description = "1980年以来在本市办理的结婚登记，含双方身份信息。",
                                 .encoding = FileEncoding::kGb18030,
                                 .format = "csv"}));
  // 登记证号, 男方姓名, 男方身份证号, 女方姓名, 女方身份证号, 登记日期, 登记机关
  file.WriteCsvHeader({"djzh", "nfxm", "nfsfzh", "nvfxm", "nvfsfzh", "djrq", "djjg"});
  const std::vector<size_t> men = AdultsOfSex(city.people, standards::Sex::kMale, 22);
  const std::vector<size_t> women = AdultsOfSex(city.people, standards::Sex::kFemale, 20);
  if (men.empty() || women.empty()) return file.Finish();
  const int64_t count = static_cast<int64_t>(city.people.size()) / 5;
  const chr::year_month_day first_day{chr::year{1980}, chr::January, chr::day{2}};
  const chr::year_month_day last_day{chr::sys_days{kExportDate} - chr::days{1}};
  for (int64_t serial = 1; serial <= count; ++serial) {
    const Person& husband = city.people[men[rng.Below(men.size())]];
    const Person& wife = PartnerFor(husband, women, city.people, rng);
    const chr::year_month_day earliest =
        std::max({first_day, AddYears(husband.birth, 22), AddYears(wife.birth, 20)});
    if (earliest > last_day) continue;
    // Most couples register within ten years of being allowed to.
    const chr::year_month_day latest = std::min(last_day, AddYears(earliest, 10));
    WriteMarriage(file, {husband, wife, RandomDayBetween(rng, earliest, latest)}, serial, rng);
  }
  return file.Finish();
}

Result<DemoDataset> WriteElderlyLivingAlone(const CityContext& city) {
  Rng rng(city.seed, "elderly_living_alone");
  ASSIGN_OR_RETURN(
      DatasetFile file,
      DatasetFile::Create(city, {.dataset = "elderly_living_alone",
                                 .dept_code = "mzj",
                                 .title = "独居老人信息",
                                 .description = "社区走访登记的65周岁以上独居老人及紧急联系人。",
                                 .encoding = FileEncoding::kUtf8WithBom,
                                 .format = "csv"}));
  file.WriteCsvHeader({"姓名", "身份证号", "年龄", "居住地址", "联系电话", "紧急联系人",
                       "紧急联系电话", "所属街道"});
  constexpr IdDefectRates kIdRates{.wrong_check = 0.005, .swapped = 0.01, .old_form = 0.02};
  constexpr NameDefectRates kNameRates{.typo = 0.02, .trailing = 0.01};
  for (const Person& p : city.people) {
    const int age = AgeOn(p, kExportDate);
    if (age < 65 || !rng.Chance(0.12)) continue;
    const std::string name = RecordName(p.name, kNameRates, rng);
    const std::string id = RecordIdNumber(p.id, kIdRates, rng);
    // Ages are typed in at the visit and not updated afterwards.
    const std::string recorded_age = std::to_string(rng.Chance(0.05) ? age - 1 : age);
    const std::string phone = RecordPhone(p, rng);
    const bool has_contact = rng.Chance(0.92);
    const Person& contact = city.people[rng.Below(city.people.size())];
    const std::string contact_name = has_contact ? contact.name : "";
    const std::string contact_phone = has_contact ? contact.phone : "";
    file.WriteCsvRow({name, id, recorded_age, RecordAddress(p.address, rng), phone, contact_name,
                      contact_phone, p.subdistrict});
  }
  return file.Finish();
}

}  // namespace citydata::demo
