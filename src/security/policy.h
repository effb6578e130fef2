// The one component that decides what a principal may do. Deny by default: an action
// is allowed only by a rule below, and every rule is stated in one place so that
// later features (sharing grants, apps) extend it rather than scatter checks.
//
//   action              admin  steward  provider        consumer  auditor
//   read_catalog          y      y        y               y         y
//   read_data             y      y      own dept/grant   grant      -
//   write_data            y      y      own dept          -         -
//   edit_metadata         y      y      own dept          -         -
//   run_quality           y      y      own dept          -         -
//   govern                y      y        -               -         -
//   manage_departments    y      -        -               -         -
//   manage_users          y      -        -               -         -
//   manage_grants         y      -        -               -         -
//   read_audit            y      -        -               -         y
//   detokenize            y      -        -               -         -
//   manage_keys           y      -        -               -         -
//   sandbox_query         y      y        y               y         -
//   request_data          y      y        y               y         -
//   approve_requests      y      -      own dept          -         -
//
// sandbox_query runs aggregate-only SQL under a sandbox grant (see sandbox/); the
// sandbox itself checks that the caller holds one.
//
// Every authenticated principal may see who it is and manage its own tokens and apps.
// An app acts for its user with the user's rights, but only to read: the catalog and,
// where the user may, data. What a
// permitted reader sees of a column (unmasked or masked) is decided separately, by
// clearance against the column's level (see access/).
//
// Thread safety: safe to use from many threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "security/principal.h"
#include "storage/identity_store.h"

namespace citydata::security {

enum class Action {
  kSession,
  kManageOwnTokens,
  kManageOwnApps,
  kReadCatalog,
  kReadData,
  kWriteData,
  kEditMetadata,
  kRunQuality,
  kGovern,
  kManageDepartments,
  kManageUsers,
  kManageGrants,
  kReadAudit,
  kDetokenize,
  kManageKeys,
  kSandboxQuery,
  kRequestData,
  kApproveRequests,
};

// "session", "manage_own_tokens", "read_catalog", ... as in the table above.
std::string_view ActionName(Action action);

// The dataset an action targets, as the policy needs to know it.
struct DatasetRef {
  DatasetName name;
  std::string dept;  // owner department code
};

struct Decision {
  bool allowed = false;
  std::string reason;  // why it was denied, phrased for the user; "" when allowed
  // A read allowed only by grants: the columns they cover (empty: every column, as for
  // owners and platform-wide roles).
  std::vector<std::string> columns;
};

// The grant in force that lets a principal read a dataset; nullopt when none does.
// Columns empty: every column.
struct GrantScope {
  std::vector<std::string> columns;
  std::string grant_id;
};

class Policy {
 public:
  explicit Policy(storage::IdentityStore& store) : store_(store) {}

  // Decides a dataset-independent action, or a dataset action for `dataset`.
  // REQUIRES: dataset actions (read_data ... run_quality) pass a dataset.
  Result<Decision> Decide(const Principal& who, Action action,
                          const DatasetRef* dataset = nullptr) const;

  // Whether the role may perform the action on some dataset at all (used to refuse
  // a request before looking the dataset up, and by the route table).
  static bool RoleMayEver(Role role, Action action);
  // RoleMayEver for the principal's role, and for an app only the read actions.
  static bool MayEver(const Principal& who, Action action);

  // The grants in force that let `who` read `dataset`, merged: api grants only (a file
  // grant is delivered as files, a sandbox grant admits aggregate queries only), and
  // expired and revoked grants are not in force.
  Result<std::optional<GrantScope>> GrantFor(const Principal& who, const DatasetName& dataset) const;

  // Every grant in force for `who`, by dataset.
  Result<std::vector<storage::GrantRecord>> GrantsInForce(const Principal& who) const;

 private:
  storage::IdentityStore& store_;
};

// The same as Decision, as a Status: OK or PermissionDenied with the reason.
Status ToStatus(const Decision& decision);

}  // namespace citydata::security
