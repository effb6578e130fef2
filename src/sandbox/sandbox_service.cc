#include "sandbox/sandbox_service.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sandbox/checker.h"
#include "sandbox/release.h"

namespace citydata::sandbox {

struct SandboxService::Trace {
  std::string target = "sandbox";
  std::string grant_id;
  std::string purpose;
  double epsilon_spent = 0;
  int64_t rows = -1;
  int64_t suppressed = 0;
};

namespace {

// The helper column that carries each group's source-row count; it is the first
// column of what the engine returns and never leaves the sandbox.
constexpr std::string_view kRowCountColumn = "count(*) AS _sandbox_rows, ";

std::string Number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

std::string QuoteName(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The dataset as the grant shows it to `who`: sensitive columns are those graded
// general-3 or above and those `who` sees masked.
TableInfo TableOf(const access::DatasetAccess& access) {
  TableInfo table;
  table.dataset = access.meta.name;
  for (const auto& c : access.columns) {
    bool sensitive = c.level >= Level::kGeneral3 || c.op.kind != masking::OperatorKind::kKeep;
    table.columns.push_back({c.name, sensitive});
  }
  return table;
}

// What a noisy query may not do, and its inputs: epsilon and clip well-formed, the
// grant's budget rule kept. On a grant with a budget every query pays epsilon, so the
// budget bounds what all its answers together reveal.
Status CheckPrivacyTerms(const SandboxRequest& request, const storage::GrantRecord& grant) {
  if (request.epsilon && !(std::isfinite(*request.epsilon) && *request.epsilon > 0)) {
    return InvalidArgument("epsilon must be a number greater than 0");
  }
  if (grant.privacy_budget > 0 && !request.epsilon) {
    return InvalidArgument("grant " + grant.id + " has a privacy budget: every query must carry "
                           "epsilon > 0 (e.g. 0.1), which is spent from it");
  }
  if (grant.privacy_budget <= 0 && request.epsilon) {
    return InvalidArgument("grant " + grant.id + " has no privacy budget: its answers are exact "
                           "and carry no noise; omit epsilon");
  }
  if (request.clip) {
    auto [lo, hi] = *request.clip;
    if (!request.epsilon) return InvalidArgument("clip applies to noisy sums only: pass epsilon");
    if (!std::isfinite(lo) || !std::isfinite(hi) || lo >= hi) {
      return InvalidArgument("clip must be [lo, hi] with finite lo < hi");
    }
  }
  return Status::Ok();
}

// Refuses what a noisy answer cannot cover: filtering or ranking groups on exact
// aggregates (the choice of groups would reveal them), averages, unclipped sums.
Status CheckNoisyQuery(const CheckedQuery& query, const SandboxRequest& request) {
  if (query.has_having) {
    return InvalidArgument("HAVING is not accepted with epsilon: it filters groups on exact "
                           "aggregates; filter rows with WHERE instead");
  }
  if (query.orders_by_aggregate) {
    return InvalidArgument("ORDER BY an aggregate is not accepted with epsilon: it ranks groups "
                           "on exact values; order by GROUP BY expressions");
  }
  for (const auto& o : query.outputs) {
    if (o.aggregate == AggregateKind::kAvg) {
      return InvalidArgument("avg() cannot carry noise: ask for sum() and count() instead");
    }
    bool sum = o.aggregate == AggregateKind::kSum || o.aggregate == AggregateKind::kTotal;
    if (sum && !request.clip) {
      return InvalidArgument("a noisy " + std::string(AggregateName(*o.aggregate)) +
                             "() needs bounds: pass clip [lo, hi]; each value is clipped to "
                             "them so one row changes the sum by at most max(|lo|, |hi|)");
    }
  }
  return Status::Ok();
}

// The text the engine runs: the user's statement with each sum/total argument clipped
// (when asked) and the row-count helper column in front of the select list. Edits go
// from the end so earlier offsets stay valid.
std::string ExecutedSql(const CheckedQuery& query, const SandboxRequest& request) {
  std::string sql = query.sql;
  if (request.clip) {
    for (auto it = query.outputs.rbegin(); it != query.outputs.rend(); ++it) {
      bool sum = it->aggregate == AggregateKind::kSum || it->aggregate == AggregateKind::kTotal;
      if (!sum) continue;
      std::string call = std::string(AggregateName(*it->aggregate)) + "(max(" +
                         Number(request.clip->first) + ", min(" + Number(request.clip->second) +
                         ", " + QuoteName(it->argument) + ")))";
      sql.replace(it->call_begin, it->call_end - it->call_begin, call);
    }
  }
  sql.insert(query.first_target, kRowCountColumn);
  return sql;
}

}  // namespace

SandboxService::SandboxService(security::Policy& policy, access::AccessService& access,
                               storage::Engine& engine, storage::IdentityStore& identities,
                               audit::AuditLog& audit, SandboxConfig config)
    : policy_(policy),
      access_(access),
      engine_(engine),
      identities_(identities),
      audit_(audit),
      config_(config) {}

Result<SandboxResult> SandboxService::Query(const security::Principal& who,
                                            const SandboxRequest& request) {
  Trace trace;
  auto result = Run(who, request, trace);
  Record(who, request, trace, result.status());
  return result;
}

Result<SandboxResult> SandboxService::Run(const security::Principal& who,
                                          const SandboxRequest& request, Trace& trace) {
  if (!security::Policy::MayEver(who, security::Action::kSandboxQuery)) {
    return PermissionDenied("the sandbox is for users with a sandbox grant; apps and auditors "
                            "may not use it");
  }
  ASSIGN_OR_RETURN(ParsedQuery parsed, ParsedQuery::Parse(request.sql));
  trace.target = parsed.dataset().ToString();
  ASSIGN_OR_RETURN(storage::GrantRecord grant, GrantFor(who, parsed.dataset(), request.grant_id));
  trace.grant_id = grant.id;
  trace.purpose = grant.purpose;
  RETURN_IF_ERROR(CheckPrivacyTerms(request, grant));
  ASSIGN_OR_RETURN(auto access, access_.ResolveWithColumns(who, parsed.dataset(), grant.columns));
  ASSIGN_OR_RETURN(CheckedQuery query, Check(parsed, TableOf(access)));
  double epsilon = request.epsilon.value_or(0);
  SandboxResult result;
  result.grant_id = grant.id;
  result.k = config_.k;
  result.budget_remaining = std::max(0.0, grant.privacy_budget - grant.budget_spent);
  if (epsilon > 0) {
    RETURN_IF_ERROR(CheckNoisyQuery(query, request));
    // Paid before the query runs, so neither its answer nor its failure is free.
    auto spent = identities_.SpendBudget(grant.id, epsilon);
    if (!spent.ok() && spent.status().code() == ErrorCode::kResourceExhausted) {
      return PermissionDenied("the privacy budget of grant " + grant.id + " is exhausted: " +
                              Number(result.budget_remaining) + " of " +
                              Number(grant.privacy_budget) + " left, this query asks " +
                              Number(epsilon) + "; ask the provider for a new grant");
    }
    RETURN_IF_ERROR(spent.status());
    trace.epsilon_spent = epsilon;
    result.epsilon_spent = epsilon;
    result.budget_remaining = std::max(0.0, grant.privacy_budget - *spent);
  }

  storage::ReadScope scope = access_.ScopeForDataset(who, parsed.dataset(), grant.columns);
  storage::QueryLimits limits{config_.timeout, config_.max_groups};
  ASSIGN_OR_RETURN(auto cursor, engine_.Query(ExecutedSql(query, request), limits, &scope));
  const auto& names = cursor->column_names();
  if (names.size() != query.outputs.size() + 1) {
    return Internal("the sandbox query returned " + std::to_string(names.size()) +
                    " columns where " + std::to_string(query.outputs.size() + 1) +
                    " were checked; it was not answered");
  }
  std::vector<std::vector<Value>> rows;
  std::vector<Value> row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, cursor->Next(row));
    if (!more) break;
    rows.push_back(row);
  }
  result.truncated = cursor->truncated();
  ReleaseOptions options{config_.k, epsilon, 0};
  if (request.clip) {
    options.sum_sensitivity = std::max(std::fabs(request.clip->first),
                                       std::fabs(request.clip->second));
  }
  ASSIGN_OR_RETURN(Released released, ReleaseRows(std::move(rows), query.outputs, options));
  result.columns.assign(names.begin() + 1, names.end());
  result.rows = std::move(released.rows);
  result.suppressed_groups = released.suppressed_groups;
  result.disclose_counts = !(epsilon > 0);
  trace.rows = static_cast<int64_t>(result.rows.size());
  trace.suppressed = result.suppressed_groups;
  return result;
}

