// Ingest jobs: a department's file into a dataset of the raw zone (or any zone).
//
// An ingest reads the file twice. The first pass infers the column types over all
// of the data (so a value on the last line can still keep a column as text); the
// second converts, validates, profiles and writes the rows inside one atomic engine
// write. Records that cannot be parsed, decoded or converted are stored as rejects
// with their line numbers and reasons and counted; nothing is dropped silently.
// Memory is bounded by the readers' chunk size and the profilers' sketches, not by
// the file size.
//
// Every ingest is a job with an id, recorded in the metadata store before any data is
// written. If the process dies mid-way, the engine write is rolled back and the job is
// marked interrupted at the next start (see RecoverInterruptedJobs).
//
// Thread safety: safe to use from many threads; writes to one dataset are serialized.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog_service.h"
#include "core/metrics.h"
#include "core/status.h"
#include "formats/record_reader.h"
#include "storage/engine.h"
#include "storage/meta_store.h"

namespace citydata::ingest {

struct IngestRequest {
  std::string file_path;    // a local file the server can read (an upload's spool file)
  std::string source_name;  // the user's file name, for the job record and format default
  DatasetName dataset;
  std::string dept_code;  // required when the dataset is new
  std::string title;      // optional; set on the dataset when given
  std::optional<formats::InputFormat> format;  // default: from source_name's extension
  formats::Encoding encoding = formats::Encoding::kAuto;
  storage::WriteMode mode = storage::WriteMode::kAppend;
  std::string batch_id;  // with a repeated id the ingest is a no-op
};

struct IngestResult {
  std::string job_id;
  DatasetName dataset;
  // "succeeded"; "skipped" for an already-loaded batch id; "quarantined" when a quality
  // gate failed and the batch is held aside (see IngestService::Release/Discard).
  std::string state;
  std::string mode;      // "append" or "replace"
  std::string batch_id;  // as requested; "" for none
  int64_t rows_read = 0;
  int64_t rows_loaded = 0;
  int64_t rows_rejected = 0;
  int64_t rejects_stored = 0;  // at most kMaxStoredRejects per job
  uint64_t bytes_read = 0;
  std::string format;
  std::string encoding;
  Schema schema;
  int64_t row_count_before = 0;
  int64_t row_count_after = 0;
  bool reconciled = false;  // read == loaded + rejected and the dataset grew by `loaded`
  double seconds = 0;          // the whole job
  double infer_seconds = 0;    // pass 1
  double load_seconds = 0;     // pass 2, including the commit
  double catalog_seconds = 0;  // statistics and profile update after the commit
  // The quality checks' summaries: {"gate": ...} for a gated batch, {"run": ...} for the
  // dataset's plan after publishing; null when the dataset has no plan.
  nlohmann::json quality;
};

// What the quality checks concluded about a batch or a dataset.
struct QualityVerdict {
  bool passed = true;      // every gate rule passed (always true for a plain run)
  nlohmann::json summary;  // e.g. {"run_id", "score", "failed_rules"}; null without a plan
};

// Quality checks around ingests. The quality service implements it; ingest knows only
// this interface, so the dependency points from quality's wiring to ingest, not back.
class IngestQualityHook {
 public:
  virtual ~IngestQualityHook() = default;
  // True when the dataset's plan has gate rules: its batches are staged and checked
  // before they are published.
  virtual Result<bool> HasGate(const DatasetName& dataset) = 0;
  // Evaluates the gate rules of `dataset`'s plan over the staged batch `staged` alone.
  virtual Result<QualityVerdict> CheckBatch(const DatasetName& dataset, const DatasetName& staged,
                                            const std::string& job_id) = 0;
  // Runs the dataset's whole plan after rows were published.
  virtual Result<QualityVerdict> AfterPublish(const DatasetName& dataset,
                                              const std::string& job_id) = 0;
};

// Progress of a running ingest: the pass (1 = inference, 2 = load), bytes done, total.
using ProgressFn = std::function<void(int pass, uint64_t done, uint64_t total)>;

class IngestService {
 public:
  // Rejects beyond this many per job are counted but not stored.
  static constexpr int64_t kMaxStoredRejects = 100000;

  // `quality`, when given, gates and checks ingests; it must outlive the service.
  IngestService(storage::MetaStore& meta, storage::Engine& engine,
                catalog::CatalogService& catalog, Metrics& metrics,
                IngestQualityHook* quality = nullptr)
      : meta_(meta), engine_(engine), catalog_(catalog), metrics_(metrics), quality_(quality) {}

  // Runs an ingest to completion. A failure after the job was recorded still returns
  // the error, and the job is marked failed with it.
  Result<IngestResult> Ingest(const IngestRequest& request, const ProgressFn& progress = {});

  // Publishes a quarantined job's batch as if its gate had passed (the catalog profile
  // is rebuilt from a scan), or drops it. FailedPrecondition unless the job is
  // quarantined. Returns the updated job.
  Result<storage::JobRecord> Release(const std::string& job_id);
  Result<storage::JobRecord> Discard(const std::string& job_id);

  // Marks jobs left running by a crash as interrupted and brings dataset row counts
  // back in line with the engine. Call once at start-up, before serving.
  Status RecoverInterruptedJobs();

 private:
  class Job;

  storage::MetaStore& meta_;
  storage::Engine& engine_;
  catalog::CatalogService& catalog_;
  Metrics& metrics_;
  IngestQualityHook* quality_;
  // Serializes catalog updates after commits, so that concurrent appends to a dataset
  // each merge their profile into the latest entry instead of overwriting each other.
  std::mutex catalog_mu_;
};

nlohmann::json ToJson(const IngestResult& r);

}  // namespace citydata::ingest
