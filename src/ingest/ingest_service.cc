#include "ingest/ingest_service.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <thread>

#include "catalog/profiler.h"
#include "core/clock.h"
#include "core/json_util.h"
#include "formats/type_inference.h"
#include "ingest/batch_pipe.h"

namespace citydata::ingest {
namespace {

using formats::Record;
using formats::RecordReader;

constexpr size_t kRejectFlushRows = 1000;
// Pass 1 of a CSV or TSV file into a new schema stops after this many rows: the load
// checks the rest against the inferred types and, on the first value that does not
// fit, starts over with inference over the whole file (see Execute).
constexpr int64_t kInferencePrefixRows = 100000;
// Pass 2's pipeline: rows per batch and batches in flight between the two stages.
constexpr size_t kBatchRows = 4096;
constexpr size_t kPipeDepth = 6;
constexpr uint64_t kProgressEveryBytes = 1u << 20;

// The reject's source text when the reader did not keep it: the fields as a JSON array.
std::string FieldsAsText(const Record& record) {
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& f : record.fields) {
    if (f) {
      fields.push_back(std::string(*f));
    } else {
      fields.push_back(nullptr);
    }
  }
  std::string text = DumpJson(fields);
  if (text.size() > 4096) text.resize(4096);
  return text;
}

std::string Preview(std::string_view value) {
  constexpr size_t kMax = 40;
  if (value.size() <= kMax) return std::string(value);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return std::string(value.substr(0, cut)) + "…";
}

class Stopwatch {
 public:
  // Seconds since construction or the previous Lap().
  double Lap() {
    auto now = std::chrono::steady_clock::now();
    double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

std::string Stem(const std::string& path) { return std::filesystem::path(path).stem().string(); }

// The staging table of a gated batch: "_q_" and the job id's unique suffix.
DatasetName StagedName(const DatasetName& dataset, const std::string& job_id) {
  return {dataset.zone, "_q_" + job_id.substr(job_id.find('_') + 1)};
}

// The quarantined job `id`, or why it cannot be released or discarded.
Result<storage::JobRecord> QuarantinedJob(storage::MetaStore& meta, const std::string& id) {
  ASSIGN_OR_RETURN(auto job, meta.GetJob(id));
  if (!job) return NotFound("job '" + id + "' does not exist");
  if (job->state != storage::JobState::kQuarantined) {
    return FailedPrecondition("job " + id + " is " + std::string(storage::JobStateName(job->state)) +
                              "; only quarantined jobs can be released or discarded");
  }
  return std::move(*job);
}

// Updates a job's state and the "state" of its stored result.
Status SetJobState(storage::MetaStore& meta, storage::JobRecord& job, storage::JobState state) {
  job.state = state;
  job.finished_at = NowIso();
  nlohmann::json details = nlohmann::json::parse(job.details_json, nullptr, false);
  if (details.is_object()) {
    details["state"] = storage::JobStateName(state);
    job.details_json = DumpJson(details);
  }
  return meta.PutJob(job);
}

}  // namespace

class IngestService::Job {
 public:
  Job(IngestService& service, const IngestRequest& request, const ProgressFn& progress)
      : svc_(service), req_(request), progress_(progress) {}

  Result<IngestResult> Run() {
    auto started = std::chrono::steady_clock::now();
    RETURN_IF_ERROR(Prepare());
    if (result_.state == "skipped") return result_;
    Status st = Execute();
    if (st.ok() && result_.state == "skipped") return result_;
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    record_.finished_at = NowIso();
    if (!st.ok()) {
      record_.state = storage::JobState::kFailed;
      record_.error = st.message();
      record_.details_json = DumpJson(ToJson(result_));
      // Best effort: the job's own error is what the caller needs to see.
      static_cast<void>(svc_.meta_.PutJob(record_));
      return st;
    }
    record_.state = result_.state == "quarantined" ? storage::JobState::kQuarantined
                                                    : storage::JobState::kSucceeded;
    record_.details_json = DumpJson(ToJson(result_));
    RETURN_IF_ERROR(svc_.meta_.PutJob(record_));
    Labels zone = {{"zone", std::string(ZoneName(req_.dataset.zone))}};
    svc_.metrics_.Increment("citydata_ingested_rows_total", zone,
                            static_cast<double>(result_.rows_loaded));
    svc_.metrics_.Increment("citydata_rejected_rows_total", zone,
                            static_cast<double>(result_.rows_rejected));
    return result_;
  }

