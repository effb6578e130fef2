#include "storage/sqlite/sqlite_copies.h"

#include <algorithm>
#include <filesystem>

namespace citydata::storage::sqlite {
namespace {

// Entries (distinct scoped SELECTs) kept at most, per dataset and in all; past a limit
// the least recently used one is forgotten and its copy dropped. Every copy is a full
// copy of its dataset, so readers cycling through column subsets of one dataset cannot
// make the file grow past kMaxPerDataset copies of it, nor evict other datasets' copies
// beyond the total limit's share.
constexpr size_t kMaxEntries = 32;
constexpr size_t kMaxPerDataset = 4;
constexpr int kRequestsBeforeBuild = 2;

constexpr const char* kBuildsMetric = "citydata_masked_copy_builds_total";
constexpr const char* kBuildSecondsMetric = "citydata_masked_copy_build_seconds";
constexpr const char* kCopiesMetric = "citydata_masked_copies";
constexpr const char* kBuildingMetric = "citydata_masked_copies_building";

int StopRequested(void* stopping) {
  return static_cast<std::atomic<bool>*>(stopping)->load() ? 1 : 0;
}

}  // namespace

Result<std::unique_ptr<CopyCache>> CopyCache::Open(
    const std::string& path, std::vector<std::pair<std::string, std::string>> zones,
    const Transforms* transforms, Metrics* metrics) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
  ASSIGN_OR_RETURN(DbPtr db, sqlite::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                                    SQLITE_OPEN_NOMUTEX));
  // A cache: nothing in it needs to survive a crash (the next Open recreates it).
  RETURN_IF_ERROR(Exec(db.get(),
                       "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; "
                       "PRAGMA temp_store=FILE;"));
  for (const auto& [schema, file] : zones) RETURN_IF_ERROR(Attach(db.get(), schema, file));
  RETURN_IF_ERROR(RegisterTransformFunction(db.get(), transforms));
  if (metrics != nullptr) {
    metrics->Describe(kBuildsMetric,
                      "Masked copies of scoped views built, by outcome (built, stale, failed).",
                      "counter");
    metrics->Describe(kBuildSecondsMetric, "Time to build one masked copy, in seconds.",
                      "histogram", {0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300});
    metrics->Describe(kCopiesMetric, "Masked copies ready for scoped queries.", "gauge");
    metrics->Describe(kBuildingMetric, "Masked copies queued or being built.", "gauge");
  }
  return std::unique_ptr<CopyCache>(new CopyCache(std::move(db), metrics));
}

CopyCache::CopyCache(DbPtr db, Metrics* metrics) : db_(std::move(db)), metrics_(metrics) {
  sqlite3_progress_handler(db_.get(), 1000, StopRequested, &stopping_);
  builder_ = std::thread([this] { BuilderLoop(); });
}

CopyCache::~CopyCache() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  builder_.join();
}

std::shared_ptr<const MaterializedCopy> CopyCache::Find(const DatasetName& dataset,
                                                        const std::string& select) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(select);
  if (it == entries_.end()) {
    MakeRoom(dataset.ToString());
    it = entries_.try_emplace(select).first;
    it->second.dataset = dataset.ToString();
  }
  Entry& entry = it->second;
  entry.last_used = std::chrono::steady_clock::now();
  const std::pair<uint64_t, uint64_t> current{VersionOf(entry.dataset), generation_};
  if (entry.ready && std::pair(entry.ready_version, entry.ready_generation) == current) {
    return entry.ready;
  }
  Retire(entry);
  if (entry.requested_for != current) entry.requests = 0;
  entry.requested_for = current;
  ++entry.requests;
  if (entry.requests >= kRequestsBeforeBuild && !entry.building && entry.failed != current) {
    entry.building = true;
    queue_.push_back(select);
    cv_.notify_all();
    PublishGauge();
  }
  return nullptr;
}

void CopyCache::DataChanged(const DatasetName& dataset) {
  std::string name = dataset.ToString();
  std::lock_guard lock(mu_);
  ++versions_[name];
  for (auto& [select, entry] : entries_) {
    if (entry.dataset == name) Retire(entry);
  }
  PublishGauge();
  cv_.notify_all();
}

void CopyCache::TransformsChanged() {
  std::lock_guard lock(mu_);
  ++generation_;
  for (auto& [select, entry] : entries_) Retire(entry);
  PublishGauge();
  cv_.notify_all();
}

