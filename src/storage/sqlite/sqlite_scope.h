// The authorizers of the SQLite engine's read connections, and its scoped queries
// (see ReadScope in engine.h).
//
// A scoped query reads datasets only through views: for each dataset of the scope it
// names, a TEMP view selects the visible columns, each through its transform
// (`_cd_transform('spec', "column")`). The query text is rewritten so that every
// `zone.dataset` reference names that view, and the statement is prepared under an
// authorizer that lets it read a dataset's table only from inside one of those views.
// The rewrite is a convenience; the authorizer is the guarantee: a reference the
// rewrite missed (an unqualified name, an odd spelling) reads the table directly and
// is refused, it never sees stored values. Two things the authorizer cannot see are
// refused by the rewrite instead: NATURAL and USING joins (SQLite reads their join
// columns without asking it) and names starting with "_cd_" (a CTE so named would be
// reported to it as the scope view of that name). A view may instead read a materialized copy
// of exactly those transformed rows (see sqlite_copies.h).
#pragma once

#include <sqlite3.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "storage/engine.h"

namespace citydata::storage::sqlite {

// A connection's TEMP views: definition (the view's SELECT) → name. Each definition
// has its own name, never given to another one on that connection.
using TempViews = std::unordered_map<std::string, std::string>;

// A view a scoped query needs that its connection does not have yet.
struct ScopedView {
  std::string name;
  std::string body;        // the definition
  std::string create_sql;  // CREATE TEMP VIEW ...
};

// What a scope view stands for.
struct ViewSource {
  std::string dataset;  // "zone.name"
  std::string source;   // the table it reads, "schema.table": the dataset's or a copy's
};

// What the authorizer of a user statement is told and what it learns. It lives as long
// as the statement (SQLite re-prepares, and re-authorizes, when a schema changes).
struct ReadAudit {
  // Scoped statements: view name → what it stands for.
  std::map<std::string, ViewSource> views;
  // Scoped statements: each table a view reads ("schema.table") → the dataset.
  std::map<std::string, std::string> sources;
  // Every dataset the statement reads → the columns it uses.
  std::map<std::string, std::set<std::string>> reads;
};

struct ScopedQuery {
  std::string sql;                               // the query reading views instead of tables
  std::vector<ScopedView> views;                 // the views it reads that are still to be created
  std::map<std::string, ViewSource> views_read;  // every view it reads (ReadAudit::views)
  std::map<std::string, std::string> sources;    // as ReadAudit::sources
};

// A table in one of a connection's schemas.
struct TableRef {
  std::string schema, table;
};

// The SELECT computing `view`'s rows from its dataset: each visible column, through its
// transform where it has one. Identical views give identical text.
std::string TransformedSelect(const DatasetView& view);

// Where a view of `dataset` whose columns have (deterministic) transforms may read its
// rows already transformed: a table holding exactly what `select` (TransformedSelect of
// the view) computes, or nullopt to compute them as the query reads.
using CopyFinder =
    std::function<std::optional<TableRef>(const DatasetName& dataset, const std::string& select)>;

// Rewrites the `zone.dataset` references of `sql` (identifiers in any SQLite quoting,
// comments and blanks around the dot allowed; string literals untouched) to read views:
// those of `existing` (the connection's) where the definition is the same, new ones
// otherwise. PermissionDenied naming the dataset when the scope does not resolve it.
// `copies` (optional) is asked once per distinct view with deterministic transforms.
// Names starting with "_cd_" and NATURAL or USING joins are refused (PermissionDenied).
Result<ScopedQuery> RewriteForScope(std::string_view sql, const ReadScope& scope,
                                    const TempViews& existing, const CopyFinder& copies = {});

// `message` (an SQLite error about a scoped query) with each of `views`' names, however
// quoted, replaced by the dataset it stands for.
std::string HideViewNames(std::string message, const std::map<std::string, ViewSource>& views);

// Authorizer of the engine's own statements (scans, schema and stats reads): reads of
// any table, engine tables included, and nothing else.
int InternalAuthorizer(void* user_data, int action, const char* arg1, const char* arg2,
                       const char* db_name, const char* view_name);

// Authorizer of an idle user connection: refuses everything.
int RefuseAllAuthorizer(void* user_data, int action, const char* arg1, const char* arg2,
                        const char* db_name, const char* view_name);

// Authorizer of unscoped user statements: only reads and function calls, no
// engine-internal table; records what is read in the ReadAudit `user_data`.
int UserAuthorizer(void* user_data, int action, const char* arg1, const char* arg2,
                   const char* db_name, const char* view_name);

// Authorizer of scoped statements: like UserAuthorizer, and a table (a dataset's, or
// an engine table such as a materialized copy) may only be read by the scope view
// whose source it is. SQLite also checks a table whose rows a query counts without
// reading a column (an empty column name); that is allowed for the views' sources
// only. Callers refuse user SQL naming anything "_cd_..." first: SQLite reports a CTE's
// name where a view's would be. `user_data` is the ReadAudit holding the scope's views;
// the columns recorded are those the query uses of each view.
int ScopedAuthorizer(void* user_data, int action, const char* arg1, const char* arg2,
                     const char* db_name, const char* view_name);

// The engine's transform compiler, replaceable while queries run (new data keys make
// the same spec give other values). Thread-safe.
class Transforms {
 public:
  void Set(TransformCompiler compiler);
  // The current compiler; null before the first Set.
  std::shared_ptr<const TransformCompiler> Get() const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const TransformCompiler> compiler_;  // GUARDED_BY(mu_)
};

// Registers `_cd_transform(spec, value)` on `db`, compiling each spec with the current
// compiler of `transforms` once per statement. `transforms` must outlive the connection.
Status RegisterTransformFunction(sqlite3* db, const Transforms* transforms);

}  // namespace citydata::storage::sqlite
