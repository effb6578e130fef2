#include "share/resource_catalog_service.h"

#include <algorithm>
#include <set>

#include "core/clock.h"
#include "core/json_util.h"
#include "share/catalog_export.h"
#include "standards/standardize.h"

namespace citydata::share {
namespace {

// Code widths of 项, 目 and 细目 (the 类 is one digit), and of the sequence.
constexpr int kLevelWidths[] = {2, 3, 3};
constexpr int kSequenceWidth = 6;

std::string Trim(const std::string& s) { return std::string(standards::Trim(s)); }

std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// `n` zero-padded to `width` digits; ResourceExhausted when it does not fit.
Result<std::string> Padded(int64_t n, int width, const std::string& what) {
  std::string digits = std::to_string(n);
  if (static_cast<int>(digits.size()) > width) {
    return ResourceExhausted(what + " has used every " + std::to_string(width) +
                             "-digit code; ask an administrator to reorganize the "
                             "classification");
  }
  return std::string(static_cast<size_t>(width) - digits.size(), '0') + digits;
}

std::string SearchText(const Resource& r) {
  std::string text = r.code + "\n" + r.name + "\n" + r.summary + "\n" + r.classification.Path() +
                     "\n" + r.dept + "\n" + r.dept_name + "\n" + r.dataset.ToString();
  for (const auto& item : r.items) text += "\n" + item.name;
  return AsciiLower(std::move(text));
}

std::string ItemList(const std::vector<const InformationItem*>& items) {
  std::string out;
  for (const auto* item : items) {
    out +=
        (out.empty() ? "" : ", ") + item->name + " (" + std::string(LevelName(item->level)) + ")";
  }
  return out;
}

// The request's attribute fields, checked; the rest of `r` is left alone.
Status ApplyAttributes(const PublishRequest& req, const storage::DatasetMeta& meta, Resource& r) {
  if (Trim(req.sharing).empty()) {
    return InvalidArgument("sharing is required: unconditional, conditional or none");
  }
  ASSIGN_OR_RETURN(r.sharing, ParseSharing(Trim(req.sharing)));
  r.sharing_conditions = Trim(req.sharing_conditions);
  if (r.sharing == Sharing::kConditional && r.sharing_conditions.empty()) {
    return InvalidArgument("a conditional resource states its sharing conditions (共享条件)");
  }
  if (r.sharing == Sharing::kNone && r.sharing_conditions.empty()) {
    return InvalidArgument(
        "a resource not shared states the legal basis (不予共享依据) in its "
        "sharing conditions");
  }
  r.sharing_mode = Trim(req.sharing_mode);
  if (Trim(req.opening).empty()) {
    return InvalidArgument("opening is required: open, conditional or closed");
  }
  ASSIGN_OR_RETURN(r.opening, ParseOpening(Trim(req.opening)));
  r.opening_conditions = Trim(req.opening_conditions);
  if (r.sharing == Sharing::kNone && r.opening != Opening::kClosed) {
    return InvalidArgument(
        "a resource not shared between departments cannot be opened to the "
        "public: choose opening 'closed'");
  }
  std::string cycle = Trim(req.update_cycle).empty() ? meta.update_cycle : req.update_cycle;
  if (Trim(cycle).empty()) return InvalidArgument("update cycle is required, e.g. daily (每日)");
  ASSIGN_OR_RETURN(r.update_cycle, ParseUpdateCycle(cycle));
  return Status::Ok();
}

}  // namespace

Result<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "json") return ExportFormat::kJson;
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "dcat") return ExportFormat::kDcat;
  return InvalidArgument("export format must be json, csv or dcat");
}

storage::ResourceRecord ToRecord(const Resource& r) {
  storage::ResourceRecord rec;
  rec.id = r.id;
  rec.version = r.version;
  rec.code = r.code;
  rec.dataset = r.dataset;
  rec.state = std::string(StateName(r.state));
  rec.name = r.name;
  rec.dept = r.dept;
  rec.classification = r.classification.Path();
  rec.sharing = std::string(SharingName(r.sharing));
  rec.opening = std::string(OpeningName(r.opening));
  rec.grade = std::string(LevelName(r.grade));
  rec.search_text = SearchText(r);
  rec.published_at = r.published_at;
  rec.unpublished_at = r.unpublished_at;
  rec.published_by = r.published_by;
  rec.document = DumpJson(ToJson(r));
  return rec;
}

