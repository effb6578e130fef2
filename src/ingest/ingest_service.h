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
  std::string state;  // "succeeded", or "skipped" for an already-loaded batch id
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
};

// Progress of a running ingest: the pass (1 = inference, 2 = load), bytes done, total.
using ProgressFn = std::function<void(int pass, uint64_t done, uint64_t total)>;

class IngestService {
 public:
  // Rejects beyond this many per job are counted but not stored.
  static constexpr int64_t kMaxStoredRejects = 100000;

  IngestService(storage::MetaStore& meta, storage::Engine& engine,
                catalog::CatalogService& catalog, Metrics& metrics)
      : meta_(meta), engine_(engine), catalog_(catalog), metrics_(metrics) {}

  // Runs an ingest to completion. A failure after the job was recorded still returns
  // the error, and the job is marked failed with it.
  Result<IngestResult> Ingest(const IngestRequest& request, const ProgressFn& progress = {});

  // Marks jobs left running by a crash as interrupted and brings dataset row counts
  // back in line with the engine. Call once at start-up, before serving.
  Status RecoverInterruptedJobs();

 private:
  class Job;

  storage::MetaStore& meta_;
  storage::Engine& engine_;
  catalog::CatalogService& catalog_;
  Metrics& metrics_;
};

nlohmann::json ToJson(const IngestResult& r);

}  // namespace citydata::ingest
