#include "audit/chain.h"

#include <gtest/gtest.h>

#include "audit/export.h"

namespace citydata::audit {
namespace {

storage::AuditRecord SmallRecord() {
  storage::AuditRecord r;
  r.seq = 7;
  r.time = "2026-01-01T00:00:00.000Z";
  r.actor = "ann";
  r.actor_kind = "user";
  r.action = "data.read";
  r.columns = {"a", "b,c"};
  r.rows = 3;
  r.outcome = "allowed";
  r.detail = "line1\nline2";
  r.prev_hash = std::string(kGenesisHash);
  return r;
}

TEST(CanonicalForm, IsLengthPrefixedInAFixedOrder) {
  EXPECT_EQ(CanonicalForm(SmallRecord()),
            "citydata.audit.v1\n"
            "seq 1 7\n"
            "time 24 2026-01-01T00:00:00.000Z\n"
            "actor 3 ann\n"
            "actor_kind 4 user\n"
            "dept 0 \n"
            "action 9 data.read\n"
            "target 0 \n"
            "columns 1 2\n"
            "column 1 a\n"
            "column 3 b,c\n"
            "rows 1 3\n"
            "purpose 0 \n"
            "client 0 \n"
            "outcome 7 allowed\n"
            "detail 11 line1\nline2\n"
            "prev_hash 64 " +
                std::string(kGenesisHash) + "\n");
}

TEST(CanonicalForm, MovingBytesBetweenFieldsChangesTheHash) {
  storage::AuditRecord a = SmallRecord();
  storage::AuditRecord b = a;
  b.actor = "an";
  b.dept = "n";
  EXPECT_NE(RecordHash(a), RecordHash(b));
  b = a;
  b.columns = {"a", "b", "c"};
  EXPECT_NE(RecordHash(a), RecordHash(b));
  b = a;
  b.hash = "anything";
  EXPECT_EQ(RecordHash(a), RecordHash(b));
  EXPECT_EQ(RecordHash(a).size(), 64u);
}

TEST(Anchor, RoundTripsThroughJson) {
  Anchor anchor{42, std::string(64, 'a')};
  auto parsed = ParseAnchor(AnchorToJson(anchor));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->seq, 42);
  EXPECT_EQ(parsed->hash, anchor.hash);
  std::string negative = "{\"seq\": -1, \"hash\": \"" + std::string(64, '0') + "\"}";
  for (const std::string& bad : {std::string(), std::string("[]"), std::string("{\"seq\": 1}"),
                                 negative, std::string("{\"seq\": 1, \"hash\": \"ABC\"}")}) {
    EXPECT_EQ(ParseAnchor(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(Export, WritesNdjsonAndCsvLines) {
  storage::AuditRecord r = SmallRecord();
  nlohmann::json line = nlohmann::json::parse(ExportLine(r, ExportFormat::kNdjson));
  EXPECT_EQ(line["columns"], nlohmann::json({"a", "b,c"}));
  EXPECT_EQ(line["detail"], "line1\nline2");
  EXPECT_EQ(line["seq"], 7);
  std::string csv = ExportLine(r, ExportFormat::kCsv);
  EXPECT_EQ(csv.substr(0, 39), "7,2026-01-01T00:00:00.000Z,ann,user,,da");
  EXPECT_NE(csv.find(",\"[\"\"a\"\",\"\"b,c\"\"]\",3,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"line1\nline2\""), std::string::npos);
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
  EXPECT_EQ(*ParseExportFormat("csv"), ExportFormat::kCsv);
  EXPECT_EQ(ParseExportFormat("xml").status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace citydata::audit
