#include "standards/data_elements.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "standards/code_tables.h"
#include "standards/csv_text.h"

namespace citydata::standards {
namespace {

constexpr std::string_view kDataTypes[] = {"text", "integer",   "decimal",
                                           "date", "timestamp", "boolean"};

constexpr std::string_view kCsvHeader[] = {"id",        "name",      "definition", "data_type",
                                           "length",    "precision", "format",     "code_table",
                                           "range_min", "range_max", "unit",       "synonyms"};

DataElement Element(std::string id, std::string name, std::string definition, std::string data_type,
                    int length, std::string format, std::string_view code_table,
                    std::vector<std::string> synonyms) {
  DataElement e;
  e.id = std::move(id);
  e.name = std::move(name);
  e.definition = std::move(definition);
  e.data_type = std::move(data_type);
  e.length = length;
  e.format = std::move(format);
  e.code_table = std::string(code_table);
  e.synonyms = std::move(synonyms);
  return e;
}

std::vector<DataElement> MakeBuiltins() {
  return {
      Element("id_number", "公民身份号码", "GB 11643 规定的公民身份号码", "text", 18, "id_card", "",
              {"sfzh", "sfzhm", "gmsfhm", "sfz", "身份证号", "身份证号码", "公民身份号码", "身份证",
               "id_card", "id_number", "id_no", "identity_card", "citizen_id"}),
      Element("name", "姓名", "人在户籍管理部门正式登记注册的姓氏和名称", "text", 50, "", "",
              {"xm", "姓名", "名字", "name", "full_name", "person_name", "real_name"}),
      Element("sex", "性别", "人的生理性别", "text", 1, "", kSexTableId,
              {"xb", "xbdm", "性别", "性别代码", "sex", "gender"}),
      Element("ethnicity", "民族", "人所属的民族", "text", 2, "", kEthnicityTableId,
              {"mz", "mzdm", "民族", "民族代码", "ethnicity", "ethnic", "nation"}),
      Element("birth_date", "出生日期", "人出生的公历日期", "date", 10, "YYYY-MM-DD", "",
              {"csrq", "出生日期", "出生年月日", "生日", "birth_date", "birthday", "date_of_birth",
               "dob"}),
      Element("mobile", "手机号码", "移动电话号码", "text", 11, "mobile", "",
              {"sjhm", "sjh", "lxdh", "lxfs", "手机号码", "手机号", "手机", "联系电话", "联系方式",
               "电话", "phone", "mobile", "mobile_phone", "cellphone", "phone_number"}),
      Element("landline", "固定电话", "固定电话号码，可含区号和分机号", "text", 20, "landline", "",
              {"gddh", "zj", "bgdh", "固定电话", "座机", "办公电话", "联系电话", "lxdh", "电话",
               "telephone", "tel", "landline", "phone"}),
      Element("email", "电子邮箱", "电子邮件地址", "text", 254, "email", "",
              {"dzyx", "yx", "电子邮箱", "邮箱", "电子邮件", "email", "e_mail", "mail"}),
      Element("address", "住址", "居住或登记的地址", "text", 200, "", "",
              {"zz", "dz", "jzdz", "hjdz", "住址", "地址", "家庭住址", "户籍地址", "居住地址",
               "address", "addr", "home_address"}),
      Element("uscc", "统一社会信用代码", "GB 32100 规定的法人和其他组织统一社会信用代码", "text",
              18, "uscc", "",
              {"tyshxydm", "shxydm", "xydm", "统一社会信用代码", "社会信用代码", "信用代码", "uscc",
               "credit_code", "social_credit_code", "unified_social_credit_code"}),
      Element("org_name", "企业名称", "法人或其他组织登记的名称", "text", 200, "", "",
              {"qymc", "dwmc", "jgmc", "企业名称", "单位名称", "机构名称", "公司名称", "org_name",
               "company_name", "enterprise_name", "company", "organization"}),
      Element("legal_representative", "法定代表人", "依法代表法人行使民事权利的负责人姓名", "text",
              50, "", "",
              {"fddbr", "fr", "frdb", "法定代表人", "法人", "法人代表", "legal_representative",
               "legal_person", "legal_rep"}),
      Element("relationship", "家庭关系", "家庭成员与户主的关系", "text", 2, "",
              kRelationshipTableId,
              {"yhzgx", "jtgx", "与户主关系", "家庭关系", "relationship", "relation",
               "relation_to_head"}),
      Element("division_code", "行政区划代码", "GB/T 2260 规定的行政区划代码", "text", 6,
              "division_code", kDivisionTableId,
              {"xzqhdm", "xzqh", "qhdm", "行政区划代码", "行政区划", "区划代码", "division_code",
               "region_code", "adcode"}),
      Element("plate", "车牌号码", "机动车号牌号码", "text", 8, "plate", "",
              {"hphm", "cphm", "cph", "车牌号码", "车牌号", "号牌号码", "车牌", "plate",
               "plate_number", "plate_no", "license_plate"}),
      Element("passport", "护照号码", "中华人民共和国护照号码", "text", 9, "passport", "",
              {"hzhm", "hzh", "护照号码", "护照号", "护照", "passport", "passport_no",
               "passport_number"}),
      Element("hk_macau_permit", "港澳通行证号码", "往来港澳通行证或港澳居民来往内地通行证号码",
              "text", 11, "hk_macau_permit", "",
              {"gatxz", "gatxzhm", "港澳通行证", "港澳通行证号码", "回乡证", "hk_macau_permit"}),
      Element("registration_date", "登记日期", "登记或注册的公历日期", "date", 10, "YYYY-MM-DD", "",
              {"djrq", "zcrq", "登记日期", "注册日期", "成立日期", "registration_date",
               "register_date", "reg_date"}),
      Element("bank_card", "银行卡号", "银行卡或结算账户号码", "text", 19, "bank_card", "",
              {"yhkh", "yhzh", "kh", "银行卡号", "银行账号", "卡号", "bank_card", "bank_card_no",
               "card_no", "card_number", "bank_account"}),
      Element("postcode", "邮政编码", "中国邮政编码", "text", 6, "postcode", "",
              {"yzbm", "yb", "邮政编码", "邮编", "postcode", "zip", "zipcode", "zip_code",
               "postal_code"}),
  };
}

bool IsKnownDataType(std::string_view type) {
  for (std::string_view known : kDataTypes) {
    if (type == known) return true;
  }
  return false;
}

Result<int> ParseCount(const std::string& text, std::string_view what) {
  if (text.empty()) return 0;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgument(std::string(what) + " must be a whole number ≥ 0, not \"" + text + "\"");
  }
  return value;
}

Result<DataElement> ElementFromRecord(const std::vector<std::string>& r) {
  DataElement e;
  e.id = r[0];
  e.name = r[1];
  e.definition = r[2];
  e.data_type = r[3];
  ASSIGN_OR_RETURN(e.length, ParseCount(r[4], "length"));
  ASSIGN_OR_RETURN(e.precision, ParseCount(r[5], "precision"));
  e.format = r[6];
  e.code_table = r[7];
  e.range_min = r[8];
  e.range_max = r[9];
  e.unit = r[10];
  e.synonyms = csv_text::SplitList(r[11]);
  return e;
}

bool IsCsvHeader(const std::vector<std::string>& record) {
  return std::equal(record.begin(), record.end(), std::begin(kCsvHeader), std::end(kCsvHeader));
}

// Reads the optional string member `key` into `out`.
Status ReadString(const nlohmann::json& object, const char* key, std::string& out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_string()) return InvalidArgument(std::string("\"") + key + "\" must be a string");
  out = it->get<std::string>();
  return Status::Ok();
}

