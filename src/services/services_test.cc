#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "services/call_stats.h"
#include "services/service_definition.h"

namespace citydata::services {
namespace {

using nlohmann::json;

TEST(ServiceDefinitionTest, ParsesADatasetService) {
  auto d = ParseDefinition(json::parse(R"({
    "name": "people-by-district", "dataset": "std.people", "title": "人口",
    "params": [{"name": "district", "column": "district"},
               {"name": "born_after", "type": "date", "column": "birth_date", "op": ">=",
                "required": true}],
    "fields": ["name", "district"], "default_page_size": 20, "max_page_size": 200})"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->dataset.ToString(), "std.people");
  ASSERT_EQ(d->params.size(), 2u);
  EXPECT_EQ(d->params[1].op, ParamOp::kGe);
  EXPECT_EQ(d->params[1].type, ParamType::kDate);
  EXPECT_TRUE(d->params[1].required);
  EXPECT_EQ(d->fields.size(), 2u);
  auto again = ParseDefinition(ToJson(*d));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(ToJson(*again), ToJson(*d));
}

TEST(ServiceDefinitionTest, RefusesBadDefinitions) {
  for (const char* body : {
           R"({"name": "X", "dataset": "std.people"})",
           R"({"name": "a", "dataset": "std.people"})",
           R"({"name": "ok", "dataset": "people"})",
           R"({"name": "ok", "dataset": "std.people", "params": [{"name": "limit", "column": "x"}]})",
           R"({"name": "ok", "dataset": "std.people", "params": [{"name": "p"}]})",
           R"({"name": "ok", "dataset": "std.people", "params": [{"name": "p", "column": "x", "op": "<>"}]})",
           R"({"name": "ok", "dataset": "std.people", "query": "SELECT 1",
               "params": [{"name": "p", "column": "x"}]})",
           R"({"name": "ok", "dataset": "std.people", "default_page_size": 100, "max_page_size": 10})",
       }) {
    EXPECT_EQ(ParseDefinition(json::parse(body)).status().code(), ErrorCode::kInvalidArgument) << body;
  }
}

TEST(ServiceDefinitionTest, ParameterValuesAreCheckedByType) {
  ServiceParam p{"age", ParamType::kInteger, false, "", "age", ParamOp::kGe};
  EXPECT_EQ(std::get<int64_t>(*ParseParamValue(p, "42")), 42);
  EXPECT_FALSE(ParseParamValue(p, "42 OR 1=1").ok());
  EXPECT_FALSE(ParseParamValue(p, "").ok());
  p.type = ParamType::kReal;
  EXPECT_DOUBLE_EQ(std::get<double>(*ParseParamValue(p, "1.5")), 1.5);
  EXPECT_FALSE(ParseParamValue(p, "nan").ok());
  p.type = ParamType::kDate;
  EXPECT_TRUE(ParseParamValue(p, "2024-02-29").ok());
  auto bad = ParseParamValue(p, "2024-13-01");
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("parameter 'age' must be a date"), std::string::npos);
  p.type = ParamType::kText;
  EXPECT_EQ(std::get<std::string>(*ParseParamValue(p, "x' OR '1'='1")), "x' OR '1'='1");
}

TEST(CallStatsTest, QuantileIsTheBucketReachingIt) {
  std::vector<int64_t> h(LatencyBucketBounds().size() + 1, 0);
  EXPECT_EQ(LatencyQuantile(h, 0.95), 0);
  h[0] = 90;  // <= 0.5 ms
  h[4] = 10;  // <= 10 ms
  EXPECT_EQ(LatencyQuantile(h, 0.5), 0.5);
  EXPECT_EQ(LatencyQuantile(h, 0.95), 10);
}

TEST(CallStatsTest, CountsAreWrittenAggregatedOnFlush) {
  auto path = std::filesystem::temp_directory_path() /
              ("citydata_services_test_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    auto store = storage::OpenSqliteServiceStore(path.string());
    ASSERT_TRUE(store.ok());
    CallStats stats(**store, std::chrono::hours(1));
    stats.Record({"s", "app_1", "usr_1", true, 10, 0.2});
    stats.Record({"s", "app_1", "usr_1", false, 0, 7});
    stats.Record({"s", "", "usr_1", true, 3, 1});
    EXPECT_TRUE((*store)->ListStats({})->empty());  // not written before the flush
    ASSERT_TRUE(stats.Flush().ok());
    auto rows = (*store)->ListStats({});
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 2u);
    const auto& app = (*rows)[1].app_id == "app_1" ? (*rows)[1] : (*rows)[0];
    EXPECT_EQ(app.calls, 2);
    EXPECT_EQ(app.errors, 1);
    EXPECT_EQ(app.rows, 10);
    EXPECT_DOUBLE_EQ(app.latency_ms, 7.2);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

}  // namespace
}  // namespace citydata::services
