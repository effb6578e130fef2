#include "sandbox/checker.h"

#include <pg_query.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <set>

namespace citydata::sandbox {
namespace {

using nlohmann::json;

// PostgreSQL cuts names at NAMEDATALEN - 1 bytes; SQLite does not. A longer name could
// be checked as one column and run as another, so it is refused.
constexpr size_t kMaxNameBytes = 63;

// Aggregates that would return one row's value (or every value) of a group.
const std::set<std::string, std::less<>> kRevealingAggregates = {
    "min",          "max",        "group_concat", "string_agg", "array_agg",
    "json_group_array", "json_group_object", "median", "mode", "percentile",
    "percentile_cont", "percentile_disc", "first_value", "last_value", "nth_value",
    "any_value",    "stddev",     "variance",     "var_pop",    "var_samp",
    "stddev_pop",   "stddev_samp", "bool_and",     "bool_or",    "every"};

// Scalar functions accepted in WHERE, GROUP BY, HAVING and ORDER BY: none of them can
// fail on a particular value (an error that depends on one row's value would reveal it
// without any aggregate: abs() overflows, json functions reject bad text, replace() and
// printf() can grow a value past the engine's limit), and none is random.
const std::set<std::string, std::less<>> kScalarFunctions = {
    "lower",  "upper", "length", "substr",   "substring", "instr", "ltrim",
    "rtrim",  "ifnull", "round", "date",     "strftime",  "julianday"};

// Binary and unary operators: comparisons, arithmetic (SQLite turns an integer
// overflow into a real and a division by zero into NULL, so none of them fails) and
// concatenation.
const std::set<std::string, std::less<>> kOperators = {"=", "<>", "<",  "<=", ">", ">=",
                                                       "+", "-",  "*",  "/",  "%", "||"};

// Node types whose children are checked like any expression.
const std::set<std::string, std::less<>> kPassThrough = {
    "BoolExpr", "NullTest", "BooleanTest", "CaseExpr", "CaseWhen", "CoalesceExpr", "List"};

// The SelectStmt members a sandbox query may use; every other clause is refused.
const std::set<std::string, std::less<>> kSelectMembers = {
    "targetList", "fromClause", "whereClause", "groupClause", "havingClause",
    "sortClause", "limitCount", "limitOffset", "limitOption", "op"};

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsNameByte(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;
}

// The end of the quoted literal or name opening at `open`, one past its closing quote;
// a doubled quote stands for itself in both dialects.
Result<size_t> QuotedEnd(std::string_view sql, size_t open) {
  char quote = sql[open];
  size_t at = open + 1;
  while (true) {
    at = sql.find(quote, at);
    if (at == std::string_view::npos) {
      return InvalidArgument(std::string("unterminated ") +
                             (quote == '\'' ? "string literal" : "quoted name") +
                             " at byte " + std::to_string(open));
    }
    if (at + 1 < sql.size() && sql[at + 1] == quote) {
      at += 2;
      continue;
    }
    return at + 1;
  }
}

Status Refuse(std::string_view what, size_t at) {
  return InvalidArgument(std::string(what) + " (at byte " + std::to_string(at) +
                         ") is not accepted in sandbox SQL");
}

// Refuses the lexical forms PostgreSQL and SQLite read differently, so that both
// split the text into the same tokens: comments (PostgreSQL nests them, SQLite does
// not), dollar quoting and parameters ($, ?, :, @, #), backslash escapes, brackets and
// backticks (SQLite's quoted names), prefixed literals (E'', X'', B'', U&''), hex
// numbers (0x1F is one token to SQLite, two to PostgreSQL 15) and over-long names.
Status CheckLexicon(std::string_view sql) {
  if (sql.find('\0') != std::string_view::npos) return Refuse("a NUL character", sql.find('\0'));
  if (sql.find('\\') != std::string_view::npos) return Refuse("a backslash", sql.find('\\'));
  size_t name_run = 0;
  for (size_t i = 0; i < sql.size();) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      if (i > 0 && (IsNameByte(sql[i - 1]) || sql[i - 1] == '&')) {
        return Refuse("a prefixed literal (E'', X'', B'', U&'')", i - 1);
      }
      ASSIGN_OR_RETURN(size_t end, QuotedEnd(sql, i));
      if (c == '"' && end - i - 2 > kMaxNameBytes) return Refuse("a name over 63 bytes", i);
      i = end;
      name_run = 0;
      continue;
    }
    std::string_view two = sql.substr(i, 2);
    if (two == "--" || two == "/*") return Refuse("a comment", i);
    if (std::string_view("$`[]{}?:@#").find(c) != std::string_view::npos) {
      return Refuse(std::string("the character '") + c + "'", i);
    }
    if ((two == "0x" || two == "0X") && (i == 0 || !IsNameByte(sql[i - 1]))) {
      return Refuse("a hexadecimal number", i);
    }
    name_run = IsNameByte(c) ? name_run + 1 : 0;
    if (name_run > kMaxNameBytes) return Refuse("a name or number over 63 bytes", i);
    ++i;
  }
  return Status::Ok();
}

