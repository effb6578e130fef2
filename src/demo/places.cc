#include "demo/places.h"

#include <array>

namespace citydata::demo {
namespace {

using Names = std::string_view;

constexpr std::array<Names, 6> kShangchengRoads = {"解放路", "延安路", "清泰街",
                                                   "望江路", "秋涛路", "凯旋路"};
constexpr std::array<Names, 4> kShangchengStreets = {"湖滨街道", "清波街道", "望江街道",
                                                     "凯旋街道"};
constexpr std::array<Names, 5> kGongshuRoads = {"湖墅南路", "莫干山路", "大关路", "丽水路",
                                                "上塘路"};
constexpr std::array<Names, 4> kGongshuStreets = {"米市巷街道", "湖墅街道", "大关街道",
                                                  "拱宸桥街道"};
constexpr std::array<Names, 7> kXihuRoads = {"文三路", "文二路", "天目山路", "古墩路",
                                             "教工路", "西溪路", "学院路"};
constexpr std::array<Names, 5> kXihuStreets = {"北山街道", "西溪街道", "翠苑街道", "文新街道",
                                               "古荡街道"};
constexpr std::array<Names, 5> kBinjiangRoads = {"江南大道", "滨盛路", "网商路", "长河路",
                                                 "江陵路"};
constexpr std::array<Names, 3> kBinjiangStreets = {"西兴街道", "长河街道", "浦沿街道"};
constexpr std::array<Names, 5> kXiaoshanRoads = {"人民路", "市心路", "金城路", "建设一路",
                                                 "山阴路"};
constexpr std::array<Names, 4> kXiaoshanStreets = {"城厢街道", "北干街道", "蜀山街道", "宁围街道"};
constexpr std::array<Names, 5> kYuhangRoads = {"文一西路", "五常大道", "良睦路", "龙潭路",
                                               "莫干山路"};
constexpr std::array<Names, 4> kYuhangStreets = {"五常街道", "仓前街道", "闲林街道", "良渚街道"};
constexpr std::array<Names, 4> kLinpingRoads = {"迎宾路", "世纪大道", "南苑街", "藕花洲大街"};
constexpr std::array<Names, 3> kLinpingStreets = {"临平街道", "南苑街道", "东湖街道"};
constexpr std::array<Names, 4> kQiantangRoads = {"学林街", "文泽路", "幸福南路", "义蓬路"};
constexpr std::array<Names, 3> kQiantangStreets = {"白杨街道", "下沙街道", "义蓬街道"};
constexpr std::array<Names, 4> kFuyangRoads = {"桂花路", "金桥北路", "富春街", "江滨西大道"};
constexpr std::array<Names, 3> kFuyangStreets = {"富春街道", "东洲街道", "银湖街道"};
constexpr std::array<Names, 3> kLinanRoads = {"钱王街", "衣锦街", "万马路"};
constexpr std::array<Names, 2> kLinanStreets = {"锦城街道", "青山湖街道"};
constexpr std::array<Names, 3> kTongluRoads = {"迎春南路", "白云源路", "学圣路"};
constexpr std::array<Names, 2> kTongluStreets = {"桐君街道", "旧县街道"};
constexpr std::array<Names, 3> kChunanRoads = {"新安大街", "环湖北路", "排岭路"};
constexpr std::array<Names, 2> kChunanStreets = {"千岛湖镇", "汾口镇"};
constexpr std::array<Names, 3> kJiandeRoads = {"新安江路", "严州大道", "府前路"};
constexpr std::array<Names, 2> kJiandeStreets = {"新安江街道", "洋溪街道"};

constexpr std::array<District, 13> kDistricts = {{
    {"330102", "上城区", kShangchengRoads, kShangchengStreets, 120.171, 30.250},
    {"330105", "拱墅区", kGongshuRoads, kGongshuStreets, 120.142, 30.319},
    {"330106", "西湖区", kXihuRoads, kXihuStreets, 120.130, 30.259},
    {"330108", "滨江区", kBinjiangRoads, kBinjiangStreets, 120.212, 30.208},
    {"330109", "萧山区", kXiaoshanRoads, kXiaoshanStreets, 120.264, 30.184},
    {"330110", "余杭区", kYuhangRoads, kYuhangStreets, 120.000, 30.273},
    {"330113", "临平区", kLinpingRoads, kLinpingStreets, 120.299, 30.419},
    {"330114", "钱塘区", kQiantangRoads, kQiantangStreets, 120.493, 30.323},
    {"330111", "富阳区", kFuyangRoads, kFuyangStreets, 119.960, 30.049},
    {"330112", "临安区", kLinanRoads, kLinanStreets, 119.725, 30.234},
    {"330122", "桐庐县", kTongluRoads, kTongluStreets, 119.691, 29.793},
    {"330127", "淳安县", kChunanRoads, kChunanStreets, 119.042, 29.609},
    {"330182", "建德市", kJiandeRoads, kJiandeStreets, 119.281, 29.475},
}};

constexpr std::array<Names, 32> kOutsideBirthplaces = {
    "110105", "120101", "130102", "140105", "150102", "210102", "220102", "230102",
    "310104", "320102", "330203", "330302", "330602", "340102", "350102", "360102",
    "370102", "410102", "420102", "430102", "440305", "450102", "460105", "500103",
    "510104", "522301", "530102", "540102", "610102", "620102", "640104", "650102",
};

constexpr std::array<EthnicGroup, 20> kEthnicGroups = {{
    {"01", "汉族"},   {"02", "蒙古族"}, {"03", "回族"}, {"04", "藏族"},   {"05", "维吾尔族"},
    {"06", "苗族"},   {"07", "彝族"},   {"08", "壮族"}, {"09", "布依族"}, {"10", "朝鲜族"},
    {"11", "满族"},   {"12", "侗族"},   {"13", "瑶族"}, {"14", "白族"},   {"15", "土家族"},
    {"16", "哈尼族"}, {"18", "傣族"},   {"19", "黎族"}, {"22", "畲族"},   {"28", "土族"},
}};
// Parts per thousand, roughly the national shares with 畲族 over-represented as in
// Zhejiang.
constexpr std::array<int, 20> kEthnicWeights = {900, 5, 12, 3, 3, 8, 5, 12, 3,  3,
                                                8,   3, 3,  2, 8, 2, 2, 2,  15, 1};

constexpr std::array<Names, 24> kMobilePrefixes = {
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "157", "158", "159", "166", "177", "180", "186", "187", "189", "199",
};

constexpr std::array<Names, 16> kCompounds = {
    "金色家园", "翠苑一区", "文鼎苑",   "南都花园", "绿城桂花园", "府苑新村",
    "景芳三区", "望江家园", "阳光公寓", "和睦新村", "朝晖五区",   "滨江花园",
    "湖畔居",   "紫金庭园", "枫华府",   "古荡新村",
};

void AppendDigits(std::string& out, Rng& rng, int count) {
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + rng.Below(10)));
}

}  // namespace

