// What a principal sees of the data: the one place that turns the policy's decision
// (may this principal read this dataset?), the dataset's classification (each
// column's category and level) and the masking policy (which operator a reader
// without clearance gets) into what every read path shows.
//
// - Queries and row samples run under a storage::ReadScope built here: only readable
//   datasets and granted columns exist for the query, and each column above the
//   reader's clearance is seen only through its masking operator, inside the engine.
// - Profiles (min, max, top values) and quality-issue values are masked with the same
//   operators before they leave.
// A column that was never classified counts as general-4 of category "unclassified"
// (deny by default: the built-in masking policy nullifies it for readers without
// general-4 clearance).
//
// Thread safety: safe to use from many threads.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog_service.h"
#include "governance/classification_service.h"
#include "masking/masker.h"
#include "masking/policy.h"
#include "security/policy.h"
#include "storage/engine.h"
#include "storage/governance_store.h"
#include "storage/meta_store.h"

namespace citydata::access {

// How one column reaches one reader.
struct ColumnAccess {
  std::string name;
  std::string category;
  Level level = Level::kGeneral4;
  masking::Operator op;  // kKeep when the reader sees stored values
};

// A readable dataset as one reader sees it: its visible columns (granted ones, in
// storage order).
struct DatasetAccess {
  storage::DatasetMeta meta;  // without column profiles (MetaStore::GetDatasetSchema)
  std::vector<ColumnAccess> columns;
  bool masked() const;  // any visible column not kept
};

// The result of a static masking run.
struct MaskCopyResult {
  DatasetName source;
  DatasetName target;
  int64_t rows = 0;
  std::vector<ColumnAccess> columns;  // the operator applied to each column
};

// Installs on the engine the transform compiler for the specs it puts in scopes (and
// installs a new one whenever the masker changes).
class AccessService {
 public:
  AccessService(security::Policy& policy, storage::MetaStore& meta,
                storage::GovernanceStore& store, storage::Engine& engine,
                catalog::CatalogService& catalog,
                governance::ClassificationService& classification,
                std::shared_ptr<const masking::Masker> masker);

  // The scope of `who`'s queries; nullopt when `who` reads every dataset unmasked
  // (a platform-wide role with core clearance).
  std::optional<storage::ReadScope> ScopeFor(const security::Principal& who);

  // How `who` sees `dataset`: PermissionDenied with the policy's reason when the
  // dataset may not be read, NotFound when it does not exist.
  Result<DatasetAccess> Resolve(const security::Principal& who, const DatasetName& dataset);

  // How `who` sees `dataset` when the right to read it was established elsewhere (a
  // sandbox grant, the open-data portal) and the caller has checked it: only `columns`
  // (empty: every column), each above who's clearance masked. No policy decision is
  // made here. NotFound when the dataset does not exist.
  Result<DatasetAccess> ResolveWithColumns(const security::Principal& who,
                                           const DatasetName& dataset,
                                           const std::vector<std::string>& columns);
  // A scope in which only `dataset` exists, as ResolveWithColumns shows it; the same
  // contract (the caller has checked the right to read).
  storage::ReadScope ScopeForDataset(const security::Principal& who, const DatasetName& dataset,
                                     std::vector<std::string> columns);
  // The same for a dataset whose metadata the caller has just read: the view is
  // resolved now, from `meta`, rather than when the query is prepared.
  Result<storage::ReadScope> ScopeForDataset(const security::Principal& who,
                                             const storage::DatasetMeta& meta,
                                             const std::vector<std::string>& columns);

  // The dataset's metadata with every column's profile values (min, max, top values)
  // as `who` would see them, and only the columns `who` may see when `who` reads the
  // dataset under a column grant. Readers who may not read the dataset's data at all
  // see its schema and counts but no values.
  Result<storage::DatasetMeta> MaskedMetadata(const security::Principal& who,
                                              storage::DatasetMeta meta);

  // `value` of `column` as `who` sees it.
  std::optional<std::string> MaskValue(const ColumnAccess& column,
                                       std::optional<std::string_view> value) const;

  // Writes `target` (replacing it) as `source` masked for a reader of `role` with
  // `clearance`: every column above the clearance through the masking policy's
  // operator, as text. The copy is catalogued (owner, title) and classified.
  Result<MaskCopyResult> MaskCopy(const DatasetName& source, const DatasetName& target,
                                  security::Role role, Level clearance);

  // Re-keys the masking operators (after a data key rotation), scoped reads included.
  void SetMasker(std::shared_ptr<const masking::Masker> masker);

  // The masking policy in force, and editing it: each accepted document becomes the
  // next version. InvalidArgument for an invalid document.
  Result<masking::MaskingPolicy> CurrentMaskingPolicy();
  Result<masking::MaskingPolicy> PutMaskingPolicy(const std::string& json_text);

 private:
  std::shared_ptr<const masking::Masker> masker() const;
  Result<std::vector<ColumnAccess>> Columns(const security::Principal& who,
                                            const storage::DatasetMeta& meta,
                                            const std::vector<std::string>& granted);

  security::Policy& policy_;
  storage::MetaStore& meta_;
  storage::GovernanceStore& store_;
  storage::Engine& engine_;
  catalog::CatalogService& catalog_;
  governance::ClassificationService& classification_;
  mutable std::mutex mu_;
  std::shared_ptr<const masking::Masker> masker_;        // GUARDED_BY(mu_)
  std::optional<masking::MaskingPolicy> policy_cache_;  // GUARDED_BY(mu_)
};

}  // namespace citydata::access
