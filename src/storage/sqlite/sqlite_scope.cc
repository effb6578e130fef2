#include "storage/sqlite/sqlite_scope.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <random>

#include "storage/sqlite/sqlite_util.h"

namespace citydata::storage::sqlite {
namespace {

constexpr std::string_view kViewPrefix = "_cd_view_";
constexpr const char* kTransformFunction = "_cd_transform";

// A lexical token of SQLite's SQL: enough to find identifiers and dots, and to skip
// what may not be rewritten (string literals, comments).
struct Token {
  enum class Kind { kIdentifier, kString, kDot, kTrivia, kOther };
  Kind kind;
  size_t begin, end;  // byte range in the text
  // kIdentifier, kString: the unquoted text, ASCII lower-cased (SQLite also takes a
  // string literal for a name in some places, e.g. `WITH 'x' AS (...)`).
  std::string ident;
};

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentPart(unsigned char c) { return IsIdentStart(c) || std::isdigit(c) || c == '$'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The end of a quoted run starting at `i` (the opening quote); a doubled closing quote
// is an escaped one. An unterminated run ends with the text.
size_t QuotedEnd(std::string_view s, size_t i, char close, std::string* unquoted) {
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] != close) {
      if (unquoted) *unquoted += s[j];
    } else if (close != ']' && j + 1 < s.size() && s[j + 1] == close) {
      if (unquoted) *unquoted += close;
      ++j;
    } else {
      return j + 1;
    }
  }
  return s.size();
}

// The end of a parameter (`:name`, `@name`, `$name`, `#name`) starting at `i`, as
// SQLite's tokenizer reads it: with its Tcl forms, `$a(...)` up to the closing
// parenthesis and `$a::b`, which may hold quotes that start no string.
size_t VariableEnd(std::string_view s, size_t i) {
  size_t j = i + 1;
  size_t name_chars = 0;
  while (j < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[j]);
    if (IsIdentPart(c)) {
      ++name_chars;
      ++j;
    } else if (c == '(' && name_chars > 0) {
      while (j + 1 < s.size() && !std::isspace(static_cast<unsigned char>(s[j + 1])) &&
             s[j + 1] != ')') {
        ++j;
      }
      return std::min(j + 2, s.size());
    } else if (c == ':' && j + 1 < s.size() && s[j + 1] == ':') {
      j += 2;
    } else {
      break;
    }
  }
  return j;
}