 private:
  Status Prepare() {
    result_.dataset = req_.dataset;
    result_.mode = req_.mode == storage::WriteMode::kReplace ? "replace" : "append";
    result_.batch_id = req_.batch_id;
    ASSIGN_OR_RETURN(existing_, svc_.meta_.GetDataset(req_.dataset));
    if (!req_.dept_code.empty()) RETURN_IF_ERROR(svc_.catalog_.RequireDepartment(req_.dept_code));
    if (!existing_ && req_.dept_code.empty()) {
      return InvalidArgument("dataset " + req_.dataset.ToString() +
                             " is new: name its owner department with --dept CODE");
    }
    if (req_.format) {
      format_ = *req_.format;
    } else {
      ASSIGN_OR_RETURN(format_, formats::InputFormatFromPath(
                                    req_.source_name.empty() ? req_.file_path : req_.source_name));
    }
    result_.format = std::string(formats::InputFormatName(format_));
    record_.id = NewId("job_");
    record_.dataset = req_.dataset;
    record_.started_at = NowIso();
    result_.job_id = record_.id;
    if (!req_.batch_id.empty()) {
      ASSIGN_OR_RETURN(bool seen, svc_.engine_.HasBatch(req_.dataset, req_.batch_id));
      if (seen) return Skip();
    }
    return svc_.meta_.PutJob(record_);
  }

  Status Skip() {
    result_.state = "skipped";
    result_.rows_loaded = 0;
    result_.reconciled = true;
    record_.state = storage::JobState::kSucceeded;
    record_.finished_at = NowIso();
    record_.details_json = DumpJson(ToJson(result_));
    return svc_.meta_.PutJob(record_);
  }

  // Types are inferred from a prefix when that is safe (see InferSchema); the load then
  // converts every row to them, and the first value that does not fit abandons the
  // load (nothing was committed) for a second try with inference over the whole file.
  // Both ways give the same schema and rows; the common case reads the file once.
  Status Execute() {
    Stopwatch watch;
    RETURN_IF_ERROR(InferSchema(kInferencePrefixRows));
    result_.infer_seconds = watch.Lap();
    auto before = svc_.engine_.Stats(req_.dataset);
    result_.row_count_before = before.ok() ? before->row_count : 0;
    if (svc_.quality_ != nullptr) {
      ASSIGN_OR_RETURN(gated_, svc_.quality_->HasGate(req_.dataset));
    }
    Status st = Load();
    if (mispredicted_) {
      RestartCounts();
      RETURN_IF_ERROR(InferSchema(std::numeric_limits<int64_t>::max()));
      st = Load();
    }
    result_.load_seconds = watch.Lap();
    if (st.ok() && gated_) st = PassGate();
    if (st.code() == ErrorCode::kAlreadyExists && !req_.batch_id.empty()) return Skip();
    RETURN_IF_ERROR(st);
    if (result_.state == "quarantined") return Status::Ok();
    st = Finish();
    result_.catalog_seconds = watch.Lap();
    if (st.ok() && svc_.quality_ != nullptr) st = CheckPublished();
    return st;
  }

  // A gated batch was loaded into its staging table: publish it if the gate rules pass,
  // else keep it there and quarantine the job.
  Status PassGate() {
    auto checked = svc_.quality_->CheckBatch(req_.dataset, Staged(), record_.id);
    if (!checked.ok()) {
      // The batch cannot be judged, so it is not kept; the caller sees why.
      static_cast<void>(svc_.engine_.DropDataset(Staged()));
      return checked.status();
    }
    QualityVerdict verdict = std::move(*checked);
    result_.quality["gate"] = verdict.summary;
    if (!verdict.passed) {
      // Nothing was published: the dataset is as it was, and the batch waits whole.
      result_.state = "quarantined";
      result_.row_count_after = result_.row_count_before;
      result_.reconciled = result_.rows_read == result_.rows_loaded + result_.rows_rejected;
      return Status::Ok();
    }
    Status moved = svc_.engine_.MoveRows(Staged(), req_.dataset, req_.mode, req_.batch_id);
    // A batch that cannot be published is not kept either; the caller sees why.
    if (!moved.ok()) static_cast<void>(svc_.engine_.DropDataset(Staged()));
    return moved;
  }

