// The market-regulation bureau's enterprise registry, and the enterprises that the
// other departments refer to (employers, legal representatives).
#include <algorithm>
#include <array>
#include <span>
#include <unordered_set>
#include <utility>

#include "demo/departments.h"
#include "demo/spelling.h"
#include "standards/national_ids.h"

namespace citydata::demo {
namespace {

namespace chr = std::chrono;

struct Industry {
  std::string_view name;  // GB/T 4754-2017 大类
  std::string_view word;  // as it appears in enterprise names
};

constexpr std::array<Industry, 10> kIndustries = {{
    {"软件和信息技术服务业", "网络科技"},
    {"批发业", "贸易"},
    {"零售业", "商贸"},
    {"餐饮业", "餐饮管理"},
    {"商务服务业", "企业管理咨询"},
    {"房屋建筑业", "建设工程"},
    {"道路运输业", "物流"},
    {"科技推广和应用服务业", "科技"},
    {"纺织服装、服饰业", "服饰"},
    {"电气机械和器材制造业", "电气"},
}};

constexpr std::array<std::string_view, 48> kTradeNameChars = {
    "云", "栖", "华", "信", "恒", "泰", "鑫", "盛", "达", "通", "瑞", "丰", "宏", "远", "天", "成",
    "嘉", "禾", "中", "正", "新", "易", "联", "创", "智", "汇", "博", "安", "元", "和", "润", "德",
    "顺", "兴", "腾", "飞", "星", "海", "金", "石", "之", "江", "钱", "潮", "西", "溪", "良", "渚",
};

constexpr std::array<std::string_view, 3> kCompanySuffixes = {"有限公司", "有限责任公司",
                                                              "股份有限公司"};

constexpr std::array<int, 8> kCapitalTenThousands = {3, 10, 50, 100, 200, 500, 1000, 5000};

std::string TradeName(Rng& rng) {
  const std::span<const std::string_view> chars(kTradeNameChars);
  std::string name;
  const int length = rng.Chance(0.2) ? 3 : 2;
  std::string_view previous;
  for (int i = 0; i < length; ++i) {
    std::string_view next = rng.Pick(chars);
    while (next == previous) next = rng.Pick(chars);
    name += next;
    previous = next;
  }
  return name;
}

// A name not yet in `taken`; after a few clashes a serial keeps it unique.
std::string UniqueEnterpriseName(Rng& rng, const Industry& industry, size_t serial,
                                 std::unordered_set<std::string>& taken) {
  for (int attempt = 0;; ++attempt) {
    std::string name(kCityShortName);
    name += TradeName(rng);
    name += industry.word;
    name += rng.Pick(std::span<const std::string_view>(kCompanySuffixes));
    if (attempt >= 20) {
      name += "(";
      name += std::to_string(serial);
      name += ")";
    }
    if (taken.insert(name).second) return name;
  }
}

// A GB 11714 organisation code: older ones all digits, newer ones starting "MA".
std::string RandomOrganizationCode(Rng& rng) {
  std::string body;
  if (rng.Chance(0.5)) {
    body = "MA";
    for (int i = 0; i < 6; ++i) body.push_back(standards::kCreditCodeAlphabet[rng.Below(31)]);
  } else {
    for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>('0' + rng.Below(10)));
  }
  char check = standards::OrganizationCodeCheckCharacter(body).value();
  // A few codes issued before GB 32100 carry organisation codes that fail GB 11714.
  if (rng.Chance(0.005)) check = check == '0' ? '1' : '0';
  return body + check;
}

std::string RandomCreditCode(Rng& rng, const District& district) {
  std::string code = "91";
  code += district.code;
  code += RandomOrganizationCode(rng);
  code.push_back(standards::CreditCodeCheckCharacter(code).value());
  return code;
}

std::string WrongCreditCheck(std::string_view code, Rng& rng) {
  std::string wrong(code);
  char replacement = wrong.back();
  while (replacement == wrong.back()) {
    replacement = standards::kCreditCodeAlphabet[rng.Below(standards::kCreditCodeAlphabet.size())];
  }
  wrong.back() = replacement;
  return wrong;
}

std::string RecordEnterpriseName(const std::string& name, Rng& rng) {
  if (!rng.Chance(0.002)) return name;
  // Some rows were pasted from documents with the name still in quotes.
  std::string quoted = "\"";
  quoted += name;
  quoted += "\"";
  return quoted;
}

size_t RandomAdult(const std::vector<Person>& people, Rng& rng) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const size_t i = rng.Below(people.size());
    if (AgeOn(people[i], kExportDate) >= 20) return i;
  }
  return rng.Below(people.size());
}

