// Who is making a request, as established by authentication.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/sensitivity.h"

namespace citydata::security {

// The five roles of PRODUCT.md C10. A user has exactly one.
enum class Role { kAdmin, kSteward, kProvider, kConsumer, kAuditor };

// "admin", "steward", "provider", "consumer", "auditor".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  std::string user_id;
  std::string name;
  std::string dept;  // the user's department code; "" for platform-wide users
  Role role = Role::kConsumer;
  Level clearance = Level::kGeneral1;  // the highest level the user sees unmasked
  std::string token_id;                // the credential used
  // Set when the caller is an app acting for the user: apps only read (see policy.h).
  std::string app_id;
  std::string app_name;
};

}  // namespace citydata::security