Result<storage::GrantRecord> SandboxService::GrantFor(const security::Principal& who,
                                                      const DatasetName& dataset,
                                                      const std::string& grant_id) {
  ASSIGN_OR_RETURN(auto grants, Grants(who));
  std::vector<storage::GrantRecord> covering;
  for (auto& g : grants) {
    if (g.dataset == dataset && (grant_id.empty() || g.id == grant_id)) {
      covering.push_back(std::move(g));
    }
  }
  if (covering.empty()) {
    return PermissionDenied(
        (grant_id.empty() ? "no sandbox grant of yours in force covers "
                          : "grant " + grant_id + " is not a sandbox grant of yours in force on ") +
        dataset.ToString() + ": request the resource with delivery mode 'sandbox'");
  }
  if (covering.size() > 1) {
    std::string ids;
    for (const auto& g : covering) ids += (ids.empty() ? "" : ", ") + g.id;
    return InvalidArgument("several sandbox grants cover " + dataset.ToString() + " (" + ids +
                           "): pass grant_id to choose the one whose budget pays");
  }
  return covering.front();
}

Result<std::vector<storage::GrantRecord>> SandboxService::Grants(const security::Principal& who) {
  ASSIGN_OR_RETURN(auto grants, policy_.GrantsInForce(who));
  std::erase_if(grants, [](const storage::GrantRecord& g) { return g.delivery_mode != "sandbox"; });
  return grants;
}

void SandboxService::Record(const security::Principal& who, const SandboxRequest& request,
                            const Trace& trace, const Status& status) {
  audit::AuditEvent event;
  event.actor = who.name;
  event.actor_kind = audit::ActorKind::kUser;
  event.dept = who.dept;
  event.action = "sandbox.query";
  event.target = trace.target;
  event.rows = trace.rows;
  event.purpose = trace.purpose;
  event.client = request.client;
  event.outcome = status.ok() ? audit::Outcome::kAllowed
                  : status.code() == ErrorCode::kPermissionDenied ? audit::Outcome::kDenied
                                                                  : audit::Outcome::kError;
  event.detail = "grant " + (trace.grant_id.empty() ? "-" : trace.grant_id) + "; epsilon " +
                 Number(trace.epsilon_spent) + "; suppressed groups " +
                 std::to_string(trace.suppressed) + "; sql: " + request.sql.substr(0, 2000);
  if (!status.ok()) event.detail += "; refused: " + status.message();
  // Record fails only for an empty action, which is set above.
  (void)audit_.Record(std::move(event));
}

}  // namespace citydata::sandbox
