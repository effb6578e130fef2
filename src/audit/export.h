// Audit records as JSON and CSV, for listing and exporting the trail.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/audit_store.h"

namespace citydata::audit {

enum class ExportFormat { kNdjson, kCsv };

// "ndjson" or "csv"; InvalidArgument naming the choices otherwise.
Result<ExportFormat> ParseExportFormat(std::string_view name);

// Every field of `record` under its AuditRecord name; columns as an array.
nlohmann::json RecordToJson(const storage::AuditRecord& record);

// The CSV header line, CRLF-terminated (RFC 4180); fields in AuditRecord order.
std::string CsvHeader();

// One export line for `record`, terminated by "\n" (ndjson) or CRLF (csv). In CSV the
// columns field holds the JSON array of column names, so names with commas survive.
std::string ExportLine(const storage::AuditRecord& record, ExportFormat format);

}  // namespace citydata::audit
