// The data of the built-in code tables (see code_tables.h).
#include <span>
#include <string_view>
#include <vector>

#include "standards/code_tables.h"
#include "standards/national_ids.h"

namespace citydata::standards {
namespace {

struct Row {
  std::string_view code;
  std::string_view name;
};

// GB 3304-1991 中国各民族名称的罗马字母拼写法和代码.
constexpr Row kEthnicGroups[] = {
    {"01", "汉族"},       {"02", "蒙古族"},   {"03", "回族"},       {"04", "藏族"},
    {"05", "维吾尔族"},   {"06", "苗族"},     {"07", "彝族"},       {"08", "壮族"},
    {"09", "布依族"},     {"10", "朝鲜族"},   {"11", "满族"},       {"12", "侗族"},
    {"13", "瑶族"},       {"14", "白族"},     {"15", "土家族"},     {"16", "哈尼族"},
    {"17", "哈萨克族"},   {"18", "傣族"},     {"19", "黎族"},       {"20", "傈僳族"},
    {"21", "佤族"},       {"22", "畲族"},     {"23", "高山族"},     {"24", "拉祜族"},
    {"25", "水族"},       {"26", "东乡族"},   {"27", "纳西族"},     {"28", "景颇族"},
    {"29", "柯尔克孜族"}, {"30", "土族"},     {"31", "达斡尔族"},   {"32", "仫佬族"},
    {"33", "羌族"},       {"34", "布朗族"},   {"35", "撒拉族"},     {"36", "毛南族"},
    {"37", "仡佬族"},     {"38", "锡伯族"},   {"39", "阿昌族"},     {"40", "普米族"},
    {"41", "塔吉克族"},   {"42", "怒族"},     {"43", "乌孜别克族"}, {"44", "俄罗斯族"},
    {"45", "鄂温克族"},   {"46", "德昂族"},   {"47", "保安族"},     {"48", "裕固族"},
    {"49", "京族"},       {"50", "塔塔尔族"}, {"51", "独龙族"},     {"52", "鄂伦春族"},
    {"53", "赫哲族"},     {"54", "门巴族"},   {"55", "珞巴族"},     {"56", "基诺族"},
};

// GB/T 4761-2008 家庭关系代码. Each ten (10, 20, ...) is a category whose own code is
// used when the precise relationship is not recorded.
constexpr Row kRelationships[] = {
    {"01", "本人"},
    {"02", "户主"},
    {"10", "配偶"},
    {"11", "夫"},
    {"12", "妻"},
    {"20", "子"},
    {"21", "独生子"},
    {"22", "长子"},
    {"23", "次子"},
    {"24", "三子"},
    {"25", "四子"},
    {"26", "五子"},
    {"27", "养子或继子"},
    {"28", "女婿"},
    {"29", "其他儿子"},
    {"30", "女"},
    {"31", "独生女"},
    {"32", "长女"},
    {"33", "次女"},
    {"34", "三女"},
    {"35", "四女"},
    {"36", "五女"},
    {"37", "养女或继女"},
    {"38", "儿媳"},
    {"39", "其他女儿"},
    {"40", "孙子、孙女或外孙子、外孙女"},
    {"41", "孙子"},
    {"42", "孙女"},
    {"43", "外孙子"},
    {"44", "外孙女"},
    {"45", "孙媳妇或外孙媳妇"},
    {"46", "孙女婿或外孙女婿"},
    {"47", "曾孙子或外曾孙子"},
    {"48", "曾孙女或外曾孙女"},
    {"49", "其他孙子、孙女或外孙子、外孙女"},
    {"50", "父母"},
    {"51", "父亲"},
    {"52", "母亲"},
    {"53", "公公"},
    {"54", "婆婆"},
    {"55", "岳父"},
    {"56", "岳母"},
    {"57", "继父或养父"},
    {"58", "继母或养母"},
    {"59", "其他父母关系"},
    {"60", "祖父母或外祖父母"},
    {"61", "祖父"},
    {"62", "祖母"},
    {"63", "外祖父"},
    {"64", "外祖母"},
    {"65", "配偶的祖父母或外祖父母"},
    {"66", "曾祖父"},
    {"67", "曾祖母"},
    {"68", "配偶的曾祖父母或外曾祖父母"},
    {"69", "其他祖父母或外祖父母关系"},
    {"70", "兄弟姐妹"},
    {"71", "兄"},
    {"72", "嫂"},
    {"73", "弟"},
    {"74", "弟媳"},
    {"75", "姐姐"},
    {"76", "姐夫"},
    {"77", "妹妹"},
    {"78", "妹夫"},
    {"79", "其他兄弟姐妹"},
    {"80", "其他"},
    {"81", "伯父"},
    {"82", "伯母"},
    {"83", "叔父"},
    {"84", "婶母"},
    {"85", "舅父"},
    {"86", "舅母"},
    {"87", "姨父"},
    {"88", "姨母"},
    {"89", "姑父"},
    {"90", "姑母"},
    {"91", "堂兄弟、堂姐妹"},
    {"92", "表兄弟、表姐妹"},
    {"93", "侄子"},
    {"94", "侄女"},
    {"95", "外甥"},
    {"96", "外甥女"},
    {"97", "其他亲属"},
    {"99", "非亲属"},
};

CodeEntry Entry(std::string_view code, std::string_view name,
                std::vector<std::string> synonyms = {}) {
  return {std::string(code), std::string(name), std::move(synonyms)};
}

CodeTable SexTable() {
  return {std::string(kSexTableId),
          "人的性别代码",
          {Entry("0", "未知的性别", {"未知", "unknown"}), Entry("1", "男性", {"男", "M", "male"}),
           Entry("2", "女性", {"女", "F", "female"}),
           Entry("9", "未说明的性别", {"未说明", "unspecified"})}};
}

CodeTable TableOf(std::string_view id, std::string_view name, std::span<const Row> rows) {
  CodeTable table{std::string(id), std::string(name), {}};
  for (const Row& row : rows) table.entries.push_back(Entry(row.code, row.name));
  return table;
}

// "广西壮族自治区" → "广西", "北京市" → "北京".
std::string ProvinceShortName(std::string_view name) {
  constexpr std::string_view kSuffixes[] = {"维吾尔自治区", "壮族自治区", "回族自治区", "自治区",
                                            "特别行政区",   "省",         "市"};
  for (std::string_view suffix : kSuffixes) {
    if (name.ends_with(suffix)) return std::string(name.substr(0, name.size() - suffix.size()));
  }
  return std::string(name);
}

CodeTable DivisionTable() {
  CodeTable table{std::string(kDivisionTableId), "中华人民共和国行政区划代码", {}};
  for (const Province& p : Provinces()) {
    table.entries.push_back(Entry(p.code, p.name, {ProvinceShortName(p.name)}));
  }
  return table;
}

}  // namespace

std::span<const CodeTable> BuiltinCodeTables() {
  static const std::vector<CodeTable> tables = {
      SexTable(),
      TableOf(kEthnicityTableId, "中国各民族名称代码", kEthnicGroups),
      TableOf(kRelationshipTableId, "家庭关系代码", kRelationships),
      DivisionTable(),
  };
  return tables;
}

}  // namespace citydata::standards
