// Read-only SQL over all zones, for people and programs.
//
// The engine enforces that a statement is a single read-only query; this service
// owns the limits: every query has a time limit and a row cap (defaults from the
// server configuration, which callers may lower but not raise past the maximums).
//
// Thread safety: safe to use from many threads.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "core/metrics.h"
#include "core/status.h"
#include "storage/engine.h"

namespace citydata::query {

struct QueryConfig {
  storage::QueryLimits defaults;  // 30 s, 100,000 rows
  storage::QueryLimits maximum{std::chrono::milliseconds(600000), 10000000};
};

class QueryService {
 public:
  QueryService(storage::Engine& engine, QueryConfig config, Metrics& metrics)
      : engine_(engine), config_(config), metrics_(metrics) {}

  // Starts a query; the cursor streams its rows. `max_rows` and `timeout_ms` override
  // the defaults within the maximums (InvalidArgument beyond them or when < 1). With a
  // `scope`, the query sees the data as the scope shows it (see storage::ReadScope).
  Result<std::unique_ptr<storage::RowCursor>> Run(std::string_view sql,
                                                  std::optional<int64_t> max_rows,
                                                  std::optional<int64_t> timeout_ms,
                                                  const storage::ReadScope* scope = nullptr);

 private:
  storage::Engine& engine_;
  QueryConfig config_;
  Metrics& metrics_;
};

}  // namespace citydata::query
