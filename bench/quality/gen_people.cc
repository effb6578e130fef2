// Writes the bench/quality dataset: N rows of a resident register as CSV on stdout,
// deterministic for a given N (a fixed-seed SplitMix64), with a few percent of the
// defects the 16-rule plan looks for. ID numbers are distinct except for about 0.1%
// deliberate repeats of a recent row's number. Built and run by run.py; not part of the timing.
//
// Usage: gen_people ROWS > people.csv
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  int Int(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
  // True with probability per_mille / 1000.
  bool PerMille(int per_mille) { return static_cast<int>(Next() % 1000) < per_mille; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& items) { return items[Next() % N]; }

 private:
  uint64_t state_;
};

constexpr std::array<std::string_view, 20> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
    "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"};
constexpr std::array<std::string_view, 24> kGiven = {
    "伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋",
    "勇", "艳", "杰", "娟", "涛", "明", "超", "兰", "霞", "平", "刚", "桂"};
constexpr std::array<std::string_view, 6> kRegions = {"330102", "330105", "330106",
                                                      "110105", "310104", "440305"};
constexpr std::array<std::string_view, 13> kDistricts = {
    "330102", "330105", "330106", "330108", "330109", "330110", "330111",
    "330112", "330113", "330114", "330122", "330127", "330182"};
constexpr std::array<std::string_view, 4> kMailDomains = {"qq.com", "163.com", "example.cn",
                                                          "zj.gov.cn"};
constexpr std::array<std::string_view, 3> kStatuses = {"active", "inactive", "closed"};
constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

char CheckCharacter(std::string_view body17) {
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (body17[i] - '0') * kIdWeights[i];
  return "10X98765432"[sum % 11];
}