// The type and body of a parse-tree node ({"Type": {...}}).
Result<std::pair<std::string, const json*>> NodeOf(const json& node) {
  if (!node.is_object() || node.size() != 1 || node.begin().key().empty() ||
      !std::isupper(static_cast<unsigned char>(node.begin().key().front()))) {
    return InvalidArgument("the statement uses a construct the sandbox does not accept");
  }
  return std::make_pair(node.begin().key(), &node.begin().value());
}

std::string StringNode(const json& node) {
  if (node.contains("String")) return node["String"].value("sval", "");
  return "";
}

// The single unqualified name of a function or operator; "" when qualified.
std::string SingleName(const json& names) {
  if (!names.is_array() || names.size() != 1) return "";
  return LowerAscii(StringNode(names[0]));
}

// The name as written, qualified or not (for messages).
std::string DottedName(const json& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ".") + StringNode(n);
  return out;
}

// The node without positions, columns named by their (lower-case) column only, so
// that `p.dept` and `dept` in one statement compare equal.
json Canonical(const json& node) {
  if (node.is_array()) {
    json out = json::array();
    for (const auto& e : node) out.push_back(Canonical(e));
    return out;
  }
  if (!node.is_object()) return node;
  if (node.size() == 1 && node.contains("ColumnRef")) {
    const json& fields = node["ColumnRef"].value("fields", json::array());
    return {{"ColumnRef", fields.empty() ? "" : LowerAscii(StringNode(fields.back()))}};
  }
  json out = json::object();
  for (const auto& [key, value] : node.items()) {
    if (key != "location") out[key] = Canonical(value);
  }
  return out;
}

const ColumnInfo* FindColumn(const TableInfo& table, std::string_view name) {
  std::string lower = LowerAscii(name);
  for (const auto& c : table.columns) {
    if (LowerAscii(c.name) == lower) return &c;
  }
  return nullptr;
}

// The column a ColumnRef names (its last part; the only table in FROM is the one it
// can qualify).
Result<const ColumnInfo*> ColumnOf(const json& ref, const TableInfo& table) {
  const json& fields = ref.value("fields", json::array());
  if (fields.empty() || fields.size() > 3 || fields.back().contains("A_Star")) {
    return InvalidArgument("SELECT * and table.* are not accepted: the sandbox returns "
                           "aggregates only; name the columns to count, sum or group by");
  }
  std::string name = StringNode(fields.back());
  const ColumnInfo* column = FindColumn(table, name);
  if (column == nullptr) {
    return PermissionDenied("column '" + name + "' is not a column of " +
                            table.dataset.ToString() + " covered by your sandbox grant");
  }
  return column;
}

// The byte one past the ')' closing the call that starts at `begin`. The checked
// argument list holds only names, '*' and DISTINCT, so the first ')' outside a quoted
// name closes it.
size_t CallEnd(std::string_view sql, size_t begin) {
  for (size_t i = begin; i < sql.size(); ++i) {
    if (sql[i] == '"') {
      auto end = QuotedEnd(sql, i);
      if (!end.ok()) return sql.size();
      i = *end - 1;
    } else if (sql[i] == ')') {
      return i + 1;
    }
  }
  return sql.size();
}

bool IsAggregateName(std::string_view name) {
  return name == "count" || name == "sum" || name == "avg" || name == "total";
}