  Status CheckPublished() {
    ASSIGN_OR_RETURN(QualityVerdict verdict, svc_.quality_->AfterPublish(req_.dataset, record_.id));
    if (!verdict.summary.is_null()) result_.quality["run"] = verdict.summary;
    return Status::Ok();
  }

  // Where a gated batch waits: an engine-internal table no user query can read.
  DatasetName Staged() const { return StagedName(req_.dataset, record_.id); }

  formats::ReaderOptions Options() const {
    formats::ReaderOptions options;
    options.format = format_;
    options.encoding = encoding_ ? *encoding_ : req_.encoding;
    options.json_columns = source_columns_;
    return options;
  }

  void Report(int pass, const RecordReader& reader, uint64_t& next_report) {
    if (!progress_ || reader.bytes_read() < next_report) return;
    progress_(pass, reader.bytes_read(), file_size_);
    next_report = reader.bytes_read() + kProgressEveryBytes;
  }

  // Pass 1: column names, the detected encoding and the narrowest type of each column.
  // Stops after `prefix_rows` rows when the types it found can be checked during the
  // load instead (speculative_): a CSV or TSV file (its header names every column; a
  // JSON file may add keys later) going into a new schema, with a value seen in every
  // column (a column of NULLs so far could still be anything).
  Status InferSchema(int64_t prefix_rows) {
    std::error_code ec;
    file_size_ = std::filesystem::file_size(req_.file_path, ec);
    ASSIGN_OR_RETURN(auto reader, formats::OpenReader(req_.file_path, Options()));
    std::vector<formats::TypeInferrer> inferrers;
    Record record;
    uint64_t next_report = 0;
    speculative_ = false;
    for (int64_t rows = 0;; ++rows) {
      if (rows == prefix_rows && MaySpeculate(*reader, inferrers)) {
        speculative_ = true;
        break;
      }
      ASSIGN_OR_RETURN(bool more, reader->Next(record));
      if (!more) break;
      Report(1, *reader, next_report);
      if (!record.error.empty()) continue;
      if (inferrers.size() < record.fields.size()) inferrers.resize(record.fields.size());
      for (size_t i = 0; i < record.fields.size(); ++i) inferrers[i].Observe(record.fields[i]);
    }
    source_columns_ = reader->columns();
    encoding_ = reader->encoding();
    result_.encoding = std::string(formats::EncodingName(*encoding_));
    if (source_columns_.empty()) {
      return InvalidArgument("the file has no columns (it is empty or has no header): "
                             "nothing to ingest");
    }
    inferrers.resize(source_columns_.size());
    return BuildSchema(inferrers);
  }

  bool MaySpeculate(const RecordReader& reader,
                    const std::vector<formats::TypeInferrer>& inferrers) const {
    bool csv = format_ == formats::InputFormat::kCsv || format_ == formats::InputFormat::kTsv;
    if (!csv || inferrers.size() != reader.columns().size()) return false;
    if (req_.mode == storage::WriteMode::kAppend) {
      auto stored = svc_.engine_.GetSchema(req_.dataset);
      if (!stored.ok() || stored->has_value()) return false;
    }
    return std::all_of(inferrers.begin(), inferrers.end(),
                       [](const formats::TypeInferrer& t) { return t.saw_value(); });
  }

  // Forgets what an abandoned load counted, before the load is run again.
  void RestartCounts() {
    mispredicted_ = false;
    result_.rows_read = result_.rows_loaded = result_.rows_rejected = 0;
    result_.rejects_stored = 0;
    result_.schema.clear();
    target_of_.clear();
    profilers_.clear();
    rejects_.clear();
  }