Result<Resource> FromRecord(const storage::ResourceRecord& rec) {
  auto doc = nlohmann::json::parse(rec.document, nullptr, false);
  auto r = ResourceFromJson(doc);
  if (!r.ok())
    return Internal("resource " + rec.id + " is stored damaged: " + r.status().message());
  // The store's columns decide the state: superseding a version changes only them.
  ASSIGN_OR_RETURN(r->state, ParseState(rec.state));
  r->unpublished_at = rec.unpublished_at;
  return r;
}

Status ResourceCatalogService::CheckOwner(const security::Principal& who,
                                          const DatasetName& dataset, const std::string& dept) {
  security::DatasetRef ref{dataset, dept};
  ASSIGN_OR_RETURN(auto decision, policy_.Decide(who, security::Action::kEditMetadata, &ref));
  return security::ToStatus(decision);
}

Result<Resource> ResourceCatalogService::Publish(const security::Principal& who,
                                                 const PublishRequest& request) {
  std::lock_guard lock(publish_mu_);
  ASSIGN_OR_RETURN(auto meta, catalog_.Get(request.dataset));
  RETURN_IF_ERROR(CheckOwner(who, request.dataset, meta.dept_code));
  ASSIGN_OR_RETURN(auto previous, store_.FindByDataset(request.dataset));
  ASSIGN_OR_RETURN(Resource r, Build(who, request, meta, previous));
  RETURN_IF_ERROR(store_.AddVersion(ToRecord(r)));
  return r;
}

Result<Resource> ResourceCatalogService::Build(
    const security::Principal& who, const PublishRequest& req, const storage::DatasetMeta& meta,
    const std::optional<storage::ResourceRecord>& previous) {
  Resource r;
  r.dataset = meta.name;
  if (Trim(req.classification).empty()) {
    return InvalidArgument("classification is required, e.g. 基础信息资源类/人口/户籍/户籍人口");
  }
  ASSIGN_OR_RETURN(r.classification.names, ParseClassificationPath(req.classification));
  r.name =
      Trim(req.name).empty() ? (meta.title.empty() ? meta.name.name : meta.title) : Trim(req.name);
  r.summary = Trim(req.summary).empty() ? Trim(meta.description) : Trim(req.summary);
  if (r.summary.empty()) {
    return InvalidArgument("summary is required: say what the resource holds (信息资源摘要)");
  }
  r.format = Trim(req.format).empty() ? "数据库" : Trim(req.format);
  r.dept = meta.dept_code;
  ASSIGN_OR_RETURN(auto depts, catalog_.Departments());
  for (const auto& d : depts) {
    if (d.code == r.dept) r.dept_name = d.name;
  }
  RETURN_IF_ERROR(ApplyAttributes(req, meta, r));
  ASSIGN_OR_RETURN(r.items, ItemsFor(meta, req.items, r.grade));
  if (r.opening == Opening::kOpen && !r.SensitiveItems().empty()) {
    return InvalidArgument(
        "an open resource cannot carry items graded general-3 or above unmasked: " +
        ItemList(r.SensitiveItems()) +
        "; leave them out of the items, or choose opening 'conditional' or 'closed'");
  }
  r.published_at = NowIso();
  r.first_published_at = r.published_at;
  r.published_by = who.name;
  r.id = previous ? previous->id : NewId("res_");
  ASSIGN_OR_RETURN(r.related, RelatedCodes(req.related, r.id));
  if (previous) {
    ASSIGN_OR_RETURN(Resource before, FromRecord(*previous));
    r.version = before.version + 1;
    r.first_published_at = before.first_published_at;
    if (before.classification.names == r.classification.names) {
      r.classification.code = before.classification.code;
      r.code = before.code;
      return r;
    }
  }
  ASSIGN_OR_RETURN(r.classification.code, ClassificationCode(r.classification.names));
  ASSIGN_OR_RETURN(int64_t seq, store_.NextSequence(r.classification.code));
  ASSIGN_OR_RETURN(std::string digits,
                   Padded(seq, kSequenceWidth, "classification " + r.classification.Path()));
  r.code = r.classification.code + "/" + digits;
  return r;
}

