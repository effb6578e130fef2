// The sandbox's query checker: decides whether a consumer's SQL may run in the
// sandbox, where only aggregates leave.
//
// The statement is parsed with libpg_query (PostgreSQL's own parser) and accepted only
// when it is one SELECT over one dataset whose every output column is an allowed
// aggregate of a plain column, or one of its GROUP BY expressions, and every
// expression it uses comes from a small allowlist of node types and functions (see
// checker.cc for the lists and the reason for each). The statement is executed by the
// engine (SQLite), not by PostgreSQL, so the checker first refuses every lexical form
// the two dialects read differently (comments, dollar quotes, backslashes, brackets,
// parameters, prefixed literals): both then see the same tokens, and the tree checked
// here is the statement that runs.
//
// Thread safety: the functions are pure and safe to call from many threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/types.h"

namespace citydata::sandbox {

// A column of the dataset as the consumer's grant shows it.
struct ColumnInfo {
  std::string name;
  // Graded general-3 or above, or seen masked by this consumer: never grouped by or
  // output, only aggregated.
  bool sensitive = false;
};

struct TableInfo {
  DatasetName dataset;
  std::vector<ColumnInfo> columns;  // the granted columns
};

enum class AggregateKind { kCount, kCountDistinct, kSum, kAvg, kTotal };

// "count", "count(distinct)", "sum", "avg", "total".
std::string_view AggregateName(AggregateKind kind);

// One output column of an accepted query.
struct OutputColumn {
  // Set for an aggregate; nullopt for a GROUP BY expression.
  std::optional<AggregateKind> aggregate;
  std::string argument;  // the aggregated column; "" for count(*) and group keys
  // The aggregate call's bytes in the statement text, [begin, end).
  size_t call_begin = 0;
  size_t call_end = 0;
};

// A statement parsed but not yet checked against a dataset: enough to find the grant
// that covers the dataset it reads.
class ParsedQuery {
 public:
  // InvalidArgument for anything but a single SELECT reading one dataset (`zone.name`),
  // for lexical forms the engine would read differently, and for syntax errors (with
  // PostgreSQL's message and position).
  static Result<ParsedQuery> Parse(std::string sql);

  const std::string& sql() const { return sql_; }
  const DatasetName& dataset() const { return dataset_; }
  const nlohmann::json& select() const { return select_; }  // the SelectStmt node's body

 private:
  ParsedQuery(std::string sql, nlohmann::json select, DatasetName dataset)
      : sql_(std::move(sql)), select_(std::move(select)), dataset_(std::move(dataset)) {}

  std::string sql_;
  nlohmann::json select_;
  DatasetName dataset_;
};

// A statement the sandbox may run.
struct CheckedQuery {
  std::string sql;
  DatasetName dataset;
  std::vector<OutputColumn> outputs;  // in select-list order
  size_t first_target = 0;            // byte offset of the first select-list entry
  bool has_having = false;            // filters groups on their true aggregates
  bool orders_by_aggregate = false;   // ranks groups on their true aggregates
};

// Checks `query` against the dataset as the grant shows it: InvalidArgument naming the
// first construct that is not accepted, PermissionDenied for a column the consumer may
// not group by or output, or one outside the grant.
Result<CheckedQuery> Check(const ParsedQuery& query, const TableInfo& table);

}  // namespace citydata::sandbox