  Status BuildSchema(const std::vector<formats::TypeInferrer>& inferrers) {
    std::vector<std::string> names;
    for (size_t i = 0; i < source_columns_.size(); ++i) {
      names.push_back(NormalizeColumnName(source_columns_[i], i + 1));
    }
    DeduplicateColumnNames(names);
    std::optional<Schema> stored;
    if (req_.mode == storage::WriteMode::kAppend) {
      ASSIGN_OR_RETURN(stored, svc_.engine_.GetSchema(req_.dataset));
    }
    if (!stored) {
      for (size_t i = 0; i < names.size(); ++i) {
        result_.schema.push_back({names[i], inferrers[i].Result()});
        target_of_.push_back(i);
      }
      return Status::Ok();
    }
    result_.schema = *stored;
    return MapToStoredSchema(names);
  }

  Status MapToStoredSchema(const std::vector<std::string>& names) {
    std::string unknown;
    for (const auto& name : names) {
      size_t j = 0;
      while (j < result_.schema.size() && result_.schema[j].name != name) ++j;
      if (j == result_.schema.size()) unknown += (unknown.empty() ? "" : ", ") + name;
      target_of_.push_back(j);
    }
    if (unknown.empty()) return Status::Ok();
    return FailedPrecondition("the file has columns that " + req_.dataset.ToString() +
                              " does not: " + unknown +
                              "; ingest with --mode replace to change the schema");
  }

  // Pass 2: convert, validate, profile and write every row in one atomic write. This
  // thread parses and converts; one thread appends to the engine and another profiles.
  Status Load() {
    ASSIGN_OR_RETURN(auto writer,
                     gated_ ? svc_.engine_.BeginWrite(Staged(), result_.schema,
                                                      storage::WriteMode::kReplace, "")
                            : svc_.engine_.BeginWrite(req_.dataset, result_.schema, req_.mode,
                                                      req_.batch_id));
    ASSIGN_OR_RETURN(auto reader, formats::OpenReader(req_.file_path, Options()));
    for (const auto& col : result_.schema) profilers_.emplace_back(col.name, col.type);
    BatchPipe pipe(2, kPipeDepth, kBatchRows, result_.schema.size());
    std::thread sink([&pipe, &writer] {
      pipe.RunStage(0, [&writer](const RowBatch& batch) {
        for (size_t i = 0; i < batch.size; ++i) RETURN_IF_ERROR(writer->Append(batch.rows[i]));
        return Status::Ok();
      });
    });
    std::thread profile([this, &pipe] {
      pipe.RunStage(1, [this](const RowBatch& batch) {
        for (size_t i = 0; i < batch.size; ++i) {
          for (size_t c = 0; c < profilers_.size(); ++c) profilers_[c].Add(batch.rows[i][c]);
        }
        return Status::Ok();
      });
    });
    Status produced = Produce(*reader, pipe);
    pipe.Close();
    sink.join();
    profile.join();
    RETURN_IF_ERROR(produced);
    RETURN_IF_ERROR(pipe.status());
    if (mispredicted_) return Status::Ok();  // the writer rolls back
    result_.bytes_read = reader->bytes_read();
    RETURN_IF_ERROR(FlushRejects());
    return writer->Commit();
  }

  Status Produce(RecordReader& reader, BatchPipe& pipe) {
    Record record;
    uint64_t next_report = 0;
    RowBatch* batch = pipe.Acquire();
    while (batch != nullptr) {
      ASSIGN_OR_RETURN(bool more, reader.Next(record));
      if (!more) break;
      ++result_.rows_read;
      Report(2, reader, next_report);
      if (!record.error.empty()) {
        RETURN_IF_ERROR(Reject(record.line, record.error, record.raw));
        continue;
      }
      std::vector<Value>& row = batch->rows[batch->size];
      std::string problem = ConvertRow(record, row);
      if (!problem.empty() && speculative_) {
        // Not a bad row: the prefix's types were too narrow. Abandon this load.
        mispredicted_ = true;
        return Status::Ok();
      }
      if (!problem.empty()) {
        RETURN_IF_ERROR(Reject(record.line, problem, FieldsAsText(record)));
        continue;
      }
      ++result_.rows_loaded;
      if (++batch->size == batch->rows.size()) {
        pipe.Submit(batch);
        batch = pipe.Acquire();
      }
    }
    if (batch != nullptr && batch->size > 0) pipe.Submit(batch);
    return Status::Ok();
  }

