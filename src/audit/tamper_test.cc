// Tampering with audit.db behind the platform's back, as someone with the sqlite3 tool
// would, and checking that verify names the first broken record.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "audit/audit_test_util.h"

namespace citydata::audit {
namespace {

using testing::MakeEvent;
using testing::TempDir;

constexpr int64_t kRecords = 20;

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = OpenAuditLog(dir_.path());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int64_t i = 1; i <= kRecords; ++i) {
      ASSERT_TRUE((*log)->Record(MakeEvent("user" + std::to_string(i % 3), "data.read", i)).ok());
    }
    anchor_ = *(*log)->Head();
  }

  // Runs `sql` on the store file after dropping the append-only triggers.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.db().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db,
                          ("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS "
                           "audit_log_no_delete; " +
                           sql)
                              .c_str(),
                          nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  storage::AuditRecord ReadRecord(int64_t seq) {
    auto store = storage::OpenSqliteAuditStore(dir_.db());
    storage::AuditRecord found;
    EXPECT_TRUE((*store)
                    ->Scan(seq,
                           [&](const storage::AuditRecord& r) {
                             found = r;
                             return FailedPrecondition("only the first");
                           })
                    .code() == ErrorCode::kFailedPrecondition);
    return found;
  }

  // Writes `r` as its row, replacing the row with its seq (a forger's full rewrite).
  void WriteRecord(const storage::AuditRecord& r) {
    auto quote = [](const std::string& text) {
      std::string out = "'";
      for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
      return out + "'";
    };
    Tamper("INSERT OR REPLACE INTO audit_log VALUES (" + std::to_string(r.seq) + ", " +
           quote(r.time) + ", " + quote(r.actor) + ", " + quote(r.actor_kind) + ", " +
           quote(r.dept) + ", " + quote(r.action) + ", " + quote(r.target) + ", " +
           quote(nlohmann::json(r.columns).dump()) + ", " + std::to_string(r.rows) + ", " +
           quote(r.purpose) + ", " + quote(r.client) + ", " + quote(r.outcome) + ", " +
           quote(r.detail) + ", " + quote(r.prev_hash) + ", " + quote(r.hash) + ")");
  }

  VerifyReport Verify(const std::optional<Anchor>& anchor = std::nullopt) {
    auto log = OpenAuditLog(dir_.path());
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    auto report = (*log)->Verify(anchor);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return *report;
  }

  void ExpectBrokenAt(const VerifyReport& report, int64_t seq, const std::string& why) {
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.first_bad_seq, seq) << report.reason;
    EXPECT_EQ(report.records, seq - 1);
    EXPECT_NE(report.reason.find(why), std::string::npos) << report.reason;
  }

  TempDir dir_;
  Anchor anchor_;
};

TEST_F(TamperTest, IntactLogVerifiesWithAndWithoutAnchor) {
  VerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.records, kRecords);
  EXPECT_TRUE(Verify(anchor_).ok);
}

TEST_F(TamperTest, EditedFieldOfAMiddleRecord) {
  Tamper("UPDATE audit_log SET row_count = 0 WHERE seq = 10");
  ExpectBrokenAt(Verify(), 10, "edited");
}

TEST_F(TamperTest, EditedColumnsOfAMiddleRecord) {
  Tamper("UPDATE audit_log SET cols = '[\"name\"]' WHERE seq = 7");
  ExpectBrokenAt(Verify(), 7, "edited");
}

TEST_F(TamperTest, DeletedMiddleRecord) {
  Tamper("DELETE FROM audit_log WHERE seq = 10");
  ExpectBrokenAt(Verify(), 10, "deleted");
}

TEST_F(TamperTest, DeletedMiddleRecordWithTheRestRenumbered) {
  Tamper("DELETE FROM audit_log WHERE seq = 10; UPDATE audit_log SET seq = seq - 1 WHERE seq > 10");
  ExpectBrokenAt(Verify(), 10, "prev_hash");
}

TEST_F(TamperTest, ForgedRecordAppendedAtTheEnd) {
  storage::AuditRecord forged = ReadRecord(kRecords);
  forged.seq = kRecords + 1;
  forged.prev_hash = forged.hash;
  forged.hash = std::string(64, 'f');
  WriteRecord(forged);
  ExpectBrokenAt(Verify(), kRecords + 1, "edited");
}

TEST_F(TamperTest, ForgedRecordInsertedInTheMiddleWithAValidHash) {
  storage::AuditRecord forged = ReadRecord(10);
  Tamper(
      "UPDATE audit_log SET seq = seq + 1000 WHERE seq > 10; "
      "UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000");
  forged.seq = 11;
  forged.actor = "nobody";
  forged.prev_hash = forged.hash;
  forged.hash = RecordHash(forged);
  WriteRecord(forged);
  // Record 11 is self-consistent; the chain breaks at the next one.
  ExpectBrokenAt(Verify(), 12, "prev_hash");
}

TEST_F(TamperTest, TwoRecordsSwappedKeepingTheirSeqs) {
  Tamper(
      "UPDATE audit_log SET seq = -5 WHERE seq = 5; "
      "UPDATE audit_log SET seq = 5 WHERE seq = 9; "
      "UPDATE audit_log SET seq = 9 WHERE seq = -5");
  ExpectBrokenAt(Verify(), 5, "prev_hash");
}

TEST_F(TamperTest, TruncatedTailIsCaughtOnlyByTheAnchor) {
  Tamper("DELETE FROM audit_log WHERE seq > 17");
  VerifyReport alone = Verify();
  EXPECT_TRUE(alone.ok);
  EXPECT_EQ(alone.records, 17);
  ExpectBrokenAt(Verify(anchor_), 18, "removed from the tail");
}

TEST_F(TamperTest, TruncatedAndRegrownTailDiffersFromTheAnchor) {
  Tamper("DELETE FROM audit_log WHERE seq > 17");
  {
    auto log = OpenAuditLog(dir_.path());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*log)->Record(MakeEvent("ann", "login")).ok());
  }
  EXPECT_TRUE(Verify().ok);
  ExpectBrokenAt(Verify(anchor_), kRecords, "anchor");
}

TEST_F(TamperTest, RecomputedHashOfTheLastRecordIsCaughtOnlyByTheAnchor) {
  storage::AuditRecord forged = ReadRecord(kRecords);
  forged.rows = 0;
  forged.hash = RecordHash(forged);
  WriteRecord(forged);
  EXPECT_TRUE(Verify().ok);
  ExpectBrokenAt(Verify(anchor_), kRecords, "anchor");
}

TEST_F(TamperTest, RecomputedHashOfAMiddleRecordBreaksTheNextLink) {
  storage::AuditRecord forged = ReadRecord(10);
  forged.purpose = "curiosity";
  forged.hash = RecordHash(forged);
  WriteRecord(forged);
  ExpectBrokenAt(Verify(), 11, "prev_hash");
}

}  // namespace
}  // namespace citydata::audit