int DaysIn(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

struct Person {
  std::string id_number, birth_date;
  int sex = 1;
};

// The civil date of `days` since 1970-01-01 (H. Hinnant's algorithm).
void CivilFromDays(int64_t days, int& year, int& month, int& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

// Birth dates 1940-01-01 .. 2008-12-31 (days since the epoch), six address codes and
// 1000 sequence numbers give this many distinct ID numbers.
constexpr int64_t kFirstBirthDay = -10957;
constexpr int64_t kBirthDays = 25202;
constexpr int64_t kIdSlots = kBirthDays * 6 * 1000;

// The valid 18-character ID number of person `i`, with the birth date and sex it
// encodes. Distinct for distinct i < kIdSlots: i is mapped to a slot by multiplying with
// a number prime to kIdSlots, so that neighbours do not look alike.
Person MakePerson(int64_t i) {
  const int64_t slot = static_cast<int64_t>((static_cast<unsigned __int128>(i) * 1000003) %
                                            static_cast<unsigned __int128>(kIdSlots));
  int year, month, day;
  CivilFromDays(kFirstBirthDay + slot % kBirthDays, year, month, day);
  const int seq = static_cast<int>(slot / kBirthDays / 6);
  char body[32];
  std::snprintf(body, sizeof body, "%s%04d%02d%02d%03d",
                std::string(kRegions[static_cast<size_t>(slot / kBirthDays % 6)]).c_str(), year,
                month, day, seq);
  Person p;
  p.id_number = std::string(body, 17) + CheckCharacter(std::string_view(body, 17));
  char date[32];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
  p.birth_date = date;
  p.sex = seq % 2 == 1 ? 1 : 2;
  return p;
}

// About 3% wrong check characters, 0.3% truncated, 0.2% lower-case x, 0.1% missing.
std::string DamageIdNumber(Rng& rng, std::string id) {
  int roll = rng.Int(0, 999);
  if (roll < 30) {
    const char* alphabet = "0123456789X";
    char wrong = id[17];
    while (wrong == id[17]) wrong = alphabet[rng.Int(0, 10)];
    id[17] = wrong;
  } else if (roll < 33) {
    id.pop_back();
  } else if (roll < 35) {
    id[17] = 'x';
  } else if (roll < 36) {
    id.clear();
  }
  return id;
}

std::string Mobile(Rng& rng) {
  char out[16];
  std::snprintf(out, sizeof out, "1%d%09d", rng.Int(3, 9), rng.Int(0, 999999999));
  std::string m = out;
  int roll = rng.Int(0, 999);
  if (roll < 8) return m.substr(0, 10);             // a digit short
  if (roll < 14) return "12" + m.substr(2);         // no such network
  if (roll < 20) return m.substr(0, 3) + "-" + m.substr(3);
  if (roll < 23) return "";
  return m;
}

std::string Email(Rng& rng, int64_t i) {
  std::string local = "u" + std::to_string(i);
  if (rng.PerMille(300)) local = std::string("li.") + std::to_string(i % 100000);
  std::string domain(rng.Pick(kMailDomains));
  int roll = rng.Int(0, 999);
  if (roll < 5) return local + domain;                 // no @
  if (roll < 8) return local + "@@" + domain;
  if (roll < 10) return "U" + local.substr(1) + "@" + domain;  // upper case
  return local + "@" + domain;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gen_people ROWS > people.csv\n");
    return 2;
  }
  const int64_t rows = std::strtoll(argv[1], nullptr, 10);
  Rng rng(20261123);
  std::string recent[1024];  // earlier ID numbers, to repeat some
  std::string line;
  std::fputs("id,id_number,name,sex,birth_date,mobile,email,age,income,district,reg_date,status\n",
             stdout);
  for (int64_t i = 1; i <= rows; ++i) {
    Person p = MakePerson(i);
    std::string id = DamageIdNumber(rng, p.id_number);
    if (rng.PerMille(1) && !recent[i % 1024].empty()) id = recent[(i + 7) % 1024];  // duplicate
    if (!id.empty()) recent[i % 1024] = id;
    std::string name = std::string(rng.Pick(kSurnames)) + std::string(rng.Pick(kGiven));
    if (rng.PerMille(600)) name += rng.Pick(kGiven);
    if (rng.PerMille(5)) name.clear();
    int sex = rng.PerMille(10) ? (rng.PerMille(500) ? 9 : 0) : p.sex;
    std::string birth = p.birth_date;
    if (rng.PerMille(5)) birth[9] = birth[9] == '1' ? '2' : '1';  // disagrees with the ID
    int age = 2026 - std::stoi(p.birth_date.substr(0, 4));
    if (rng.PerMille(5)) age = rng.PerMille(500) ? -1 : rng.Int(121, 150);
    const std::string_view status = rng.PerMille(3) ? (rng.PerMille(500) ? "ACTIVE" : "unknown")
                                                    : rng.Pick(kStatuses);
    int income_cents = rng.Int(0, 20000000);
    if (status == "closed" && !rng.PerMille(20)) income_cents = 0;
    if (rng.PerMille(3)) income_cents = -income_cents - 1;
    std::string_view district = rng.PerMille(5) ? "330199" : rng.Pick(kDistricts);
    int reg_year = rng.PerMille(2) ? 2027 : rng.Int(2000, 2025);
    int reg_month = rng.Int(1, 12);
    char tail[160];
    std::snprintf(tail, sizeof tail, "%d,%s%d.%02d,%s,%04d-%02d-%02d,%s", age,
                  income_cents < 0 ? "-" : "", std::abs(income_cents) / 100,
                  std::abs(income_cents) % 100, std::string(district).c_str(), reg_year,
                  reg_month, rng.Int(1, DaysIn(reg_year, reg_month)),
                  std::string(status).c_str());
    line.clear();
    line += std::to_string(i) + "," + id + "," + name + "," + std::to_string(sex) + "," + birth +
            "," + Mobile(rng) + "," + Email(rng, i) + "," + tail + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  return 0;
}
