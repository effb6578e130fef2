// The privacy-preserving sandbox (数据可用不可见): consumers holding a sandbox grant
// run SQL over the granted dataset and get aggregates only.
//
// A query is answered when (see README.md for what this does and does not protect):
// - it passes the checker (checker.h): one SELECT over the granted dataset whose every
//   output is count/sum/avg/total of a plain column or a GROUP BY expression, and no
//   sensitive column (general-3 or above, or masked for the consumer) is grouped by
//   or output;
// - it runs under a scope in which only the granted dataset and columns exist, masked
//   by the consumer's clearance, with the group's row count added to the select list;
//   groups of fewer than k rows are suppressed and counted;
// - on a grant with a privacy budget (epsilon > 0) every query carries its own epsilon,
//   which is spent from the grant before it runs, and gets Laplace noise (release.h);
//   on a grant without one, queries carry none and answers are exact.
// Every query is audited, refused ones included ("sandbox.query": grant, SQL, outcome,
// rows returned, suppressed groups, epsilon spent).
//
// Thread safety: safe to use from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/access_service.h"
#include "audit/audit_log.h"
#include "core/status.h"
#include "security/policy.h"
#include "storage/engine.h"
#include "storage/identity_store.h"

namespace citydata::sandbox {

struct SandboxConfig {
  int64_t k = 10;           // minimum source rows per released group
  int64_t max_groups = 10000;  // groups read per query; more are cut (truncated)
  std::chrono::milliseconds timeout{30000};
};

struct SandboxRequest {
  std::string sql;
  std::string grant_id;           // "" when one sandbox grant covers the dataset
  std::optional<double> epsilon;  // required on a grant with a budget, refused on others
  // Bounds every sum() and total() argument is clipped to; required for noisy sums.
  std::optional<std::pair<double, double>> clip;
  std::string client;  // the caller's address, for the audit trail
};

struct SandboxResult {
  std::string grant_id;
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  int64_t suppressed_groups = 0;
  int64_t k = 0;
  double epsilon_spent = 0;
  double budget_remaining = 0;
  bool truncated = false;  // more than max_groups groups: the rest were not read
  // Whether suppressed_groups and truncated may be shown. They are exact counts of the
  // data, so a noisy query keeps them for the audit trail only: shown, they would say
  // whether a WHERE that singles out one person matched (a yes/no answer no noise
  // covers).
  bool disclose_counts = true;
};

class SandboxService {
 public:
  SandboxService(security::Policy& policy, access::AccessService& access,
                 storage::Engine& engine, storage::IdentityStore& identities,
                 audit::AuditLog& audit, SandboxConfig config);

  // Answers one query (see the file comment). InvalidArgument for a query or request
  // the sandbox does not accept, PermissionDenied when no sandbox grant of `who`
  // covers the dataset, for a column outside the grant or too sensitive to output,
  // and when the grant's privacy budget cannot pay the query's epsilon (nothing is
  // spent then).
  Result<SandboxResult> Query(const security::Principal& who, const SandboxRequest& request);

  // `who`'s sandbox grants in force.
  Result<std::vector<storage::GrantRecord>> Grants(const security::Principal& who);

  int64_t k() const { return config_.k; }

 private:
  struct Trace;  // what the audit record of one query says

  Result<SandboxResult> Run(const security::Principal& who, const SandboxRequest& request,
                            Trace& trace);
  Result<storage::GrantRecord> GrantFor(const security::Principal& who, const DatasetName& dataset,
                                        const std::string& grant_id);
  void Record(const security::Principal& who, const SandboxRequest& request, const Trace& trace,
              const Status& status);

  security::Policy& policy_;
  access::AccessService& access_;
  storage::Engine& engine_;
  storage::IdentityStore& identities_;
  audit::AuditLog& audit_;
  const SandboxConfig config_;
};

}  // namespace citydata::sandbox
