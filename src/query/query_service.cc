#include "query/query_service.h"

#include <string>

namespace citydata::query {

Result<std::unique_ptr<storage::RowCursor>> QueryService::Run(std::string_view sql,
                                                              std::optional<int64_t> max_rows,
                                                              std::optional<int64_t> timeout_ms,
                                                              const storage::ReadScope* scope) {
  storage::QueryLimits limits = config_.defaults;
  if (max_rows) {
    if (*max_rows < 1 || *max_rows > config_.maximum.max_rows) {
      return InvalidArgument("max_rows must be between 1 and " +
                             std::to_string(config_.maximum.max_rows));
    }
    limits.max_rows = *max_rows;
  }
  if (timeout_ms) {
    if (*timeout_ms < 1 || *timeout_ms > config_.maximum.timeout.count()) {
      return InvalidArgument("timeout_ms must be between 1 and " +
                             std::to_string(config_.maximum.timeout.count()));
    }
    limits.timeout = std::chrono::milliseconds(*timeout_ms);
  }
  auto cursor = engine_.Query(sql, limits, scope);
  metrics_.Increment("citydata_queries_total",
                     {{"outcome", cursor.ok() ? "started" : std::string(ErrorCodeName(cursor.status().code()))}});
  return cursor;
}

}  // namespace citydata::query
