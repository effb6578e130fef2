// A small Prometheus metrics registry: counters and histograms with labels, rendered
// in the Prometheus text exposition format (version 0.0.4).
//
// Thread safety: all methods are safe to call concurrently. Handles returned by the
// registry stay valid for the registry's lifetime.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace citydata {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Adds `delta` to the counter `name` with `labels`, creating it at 0 first.
  void Increment(const std::string& name, const Labels& labels = {}, double delta = 1);
  // Sets a gauge.
  void Set(const std::string& name, const Labels& labels, double value);
  // Observes `value` into the histogram `name` (buckets from Describe, default
  // latency buckets 0.005..10 seconds).
  void Observe(const std::string& name, const Labels& labels, double value);
  // Declares HELP text and type ("counter", "gauge", "histogram"); optional histogram
  // bucket upper bounds, which take effect only before the first observation.
  // Undeclared metrics get their type from the first call and no HELP line.
  void Describe(const std::string& name, const std::string& help, const std::string& type,
                std::vector<double> buckets = {});

  std::string RenderPrometheus() const;

 private:
  struct Family;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>> families_;  // GUARDED_BY(mu_)
};

}  // namespace citydata