// Refuses the FuncCall options that change what is aggregated or how.
Status CheckPlainCall(const json& call, const std::string& name) {
  static constexpr std::array<std::pair<const char*, const char*>, 5> kOptions = {{
      {"agg_filter", "FILTER (WHERE ...)"},
      {"agg_order", "ORDER BY inside a function"},
      {"agg_within_group", "WITHIN GROUP"},
      {"over", "window functions (OVER)"},
      {"func_variadic", "VARIADIC"},
  }};
  for (const auto& [key, what] : kOptions) {
    if (call.contains(key)) return InvalidArgument(std::string(what) + " is not accepted in " +
                                                   name + "() in the sandbox");
  }
  if (call.value("funcformat", "") != "COERCE_EXPLICIT_CALL") {
    return InvalidArgument(name + " written in SQL-standard syntax is not accepted; call it as " +
                           name + "(...)");
  }
  return Status::Ok();
}

// An allowed aggregate: count(*), count(col), count(DISTINCT col), sum(col), avg(col),
// total(col), the argument a plain column. An expression inside an aggregate could
// single one row out (sum(CASE WHEN id = 'x' THEN salary END)) and is refused.
Result<OutputColumn> AggregateOf(const json& call, const std::string& name, const TableInfo& table,
                                 std::string_view sql) {
  RETURN_IF_ERROR(CheckPlainCall(call, name));
  OutputColumn out;
  out.call_begin = call.value("location", 0);
  out.call_end = CallEnd(sql, out.call_begin);
  bool distinct = call.value("agg_distinct", false);
  if (call.value("agg_star", false)) {
    if (name != "count") return InvalidArgument(name + "(*) is not an aggregate; use count(*)");
    out.aggregate = AggregateKind::kCount;
    return out;
  }
  const json& args = call.value("args", json::array());
  if (args.size() != 1 || !args[0].contains("ColumnRef")) {
    return InvalidArgument(name + "() must aggregate one plain column, e.g. " + name +
                           "(salary): expressions inside aggregates could single out one row");
  }
  ASSIGN_OR_RETURN(const ColumnInfo* column, ColumnOf(args[0]["ColumnRef"], table));
  out.argument = column->name;
  if (name == "count") {
    out.aggregate = distinct ? AggregateKind::kCountDistinct : AggregateKind::kCount;
  } else if (distinct) {
    return InvalidArgument("DISTINCT is accepted in count() only");
  } else {
    out.aggregate = name == "sum" ? AggregateKind::kSum
                    : name == "avg" ? AggregateKind::kAvg
                                    : AggregateKind::kTotal;
  }
  return out;
}

std::string Describe(const std::string& type) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"SubLink", "a subquery"},
      {"MinMaxExpr", "GREATEST/LEAST"},
      {"SQLValueFunction", "CURRENT_DATE/CURRENT_TIME"},
      {"RowExpr", "a row constructor"},
      {"ParamRef", "a parameter"},
      {"A_Indirection", "a subscript"},
      {"CollateClause", "COLLATE"},
      {"GroupingSet", "ROLLUP, CUBE and GROUPING SETS"},
      {"A_ArrayExpr", "an array"},
      {"RangeSubselect", "a subquery"},
  };
  for (const auto& [node, text] : kNames) {
    if (type == node) return text;
  }
  return "the construct " + type;
}

// Checks one expression of a clause. In row clauses (WHERE, GROUP BY) there are no
// aggregates; in group clauses (HAVING, ORDER BY) a bare column may only appear as part
// of a GROUP BY expression and aggregates must be allowed ones.
class ExprChecker {
 public:
  ExprChecker(const TableInfo& table, std::string_view sql, std::string clause,
              const std::vector<json>* groups)
      : table_(table), sql_(sql), clause_(std::move(clause)), groups_(groups) {}

  // Set when the expression contains an aggregate.
  bool saw_aggregate() const { return saw_aggregate_; }
  // GROUP BY items may not use sensitive columns.
  void refuse_sensitive() { refuse_sensitive_ = true; }

  Status Check(const json& node) {
    ASSIGN_OR_RETURN(auto typed, NodeOf(node));
    const auto& [type, body] = typed;
    if (groups_ != nullptr && IsGroupExpr(node)) return Status::Ok();
    if (type == "ColumnRef") return CheckColumn(*body);
    if (type == "A_Const") return Status::Ok();
    if (type == "FuncCall") return CheckCall(*body);
    if (type == "A_Expr") return CheckOperator(*body);
    if (type == "TypeCast") return CheckCast(*body);
    if (kPassThrough.contains(type)) return CheckChildren(*body);
    return InvalidArgument(Describe(type) + " is not accepted in " + clause_ + " in the sandbox");
  }

 private:
  bool IsGroupExpr(const json& node) const {
    json canonical = Canonical(node);
    return std::find(groups_->begin(), groups_->end(), canonical) != groups_->end();
  }

