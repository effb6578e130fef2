// Scoped queries on the SQLite engine (see ReadScope in engine.h).
//
// A scoped query reads datasets only through views: for each dataset of the scope it
// names, a TEMP view selects the visible columns, each through its transform
// (`_cd_transform('spec', "column")`). The query text is rewritten so that every
// `zone.dataset` reference names that view, and the statement is prepared under an
// authorizer that lets it read a dataset's table only from inside one of those views.
// The rewrite is a convenience; the authorizer is the guarantee: a reference the
// rewrite missed (an unqualified name, an odd spelling) reads the table directly and
// is refused, it never sees stored values.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/engine.h"

namespace citydata::storage::sqlite {

struct ScopedView {
  std::string name;        // the TEMP view's name; changes whenever its definition does
  std::string create_sql;  // CREATE TEMP VIEW IF NOT EXISTS ...
};

// The tables of a scope as the authorizer checks them: "zone.name" entries.
using ScopeTables = std::vector<std::string>;

struct ScopedQuery {
  std::string sql;                // the query reading views instead of tables
  std::vector<ScopedView> views;  // the views it reads, each once
  ScopeTables tables;             // the datasets behind them
};

// Rewrites the `zone.dataset` references of `sql` (identifiers in any SQLite quoting,
// comments and blanks around the dot allowed; string literals untouched).
// PermissionDenied naming the dataset when the scope does not resolve it.
Result<ScopedQuery> RewriteForScope(std::string_view sql, const ReadScope& scope);

// Authorizer of scoped statements: like the read-only authorizer, and a dataset table's
// columns may only be read by one of the scope's views. SQLite also checks a table
// whose rows a query counts without reading a column (an empty column name); that is
// allowed for the scope's tables only. `user_data` is the ScopeTables, which must
// outlive every statement prepared under this authorizer (SQLite re-prepares, and
// re-authorizes, when a schema changes).

int ScopedAuthorizer(void* user_data, int action, const char* arg1, const char* arg2,
                     const char* db_name, const char* view_name);

// Registers `_cd_transform(spec, value)` on `db`, compiling each spec with `compiler`
// once per statement. `compiler` must outlive the connection.
Status RegisterTransformFunction(sqlite3* db, const TransformCompiler* compiler);

}  // namespace citydata::storage::sqlite