std::span<const District> CityDistricts() { return kDistricts; }

std::span<const std::string_view> OutsideBirthplaceCodes() { return kOutsideBirthplaces; }

const EthnicGroup& RandomEthnicGroup(Rng& rng) {
  return kEthnicGroups[rng.Weighted(kEthnicWeights)];
}

std::string RandomMobile(Rng& rng) {
  std::string phone(rng.Pick(std::span<const Names>(kMobilePrefixes)));
  AppendDigits(phone, rng, 8);
  return phone;
}

std::string RandomLandline(Rng& rng) {
  std::string phone = "0571-8";
  AppendDigits(phone, rng, 7);
  return phone;
}

std::string RandomAddress(Rng& rng, const District& district) {
  std::string address(kProvinceName);
  address += kCityName;
  address += district.name;
  address += rng.Pick(district.roads);
  address += std::to_string(rng.Between(1, 999));
  address += "号";
  if (rng.Chance(0.7)) {
    address += rng.Pick(std::span<const Names>(kCompounds));
    address += std::to_string(rng.Between(1, 30)) + "幢";
    address += std::to_string(rng.Between(1, 4)) + "单元";
    address += std::to_string(rng.Between(1, 18) * 100 + rng.Between(1, 4)) + "室";
  }
  return address;
}

}  // namespace citydata::demo
