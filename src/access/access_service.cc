#include "access/access_service.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>

#include "catalog/profiler.h"
#include "core/clock.h"

namespace citydata::access {
namespace {

constexpr const char* kMaskingPolicyKind = "masking_policy";
constexpr const char* kUnclassified = "unclassified";

bool SeesEverything(const security::Principal& who) {
  return (who.role == security::Role::kAdmin || who.role == security::Role::kSteward) &&
         who.clearance == Level::kCore;
}

// A transform spec: the operator's spec, then the column's category.
std::string TransformSpec(const ColumnAccess& column) {
  return column.op.ToString() + "|" + column.category;
}

// Profile values shown to a reader: each through the column's operator; values that
// mask to NULL are dropped.
void MaskProfile(catalog::ColumnProfile& p, const std::function<std::optional<std::string>(
                                               std::optional<std::string_view>)>& mask) {
  auto bound = [&](std::optional<std::string>& v) {
    if (v) v = mask(*v);
  };
  bound(p.min);
  bound(p.max);
  std::vector<catalog::ValueCount> top;
  for (auto& tv : p.top_values) {
    auto masked = mask(tv.value);
    if (masked) top.push_back({*masked, tv.count});
  }
  p.top_values = std::move(top);
}

}  // namespace

bool DatasetAccess::masked() const {
  return std::any_of(columns.begin(), columns.end(), [](const ColumnAccess& c) {
    return c.op.kind != masking::OperatorKind::kKeep;
  });
}

AccessService::AccessService(security::Policy& policy, storage::MetaStore& meta,
                             storage::GovernanceStore& store, storage::Engine& engine,
                             catalog::CatalogService& catalog,
                             governance::ClassificationService& classification,
                             std::shared_ptr<const masking::Masker> masker)
    : policy_(policy), meta_(meta), store_(store), engine_(engine), catalog_(catalog),
      classification_(classification) {
  SetMasker(std::move(masker));
}

std::shared_ptr<const masking::Masker> AccessService::masker() const {
  std::lock_guard lock(mu_);
  return masker_;
}

void AccessService::SetMasker(std::shared_ptr<const masking::Masker> masker) {
  std::lock_guard lock(mu_);
  masker_ = masker;
  // Under mu_, so that concurrent calls leave the engine with the masker kept here.
  engine_.SetTransformCompiler(
      [keys = std::move(masker)](std::string_view spec) -> Result<storage::ValueTransform> {
        size_t bar = spec.find('|');
        if (bar == std::string_view::npos) {
          return InvalidArgument("a column transform is 'operator|category'");
        }
        ASSIGN_OR_RETURN(masking::Operator op, masking::Operator::Parse(spec.substr(0, bar)));
        std::string category(spec.substr(bar + 1));
        return storage::ValueTransform(
            [op, category, keys](std::optional<std::string_view> value) {
              return keys->Apply(op, category, value);
            });
      });
}

Result<std::vector<ColumnAccess>> AccessService::Columns(const security::Principal& who,
                                                         const storage::DatasetMeta& meta,
                                                         const std::vector<std::string>& granted) {
  ASSIGN_OR_RETURN(auto grade, classification_.Get(meta.name));
  std::map<std::string, const governance::ColumnGrade*> graded;
  if (grade) {
    for (const auto& c : grade->columns) graded[c.name] = &c;
  }
  ASSIGN_OR_RETURN(masking::MaskingPolicy masking, CurrentMaskingPolicy());
  std::vector<ColumnAccess> out;
  for (const auto& column : meta.columns) {
    if (!granted.empty() &&
        std::find(granted.begin(), granted.end(), column.name) == granted.end()) {
      continue;
    }
    ColumnAccess access;
    access.name = column.name;
    auto it = graded.find(column.name);
    access.category = it == graded.end() ? kUnclassified : it->second->category;
    access.level = it == graded.end() ? Level::kGeneral4 : it->second->level;
    access.op.kind = masking::OperatorKind::kKeep;
    if (who.clearance < access.level) {
      access.op = masking.Decide(access.category, access.level, who.role, who.clearance);
    }
    out.push_back(std::move(access));
  }
  return out;
}

Result<DatasetAccess> AccessService::Resolve(const security::Principal& who,
                                             const DatasetName& dataset) {
  ASSIGN_OR_RETURN(auto meta, meta_.GetDatasetSchema(dataset));
  if (!meta) return NotFound("dataset " + dataset.ToString() + " does not exist");
  security::DatasetRef ref{dataset, meta->dept_code};
  ASSIGN_OR_RETURN(auto decision, policy_.Decide(who, security::Action::kReadData, &ref));
  RETURN_IF_ERROR(security::ToStatus(decision));
  DatasetAccess out;
  ASSIGN_OR_RETURN(out.columns, Columns(who, *meta, decision.columns));
  out.meta = std::move(*meta);
  return out;
}

Result<DatasetAccess> AccessService::ResolveWithColumns(const security::Principal& who,
                                                        const DatasetName& dataset,
                                                        const std::vector<std::string>& columns) {
  ASSIGN_OR_RETURN(auto meta, meta_.GetDatasetSchema(dataset));
  if (!meta) return NotFound("dataset " + dataset.ToString() + " does not exist");
  DatasetAccess out;
  ASSIGN_OR_RETURN(out.columns, Columns(who, *meta, columns));
  out.meta = std::move(*meta);
  return out;
}

namespace {

// How a scope shows the column: as stored, or through its masking operator.
storage::ColumnView ColumnViewOf(const ColumnAccess& c) {
  if (c.op.kind == masking::OperatorKind::kKeep) return {c.name, "", true};
  // Encryption seals each value with a fresh nonce: the same value differs every time.
  return {c.name, TransformSpec(c), c.op.kind != masking::OperatorKind::kEncrypt};
}

// The view a scope shows of `dataset` read through `columns`.
storage::DatasetView ViewOf(const DatasetName& dataset, const std::vector<ColumnAccess>& columns) {
  storage::DatasetView view;
  view.dataset = dataset;
  for (const auto& c : columns) view.columns.push_back(ColumnViewOf(c));
  return view;
}

// The view a scope shows of a resolved dataset; nullopt (the dataset does not exist
// for the query) when it could not be resolved for want of the dataset or the right.
Result<std::optional<storage::DatasetView>> ViewOf(const DatasetName& dataset,
                                                   const Result<DatasetAccess>& access) {
  if (!access.ok()) {
    ErrorCode code = access.status().code();
    if (code == ErrorCode::kNotFound || code == ErrorCode::kPermissionDenied) {
      return std::optional<storage::DatasetView>();
    }
    return access.status();
  }
  return std::optional<storage::DatasetView>(ViewOf(dataset, access->columns));
}

}  // namespace

std::optional<storage::ReadScope> AccessService::ScopeFor(const security::Principal& who) {
  if (SeesEverything(who)) return std::nullopt;
  storage::ReadScope scope;
  scope.resolve = [this, who](const DatasetName& dataset) {
    return ViewOf(dataset, Resolve(who, dataset));
  };
  return scope;
}

storage::ReadScope AccessService::ScopeForDataset(const security::Principal& who,
                                                  const DatasetName& dataset,
                                                  std::vector<std::string> columns) {
  storage::ReadScope scope;
  scope.resolve = [this, who, dataset, columns = std::move(columns)](const DatasetName& named)
      -> Result<std::optional<storage::DatasetView>> {
    if (named != dataset) return std::optional<storage::DatasetView>();
    return ViewOf(named, ResolveWithColumns(who, named, columns));
  };
  return scope;
}

Result<storage::ReadScope> AccessService::ScopeForDataset(const security::Principal& who,
                                                          const storage::DatasetMeta& meta,
                                                          const std::vector<std::string>& columns) {
  ASSIGN_OR_RETURN(auto visible, Columns(who, meta, columns));
  storage::ReadScope scope;
  scope.resolve = [view = ViewOf(meta.name, visible)](const DatasetName& named)
      -> Result<std::optional<storage::DatasetView>> {
    if (named != view.dataset) return std::optional<storage::DatasetView>();
    return std::optional<storage::DatasetView>(view);
  };
  return scope;
}

std::optional<std::string> AccessService::MaskValue(const ColumnAccess& column,
                                                    std::optional<std::string_view> value) const {
  if (column.op.kind == masking::OperatorKind::kKeep) {
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
  }
  return masker()->Apply(column.op, column.category, value);
}

Result<storage::DatasetMeta> AccessService::MaskedMetadata(const security::Principal& who,
                                                           storage::DatasetMeta meta) {
  if (SeesEverything(who)) return meta;
  auto access = Resolve(who, meta.name);
  if (!access.ok() && access.status().code() != ErrorCode::kPermissionDenied) {
    return access.status();
  }
  std::vector<storage::ColumnMeta> shown;
  for (auto& column : meta.columns) {
    const ColumnAccess* rule = nullptr;
    if (access.ok()) {
      for (const auto& c : access->columns) {
        if (c.name == column.name) rule = &c;
      }
      if (rule == nullptr) continue;  // not granted
    }
    if (!column.profile_json.empty()) {
      auto profile = catalog::ColumnProfileFromJson(
          nlohmann::json::parse(column.profile_json, nullptr, false));
      MaskProfile(profile, [&](std::optional<std::string_view> v) -> std::optional<std::string> {
        // Without the right to read the data, no value is shown.
        return rule == nullptr ? std::nullopt : MaskValue(*rule, v);
      });
      column.profile_json = catalog::ToJson(profile).dump();
    }
    column.sketch.clear();
    shown.push_back(std::move(column));
  }
  meta.columns = std::move(shown);
  return meta;
}

Result<MaskCopyResult> AccessService::MaskCopy(const DatasetName& source,
                                               const DatasetName& target, security::Role role,
                                               Level clearance) {
  if (source == target) return InvalidArgument("the masked copy needs another name");
  ASSIGN_OR_RETURN(auto meta, meta_.GetDataset(source));
  if (!meta) return NotFound("dataset " + source.ToString() + " does not exist");
  security::Principal reader;
  reader.role = role;
  reader.clearance = clearance;
  MaskCopyResult result{source, target, 0, {}};
  ASSIGN_OR_RETURN(result.columns, Columns(reader, *meta, {}));
  ASSIGN_OR_RETURN(auto schema, engine_.GetSchema(source));
  if (!schema) return NotFound("dataset " + source.ToString() + " has no data");
  storage::DatasetView view{source, {}};
  Schema target_schema;
  for (const auto& c : result.columns) {
    bool keep = c.op.kind == masking::OperatorKind::kKeep;
    view.columns.push_back(ColumnViewOf(c));
    ColumnType type = ColumnType::kText;
    for (const auto& s : *schema) {
      if (s.name == c.name && keep) type = s.type;
    }
    target_schema.push_back({c.name, type});
  }
  storage::ReadScope scope{[&](const DatasetName& d) -> Result<std::optional<storage::DatasetView>> {
    if (d == source) return std::optional<storage::DatasetView>(view);
    return std::optional<storage::DatasetView>();
  }};
  storage::QueryLimits limits;
  limits.max_rows = std::numeric_limits<int64_t>::max();
  limits.timeout = std::chrono::hours(24);
  ASSIGN_OR_RETURN(auto cursor, engine_.Query("SELECT * FROM " + source.ToString(), limits, &scope));
  ASSIGN_OR_RETURN(auto writer,
                   engine_.BeginWrite(target, target_schema, storage::WriteMode::kReplace, ""));
  std::vector<Value> row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, cursor->Next(row));
    if (!more) break;
    RETURN_IF_ERROR(writer->Append(row));
    ++result.rows;
  }
  RETURN_IF_ERROR(writer->Commit());
  ASSIGN_OR_RETURN(auto existing, meta_.GetDataset(target));
  storage::DatasetMeta entry = existing ? *existing : storage::DatasetMeta{};
  entry.name = target;
  entry.dept_code = meta->dept_code;
  if (entry.title.empty()) entry.title = meta->title + "（脱敏）";
  entry.description = "由 " + source.ToString() + " 按脱敏策略静态脱敏生成（读者：" +
                      std::string(security::RoleName(role)) + "，密级 " +
                      std::string(LevelName(clearance)) + "）";
  RETURN_IF_ERROR(meta_.PutDataset(entry).status());
  RETURN_IF_ERROR(catalog_.Reprofile(target));
  RETURN_IF_ERROR(classification_.Classify(target).status());
  return result;
}

Result<masking::MaskingPolicy> AccessService::CurrentMaskingPolicy() {
  {
    std::lock_guard lock(mu_);
    if (policy_cache_) return *policy_cache_;
  }
  ASSIGN_OR_RETURN(auto records, store_.ListStandards(kMaskingPolicyKind));
  masking::MaskingPolicy policy = masking::MaskingPolicy::BuiltIn();
  if (!records.empty()) {
    ASSIGN_OR_RETURN(policy, masking::MaskingPolicy::Parse(records.back().json));
  }
  std::lock_guard lock(mu_);
  policy_cache_ = policy;
  return policy;
}

Result<masking::MaskingPolicy> AccessService::PutMaskingPolicy(const std::string& json_text) {
  ASSIGN_OR_RETURN(auto policy, masking::MaskingPolicy::Parse(json_text));
  ASSIGN_OR_RETURN(auto records, store_.ListStandards(kMaskingPolicyKind));
  RETURN_IF_ERROR(store_.PutStandard({kMaskingPolicyKind, storage::VersionId(records.size() + 1),
                                      policy.ToJson().dump(), NowIso()}));
  std::lock_guard lock(mu_);
  policy_cache_ = policy;
  return policy;
}

}  // namespace citydata::access