Token NextToken(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  // SQLite skips a byte-order mark where a token would start (inside one it is part of
  // the name): read it as blank here too, or "\uFEFFNATURAL" would be a name to us and
  // the keyword to SQLite.
  if (s.substr(i, 3) == "\xEF\xBB\xBF") return {Token::Kind::kTrivia, i, i + 3, ""};
  if (std::isspace(c)) {
    size_t j = i;
    while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    return {Token::Kind::kTrivia, i, j, ""};
  }
  if (s.substr(i, 2) == "--") {
    size_t nl = s.find('\n', i);
    return {Token::Kind::kTrivia, i, nl == std::string_view::npos ? s.size() : nl + 1, ""};
  }
  if (s.substr(i, 2) == "/*") {
    size_t end = s.find("*/", i + 2);
    return {Token::Kind::kTrivia, i, end == std::string_view::npos ? s.size() : end + 2, ""};
  }
  if (c == '\'') {
    std::string text;
    size_t end = QuotedEnd(s, i, '\'', &text);
    return {Token::Kind::kString, i, end, Lower(text)};
  }
  if (c == '"' || c == '`' || c == '[') {
    std::string name;
    size_t end = QuotedEnd(s, i, c == '[' ? ']' : static_cast<char>(c), &name);
    return {Token::Kind::kIdentifier, i, end, Lower(name)};
  }
  if (c == '.') return {Token::Kind::kDot, i, i + 1, ""};
  if (c == '$' || c == '@' || c == ':' || c == '#')
    return {Token::Kind::kOther, i, VariableEnd(s, i), ""};
  if (IsIdentStart(c)) {
    size_t j = i;
    while (j < s.size() && IsIdentPart(static_cast<unsigned char>(s[j]))) ++j;
    return {Token::Kind::kIdentifier, i, j, Lower(s.substr(i, j - i))};
  }
  if (std::isdigit(c)) {
    // A number such as 1.5 or 1e3 is one token, so its dot is not a qualifier.
    size_t j = i;
    while (j < s.size() && (IsIdentPart(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
    return {Token::Kind::kOther, i, j, ""};
  }
  return {Token::Kind::kOther, i, i + 1, ""};
}

std::vector<Token> Tokenize(std::string_view sql) {
  std::vector<Token> tokens;
  for (size_t i = 0; i < sql.size();) {
    tokens.push_back(NextToken(sql, i));
    i = tokens.back().end;
  }
  return tokens;
}

// The index of the next non-trivia token at or after `i`, or tokens.size().
size_t Significant(const std::vector<Token>& tokens, size_t i) {
  while (i < tokens.size() && tokens[i].kind == Token::Kind::kTrivia) ++i;
  return i;
}

// Whether token `i` has a dot next to it (blanks and comments aside): SQLite then takes
// a string for a schema or table name, which would slip past the rewrite.
bool NextToDot(const std::vector<Token>& tokens, size_t i) {
  size_t next = Significant(tokens, i + 1);
  if (next < tokens.size() && tokens[next].kind == Token::Kind::kDot) return true;
  size_t prev = i;
  while (prev > 0 && tokens[prev - 1].kind == Token::Kind::kTrivia) --prev;
  return prev > 0 && tokens[prev - 1].kind == Token::Kind::kDot;
}

std::optional<Zone> ZoneOf(const std::string& ident) {
  for (Zone z : kAllZones) {
    if (ZoneName(z) == ident) return z;
  }
  return std::nullopt;
}

std::string SqlString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// Whether a copy of the view's transformed rows would show what the view shows: some
// column has a transform (else the view reads stored values anyway), and every
// transform is deterministic.
bool Materializable(const DatasetView& view) {
  bool transformed = false;
  for (const auto& c : view.columns) {
    if (!c.deterministic) return false;
    transformed = transformed || !c.transform.empty();
  }
  return transformed;
}

// A random part of every view name, drawn once per process: a second line of defense
// should a query ever get a name of its own past the reserved prefix (error messages
// name datasets, not views, see HideViewNames).
const std::string& ViewNameSecret() {
  static const std::string secret = [] {
    std::random_device random;
    uint64_t v = (uint64_t{random()} << 32) ^ random();
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
    return std::string(buf);
  }();
  return secret;
}

// Names of the engine's own objects (views, the transform function) start with this;
// a query may not use such a name, so it cannot stand in for one of them (a CTE named
// like a scope view would otherwise be trusted as that view by the authorizer).
constexpr std::string_view kReservedPrefix = "_cd_";

// The definition of the view over `view`'s rows: computed from the dataset by
// `select`, or read from `copy` (a table holding exactly those rows).
std::string ViewBody(const DatasetView& view, const std::string& select,
                     const std::optional<TableRef>& copy) {
  if (!copy) return select;
  std::string columns;
  for (const auto& column : view.columns) {
    if (!columns.empty()) columns += ", ";
    columns += QuoteIdent(column.name);
  }
  return "SELECT " + columns + " FROM " + copy->schema + "." + QuoteIdent(copy->table);
}

void TransformValue(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* transform = static_cast<ValueTransform*>(sqlite3_get_auxdata(ctx, 0));
  std::unique_ptr<ValueTransform> compiled;
  if (transform == nullptr) {
    auto compiler = static_cast<const Transforms*>(sqlite3_user_data(ctx))->Get();
    if (compiler == nullptr || !*compiler) {
      sqlite3_result_error(ctx, "column transforms are not configured on this engine", -1);
      return;
    }
    const char* spec = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    auto result = (*compiler)(spec == nullptr ? "" : spec);
    if (!result.ok()) {
      sqlite3_result_error(ctx, result.status().message().c_str(), -1);
      return;
    }
    compiled = std::make_unique<ValueTransform>(std::move(*result));
    transform = compiled.get();
  }
  std::optional<std::string_view> in;
  if (sqlite3_value_type(argv[1]) != SQLITE_NULL) {
    const char* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    in = std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(argv[1])));
  }
  std::optional<std::string> out = (*transform)(in);
  if (out) {
    sqlite3_result_text(ctx, out->data(), static_cast<int>(out->size()), SQLITE_TRANSIENT);
  } else {
    sqlite3_result_null(ctx);
  }
  // Cached for the statement's later rows when the spec is a constant (it always is in
  // the views); SQLite deletes it at once otherwise.
  if (compiled) {
    sqlite3_set_auxdata(ctx, 0, compiled.release(),
                        [](void* p) { delete static_cast<ValueTransform*>(p); });
  }
}

}  // namespace

std::string TransformedSelect(const DatasetView& view) {
  std::string select;
  for (const auto& column : view.columns) {
    if (!select.empty()) select += ", ";
    std::string ref = QuoteIdent(column.name);
    if (column.transform.empty()) {
      select += ref;
    } else {
      select += std::string(kTransformFunction) + "(" + SqlString(column.transform) + ", " + ref +
                ") AS " + ref;
    }
  }
  if (select.empty()) select = "NULL AS " + QuoteIdent("no visible column");
  return "SELECT " + select + " FROM " + std::string(ZoneName(view.dataset.zone)) + "." +
         QuoteIdent(view.dataset.name);
}