  Status CheckColumn(const json& ref) {
    ASSIGN_OR_RETURN(const ColumnInfo* column, ColumnOf(ref, table_));
    if (groups_ != nullptr) {
      return InvalidArgument("column '" + column->name + "' in " + clause_ +
                             " must be in GROUP BY or inside an aggregate");
    }
    if (refuse_sensitive_ && column->sensitive) {
      return PermissionDenied("column '" + column->name +
                              "' is sensitive (graded general-3 or above, or masked for you): "
                              "the sandbox does not group by it or output it");
    }
    return Status::Ok();
  }

  Status CheckCall(const json& call) {
    std::string name = SingleName(call.value("funcname", json::array()));
    if (IsAggregateName(name)) {
      if (groups_ == nullptr) {
        return InvalidArgument("aggregates are not accepted in " + clause_);
      }
      saw_aggregate_ = true;
      return AggregateOf(call, name, table_, sql_).status();
    }
    if (kRevealingAggregates.contains(name)) {
      return InvalidArgument(name + "() is not accepted: it reveals single values; use count, "
                             "sum, avg or total");
    }
    if (!kScalarFunctions.contains(name)) {
      return InvalidArgument("function " + DottedName(call.value("funcname", json::array())) +
                             "() is not accepted in the sandbox; the accepted functions are "
                             "count, sum, avg, total and lower, upper, length, substr, "
                             "substring, instr, ltrim, rtrim, ifnull, round, date, strftime, "
                             "julianday");
    }
    RETURN_IF_ERROR(CheckPlainCall(call, name));
    if (call.contains("agg_star") || call.contains("agg_distinct")) {
      return InvalidArgument(name + "() takes no * or DISTINCT");
    }
    for (const auto& arg : call.value("args", json::array())) RETURN_IF_ERROR(Check(arg));
    return Status::Ok();
  }

  Status CheckOperator(const json& expr) {
    std::string kind = expr.value("kind", "");
    std::string op = SingleName(expr.value("name", json::array()));
    bool accepted = (kind == "AEXPR_OP" && kOperators.contains(op)) || kind == "AEXPR_IN" ||
                    (kind == "AEXPR_LIKE" && (op == "~~" || op == "!~~")) ||
                    kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN" ||
                    kind == "AEXPR_NULLIF";
    if (!accepted) {
      return InvalidArgument("operator '" + op + "' is not accepted in " + clause_ +
                             "; use =, <>, <, <=, >, >=, +, -, *, /, %, ||, IN, LIKE, BETWEEN");
    }
    if (expr.contains("lexpr")) RETURN_IF_ERROR(Check(expr["lexpr"]));
    if (expr.contains("rexpr")) RETURN_IF_ERROR(Check(expr["rexpr"]));
    return Status::Ok();
  }

  Status CheckCast(const json& cast) {
    const json& type = cast.value("typeName", json::object());
    for (const auto& [key, value] : type.items()) {
      if (key != "names" && key != "typemod" && key != "location") {
        return InvalidArgument("CAST to a type with modifiers or arrays is not accepted");
      }
    }
    return Check(cast.value("arg", json::object()));
  }

  Status CheckChildren(const json& body) {
    for (const auto& [key, value] : body.items()) {
      if (value.is_array()) {
        for (const auto& e : value) RETURN_IF_ERROR(Check(e));
      } else if (value.is_object()) {
        RETURN_IF_ERROR(Check(value));
      }
    }
    return Status::Ok();
  }

  const TableInfo& table_;
  std::string_view sql_;
  std::string clause_;
  const std::vector<json>* groups_;
  bool refuse_sensitive_ = false;
  bool saw_aggregate_ = false;
};

// The one dataset of FROM.
Result<DatasetName> FromDataset(const json& select) {
  const json& from = select.value("fromClause", json::array());
  if (from.size() != 1 || !from[0].contains("RangeVar")) {
    return InvalidArgument("FROM must name exactly one dataset (no joins or subqueries), "
                           "e.g. FROM std.people");
  }
  const json& range = from[0]["RangeVar"];
  const json& alias = range.value("alias", json::object());
  if (range.contains("catalogname") || !range.value("inh", false) || alias.contains("colnames")) {
    return InvalidArgument("FROM must name the dataset as zone.name, with at most an alias");
  }
  if (!range.contains("schemaname")) {
    return InvalidArgument("name the dataset with its zone, e.g. FROM std.people");
  }
  return ParseDatasetName(range.value("schemaname", "") + "." + range.value("relname", ""));
}

