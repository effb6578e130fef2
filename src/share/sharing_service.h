// Requests, approvals and grants (共享申请 / 审批 / 授权, PRODUCT.md C11): how a
// consumer gets data of a catalog resource.
//
// A consumer requests a published resource for a purpose, some of its information
// items, a period and a delivery mode ("api", "file" or "sandbox"). What happens next
// is the resource's sharing attribute:
//   unconditional  granted at once, as requested;
//   conditional    pending until an approver of the provider department (a provider
//                  of that department, or an admin) approves it — possibly with fewer
//                  items, a shorter period or a smaller privacy budget — or rejects it
//                  with a reason. A pending request is overdue after its deadline:
//                  kEmergencyDeadline when marked emergency, kDeadline otherwise;
//   none           refused with the legal basis the resource states; nothing is stored.
// An approval creates a security grant (storage::GrantRecord) naming the consumer,
// the resource, the request, the items, the purpose, the expiry and the delivery mode;
// every read path checks that grant, so revoking it or its expiry stops all of them.
//
// Who sees what: a consumer its own requests and grants; a provider also its
// department's (the approval inbox, and who uses its data for what); an admin all.
// Requests and grants others may not see are NotFound, so their existence is not
// revealed.
//
// Thread safety: safe to use from many threads; two decisions on one request cannot
// both succeed (the store updates a request only from the state it was read in).
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access/access_service.h"
#include "core/status.h"
#include "core/types.h"
#include "security/identity_service.h"
#include "security/policy.h"
#include "share/resource_catalog_service.h"
#include "storage/engine.h"
#include "storage/identity_store.h"
#include "storage/share_store.h"

namespace citydata::share {

// How long approvers have: ten working days for an ordinary request (the State
// Council's rule for conditional sharing), one hour for an emergency.
inline constexpr std::chrono::hours kDeadline{14 * 24};
inline constexpr std::chrono::hours kEmergencyDeadline{1};
// The longest period a request may ask for.
inline constexpr int64_t kMaxDays = 366;
// The longest purpose, note or reason, in bytes (about 650 Chinese characters).
inline constexpr size_t kMaxText = 2000;

struct RequestInput {
  std::string resource;             // id or code of a published resource
  std::string purpose;              // required
  std::vector<std::string> fields;  // information items; empty: every item
  int64_t days = 90;                // the period asked for, 1..kMaxDays
  std::string delivery_mode = "api";
  bool emergency = false;
  double privacy_budget = 0;  // epsilon, for the sandbox only
};

// An approver's terms; empty or zero fields keep what was requested. They may only
// narrow the request.
struct ApproveInput {
  std::vector<std::string> fields;
  int64_t days = 0;
  std::optional<double> privacy_budget;
  std::string note;
};

struct ShareRequest {
  std::string id;  // "req_..."
  std::string resource_id;
  std::string resource_code;
  std::string resource_name;
  DatasetName dataset;
  std::string dept;  // the provider department
  std::string consumer_id;
  std::string consumer;  // user name
  std::string consumer_dept;
  std::string purpose;
  std::vector<std::string> fields;
  int64_t days = 0;
  std::string delivery_mode;
  bool emergency = false;
  double privacy_budget = 0;
  std::string state;  // "pending", "approved", "rejected"
  std::string created_at;
  std::string deadline;
  std::string decided_at;
  std::string decided_by;  // user name; "" when granted at once
  std::string reason;      // the rejection's reason or the approval's note
  bool automatic = false;  // granted at once (an unconditional resource)
  std::vector<std::string> granted_fields;
  int64_t granted_days = 0;
  std::string grant_id;
  std::string grant_expires_at;