Result<std::vector<InformationItem>> ResourceCatalogService::ItemsFor(
    const storage::DatasetMeta& meta, const std::vector<std::string>& wanted, Level& grade) {
  std::vector<std::string> names;
  for (const auto& w : wanted) {
    std::string n = Trim(w);
    if (!n.empty() && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  if (names.empty()) {
    for (const auto& c : meta.columns) names.push_back(c.name);
  }
  ASSIGN_OR_RETURN(auto graded, classification_.Get(meta.name));
  auto covers = [&names](const governance::DatasetGrade& g) {
    return std::all_of(names.begin(), names.end(), [&g](const std::string& n) {
      return std::any_of(g.columns.begin(), g.columns.end(),
                         [&n](const governance::ColumnGrade& c) { return c.name == n; });
    });
  };
  if (!graded || !covers(*graded)) {
    // Never classified, or columns added since: grade the dataset as it is now.
    ASSIGN_OR_RETURN(auto classified, classification_.Classify(meta.name));
    graded = std::make_shared<const governance::DatasetGrade>(std::move(classified));
  }
  grade = graded->grade;
  std::vector<InformationItem> items;
  for (const auto& n : names) {
    auto col = std::find_if(meta.columns.begin(), meta.columns.end(),
                            [&n](const storage::ColumnMeta& c) { return c.name == n; });
    auto g = std::find_if(graded->columns.begin(), graded->columns.end(),
                          [&n](const governance::ColumnGrade& c) { return c.name == n; });
    if (col == meta.columns.end() || g == graded->columns.end()) {
      return NotFound(meta.name.ToString() + " has no column '" + n + "'");
    }
    items.push_back({n, col->type, g->level, g->category});
  }
  return items;
}

Result<std::string> ResourceCatalogService::ClassificationCode(
    const std::vector<std::string>& names) {
  std::string code = std::to_string(CategoryDigit(names[0]));
  std::string parent = names[0];
  for (size_t level = 1; level <= 3; ++level) {
    int width = kLevelWidths[level - 1];
    if (level >= names.size()) {
      code += std::string(static_cast<size_t>(width), '0');
      continue;
    }
    std::string path = parent + "/" + names[level];
    ASSIGN_OR_RETURN(int64_t ordinal, store_.NodeOrdinal(parent, path));
    ASSIGN_OR_RETURN(std::string digits, Padded(ordinal, width, parent));
    code += digits;
    parent = path;
  }
  return code;
}

Result<std::vector<std::string>> ResourceCatalogService::RelatedCodes(
    const std::vector<std::string>& wanted, const std::string& self_id) {
  std::vector<std::string> codes;
  for (const auto& w : wanted) {
    std::string key = Trim(w);
    if (key.empty()) continue;
    ASSIGN_OR_RETURN(auto found, store_.FindCurrent(key));
    if (!found) {
      return NotFound("no resource has id or code '" + key +
                      "': related resources must be in the catalog");
    }
    if (found->id == self_id) return InvalidArgument("a resource cannot be related to itself");
    if (std::find(codes.begin(), codes.end(), found->code) == codes.end()) {
      codes.push_back(found->code);
    }
  }
  return codes;
}

Result<Resource> ResourceCatalogService::Unpublish(const security::Principal& who,
                                                   const std::string& id_or_code,
                                                   const std::string& reason) {
  std::lock_guard lock(publish_mu_);
  ASSIGN_OR_RETURN(auto found, store_.FindCurrent(id_or_code));
  if (!found) return NotFound("no resource has id or code '" + id_or_code + "'");
  RETURN_IF_ERROR(CheckOwner(who, found->dataset, found->dept));
  ASSIGN_OR_RETURN(Resource r, FromRecord(*found));
  if (r.state != ResourceState::kPublished) {
    return FailedPrecondition("resource " + r.code + " is " + std::string(StateName(r.state)) +
                              "; publish the dataset again to add a new version");
  }
  r.state = ResourceState::kUnpublished;
  r.unpublished_at = NowIso();
  r.unpublished_reason = Trim(reason);
  RETURN_IF_ERROR(store_.UpdateVersion(ToRecord(r)));
  return r;
}

Result<std::vector<Resource>> ResourceCatalogService::Current(
    const storage::ResourceFilter& filter) {
  storage::ResourceFilter f = filter;
  f.text = AsciiLower(Trim(f.text));
  if (f.state.empty()) f.state = "published";
  if (f.state == "all") f.state.clear();
  if (!f.state.empty()) RETURN_IF_ERROR(ParseState(f.state).status());
  if (!f.sharing.empty()) RETURN_IF_ERROR(ParseSharing(f.sharing).status());
  if (!f.opening.empty()) RETURN_IF_ERROR(ParseOpening(f.opening).status());
  if (!f.grade.empty()) RETURN_IF_ERROR(ParseLevel(f.grade).status());
  // Labels are accepted as filters too; the store holds the names.
  if (!f.sharing.empty()) f.sharing = std::string(SharingName(*ParseSharing(f.sharing)));
  if (!f.opening.empty()) f.opening = std::string(OpeningName(*ParseOpening(f.opening)));
  ASSIGN_OR_RETURN(auto records, store_.ListCurrent(f));
  std::vector<Resource> out;
  out.reserve(records.size());
  for (const auto& rec : records) {
    ASSIGN_OR_RETURN(Resource r, FromRecord(rec));
    out.push_back(std::move(r));
  }
  return out;
}

Result<ResourcePage> ResourceCatalogService::Search(const ResourceQuery& query) {
  ASSIGN_OR_RETURN(auto all, Current(query.filter));
  ResourcePage page;
  page.total = static_cast<int64_t>(all.size());
  for (const auto& r : all) {
    ++page.facets["dept"][r.dept];
    ++page.facets["category"][r.classification.names.front()];
    ++page.facets["classification"][r.classification.Path()];
    ++page.facets["sharing"][std::string(SharingName(r.sharing))];
    ++page.facets["opening"][std::string(OpeningName(r.opening))];
    ++page.facets["grade"][std::string(LevelName(r.grade))];
  }
  int64_t limit = std::clamp<int64_t>(query.limit, 1, 1000);
  int64_t offset = std::max<int64_t>(query.offset, 0);
  for (int64_t i = offset; i < page.total && i < offset + limit; ++i) {
    page.items.push_back(std::move(all[static_cast<size_t>(i)]));
  }
  return page;
}

Result<std::pair<Resource, std::vector<Resource>>> ResourceCatalogService::Show(
    const std::string& id_or_code, bool history) {
  ASSIGN_OR_RETURN(auto found, store_.FindCurrent(id_or_code));
  if (!found) return NotFound("no resource has id or code '" + id_or_code + "'");
  ASSIGN_OR_RETURN(Resource current, FromRecord(*found));
  std::vector<Resource> versions;
  if (history) {
    ASSIGN_OR_RETURN(auto records, store_.History(found->id));
    for (const auto& rec : records) {
      ASSIGN_OR_RETURN(Resource r, FromRecord(rec));
      versions.push_back(std::move(r));
    }
  }
  return std::make_pair(std::move(current), std::move(versions));
}

Result<std::string> ResourceCatalogService::Export(const storage::ResourceFilter& filter,
                                                   ExportFormat format,
                                                   const std::string& base_url) {
  ASSIGN_OR_RETURN(auto resources, Current(filter));
  switch (format) {
    case ExportFormat::kJson:
      return ExportJson(resources);
    case ExportFormat::kCsv:
      return ExportCsv(resources);
    case ExportFormat::kDcat:
      return ExportDcat(resources, base_url);
  }
  return InvalidArgument("export format must be json, csv or dcat");
}

}  // namespace citydata::share