Status CheckSelectShape(const json& select) {
  static const std::pair<const char*, const char*> kRefused[] = {
      {"withClause", "WITH (common table expressions)"},
      {"distinctClause", "SELECT DISTINCT"},
      {"intoClause", "SELECT INTO"},
      {"lockingClause", "FOR UPDATE/SHARE"},
      {"windowClause", "WINDOW"},
      {"valuesLists", "VALUES"},
      {"groupDistinct", "GROUP BY DISTINCT"},
  };
  if (select.value("op", "SETOP_NONE") != "SETOP_NONE") {
    return InvalidArgument("UNION, INTERSECT and EXCEPT are not accepted in the sandbox");
  }
  for (const auto& [key, value] : select.items()) {
    if (kSelectMembers.contains(key)) continue;
    for (const auto& [member, what] : kRefused) {
      if (key == member) return InvalidArgument(std::string(what) + " is not accepted in the sandbox");
    }
    return InvalidArgument("the clause " + key + " is not accepted in the sandbox");
  }
  std::string limit = select.value("limitOption", "LIMIT_OPTION_DEFAULT");
  if (limit != "LIMIT_OPTION_DEFAULT" && limit != "LIMIT_OPTION_COUNT") {
    return InvalidArgument("FETCH ... WITH TIES is not accepted in the sandbox");
  }
  return Status::Ok();
}

Status CheckLimit(const json& select, const char* member) {
  if (!select.contains(member)) return Status::Ok();
  const json& node = select[member];
  // The limit only trims the released groups; any integer is harmless (SQLite reads
  // a negative one as no limit).
  if (!node.contains("A_Const") || !node["A_Const"].contains("ival")) {
    return InvalidArgument("LIMIT and OFFSET must be integers");
  }
  return Status::Ok();
}

// The GROUP BY expressions, checked and in canonical form.
Result<std::vector<json>> CheckGroups(const json& select, const TableInfo& table,
                                      std::string_view sql) {
  std::vector<json> groups;
  for (const auto& item : select.value("groupClause", json::array())) {
    if (item.contains("A_Const")) {
      return InvalidArgument("GROUP BY a position or constant is not accepted; repeat the "
                             "expression instead");
    }
    ExprChecker checker(table, sql, "GROUP BY", nullptr);
    checker.refuse_sensitive();
    RETURN_IF_ERROR(checker.Check(item));
    groups.push_back(Canonical(item));
  }
  return groups;
}

Result<OutputColumn> CheckOutput(const json& target, size_t position, const TableInfo& table,
                                 std::string_view sql, const std::vector<json>& groups) {
  if (!target.contains("ResTarget") || target["ResTarget"].contains("indirection")) {
    return InvalidArgument("output column " + std::to_string(position) + " is not accepted");
  }
  const json& value = target["ResTarget"].value("val", json::object());
  if (value.contains("ColumnRef")) {
    RETURN_IF_ERROR(ColumnOf(value["ColumnRef"], table).status());
  }
  if (std::find(groups.begin(), groups.end(), Canonical(value)) != groups.end()) {
    return OutputColumn{};
  }
  if (value.contains("FuncCall")) {
    std::string name = SingleName(value["FuncCall"].value("funcname", json::array()));
    if (IsAggregateName(name)) return AggregateOf(value["FuncCall"], name, table, sql);
    if (kRevealingAggregates.contains(name)) {
      return InvalidArgument(name + "() is not accepted: it reveals single values; use count, "
                             "sum, avg or total");
    }
  }
  return InvalidArgument("output column " + std::to_string(position) +
                         " must be count, sum, avg or total of a column, or one of the GROUP "
                         "BY expressions as written there; a column outside GROUP BY would "
                         "show one row's value");
}

