#include "demo/names.h"

#include <array>
#include <utility>
#include <vector>

namespace citydata::demo {
namespace {

struct Surname {
  std::string_view text;
  int weight;  // per ten thousand people
};

constexpr std::array<Surname, 48> kSurnames = {{
    {"王", 725}, {"李", 719}, {"张", 683}, {"刘", 538}, {"陈", 453}, {"杨", 308}, {"黄", 223},
    {"赵", 229}, {"吴", 205}, {"周", 195}, {"徐", 168}, {"孙", 154}, {"马", 147}, {"朱", 142},
    {"胡", 131}, {"郭", 118}, {"何", 117}, {"高", 105}, {"林", 100}, {"罗", 90},  {"郑", 85},
    {"梁", 81},  {"谢", 72},  {"宋", 64},  {"唐", 63},  {"许", 61},  {"韩", 60},  {"冯", 56},
    {"邓", 56},  {"曹", 53},  {"彭", 51},  {"曾", 50},  {"肖", 49},  {"田", 47},  {"董", 46},
    {"袁", 44},  {"潘", 43},  {"于", 42},  {"蒋", 41},  {"蔡", 40},  {"余", 39},  {"杜", 38},
    {"叶", 37},  {"程", 36},  {"沈", 35},  {"钱", 20},  {"欧阳", 5}, {"司马", 1},
}};

constexpr std::array<std::string_view, 48> kMaleChars = {
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞",
    "鑫", "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "峰", "建",
    "国", "志", "文", "晨", "轩", "然", "睿", "泽", "子", "博", "海", "东", "成", "永", "新", "兵",
};

constexpr std::array<std::string_view, 48> kFemaleChars = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "英", "玲", "桂", "兰", "萍", "红", "燕",
    "梅", "琳", "莉", "婷", "雪", "倩", "慧", "颖", "洁", "佳", "欣", "怡", "涵", "晶", "璐", "雨",
    "琪", "悦", "彤", "诗", "思", "梦", "雅", "淑", "珍", "凤", "云", "月", "晓", "文", "子", "嘉",
};

// Pairs that sound alike (ignoring tone), the usual slip of a pinyin input method.
constexpr std::array<std::pair<std::string_view, std::string_view>, 40> kHomophones = {{
    {"伟", "玮"}, {"强", "墙"}, {"军", "君"}, {"勇", "永"}, {"杰", "洁"}, {"涛", "韬"},
    {"明", "铭"}, {"刚", "钢"}, {"辉", "晖"}, {"华", "桦"}, {"波", "博"}, {"斌", "彬"},
    {"宇", "雨"}, {"浩", "皓"}, {"健", "建"}, {"俊", "骏"}, {"峰", "锋"}, {"志", "智"},
    {"文", "雯"}, {"晨", "辰"}, {"芳", "方"}, {"静", "靖"}, {"丽", "莉"}, {"艳", "燕"},
    {"娟", "鹃"}, {"霞", "侠"}, {"秀", "绣"}, {"玲", "铃"}, {"兰", "岚"}, {"萍", "苹"},
    {"红", "宏"}, {"梅", "玫"}, {"琳", "林"}, {"婷", "亭"}, {"慧", "惠"}, {"颖", "莹"},
    {"佳", "家"}, {"怡", "仪"}, {"张", "章"}, {"杨", "阳"},
}};

std::string_view PickSurname(Rng& rng) {
  std::array<int, kSurnames.size()> weights{};
  for (size_t i = 0; i < kSurnames.size(); ++i) weights[i] = kSurnames[i].weight;
  return kSurnames[rng.Weighted(weights)].text;
}

// Byte offsets and lengths of the UTF-8 characters of `text`.
std::vector<std::pair<size_t, size_t>> Utf8Chars(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> chars;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    chars.emplace_back(i, len);
    i += len;
  }
  return chars;
}

std::string_view HomophoneOf(std::string_view ch) {
  for (const auto& [from, to] : kHomophones) {
    if (from == ch) return to;
    if (to == ch) return from;
  }
  return {};
}

}  // namespace

std::string RandomChineseName(Rng& rng, standards::Sex sex) {
  const std::span<const std::string_view> chars =
      sex == standards::Sex::kMale ? std::span<const std::string_view>(kMaleChars)
                                   : std::span<const std::string_view>(kFemaleChars);
  std::string name(PickSurname(rng));
  name += rng.Pick(chars);
  if (rng.Chance(0.75)) name += rng.Pick(chars);
  return name;
}

std::string HomophoneTypo(std::string_view name, Rng& rng) {
  std::vector<std::pair<size_t, std::string_view>> candidates;
  for (const auto& [offset, len] : Utf8Chars(name)) {
    const std::string_view other = HomophoneOf(name.substr(offset, len));
    if (!other.empty()) candidates.emplace_back(offset, other);
  }
  std::string typo(name);
  if (candidates.empty()) return typo;
  const auto& [offset, replacement] = candidates[rng.Below(candidates.size())];
  const size_t len = Utf8Chars(name.substr(offset)).front().second;
  typo.replace(offset, len, replacement);
  return typo;
}

}  // namespace citydata::demo
