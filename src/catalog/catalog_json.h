// JSON renderings of catalog records, shared by the HTTP API and the CLI.
#pragma once

#include <nlohmann/json.hpp>

#include "storage/meta_store.h"

namespace citydata::catalog {

nlohmann::json ToJson(const storage::Department& d);
// With `with_profiles`, each column carries its full profile; otherwise name and type.
nlohmann::json ToJson(const storage::DatasetMeta& m, bool with_profiles);
nlohmann::json ToJson(const storage::JobRecord& j);
nlohmann::json ToJson(const storage::RejectRecord& r);
nlohmann::json ToJson(const storage::CatalogOverview& o);
nlohmann::json ValueToJson(const Value& v);

}  // namespace citydata::catalog