void Transforms::Set(TransformCompiler compiler) {
  auto shared = std::make_shared<const TransformCompiler>(std::move(compiler));
  std::lock_guard lock(mu_);
  compiler_ = std::move(shared);
}

std::shared_ptr<const TransformCompiler> Transforms::Get() const {
  std::lock_guard lock(mu_);
  return compiler_;
}

std::string HideViewNames(std::string message, const std::map<std::string, ViewSource>& views) {
  // Longest names first: "_cd_view_…_1" is a prefix of "_cd_view_…_12".
  std::vector<std::pair<std::string, std::string>> names;
  for (const auto& [name, view] : views) names.emplace_back(name, view.dataset);
  std::sort(names.begin(), names.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [name, dataset] : names) {
    for (const std::string& spelled :
         {"temp." + QuoteIdent(name), "temp." + name, QuoteIdent(name), name}) {
      for (size_t at = message.find(spelled); at != std::string::npos;
           at = message.find(spelled, at + dataset.size())) {
        message.replace(at, spelled.size(), dataset);
      }
    }
  }
  return message;
}

Result<ScopedQuery> RewriteForScope(std::string_view sql, const ReadScope& scope,
                                    const TempViews& existing, const CopyFinder& copies) {
  std::vector<Token> tokens = Tokenize(sql);
  ScopedQuery out;
  TempViews added;
  // The view defined by `body`: the connection's, or a new one under a name no other
  // definition had (views are never dropped from a connection, so the count is new).
  auto view_for = [&](const std::string& body) {
    if (auto it = existing.find(body); it != existing.end()) return it->second;
    auto [it, inserted] = added.try_emplace(body);
    if (inserted) {
      it->second = std::string(kViewPrefix) + ViewNameSecret() + "_" +
                   std::to_string(existing.size() + added.size());
      out.views.push_back(
          {it->second, body, "CREATE TEMP VIEW " + QuoteIdent(it->second) + " AS " + body});
    }
    return it->second;
  };
  // One answer per view definition, so that every reference to a dataset in the query
  // reads the same rows (a copy turning ready or stale mid-rewrite would mix versions).
  std::unordered_map<std::string, std::optional<TableRef>> found;
  size_t copied = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& zone_token = tokens[i];
    bool named =
        zone_token.kind == Token::Kind::kIdentifier || zone_token.kind == Token::Kind::kString;
    if (named && zone_token.ident.starts_with(kReservedPrefix)) {
      return PermissionDenied("names and strings starting with " + std::string(kReservedPrefix) +
                              " are reserved for citydata; rename '" + zone_token.ident + "'");
    }
    // SQLite builds a NATURAL or USING join's column comparisons (and a FULL JOIN's
    // merged USING columns) without asking the authorizer, so such a join could read a
    // table's columns unseen: refused here, where the authorizer cannot.
    bool keyword = zone_token.kind == Token::Kind::kIdentifier &&
                   IsIdentStart(static_cast<unsigned char>(sql[zone_token.begin]));
    if (keyword && (zone_token.ident == "natural" || zone_token.ident == "using")) {
      return PermissionDenied(
          "NATURAL and USING joins are not allowed in governed queries: write the join "
          "condition with ON (e.g. JOIN raw.b ON b.code = a.code)");
    }
    if (zone_token.kind == Token::Kind::kString && NextToDot(tokens, i)) {
      return PermissionDenied(
          "write names in double quotes, not as 'strings' (e.g. raw.\"people\")");
    }
    if (zone_token.kind != Token::Kind::kIdentifier) continue;
    std::optional<Zone> zone = ZoneOf(zone_token.ident);
    size_t dot = Significant(tokens, i + 1);
    if (!zone || dot >= tokens.size() || tokens[dot].kind != Token::Kind::kDot) continue;
    size_t name = Significant(tokens, dot + 1);
    if (name >= tokens.size() || tokens[name].kind != Token::Kind::kIdentifier) continue;
    DatasetName dataset{*zone, tokens[name].ident};
    ASSIGN_OR_RETURN(std::optional<DatasetView> view, scope.resolve(dataset));
    if (!view) {
      return PermissionDenied("you may not read " + dataset.ToString() +
                              " (it does not exist or no grant lets you read it)");
    }
    std::string select = TransformedSelect(*view);
    std::optional<TableRef> copy;
    if (copies && Materializable(*view)) {
      auto [it, first] = found.try_emplace(select);
      if (first) it->second = copies(view->dataset, select);
      copy = it->second;
    }
    std::string view_name = view_for(ViewBody(*view, select, copy));
    std::string source = copy ? copy->schema + "." + copy->table : dataset.ToString();
    out.views_read.emplace(view_name, ViewSource{dataset.ToString(), source});
    out.sources.emplace(std::move(source), dataset.ToString());
    out.sql.append(sql.substr(copied, zone_token.begin - copied));
    out.sql += "temp." + QuoteIdent(view_name);
    copied = tokens[name].end;
    i = name;
  }
  out.sql.append(sql.substr(copied));
  return out;
}