Status ReadInt(const nlohmann::json& object, const char* key, int& out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > INT32_MAX) {
    return InvalidArgument(std::string("\"") + key + "\" must be a whole number ≥ 0");
  }
  out = it->get<int>();
  return Status::Ok();
}

Result<DataElement> ElementFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return InvalidArgument("each data element must be a JSON object");
  DataElement e;
  for (auto [key, field] : {std::pair{"id", &e.id},
                            {"name", &e.name},
                            {"definition", &e.definition},
                            {"data_type", &e.data_type},
                            {"format", &e.format},
                            {"code_table", &e.code_table},
                            {"range_min", &e.range_min},
                            {"range_max", &e.range_max},
                            {"unit", &e.unit}}) {
    RETURN_IF_ERROR(ReadString(json, key, *field));
  }
  RETURN_IF_ERROR(ReadInt(json, "length", e.length));
  RETURN_IF_ERROR(ReadInt(json, "precision", e.precision));
  if (auto it = json.find("synonyms"); it != json.end()) {
    if (!it->is_array()) return InvalidArgument("\"synonyms\" must be an array of strings");
    for (const nlohmann::json& item : *it) {
      if (!item.is_string()) return InvalidArgument("\"synonyms\" must be an array of strings");
      e.synonyms.push_back(item.get<std::string>());
    }
  }
  return e;
}

}  // namespace