// ORDER BY: an output position, an output name, or a group expression (aggregates
// allowed). Sets `by_aggregate` when it ranks groups on an aggregate.
Status CheckOrder(const json& select, const TableInfo& table, std::string_view sql,
                  const std::vector<json>& groups, bool& by_aggregate) {
  const json& targets = select["targetList"];
  std::set<std::string> names;
  for (const auto& t : targets) names.insert(LowerAscii(t["ResTarget"].value("name", "")));
  for (const auto& item : select.value("sortClause", json::array())) {
    const json& sort = item.value("SortBy", json::object());
    if (sort.contains("useOp")) return InvalidArgument("ORDER BY ... USING is not accepted");
    const json& node = sort.value("node", json::object());
    if (node.contains("A_Const")) {
      int64_t at = node["A_Const"].value("ival", json::object()).value("ival", 0);
      if (at < 1 || at > static_cast<int64_t>(targets.size())) {
        return InvalidArgument("ORDER BY position " + std::to_string(at) + " is out of range");
      }
      json output = Canonical(targets[at - 1]["ResTarget"]["val"]);
      bool is_group = std::find(groups.begin(), groups.end(), output) != groups.end();
      by_aggregate = by_aggregate || !is_group;
      continue;
    }
    const json& fields = node.value("ColumnRef", json::object()).value("fields", json::array());
    if (fields.size() == 1 && names.contains(LowerAscii(StringNode(fields[0])))) {
      by_aggregate = true;  // an output name may stand for an aggregate
      continue;
    }
    ExprChecker checker(table, sql, "ORDER BY", &groups);
    RETURN_IF_ERROR(checker.Check(node));
    by_aggregate = by_aggregate || checker.saw_aggregate();
  }
  return Status::Ok();
}

}  // namespace

std::string_view AggregateName(AggregateKind kind) {
  switch (kind) {
    case AggregateKind::kCount: return "count";
    case AggregateKind::kCountDistinct: return "count(distinct)";
    case AggregateKind::kSum: return "sum";
    case AggregateKind::kAvg: return "avg";
    case AggregateKind::kTotal: return "total";
  }
  return "";
}

Result<ParsedQuery> ParsedQuery::Parse(std::string sql) {
  RETURN_IF_ERROR(CheckLexicon(sql));
  PgQueryParseResult parsed = pg_query_parse(sql.c_str());
  std::unique_ptr<PgQueryParseResult, void (*)(PgQueryParseResult*)> owner(
      &parsed, [](PgQueryParseResult* r) { pg_query_free_parse_result(*r); });
  if (parsed.error != nullptr) {
    return InvalidArgument(std::string("syntax error: ") + parsed.error->message +
                           " (at byte " + std::to_string(parsed.error->cursorpos) + ")");
  }
  json tree = json::parse(parsed.parse_tree, nullptr, false);
  const json& stmts = tree.is_object() ? tree.value("stmts", json::array()) : json::array();
  if (stmts.size() != 1 || !stmts[0].value("stmt", json::object()).contains("SelectStmt")) {
    return InvalidArgument("the sandbox runs exactly one SELECT statement");
  }
  json select = stmts[0]["stmt"]["SelectStmt"];
  RETURN_IF_ERROR(CheckSelectShape(select));
  ASSIGN_OR_RETURN(DatasetName dataset, FromDataset(select));
  return ParsedQuery(std::move(sql), std::move(select), std::move(dataset));
}

Result<CheckedQuery> Check(const ParsedQuery& query, const TableInfo& table) {
  const json& select = query.select();
  CheckedQuery out;
  out.sql = query.sql();
  out.dataset = query.dataset();
  if (select.contains("whereClause")) {
    RETURN_IF_ERROR(ExprChecker(table, out.sql, "WHERE", nullptr).Check(select["whereClause"]));
  }
  ASSIGN_OR_RETURN(std::vector<json> groups, CheckGroups(select, table, out.sql));
  const json& targets = select.value("targetList", json::array());
  if (targets.empty()) return InvalidArgument("the SELECT list is empty");
  out.first_target = targets[0].value("ResTarget", json::object()).value("location", 0);
  for (size_t i = 0; i < targets.size(); ++i) {
    ASSIGN_OR_RETURN(OutputColumn column, CheckOutput(targets[i], i + 1, table, out.sql, groups));
    out.outputs.push_back(std::move(column));
  }
  if (select.contains("havingClause")) {
    RETURN_IF_ERROR(ExprChecker(table, out.sql, "HAVING", &groups).Check(select["havingClause"]));
    out.has_having = true;
  }
  RETURN_IF_ERROR(CheckOrder(select, table, out.sql, groups, out.orders_by_aggregate));
  RETURN_IF_ERROR(CheckLimit(select, "limitCount"));
  RETURN_IF_ERROR(CheckLimit(select, "limitOffset"));
  return out;
}

}  // namespace citydata::sandbox
