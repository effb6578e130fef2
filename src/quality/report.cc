#include "quality/report.h"

#include <cstdio>

namespace citydata::quality {
namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string ScoreColor(double score) {
  if (score >= 95) return "#2e7d32";
  if (score >= 80) return "#f9a825";
  return "#c62828";
}

constexpr const char* kStyle = R"css(
body{font-family:sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f5f5f5}.pass{color:#2e7d32}.fail{color:#c62828}
.score{font-size:40px;font-weight:bold}.muted{color:#777}
code{background:#f5f5f5;padding:0 3px}
)css";

std::string DimensionChart(const RunResult& run) {
  const int row_h = 28, label_w = 170, bar_w = 400;
  int height = row_h * static_cast<int>(run.dimensions.size()) + 10;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    std::to_string(label_w + bar_w + 70) + "\" height=\"" + std::to_string(height) +
                    "\" role=\"img\" aria-label=\"dimension scores\">";
  int y = 5;
  for (const auto& [d, score] : run.dimensions) {
    int w = static_cast<int>(score / 100 * bar_w);
    std::string label =
        std::string(DimensionChineseName(d)) + " (" + std::string(DimensionName(d)) + ")";
    svg += "<text x=\"0\" y=\"" + std::to_string(y + 17) + "\" font-size=\"13\">" +
           HtmlEscape(label) + "</text>";
    svg += "<rect x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
           std::to_string(bar_w) + "\" height=\"20\" fill=\"#eee\"/>";
    svg += "<rect x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
           std::to_string(w) + "\" height=\"20\" fill=\"" + ScoreColor(score) + "\"/>";
    svg += "<text x=\"" + std::to_string(label_w + bar_w + 6) + "\" y=\"" + std::to_string(y + 17) +
           "\" font-size=\"13\">" + Fixed(score, 1) + "</text>";
    y += row_h;
  }
  return svg + "</svg>";
}

std::string Samples(const RuleResult& r) {
  if (r.samples.empty()) return "";
  std::string out = "<ul>";
  for (const auto& s : r.samples) {
    out += "<li>";
    if (s.row_id >= 0) out += "行 (row) " + std::to_string(s.row_id) + ": ";
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (i > 0) out += " | ";
      out += s.values[i] ? "<code>" + HtmlEscape(*s.values[i]) + "</code>" : "<i>NULL</i>";
    }
    if (!s.detail.empty()) out += " <span class=\"muted\">" + HtmlEscape(s.detail) + "</span>";
    out += "</li>";
  }
  return out + "</ul>";
}

std::string RuleRow(const RuleResult& r) {
  std::string columns;
  for (const auto& c : r.columns) columns += (columns.empty() ? "" : ", ") + c;
  std::string verdict = r.passed ? "<span class=\"pass\">通过 (passed)</span>"
                                 : "<span class=\"fail\">未通过 (failed)</span>";
  std::string severity = r.severity == Severity::kError ? "错误 (error)" : "警告 (warning)";
  std::string notes = HtmlEscape(r.observed);
  if (!r.message.empty()) notes += (notes.empty() ? "" : "<br>") + HtmlEscape(r.message);
  if (r.warnings > 0) notes += "<br>警告数 (warnings): " + std::to_string(r.warnings);
  return "<tr><td>" + HtmlEscape(r.id) + "</td><td>" + std::string(RuleTypeName(r.type)) +
         "</td><td>" + HtmlEscape(columns) + "</td><td>" +
         std::string(DimensionChineseName(r.dimension)) + "</td><td>" + severity + "</td><td>" +
         std::to_string(r.checked) + "</td><td>" + std::to_string(r.failed) + "</td><td>" +
         Fixed(r.failed_ratio * 100, 2) + "%</td><td>" + verdict + "</td><td>" + notes +
         Samples(r) + "</td></tr>\n";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderHtmlReport(const RunResult& run, const ReportOptions& options) {
  std::string dataset = run.dataset.ToString();
  std::string title =
      options.title.empty() ? "数据质量报告 (Data quality report) — " + dataset : options.title;
  std::string html = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" +
                     HtmlEscape(title) + "</title><style>" + kStyle + "</style></head><body>\n";
  html += "<h1>" + HtmlEscape(title) + "</h1>\n<p>数据集 (dataset): <code>" + HtmlEscape(dataset) +
          "</code> · 行数 (rows): " + std::to_string(run.rows) +
          " · 耗时 (time): " + Fixed(run.seconds, 2) + " s";
  if (!options.run_id.empty()) html += " · 运行 (run): " + HtmlEscape(options.run_id);
  if (!options.generated_at.empty()) html += " · " + HtmlEscape(options.generated_at);
  html += "</p>\n<p>综合评分 (overall score): <span class=\"score\" style=\"color:" +
          ScoreColor(run.score) + "\">" + Fixed(run.score, 1) + "</span> / 100 · 门禁 (gate): " +
          (GatePassed(run) ? "通过 (passed)" : "未通过 (failed)") + "</p>\n";
  html += "<h2>维度评分 (scores by dimension, GB/T 36344)</h2>\n" + DimensionChart(run) + "\n";
  html +=
      "<h2>规则结果 (rule results)</h2>\n<table><tr><th>规则 (rule)</th><th>类型 (type)</th>"
      "<th>字段 (columns)</th><th>维度 (dimension)</th><th>级别 (severity)</th>"
      "<th>检查数 (checked)</th><th>失败数 (failed)</th><th>失败率 (ratio)</th>"
      "<th>结论 (verdict)</th><th>说明与样例 (notes, samples)</th></tr>\n";
  for (const auto& r : run.rules) html += RuleRow(r);
  html +=
      "</table>\n<p class=\"muted\">评分 = 各规则通过率按级别加权平均 (error 2, warning 1) × 100"
      " (score: pass ratios weighted by severity).</p>\n</body></html>\n";
  return html;
}

}  // namespace citydata::quality
