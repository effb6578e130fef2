// A self-contained HTML report of a quality run, for people: overall and
// per-dimension scores with an inline SVG bar chart, then every rule with its counts,
// verdict, message and failing samples. Chinese, with English in parentheses.
// No scripts, external styles or fonts; every value from the data is HTML-escaped.
#pragma once

#include <string>

#include "quality/evaluator.h"

namespace citydata::quality {

struct ReportOptions {
  std::string title;         // default "数据质量报告 (Data quality report) — <dataset>"
  std::string run_id;        // shown when non-empty
  std::string generated_at;  // e.g. "2024-06-30T12:00:00Z"; shown when non-empty
};

std::string RenderHtmlReport(const RunResult& run, const ReportOptions& options = {});

// `text` with & < > " ' escaped.
std::string HtmlEscape(std::string_view text);

}  // namespace citydata::quality
