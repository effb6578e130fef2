// Classification and grading (分类分级) of datasets, PRODUCT.md C8.
//
// Classify samples a dataset's rows, asks the classifier for each column's category,
// grades each column with the current level policy and the dataset with the highest
// column level, and stores the result. A steward's decision on a column (confirming
// the category or overriding category and level, always with a reason) is kept
// across later automatic runs. The level policy is versioned data: each accepted
// document becomes the next version, and stored classifications are re-graded with
// it (categories stay; levels follow the policy).
//
// Results are stored as JSON documents in the governance store (kinds
// "classification" by dataset and "level_policy" by version).
//
// Thread safety: safe to use from many threads; runs on one dataset are serialized.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "classify/classifier.h"
#include "classify/level_policy.h"
#include "core/sensitivity.h"
#include "core/status.h"
#include "storage/engine.h"
#include "storage/governance_store.h"
#include "storage/meta_store.h"

namespace citydata::governance {

struct ColumnGrade {
  std::string name;
  classify::ColumnClassification found;  // what the classifier reported
  std::string category;                  // in force: found.category unless a steward decided
  Level level = Level::kGeneral1;
  std::string source = "auto";  // "auto" or "steward"
  std::string reason;           // the steward's
  std::string decided_by;
  std::string decided_at;
};

struct DatasetGrade {
  DatasetName dataset;
  Level grade = Level::kGeneral1;
  std::string policy_version;
  std::string classified_at;
  int64_t sampled_rows = 0;
  std::vector<ColumnGrade> columns;
};

nlohmann::json ToJson(const DatasetGrade& grade);

class ClassificationService {
 public:
  // Rows sampled per run (the first rows in storage order).
  static constexpr int64_t kSampleRows = 5000;

  ClassificationService(storage::GovernanceStore& store, storage::MetaStore& meta,
                        storage::Engine& engine, const classify::Classifier& classifier)
      : store_(store), meta_(meta), engine_(engine), classifier_(classifier) {}

  // Classifies and grades the dataset now. NotFound for an unknown dataset.
  Result<DatasetGrade> Classify(const DatasetName& dataset);
  // The stored result; null when the dataset was never classified. Every governed read
  // asks for it, so each dataset's result is read and parsed once and then kept: this
  // service is the only writer of classification documents (Store keeps the copy in
  // step), and one process at a time holds the data directory.
  Result<std::shared_ptr<const DatasetGrade>> Get(const DatasetName& dataset);
  // A steward's decision on one column: `category` (empty keeps the one in force) and
  // `level` (empty: the policy's level for the category). InvalidArgument without a
  // reason or with an unknown category or level.
  Result<DatasetGrade> Decide(const DatasetName& dataset, const std::string& column,
                              const std::string& category, const std::string& level,
                              const std::string& reason, const std::string& who);

  Result<classify::LevelPolicy> CurrentPolicy();
  // Stores `policy_json` as the next policy version (its "version" field is replaced by
  // the sequence number when empty) and re-grades every stored classification.
  Result<classify::LevelPolicy> PutPolicy(const std::string& policy_json);
  // Every stored policy version, oldest first, as JSON documents.
  Result<std::vector<nlohmann::json>> PolicyHistory();

 private:
  Result<DatasetGrade> Regrade(DatasetGrade grade, const classify::LevelPolicy& policy);
  Status Store(const DatasetGrade& grade);

  storage::GovernanceStore& store_;
  storage::MetaStore& meta_;
  storage::Engine& engine_;
  const classify::Classifier& classifier_;
  std::mutex mu_;  // serializes read-modify-write of stored classifications
  // Held across a read from the store and the write of the copy, so that a read that
  // missed cannot put back a result an ongoing Store has replaced.
  std::mutex kept_mu_;
  // GUARDED_BY(kept_mu_): by dataset name; classified datasets only.
  std::map<std::string, std::shared_ptr<const DatasetGrade>> kept_;
};

}  // namespace citydata::governance