void CopyCache::WaitForBuildsForTesting() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void CopyCache::BuilderLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    // Also wakes every second: statements let go of retired copies without a signal.
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || !queue_.empty(); });
    lock.unlock();
    DropUnused();
    lock.lock();
    if (stopping_ || queue_.empty()) continue;
    std::string select = std::move(queue_.front());
    queue_.pop_front();
    auto it = entries_.find(select);
    if (it == entries_.end()) {
      PublishGauge();
      cv_.notify_all();
      continue;
    }
    Job job{std::move(select), it->second.dataset, VersionOf(it->second.dataset), generation_};
    busy_ = true;
    lock.unlock();
    auto start = std::chrono::steady_clock::now();
    Result<std::string> built = Build(job);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    Finish(job, std::move(built), took.count());
    lock.lock();
  }
}

Result<std::string> CopyCache::Build(const Job& job) {
  std::string table = "_copy_" + std::to_string(++next_table_);
  RETURN_IF_ERROR(Exec(db_.get(), "CREATE TABLE main." + QuoteIdent(table) + " AS " + job.select));
  return table;
}

void CopyCache::Finish(const Job& job, Result<std::string> built, double seconds) {
  std::lock_guard lock(mu_);
  busy_ = false;
  cv_.notify_all();
  auto it = entries_.find(job.select);
  Entry* entry = it == entries_.end() ? nullptr : &it->second;
  if (entry != nullptr) entry->building = false;
  const bool current = job.version == VersionOf(job.dataset) && job.generation == generation_;
  std::string outcome;
  if (!built.ok()) {
    outcome = "failed";
    if (entry != nullptr && current) entry->failed = std::pair(job.version, job.generation);
  } else {
    auto copy = std::make_shared<const MaterializedCopy>(MaterializedCopy{std::move(*built)});
    if (entry != nullptr && current) {
      outcome = "built";
      Retire(*entry);
      entry->ready = std::move(copy);
      entry->ready_version = job.version;
      entry->ready_generation = job.generation;
    } else {
      outcome = "stale";
      retired_.push_back(std::move(copy));
    }
  }
  if (metrics_ != nullptr) {
    metrics_->Increment(kBuildsMetric, {{"outcome", outcome}});
    if (built.ok()) metrics_->Observe(kBuildSecondsMetric, {}, seconds);
  }
  PublishGauge();
}

void CopyCache::DropUnused() {
  std::vector<std::string> tables;
  {
    std::lock_guard lock(mu_);
    // Nobody can take a new reference to a retired copy (Find only hands out ready
    // ones), so a count of one (this list's) stays one.
    std::erase_if(retired_, [&](const std::shared_ptr<const MaterializedCopy>& copy) {
      if (copy.use_count() != 1) return false;
      tables.push_back(copy->table);
      return true;
    });
  }
  // A failed drop leaves the table in a file the next Open recreates anyway.
  for (const auto& table : tables) {
    (void)Exec(db_.get(), "DROP TABLE IF EXISTS main." + QuoteIdent(table));
  }
}

void CopyCache::Retire(Entry& entry) {
  if (entry.ready) retired_.push_back(std::move(entry.ready));
  entry.ready = nullptr;
}

void CopyCache::MakeRoom(const std::string& dataset) {
  // The least recently used entry not being built among those `in` selects.
  auto oldest = [this](auto in) {
    auto found = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.building || !in(it->second)) continue;
      if (found == entries_.end() || it->second.last_used < found->second.last_used) found = it;
    }
    return found;
  };
  auto of_dataset = [&](const Entry& e) { return e.dataset == dataset; };
  auto any = [](const Entry&) { return true; };
  while (static_cast<size_t>(std::count_if(entries_.begin(), entries_.end(), [&](const auto& e) {
           return of_dataset(e.second);
         })) >= kMaxPerDataset) {
    auto victim = oldest(of_dataset);
    if (victim == entries_.end()) break;
    Retire(victim->second);
    entries_.erase(victim);
  }
  while (entries_.size() >= kMaxEntries) {
    auto victim = oldest(any);
    if (victim == entries_.end()) break;
    Retire(victim->second);
    entries_.erase(victim);
  }
}

uint64_t CopyCache::VersionOf(const std::string& dataset) const {
  auto it = versions_.find(dataset);
  return it == versions_.end() ? 0 : it->second;
}

void CopyCache::PublishGauge() {
  if (metrics_ == nullptr) return;
  auto ready = std::count_if(entries_.begin(), entries_.end(),
                             [](const auto& e) { return e.second.ready != nullptr; });
  auto building = std::count_if(entries_.begin(), entries_.end(),
                                [](const auto& e) { return e.second.building; });
  metrics_->Set(kCopiesMetric, {}, static_cast<double>(ready));
  metrics_->Set(kBuildingMetric, {}, static_cast<double>(building));
}

}  // namespace citydata::storage::sqlite