  bool Overdue(const std::string& now) const { return state == "pending" && now > deadline; }
};

// The request as JSON (its fields, and "overdue" as of `now`) and back.
nlohmann::json ToJson(const ShareRequest& request, const std::string& now);
Result<ShareRequest> RequestFromJson(const nlohmann::json& doc);

struct RequestQuery {
  // "mine": the caller's requests; "inbox": those the caller may decide (its
  // department's, every one for an admin); "all": both (an admin: every request).
  std::string box = "mine";
  std::string state;  // "" any
  bool overdue_only = false;
  int64_t limit = 50;
  int64_t offset = 0;
};

struct RequestPage {
  std::vector<ShareRequest> items;
  int64_t total = 0;
};

// A grant of the sharing workflow with the resource it is for.
struct SharedGrant {
  storage::GrantRecord grant;
  std::string consumer;  // user name
  std::string resource_code;
  std::string resource_name;
  std::string dept;  // the provider department
};

// What a file grant delivers: its fields of the dataset, as the holder sees them.
struct Delivery {
  SharedGrant grant;
  std::vector<std::string> columns;
  std::unique_ptr<storage::RowCursor> rows;
};

// The limits of one file delivery: a whole dataset may take long and be large.
inline constexpr storage::QueryLimits kDeliveryLimits{std::chrono::minutes(10), 10000000};

class SharingService {
 public:
  SharingService(storage::ShareStore& store, ResourceCatalogService& resources,
                 security::IdentityService& identity, storage::IdentityStore& identities,
                 const security::Policy& policy, access::AccessService& access,
                 storage::Engine& engine)
      : store_(store), resources_(resources), identity_(identity), identities_(identities),
        policy_(policy), access_(access), engine_(engine) {}

  // Files a request (see the header comment for what follows). NotFound for an
  // unknown or unpublished resource or item; PermissionDenied for a resource that is
  // not shared (the message states the basis); InvalidArgument for a bad field.
  Result<ShareRequest> Request(const security::Principal& who, const RequestInput& input);
  // Decides a pending request. PermissionDenied when `who` is not an approver of the
  // provider department; FailedPrecondition when it was already decided;
  // InvalidArgument when the terms widen the request or the reason is missing.
  Result<ShareRequest> Approve(const security::Principal& who, const std::string& id,
                               const ApproveInput& input);
  Result<ShareRequest> Reject(const security::Principal& who, const std::string& id,
                              const std::string& reason);

  Result<ShareRequest> Get(const security::Principal& who, const std::string& id);
  Result<RequestPage> List(const security::Principal& who, const RequestQuery& query);

  // Grants of the sharing workflow `who` may see: "mine" (held by `who`) or "provided"
  // (on its department's resources; every one for an admin), including expired and
  // revoked ones, newest first.
  Result<std::vector<SharedGrant>> Grants(const security::Principal& who, const std::string& box);
  // Revokes a sharing grant: its holder, an approver of the provider department or an
  // admin may. NotFound for a grant `who` may not see.
  Result<SharedGrant> Revoke(const security::Principal& who, const std::string& grant_id);
  // A sharing grant `who` holds and that is in force, for delivering its data.
  // NotFound when `who` holds no such grant; PermissionDenied when it is expired or
  // revoked.
  Result<SharedGrant> HeldGrant(const security::Principal& who, const std::string& grant_id);
  // Starts the file delivery of a grant `who` holds (HeldGrant's errors), masked for
  // `who` inside the engine. PermissionDenied for a grant of another delivery mode.
  Result<Delivery> Deliver(const security::Principal& who, const std::string& grant_id);

 private:
  Result<ShareRequest> Load(const std::string& id);
  bool MayDecide(const security::Principal& who, const ShareRequest& request) const;
  Status Save(const ShareRequest& request, const std::string& expected_state);
  Result<ShareRequest> GrantFor(const security::Principal& by, ShareRequest request,
                                std::vector<std::string> fields, int64_t days, double budget);
  Result<SharedGrant> Describe(storage::GrantRecord grant);

  storage::ShareStore& store_;
  ResourceCatalogService& resources_;
  security::IdentityService& identity_;
  storage::IdentityStore& identities_;
  const security::Policy& policy_;
  access::AccessService& access_;
  storage::Engine& engine_;
};

}  // namespace citydata::share
