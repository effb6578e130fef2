#include "share/resource.h"

#include <array>

#include "standards/standardize.h"

namespace citydata::share {
namespace {

using nlohmann::json;

struct NameLabel {
  std::string_view name;
  std::string_view label;
};

constexpr std::array<NameLabel, 3> kSharing = {
    {{"unconditional", "无条件共享"}, {"conditional", "有条件共享"}, {"none", "不予共享"}}};
constexpr std::array<NameLabel, 3> kOpening = {
    {{"open", "无条件开放"}, {"conditional", "有条件开放"}, {"closed", "不予开放"}}};
constexpr std::array<std::string_view, 3> kStates = {"published", "unpublished", "superseded"};
constexpr std::array<NameLabel, 8> kCycles = {{{"realtime", "实时"},
                                               {"daily", "每日"},
                                               {"weekly", "每周"},
                                               {"monthly", "每月"},
                                               {"quarterly", "每季度"},
                                               {"semiannual", "每半年"},
                                               {"yearly", "每年"},
                                               {"irregular", "不定期"}}};
// The three 类 of the catalog guide, by code digit.
constexpr std::array<std::string_view, 3> kCategories = {"基础信息资源类", "主题信息资源类",
                                                         "部门信息资源类"};

template <size_t N>
std::string Spellings(const std::array<NameLabel, N>& table) {
  std::string out;
  for (const auto& e : table) {
    out += (out.empty() ? "" : ", ") + std::string(e.name) + " (" + std::string(e.label) + ")";
  }
  return out;
}

// The index of `text` in `table` by name or label; -1 when neither.
template <size_t N>
int Find(const std::array<NameLabel, N>& table, std::string_view text) {
  for (size_t i = 0; i < N; ++i) {
    if (table[i].name == text || table[i].label == text) return static_cast<int>(i);
  }
  return -1;
}

std::string Trim(std::string_view s) { return std::string(standards::Trim(s)); }

Result<std::string> StringField(const json& doc, const char* key) {
  if (!doc.contains(key)) return std::string();
  if (!doc[key].is_string()) return InvalidArgument(std::string("'") + key + "' is not text");
  return doc[key].get<std::string>();
}

json ItemJson(const InformationItem& item) {
  return {{"name", item.name},
          {"type", ColumnTypeName(item.type)},
          {"level", LevelName(item.level)},
          {"category", item.category}};
}

Result<InformationItem> ItemFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("an information item is not an object");
  InformationItem item;
  ASSIGN_OR_RETURN(item.name, StringField(j, "name"));
  ASSIGN_OR_RETURN(std::string type, StringField(j, "type"));
  ASSIGN_OR_RETURN(item.type, ParseColumnType(type));
  ASSIGN_OR_RETURN(std::string level, StringField(j, "level"));
  ASSIGN_OR_RETURN(item.level, ParseLevel(level));
  ASSIGN_OR_RETURN(item.category, StringField(j, "category"));
  return item;
}

}  // namespace

std::string_view SharingName(Sharing s) { return kSharing[static_cast<size_t>(s)].name; }
std::string_view SharingLabel(Sharing s) { return kSharing[static_cast<size_t>(s)].label; }
std::string_view OpeningName(Opening o) { return kOpening[static_cast<size_t>(o)].name; }
std::string_view OpeningLabel(Opening o) { return kOpening[static_cast<size_t>(o)].label; }
std::string_view StateName(ResourceState s) { return kStates[static_cast<size_t>(s)]; }

Result<Sharing> ParseSharing(std::string_view name) {
  int i = Find(kSharing, name);
  if (i < 0) return InvalidArgument("sharing must be one of " + Spellings(kSharing));
  return static_cast<Sharing>(i);
}

Result<Opening> ParseOpening(std::string_view name) {
  int i = Find(kOpening, name);
  if (i < 0) return InvalidArgument("opening must be one of " + Spellings(kOpening));
  return static_cast<Opening>(i);
}

Result<ResourceState> ParseState(std::string_view name) {
  for (size_t i = 0; i < kStates.size(); ++i) {
    if (kStates[i] == name) return static_cast<ResourceState>(i);
  }
  return InvalidArgument("state must be published, unpublished or superseded");
}

Result<std::string> ParseUpdateCycle(std::string_view text) {
  int i = Find(kCycles, Trim(text));
  if (i < 0) return InvalidArgument("update cycle must be one of " + Spellings(kCycles));
  return std::string(kCycles[static_cast<size_t>(i)].name);
}

std::string_view UpdateCycleLabel(std::string_view key) {
  int i = Find(kCycles, key);
  return i < 0 ? key : kCycles[static_cast<size_t>(i)].label;
}

std::string Classification::Path() const {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "/") + n;
  return out;
}

Result<std::vector<std::string>> ParseClassificationPath(std::string_view path) {
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    names.push_back(Trim(path.substr(start, slash - start)));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  const std::string kHint =
      "classification must be 类/项[/目[/细目]], e.g. 基础信息资源类/人口/户籍/户籍人口";
  if (names.size() < 2 || names.size() > 4) return InvalidArgument(kHint);
  for (const auto& n : names) {
    if (n.empty()) return InvalidArgument(kHint + " (a level is empty)");
  }
  if (!names[0].ends_with("类")) names[0] += "类";
  if (CategoryDigit(names[0]) == 0) {
    return InvalidArgument(
        "the 类 of a classification must be 基础信息资源类, 主题信息资源类 "
        "or 部门信息资源类, not '" +
        names[0] + "'");
  }
  return names;
}

