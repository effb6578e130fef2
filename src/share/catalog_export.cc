#include "share/catalog_export.h"

#include <cctype>

#include "core/csv.h"
#include "core/json_util.h"

namespace citydata::share {
namespace {

using nlohmann::json;

constexpr const char* kFrequencyBase =
    "http://publications.europa.eu/resource/authority/frequency/";
constexpr const char* kAccessRightBase =
    "http://publications.europa.eu/resource/authority/access-right/";

// The EU frequency authority code of an update cycle key.
std::string FrequencyCode(const std::string& cycle) {
  static const std::pair<const char*, const char*> kCodes[] = {
      {"realtime", "CONT"},   {"daily", "DAILY"},         {"weekly", "WEEKLY"},
      {"monthly", "MONTHLY"}, {"quarterly", "QUARTERLY"}, {"semiannual", "BIANNUAL"},
      {"yearly", "ANNUAL"},   {"irregular", "IRREG"}};
  for (const auto& [key, code] : kCodes) {
    if (cycle == key) return code;
  }
  return "UNKNOWN";
}

std::string AccessRight(Opening opening) {
  switch (opening) {
    case Opening::kOpen:
      return "PUBLIC";
    case Opening::kConditional:
      return "RESTRICTED";
    case Opening::kClosed:
      return "NON_PUBLIC";
  }
  return "NON_PUBLIC";
}

// A path segment with every byte but unreserved ones percent-encoded.
std::string PathSegment(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
    }
  }
  return out;
}

json Zh(const std::string& text) { return {{"@value", text}, {"@language", "zh"}}; }

json DateTime(const std::string& iso) { return {{"@value", iso}, {"@type", "xsd:dateTime"}}; }

json DcatDataset(const Resource& r, const std::string& base) {
  std::string iri = base + "/api/v1/resources/" + PathSegment(r.id);
  json related = json::array();
  for (const auto& code : r.related) {
    related.push_back({{"@id", base + "/api/v1/resources/" + PathSegment(code)}});
  }
  return {
      {"@id", iri},
      {"@type", "dcat:Dataset"},
      {"dct:identifier", r.code},
      {"dct:title", Zh(r.name)},
      {"dct:description", Zh(r.summary)},
      {"dct:publisher",
       {{"@id", base + "/api/v1/departments#" + PathSegment(r.dept)},
        {"@type", "foaf:Agent"},
        {"foaf:name", Zh(r.dept_name.empty() ? r.dept : r.dept_name)},
        {"dct:identifier", r.dept}}},
      {"dcat:theme",
       {{"@type", "skos:Concept"},
        {"skos:prefLabel", Zh(r.classification.Path())},
        {"skos:notation", r.classification.code}}},
      {"dcat:keyword", r.classification.names},
      {"dct:accrualPeriodicity", {{"@id", kFrequencyBase + FrequencyCode(r.update_cycle)}}},
      {"dct:issued", DateTime(r.first_published_at)},
      {"dct:modified", DateTime(r.published_at)},
      {"dct:accessRights", {{"@id", kAccessRightBase + AccessRight(r.opening)}}},
      {"dct:relation", related},
      {"owl:versionInfo", std::to_string(r.version)},
      {"dcat:distribution", json::array({{{"@type", "dcat:Distribution"},
                                          {"dct:title", Zh(r.name)},
                                          {"dct:format", r.format},
                                          {"dcat:accessURL", {{"@id", iri}}}}})},
  };
}

}  // namespace

std::string ExportJson(const std::vector<Resource>& resources) {
  json items = json::array();
  for (const auto& r : resources) items.push_back(ToJson(r));
  return DumpJson({{"resources", items}, {"total", items.size()}}, 2);
}

std::string ExportCsv(const std::vector<Resource>& resources) {
  static const char* kHeader[] = {"code",
                                  "name",
                                  "classification",
                                  "classification_code",
                                  "dept",
                                  "dept_name",
                                  "summary",
                                  "format",
                                  "items",
                                  "sharing",
                                  "sharing_conditions",
                                  "opening",
                                  "opening_conditions",
                                  "update_cycle",
                                  "grade",
                                  "related",
                                  "version",
                                  "state",
                                  "published_at",
                                  "dataset"};
  std::string out;
  for (const char* h : kHeader) out += (out.empty() ? "" : ",") + std::string(h);
  out += "\r\n";
  for (const auto& r : resources) {
    std::string items, related;
    for (const auto& i : r.items) {
      items += (items.empty() ? "" : ";") + i.name + ":" + std::string(ColumnTypeName(i.type)) +
               ":" + std::string(LevelName(i.level));
    }
    for (const auto& c : r.related) related += (related.empty() ? "" : ";") + c;
    std::vector<std::string> cells = {r.code,
                                      r.name,
                                      r.classification.Path(),
                                      r.classification.code,
                                      r.dept,
                                      r.dept_name,
                                      r.summary,
                                      r.format,
                                      items,
                                      std::string(SharingName(r.sharing)),
                                      r.sharing_conditions,
                                      std::string(OpeningName(r.opening)),
                                      r.opening_conditions,
                                      r.update_cycle,
                                      std::string(LevelName(r.grade)),
                                      related,
                                      std::to_string(r.version),
                                      std::string(StateName(r.state)),
                                      r.published_at,
                                      r.dataset.ToString()};
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + CsvField(cells[i]);
    out += line + "\r\n";
  }
  return out;
}

std::string ExportDcat(const std::vector<Resource>& resources, const std::string& base_url) {
  json datasets = json::array();
  for (const auto& r : resources) datasets.push_back(DcatDataset(r, base_url));
  json doc = {
      {"@context",
       {{"dcat", "http://www.w3.org/ns/dcat#"},
        {"dct", "http://purl.org/dc/terms/"},
        {"foaf", "http://xmlns.com/foaf/0.1/"},
        {"skos", "http://www.w3.org/2004/02/skos/core#"},
        {"owl", "http://www.w3.org/2002/07/owl#"},
        {"xsd", "http://www.w3.org/2001/XMLSchema#"}}},
      {"@id", base_url + "/api/v1/resources"},
      {"@type", "dcat:Catalog"},
      {"dct:title", Zh("政务信息资源目录")},
      {"dct:description", Zh("citydata 政务信息资源目录：各部门发布的数据资源及其共享、开放属性")},
      {"dct:publisher", {{"@type", "foaf:Agent"}, {"foaf:name", "citydata"}}},
      {"dcat:dataset", datasets},
  };
  return DumpJson(doc, 2);
}

}  // namespace citydata::share
