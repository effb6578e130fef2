#include "core/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace citydata {
namespace {

bool Contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(MetricsTest, CounterWithHelpAndLabels) {
  Metrics m;
  m.Describe("requests_total", "Requests served.", "counter");
  m.Increment("requests_total", {{"route", "/a"}, {"status", "200"}});
  m.Increment("requests_total", {{"route", "/a"}, {"status", "200"}}, 2);
  std::string text = m.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "# HELP requests_total Requests served.\n")) << text;
  EXPECT_TRUE(Contains(text, "# TYPE requests_total counter\n")) << text;
  EXPECT_TRUE(Contains(text, "requests_total{route=\"/a\",status=\"200\"} 3\n")) << text;
}

TEST(MetricsTest, UndescribedMetricsGetTypeFromFirstUse) {
  Metrics m;
  m.Increment("c");
  m.Set("g", {}, 2.5);
  std::string text = m.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "# TYPE c counter\nc 1\n")) << text;
  EXPECT_TRUE(Contains(text, "# TYPE g gauge\ng 2.5\n")) << text;
  EXPECT_FALSE(Contains(text, "# HELP")) << text;
}

TEST(MetricsTest, GaugeIsOverwritten) {
  Metrics m;
  m.Set("open", {{"kind", "x"}}, 5);
  m.Set("open", {{"kind", "x"}}, 3);
  EXPECT_TRUE(Contains(m.RenderPrometheus(), "open{kind=\"x\"} 3\n"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics m;
  m.Increment("e", {{"v", "a\\b\"c\nd"}});
  EXPECT_TRUE(Contains(m.RenderPrometheus(), "e{v=\"a\\\\b\\\"c\\nd\"} 1\n"));
}

TEST(MetricsTest, HelpIsEscaped) {
  Metrics m;
  m.Describe("h", "line1\nback\\slash", "gauge");
  EXPECT_TRUE(Contains(m.RenderPrometheus(), "# HELP h line1\\nback\\\\slash\n"));
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics m;
  m.Describe("lat", "Latency.", "histogram", {1, 0.1, 10});
  m.Observe("lat", {{"route", "/x"}}, 0.05);
  m.Observe("lat", {{"route", "/x"}}, 0.1);  // upper bounds are inclusive
  m.Observe("lat", {{"route", "/x"}}, 5);
  m.Observe("lat", {{"route", "/x"}}, 50);
  std::string text = m.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "# TYPE lat histogram\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_bucket{route=\"/x\",le=\"0.1\"} 2\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_bucket{route=\"/x\",le=\"1\"} 2\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_bucket{route=\"/x\",le=\"10\"} 3\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_bucket{route=\"/x\",le=\"+Inf\"} 4\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_sum{route=\"/x\"} 55.15\n")) << text;
  EXPECT_TRUE(Contains(text, "lat_count{route=\"/x\"} 4\n")) << text;
}

TEST(MetricsTest, HistogramDefaultBuckets) {
  Metrics m;
  m.Observe("d", {}, 0.003);
  std::string text = m.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "d_bucket{le=\"0.005\"} 1\n")) << text;
  EXPECT_TRUE(Contains(text, "d_bucket{le=\"10\"} 1\n")) << text;
  EXPECT_TRUE(Contains(text, "d_bucket{le=\"+Inf\"} 1\n")) << text;
  EXPECT_TRUE(Contains(text, "d_count 1\n")) << text;
}

TEST(MetricsTest, ConcurrentUpdatesAreNotLost) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 1000; ++i) {
        m.Increment("n", {{"k", "v"}});
        m.Observe("h", {}, 0.01);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string text = m.RenderPrometheus();
  EXPECT_TRUE(Contains(text, "n{k=\"v\"} 8000\n")) << text;
  EXPECT_TRUE(Contains(text, "h_count 8000\n")) << text;
}

}  // namespace
}  // namespace citydata