void WriteEnterprise(DatasetFile& file, const CityContext& city, const Enterprise& e, Rng& rng) {
  constexpr IdDefectRates kIdRates{
      .wrong_check = 0.003, .swapped = 0.005, .old_form = 0.005, .missing = 0.003};
  constexpr NameDefectRates kNameRates{.typo = 0.01, .trailing = 0.005};
  const Person& rep = city.people[e.legal_representative];
  const std::string code = rng.Chance(0.015) ? WrongCreditCheck(e.credit_code, rng) : e.credit_code;
  const std::string name = RecordEnterpriseName(e.name, rng);
  const std::string rep_name = RecordName(rep.name, kNameRates, rng);
  const std::string rep_id = RecordIdNumber(rep.id, kIdRates, rng);
  const std::string address = rng.Chance(0.005) ? e.address + ",东门" : e.address;
  const std::string_view industry = rng.Chance(0.01) ? "" : e.industry;
  const std::string capital = FormatFixed(e.capital_cents, 2);
  const std::string established = FormatDate(e.established, RandomDateStyle(rng, 0.03));
  const int copies = rng.Chance(0.003) ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    file.WriteCsvRow({code, name, rep_name, rep_id, address, industry, capital, established});
  }
}

}  // namespace

std::vector<Enterprise> BuildEnterprises(const std::vector<Person>& people, uint64_t seed) {
  Rng rng(seed, "enterprises");
  const size_t count = std::max<size_t>(20, people.size() / 12);
  const chr::year_month_day first_day{chr::year{1993}, chr::January, chr::day{1}};
  const chr::year_month_day last_day{chr::sys_days{kExportDate} - chr::days{1}};
  std::unordered_set<std::string> names;
  std::vector<Enterprise> enterprises(count);
  for (size_t i = 0; i < count; ++i) {
    Enterprise& e = enterprises[i];
    const Industry& industry = rng.Pick(std::span<const Industry>(kIndustries));
    const District& district = rng.Pick(CityDistricts());
    e.credit_code = RandomCreditCode(rng, district);
    e.name = UniqueEnterpriseName(rng, industry, i + 1, names);
    e.legal_representative = RandomAdult(people, rng);
    e.address = RandomAddress(rng, district);
    e.industry = industry.name;
    e.capital_cents = rng.Chance(0.2)
                          ? rng.Between(100, 1000000)
                          : int64_t{rng.Pick(std::span<const int>(kCapitalTenThousands))} * 100;
    e.established = RandomDayBetween(rng, first_day, last_day);
  }
  return enterprises;
}

Result<DemoDataset> WriteEnterpriseRegistry(const CityContext& city) {
  Rng rng(city.seed, "enterprise_registry");
  ASSIGN_OR_RETURN(DatasetFile file,
                   DatasetFile::Create(
                       city, {.dataset = "enterprise_registry",
                              .dept_code = "scjgj",
                              .title = "企业登记信息",
                              .description = "在本市登记的企业及其法定代表人，注册资本单位为万元。",
                              .encoding = FileEncoding::kUtf8,
                              .format = "csv"}));
  file.WriteCsvHeader({"credit_code", "enterprise_name", "legal_representative",
                       "legal_rep_id_number", "registered_address", "industry",
                       "registered_capital", "established_date"});
  for (const Enterprise& e : city.enterprises) WriteEnterprise(file, city, e, rng);
  return file.Finish();
}

}  // namespace citydata::demo