  // Fills `row` from `record`; returns "" or the reason the record is rejected.
  std::string ConvertRow(const Record& record, std::vector<Value>& row) {
    if (record.fields.size() < target_of_.size()) {
      for (auto& v : row) v = std::monostate{};
    }
    for (size_t i = 0; i < record.fields.size() && i < target_of_.size(); ++i) {
      const ColumnDef& col = result_.schema[target_of_[i]];
      if (!formats::ConvertValueInto(record.fields[i], col.type, row[target_of_[i]])) {
        return "column '" + col.name + "': '" + Preview(*record.fields[i]) + "' is not a valid " +
               std::string(ColumnTypeName(col.type));
      }
    }
    return "";
  }

  Status Reject(int64_t line, const std::string& reason, const std::string& raw) {
    ++result_.rows_rejected;
    if (result_.rejects_stored >= kMaxStoredRejects) return Status::Ok();
    ++result_.rejects_stored;
    rejects_.push_back({record_.id, line, reason, raw});
    // A speculative load may be abandoned and run again: its rejects wait for the end.
    bool flush = rejects_.size() >= kRejectFlushRows && !speculative_;
    return flush ? FlushRejects() : Status::Ok();
  }

  Status FlushRejects() {
    if (rejects_.empty()) return Status::Ok();
    RETURN_IF_ERROR(svc_.meta_.AddRejects(rejects_));
    rejects_.clear();
    return Status::Ok();
  }

  // Catalog update after the commit: schema, merged profile, counts, version.
  Status Finish() {
    std::lock_guard lock(svc_.catalog_mu_);
    ASSIGN_OR_RETURN(existing_, svc_.meta_.GetDataset(req_.dataset));
    ASSIGN_OR_RETURN(storage::TableStats stats, svc_.engine_.Stats(req_.dataset));
    result_.row_count_after = stats.row_count;
    int64_t expected = result_.rows_loaded +
                       (req_.mode == storage::WriteMode::kAppend ? result_.row_count_before : 0);
    result_.reconciled = result_.rows_read == result_.rows_loaded + result_.rows_rejected &&
                         stats.row_count == expected;
    result_.state = "succeeded";
    storage::DatasetMeta meta;
    if (existing_) meta = *existing_;
    meta.name = req_.dataset;
    if (!req_.title.empty()) meta.title = req_.title;
    if (meta.title.empty()) meta.title = Stem(req_.source_name.empty() ? req_.file_path : req_.source_name);
    if (!req_.dept_code.empty()) meta.dept_code = req_.dept_code;
    meta.row_count = stats.row_count;
    meta.bytes = stats.bytes;
    meta.version += 1;
    meta.columns = MergedColumns();
    return svc_.meta_.PutDataset(meta).status();
  }

  std::vector<storage::ColumnMeta> MergedColumns() {
    bool extend = existing_ && req_.mode == storage::WriteMode::kAppend &&
                  existing_->columns.size() == result_.schema.size();
    std::vector<storage::ColumnMeta> columns;
    for (size_t i = 0; i < result_.schema.size(); ++i) {
      catalog::ColumnProfiler& profiler = profilers_[i];
      if (extend) {
        auto previous = catalog::ColumnProfiler::Deserialize(existing_->columns[i].sketch);
        if (previous) profiler.Merge(*previous);
      }
      columns.push_back({result_.schema[i].name, result_.schema[i].type,
                         DumpJson(catalog::ToJson(profiler.Finish())), profiler.Serialize()});
    }
    return columns;
  }

