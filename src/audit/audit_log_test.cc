#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "audit/audit_test_util.h"

namespace citydata::audit {
namespace {

using testing::MakeEvent;
using testing::TempDir;

std::unique_ptr<AuditLog> OpenLog(const TempDir& dir, AuditLogOptions options = {}) {
  auto log = OpenAuditLog(dir.path(), options);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? std::move(*log) : nullptr;
}

TEST(AuditLog, ChainsEventsFromManyThreads) {
  TempDir dir;
  auto log = OpenLog(dir, {.queue_capacity = 64, .batch_size = 50});
  constexpr int kThreads = 4;
  constexpr int kEach = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        ASSERT_TRUE(log->Record(MakeEvent("user" + std::to_string(t), "data.read", i)).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto report = log->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->reason;
  EXPECT_EQ(report->records, kThreads * kEach);
  EXPECT_EQ(log->Head()->seq, kThreads * kEach);
}

TEST(AuditLog, EmptyLogVerifiesWithTheGenesisAnchor) {
  TempDir dir;
  auto log = OpenLog(dir);
  auto head = log->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 0);
  EXPECT_EQ(head->hash, kGenesisHash);
  auto report = log->Verify(*head);
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->records, 0);
}

TEST(AuditLog, RejectsEventsWithoutAnAction) {
  TempDir dir;
  auto log = OpenLog(dir);
  EXPECT_EQ(log->Record(MakeEvent("ann", "")).code(), ErrorCode::kInvalidArgument);
}

TEST(AuditLog, ContinuesTheChainAfterAReopen) {
  TempDir dir;
  Anchor first_head;
  {
    auto log = OpenLog(dir);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Record(MakeEvent("ann", "login")).ok());
  }  // the destructor writes what is queued
  auto log = OpenLog(dir);
  first_head = *log->Head();
  EXPECT_EQ(first_head.seq, 5);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Record(MakeEvent("bob", "login")).ok());
  auto report = log->Verify(first_head);
  EXPECT_TRUE(report->ok) << report->reason;
  EXPECT_EQ(report->records, 10);
  storage::AuditFilter bob;
  bob.actor = "bob";
  bob.limit = 10;
  auto page = log->List(bob);
  ASSERT_EQ(page->items.size(), 5u);
  EXPECT_EQ(page->items.back().seq, 6);
  EXPECT_EQ(page->items.back().prev_hash, first_head.hash);
}

TEST(AuditLog, StampsRecordsAndListsByFilter) {
  TempDir dir;
  auto log = OpenLog(dir);
  AuditEvent denied = MakeEvent("app-7", "data.read");
  denied.actor_kind = ActorKind::kApp;
  denied.outcome = Outcome::kDenied;
  denied.target = "std.companies";
  ASSERT_TRUE(log->Record(MakeEvent("ann", "login")).ok());
  ASSERT_TRUE(log->Record(denied).ok());
  ASSERT_TRUE(log->Record(MakeEvent("ann", "data.read", 12)).ok());
  storage::AuditFilter filter;
  filter.outcome = "denied";
  auto page = log->List(filter);
  ASSERT_EQ(page->total, 1);
  const storage::AuditRecord& r = page->items[0];
  EXPECT_EQ(r.seq, 2);
  EXPECT_EQ(r.actor_kind, "app");
  EXPECT_EQ(r.target, "std.companies");
  EXPECT_EQ(r.columns, (std::vector<std::string>{"name", "sfzh"}));
  EXPECT_EQ(r.time.size(), 24u) << r.time;  // 2026-01-01T00:00:00.000Z
  EXPECT_EQ(r.time.back(), 'Z');
  filter = {};
  filter.actor = "ann";
  filter.action = "data.read";
  page = log->List(filter);
  ASSERT_EQ(page->total, 1);
  EXPECT_EQ(page->items[0].rows, 12);
  filter = {};
  filter.since = page->items[0].time;
  EXPECT_EQ(log->List(filter)->items[0].seq, 3);
  filter.limit = 1;
  filter.offset = 5;
  EXPECT_TRUE(log->List(filter)->items.empty());
}

// Fails the first `failures` appends, then passes everything to `inner`.
class FlakyStore final : public storage::AuditStore {
 public:
  FlakyStore(std::unique_ptr<storage::AuditStore> inner, int failures)
      : inner_(std::move(inner)), failures_(failures) {}
  Status Append(const std::vector<storage::AuditRecord>& batch) override {
    if (failures_-- > 0) return Unavailable("disk full");
    return inner_->Append(batch);
  }
  Result<storage::AuditPage> List(const storage::AuditFilter& filter) override {
    return inner_->List(filter);
  }
  Status Scan(int64_t from_seq,
              const std::function<Status(const storage::AuditRecord&)>& fn) override {
    return inner_->Scan(from_seq, fn);
  }
  Result<std::optional<storage::AuditRecord>> Head() override { return inner_->Head(); }
  Result<int64_t> Count() override { return inner_->Count(); }

 private:
  std::unique_ptr<storage::AuditStore> inner_;
  int failures_;
};

TEST(AuditLog, ReportsAFailingStoreAndRetries) {
  TempDir dir;
  auto inner = storage::OpenSqliteAuditStore(dir.db());
  ASSERT_TRUE(inner.ok());
  auto log = AuditLog::Open(std::make_unique<FlakyStore>(std::move(*inner), 1));
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Record(MakeEvent("ann", "login")).ok());
  Status first = (*log)->Flush();
  EXPECT_EQ(first.code(), ErrorCode::kUnavailable);
  EXPECT_NE(first.message().find("disk full"), std::string::npos);
  ASSERT_TRUE((*log)->Record(MakeEvent("ann", "login")).ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(*log)->Flush().ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto report = (*log)->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->records, 2);
}

TEST(AuditLog, ExportsEveryRecordInSeqOrder) {
  TempDir dir;
  auto log = OpenLog(dir);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->Record(MakeEvent("ann", "data.read", i)).ok());
  std::string ndjson;
  auto append_to = [](std::string& out) {
    return [&out](std::string_view piece) {
      out += piece;
      return Status::Ok();
    };
  };
  ASSERT_TRUE(log->Export(append_to(ndjson), ExportFormat::kNdjson).ok());
  std::vector<nlohmann::json> lines;
  for (size_t start = 0, end; (end = ndjson.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(nlohmann::json::parse(ndjson.substr(start, end - start)));
  }
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["seq"], 3);
  EXPECT_EQ(lines[2]["prev_hash"], lines[1]["hash"]);
  std::string csv;
  ASSERT_TRUE(log->Export(append_to(csv), ExportFormat::kCsv).ok());
  EXPECT_EQ(csv.rfind(CsvHeader(), 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  Status stopped = log->Export([](std::string_view) { return Unavailable("client went away"); },
                               ExportFormat::kNdjson);
  EXPECT_EQ(stopped.code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace citydata::audit