namespace {

bool IsZone(const char* db_name) {
  if (db_name == nullptr) return false;
  for (Zone z : kAllZones) {
    if (ZoneName(z) == db_name) return true;
  }
  return false;
}

bool IsEngineTable(const char* table) {
  return table == nullptr || std::strncmp(table, "sqlite_", 7) == 0 || table[0] == '_';
}

// Whether the action is one a read-only statement may perform at all (`function`: the
// function's name for SQLITE_FUNCTION). fts3_tokenizer reads and writes native
// pointers (Debian's SQLite enables it): no query may call it.
std::optional<int> NonReadDecision(int action, const char* function) {
  switch (action) {
    case SQLITE_FUNCTION:
      return function != nullptr && sqlite3_stricmp(function, "fts3_tokenizer") == 0 ? SQLITE_DENY
                                                                                     : SQLITE_OK;
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_READ:
      return std::nullopt;
    default:
      return SQLITE_DENY;
  }
}

}  // namespace

int InternalAuthorizer(void*, int action, const char*, const char* arg2, const char*, const char*) {
  // The engine's own scans hold one snapshot across statements (BEGIN ... ROLLBACK);
  // the connection is query-only either way.
  if (action == SQLITE_TRANSACTION) return SQLITE_OK;
  return NonReadDecision(action, arg2).value_or(SQLITE_OK);
}

int RefuseAllAuthorizer(void*, int, const char*, const char*, const char*, const char*) {
  return SQLITE_DENY;
}

int UserAuthorizer(void* user_data, int action, const char* arg1, const char* arg2,
                   const char* db_name, const char*) {
  if (auto decision = NonReadDecision(action, arg2)) return *decision;
  if (IsEngineTable(arg1)) return SQLITE_DENY;
  if (IsZone(db_name)) {
    auto& columns = static_cast<ReadAudit*>(user_data)->reads[std::string(db_name) + "." + arg1];
    if (arg2 != nullptr && arg2[0] != '\0') columns.insert(arg2);
  }
  return SQLITE_OK;
}

int ScopedAuthorizer(void* user_data, int action, const char* arg1, const char* arg2,
                     const char* db_name, const char* view_name) {
  if (auto decision = NonReadDecision(action, arg2)) return *decision;
  auto& audit = *static_cast<ReadAudit*>(user_data);
  bool temp = db_name != nullptr && std::strcmp(db_name, "temp") == 0;
  if (temp && arg1 != nullptr) {
    // A column of one of the scope's views, as the query uses it.
    auto view = audit.views.find(arg1);
    if (view == audit.views.end()) return SQLITE_DENY;
    auto& columns = audit.reads[view->second.dataset];
    if (arg2 != nullptr && arg2[0] != '\0') columns.insert(arg2);
    return SQLITE_OK;
  }
  // A scope view reading its own source, and nothing else.
  if (view_name != nullptr && arg1 != nullptr && db_name != nullptr) {
    auto view = audit.views.find(view_name);
    if (view != audit.views.end() && view->second.source == std::string(db_name) + "." + arg1) {
      return SQLITE_OK;
    }
  }
  // Counting the rows of a table a scope view reads, without reading a column.
  if (arg1 != nullptr && arg2 != nullptr && arg2[0] == '\0' && db_name != nullptr) {
    auto source = audit.sources.find(std::string(db_name) + "." + arg1);
    if (source != audit.sources.end()) {
      audit.reads[source->second];
      return SQLITE_OK;
    }
  }
  return SQLITE_DENY;
}

Status RegisterTransformFunction(sqlite3* db, const Transforms* transforms) {
  int rc = sqlite3_create_function_v2(db, kTransformFunction, 2, SQLITE_UTF8 | SQLITE_INNOCUOUS,
                                      const_cast<Transforms*>(transforms), TransformValue, nullptr,
                                      nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(db, "registering the transform function");
  return Status::Ok();
}

}  // namespace citydata::storage::sqlite