std::span<const DataElement> BuiltinDataElements() {
  static const std::vector<DataElement> elements = MakeBuiltins();
  return elements;
}

const DataElement* FindDataElement(std::span<const DataElement> elements, std::string_view id) {
  for (const DataElement& element : elements) {
    if (element.id == id) return &element;
  }
  return nullptr;
}

Status ValidateDataElements(std::span<const DataElement> elements) {
  std::unordered_set<std::string_view> ids;
  for (size_t i = 0; i < elements.size(); ++i) {
    const DataElement& e = elements[i];
    std::string where = "data element " + std::to_string(i + 1) + ": ";
    if (e.id.empty() || e.name.empty()) return InvalidArgument(where + "id and name are required");
    if (!IsKnownDataType(e.data_type)) {
      return InvalidArgument(where + "data_type \"" + e.data_type +
                             "\" is not one of text, integer, decimal, date, timestamp, boolean");
    }
    if (e.length < 0 || e.precision < 0) {
      return InvalidArgument(where + "length and precision must not be negative");
    }
    if (!ids.insert(e.id).second) {
      return InvalidArgument(where + "id " + e.id + " appears twice; ids must be unique");
    }
  }
  return Status::Ok();
}

Result<std::vector<DataElement>> ParseDataElementsCsv(std::string_view csv) {
  ASSIGN_OR_RETURN(auto records, csv_text::Parse(csv));
  if (records.empty() || !IsCsvHeader(records[0])) {
    return InvalidArgument(
        "the first record must be the header "
        "id,name,definition,data_type,length,precision,format,code_table,range_min,range_max,"
        "unit,synonyms");
  }
  std::vector<DataElement> elements;
  for (size_t i = 1; i < records.size(); ++i) {
    std::string where = "record " + std::to_string(i + 1) + ": ";
    if (records[i].size() != std::size(kCsvHeader)) {
      return InvalidArgument(where + "expected 12 fields but found " +
                             std::to_string(records[i].size()));
    }
    Result<DataElement> element = ElementFromRecord(records[i]);
    if (!element.ok()) return element.status().WithContext(where.substr(0, where.size() - 2));
    elements.push_back(std::move(*element));
  }
  RETURN_IF_ERROR(ValidateDataElements(elements));
  return elements;
}

std::string DataElementsToCsv(std::span<const DataElement> elements) {
  std::string out;
  csv_text::AppendRecord({std::begin(kCsvHeader), std::end(kCsvHeader)}, out);
  for (const DataElement& e : elements) {
    csv_text::AppendRecord({e.id, e.name, e.definition, e.data_type, std::to_string(e.length),
                            std::to_string(e.precision), e.format, e.code_table, e.range_min,
                            e.range_max, e.unit, csv_text::JoinList(e.synonyms)},
                           out);
  }
  return out;
}

nlohmann::json DataElementsToJson(std::span<const DataElement> elements) {
  nlohmann::json out = nlohmann::json::array();
  for (const DataElement& e : elements) {
    out.push_back({{"id", e.id},
                   {"name", e.name},
                   {"definition", e.definition},
                   {"data_type", e.data_type},
                   {"length", e.length},
                   {"precision", e.precision},
                   {"format", e.format},
                   {"code_table", e.code_table},
                   {"range_min", e.range_min},
                   {"range_max", e.range_max},
                   {"unit", e.unit},
                   {"synonyms", e.synonyms}});
  }
  return out;
}

Result<std::vector<DataElement>> DataElementsFromJson(const nlohmann::json& json) {
  if (!json.is_array()) return InvalidArgument("data elements must be a JSON array");
  std::vector<DataElement> elements;
  for (size_t i = 0; i < json.size(); ++i) {
    Result<DataElement> element = ElementFromJson(json[i]);
    if (!element.ok()) return element.status().WithContext("data element " + std::to_string(i + 1));
    elements.push_back(std::move(*element));
  }
  RETURN_IF_ERROR(ValidateDataElements(elements));
  return elements;
}

}  // namespace citydata::standards
