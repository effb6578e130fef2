#include "core/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace citydata {
namespace {

const std::vector<double>& DefaultBuckets() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                               0.5,   1,    2.5,   5,    10};
  return kBuckets;
}

// Prometheus float syntax: "+Inf", "-Inf", "NaN", otherwise the shortest round-trip form.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, end);
}

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// "{a="x",b="y"}" or "" for no labels; `le` is appended last when non-empty.
std::string RenderLabels(const Labels& labels, const std::string& le = "") {
  if (labels.empty() && le.empty()) return "";
  std::string out = "{";
  for (const auto& [key, value] : labels) {
    if (out.size() > 1) out += ',';
    out += key + "=\"" + EscapeLabelValue(value) + "\"";
  }
  if (!le.empty()) {
    if (out.size() > 1) out += ',';
    out += "le=\"" + le + "\"";
  }
  return out + "}";
}

}  // namespace

struct Metrics::Family {
  struct Series {
    double value = 0;                     // counters and gauges
    std::vector<uint64_t> bucket_counts;  // histograms: per bucket, not cumulative
    double sum = 0;
    uint64_t count = 0;
  };

  std::string help;
  std::string type;
  std::vector<double> buckets = DefaultBuckets();
  std::map<Labels, Series> series;

  // Returns the family `name`, creating it with `type` when it does not exist yet.
  static Family& Get(std::map<std::string, std::unique_ptr<Family>>& families,
                     const std::string& name, const std::string& type) {
    auto& family = families[name];
    if (!family) {
      family = std::make_unique<Family>();
      family->type = type;
    }
    return *family;
  }

  void ObserveInto(Series& s, double value) const {
    if (s.bucket_counts.empty()) s.bucket_counts.assign(buckets.size(), 0);
    auto it = std::lower_bound(buckets.begin(), buckets.end(), value);
    if (it != buckets.end()) ++s.bucket_counts[it - buckets.begin()];
    s.sum += value;
    ++s.count;
  }

  void RenderHistogram(const std::string& name, const Labels& labels, const Series& s,
                       std::string& out) const {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < buckets.size(); ++i) {
      cumulative += s.bucket_counts.empty() ? 0 : s.bucket_counts[i];
      out += name + "_bucket" + RenderLabels(labels, FormatValue(buckets[i])) + " " +
             std::to_string(cumulative) + "\n";
    }
    out += name + "_bucket" + RenderLabels(labels, "+Inf") + " " + std::to_string(s.count) + "\n";
    out += name + "_sum" + RenderLabels(labels) + " " + FormatValue(s.sum) + "\n";
    out += name + "_count" + RenderLabels(labels) + " " + std::to_string(s.count) + "\n";
  }

  void Render(const std::string& name, std::string& out) const {
    if (!help.empty()) out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& [labels, s] : series) {
      if (type == "histogram") {
        RenderHistogram(name, labels, s, out);
      } else {
        out += name + RenderLabels(labels) + " " + FormatValue(s.value) + "\n";
      }
    }
  }
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

void Metrics::Increment(const std::string& name, const Labels& labels, double delta) {
  std::lock_guard lock(mu_);
  Family::Get(families_, name, "counter").series[labels].value += delta;
}

void Metrics::Set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mu_);
  Family::Get(families_, name, "gauge").series[labels].value = value;
}

void Metrics::Observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mu_);
  Family& family = Family::Get(families_, name, "histogram");
  family.ObserveInto(family.series[labels], value);
}

void Metrics::Describe(const std::string& name, const std::string& help, const std::string& type,
                       std::vector<double> buckets) {
  std::lock_guard lock(mu_);
  Family& family = Family::Get(families_, name, type);
  family.help = help;
  family.type = type;
  if (!buckets.empty() && family.series.empty()) {
    std::sort(buckets.begin(), buckets.end());
    family.buckets = std::move(buckets);
  }
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) family->Render(name, out);
  return out;
}

}  // namespace citydata
