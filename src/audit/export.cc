#include "audit/export.h"

#include "core/csv.h"
#include "core/json_util.h"

namespace citydata::audit {
namespace {

std::string CsvLine(const storage::AuditRecord& r) {
  std::string out = std::to_string(r.seq);
  for (const std::string* text :
       {&r.time, &r.actor, &r.actor_kind, &r.dept, &r.action, &r.target}) {
    out += ',' + CsvField(*text);
  }
  out += ',' + CsvField(DumpJson(nlohmann::json(r.columns)));
  out += ',' + std::to_string(r.rows);
  for (const std::string* text :
       {&r.purpose, &r.client, &r.outcome, &r.detail, &r.prev_hash, &r.hash}) {
    out += ',' + CsvField(*text);
  }
  return out + "\r\n";
}

}  // namespace

Result<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "ndjson") return ExportFormat::kNdjson;
  if (name == "csv") return ExportFormat::kCsv;
  return InvalidArgument("unknown audit export format '" + std::string(name) +
                         "': use ndjson or csv");
}

nlohmann::json RecordToJson(const storage::AuditRecord& r) {
  return {{"seq", r.seq},       {"time", r.time},
          {"actor", r.actor},   {"actor_kind", r.actor_kind},
          {"dept", r.dept},     {"action", r.action},
          {"target", r.target}, {"columns", r.columns},
          {"rows", r.rows},     {"purpose", r.purpose},
          {"client", r.client}, {"outcome", r.outcome},
          {"detail", r.detail}, {"prev_hash", r.prev_hash},
          {"hash", r.hash}};
}

std::string CsvHeader() {
  return "seq,time,actor,actor_kind,dept,action,target,columns,rows,purpose,client,outcome,"
         "detail,prev_hash,hash\r\n";
}

std::string ExportLine(const storage::AuditRecord& record, ExportFormat format) {
  if (format == ExportFormat::kCsv) return CsvLine(record);
  return DumpJson(RecordToJson(record)) + "\n";
}

}  // namespace citydata::audit