  IngestService& svc_;
  const IngestRequest& req_;
  const ProgressFn& progress_;
  IngestResult result_;
  storage::JobRecord record_;
  std::optional<storage::DatasetMeta> existing_;
  formats::InputFormat format_ = formats::InputFormat::kCsv;
  std::optional<formats::Encoding> encoding_;
  std::vector<std::string> source_columns_;
  std::vector<size_t> target_of_;  // source column index → schema column index
  bool speculative_ = false;   // the schema's types come from a prefix of the file
  bool mispredicted_ = false;  // a later value did not fit them: the load was abandoned
  std::vector<catalog::ColumnProfiler> profilers_;
  std::vector<storage::RejectRecord> rejects_;
  uint64_t file_size_ = 0;
  bool gated_ = false;
};

Result<IngestResult> IngestService::Ingest(const IngestRequest& request, const ProgressFn& progress) {
  Job job(*this, request, progress);
  return job.Run();
}

Result<storage::JobRecord> IngestService::Release(const std::string& job_id) {
  ASSIGN_OR_RETURN(storage::JobRecord job, QuarantinedJob(meta_, job_id));
  nlohmann::json details = nlohmann::json::parse(job.details_json, nullptr, false);
  bool replace = details.is_object() && details.value("mode", "append") == "replace";
  std::string batch_id = details.is_object() ? details.value("batch_id", "") : "";
  RETURN_IF_ERROR(engine_.MoveRows(StagedName(job.dataset, job.id), job.dataset,
                                   replace ? storage::WriteMode::kReplace
                                           : storage::WriteMode::kAppend,
                                   batch_id));
  std::lock_guard lock(catalog_mu_);
  RETURN_IF_ERROR(catalog_.Reprofile(job.dataset));
  ASSIGN_OR_RETURN(storage::TableStats stats, engine_.Stats(job.dataset));
  if (details.is_object()) {
    int64_t before = replace ? 0 : details.value("row_count_before", int64_t{0});
    details["row_count_after"] = stats.row_count;
    details["reconciled"] = stats.row_count == before + details.value("rows_loaded", int64_t{0});
    details["released_at"] = NowIso();
    job.details_json = DumpJson(details);
  }
  RETURN_IF_ERROR(SetJobState(meta_, job, storage::JobState::kSucceeded));
  if (quality_ != nullptr) RETURN_IF_ERROR(quality_->AfterPublish(job.dataset, job.id).status());
  return job;
}

Result<storage::JobRecord> IngestService::Discard(const std::string& job_id) {
  ASSIGN_OR_RETURN(storage::JobRecord job, QuarantinedJob(meta_, job_id));
  RETURN_IF_ERROR(engine_.DropDataset(StagedName(job.dataset, job.id)));
  RETURN_IF_ERROR(SetJobState(meta_, job, storage::JobState::kDiscarded));
  return job;
}

Status IngestService::RecoverInterruptedJobs() {
  ASSIGN_OR_RETURN(auto jobs, meta_.InterruptRunningJobs());
  for (const auto& job : jobs) {
    // A gated batch the crash interrupted was never published.
    RETURN_IF_ERROR(engine_.DropDataset(StagedName(job.dataset, job.id)));
    ASSIGN_OR_RETURN(auto meta, meta_.GetDataset(job.dataset));
    if (!meta) continue;
    auto stats = engine_.Stats(job.dataset);
    if (!stats.ok() || stats->row_count == meta->row_count) continue;
    // The engine committed but the catalog update was lost: rebuild it from the data.
    RETURN_IF_ERROR(catalog_.Reprofile(job.dataset));
  }
  return Status::Ok();
}

nlohmann::json ToJson(const IngestResult& r) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : r.schema) columns.push_back({{"name", c.name}, {"type", ColumnTypeName(c.type)}});
  return {{"job_id", r.job_id},
          {"dataset", r.dataset.ToString()},
          {"state", r.state},
          {"mode", r.mode},
          {"batch_id", r.batch_id},
          {"rows_read", r.rows_read},
          {"rows_loaded", r.rows_loaded},
          {"rows_rejected", r.rows_rejected},
          {"rejects_stored", r.rejects_stored},
          {"bytes_read", r.bytes_read},
          {"format", r.format},
          {"encoding", r.encoding},
          {"columns", columns},
          {"row_count_before", r.row_count_before},
          {"row_count_after", r.row_count_after},
          {"reconciled", r.reconciled},
          {"seconds", r.seconds},
          {"quality", r.quality},
          {"timings",
           {{"infer_seconds", r.infer_seconds},
            {"load_seconds", r.load_seconds},
            {"catalog_seconds", r.catalog_seconds}}}};
}

}  // namespace citydata::ingest