int CategoryDigit(const std::string& category) {
  for (size_t i = 0; i < kCategories.size(); ++i) {
    if (kCategories[i] == category) return static_cast<int>(i) + 1;
  }
  return 0;
}

std::vector<const InformationItem*> Resource::SensitiveItems() const {
  std::vector<const InformationItem*> out;
  for (const auto& item : items) {
    if (item.level >= Level::kGeneral3) out.push_back(&item);
  }
  return out;
}

json ToJson(const Resource& r) {
  json items = json::array();
  for (const auto& item : r.items) items.push_back(ItemJson(item));
  return {{"id", r.id},
          {"version", r.version},
          {"state", StateName(r.state)},
          {"code", r.code},
          {"dataset", r.dataset.ToString()},
          {"classification",
           {{"path", r.classification.Path()},
            {"names", r.classification.names},
            {"code", r.classification.code}}},
          {"name", r.name},
          {"dept", r.dept},
          {"dept_name", r.dept_name},
          {"summary", r.summary},
          {"format", r.format},
          {"items", items},
          {"sharing", SharingName(r.sharing)},
          {"sharing_label", SharingLabel(r.sharing)},
          {"sharing_conditions", r.sharing_conditions},
          {"sharing_mode", r.sharing_mode},
          {"opening", OpeningName(r.opening)},
          {"opening_label", OpeningLabel(r.opening)},
          {"opening_conditions", r.opening_conditions},
          {"update_cycle", r.update_cycle},
          {"update_cycle_label", UpdateCycleLabel(r.update_cycle)},
          {"related", r.related},
          {"grade", LevelName(r.grade)},
          {"first_published_at", r.first_published_at},
          {"published_at", r.published_at},
          {"unpublished_at", r.unpublished_at},
          {"unpublished_reason", r.unpublished_reason},
          {"published_by", r.published_by}};
}

Result<Resource> ResourceFromJson(const json& doc) {
  if (!doc.is_object()) return InvalidArgument("a resource document is not an object");
  Resource r;
  std::string text;
  ASSIGN_OR_RETURN(r.id, StringField(doc, "id"));
  if (doc.contains("version") && doc["version"].is_number_integer()) {
    r.version = doc["version"].get<int64_t>();
  }
  ASSIGN_OR_RETURN(text, StringField(doc, "state"));
  ASSIGN_OR_RETURN(r.state, ParseState(text));
  ASSIGN_OR_RETURN(r.code, StringField(doc, "code"));
  ASSIGN_OR_RETURN(text, StringField(doc, "dataset"));
  ASSIGN_OR_RETURN(r.dataset, ParseDatasetName(text));
  const json& cls = doc.value("classification", json::object());
  ASSIGN_OR_RETURN(r.classification.code, StringField(cls, "code"));
  for (const auto& n : cls.value("names", json::array())) {
    if (n.is_string()) r.classification.names.push_back(n.get<std::string>());
  }
  ASSIGN_OR_RETURN(r.name, StringField(doc, "name"));
  ASSIGN_OR_RETURN(r.dept, StringField(doc, "dept"));
  ASSIGN_OR_RETURN(r.dept_name, StringField(doc, "dept_name"));
  ASSIGN_OR_RETURN(r.summary, StringField(doc, "summary"));
  ASSIGN_OR_RETURN(r.format, StringField(doc, "format"));
  for (const auto& item : doc.value("items", json::array())) {
    ASSIGN_OR_RETURN(auto parsed, ItemFromJson(item));
    r.items.push_back(std::move(parsed));
  }
  ASSIGN_OR_RETURN(text, StringField(doc, "sharing"));
  ASSIGN_OR_RETURN(r.sharing, ParseSharing(text));
  ASSIGN_OR_RETURN(r.sharing_conditions, StringField(doc, "sharing_conditions"));
  ASSIGN_OR_RETURN(r.sharing_mode, StringField(doc, "sharing_mode"));
  ASSIGN_OR_RETURN(text, StringField(doc, "opening"));
  ASSIGN_OR_RETURN(r.opening, ParseOpening(text));
  ASSIGN_OR_RETURN(r.opening_conditions, StringField(doc, "opening_conditions"));
  ASSIGN_OR_RETURN(r.update_cycle, StringField(doc, "update_cycle"));
  for (const auto& c : doc.value("related", json::array())) {
    if (c.is_string()) r.related.push_back(c.get<std::string>());
  }
  ASSIGN_OR_RETURN(text, StringField(doc, "grade"));
  ASSIGN_OR_RETURN(r.grade, ParseLevel(text));
  ASSIGN_OR_RETURN(r.first_published_at, StringField(doc, "first_published_at"));
  ASSIGN_OR_RETURN(r.published_at, StringField(doc, "published_at"));
  ASSIGN_OR_RETURN(r.unpublished_at, StringField(doc, "unpublished_at"));
  ASSIGN_OR_RETURN(r.unpublished_reason, StringField(doc, "unpublished_reason"));
  ASSIGN_OR_RETURN(r.published_by, StringField(doc, "published_by"));
  return r;
}

}  // namespace citydata::share
