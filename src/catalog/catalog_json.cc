#include "catalog/catalog_json.h"

namespace citydata::catalog {

using nlohmann::json;

json ToJson(const storage::Department& d) {
  return {{"code", d.code}, {"name", d.name}, {"created_at", d.created_at}};
}

json ToJson(const storage::DatasetMeta& m, bool with_profiles) {
  json columns = json::array();
  for (const auto& c : m.columns) {
    json col = {{"name", c.name}, {"type", ColumnTypeName(c.type)}};
    if (with_profiles && !c.profile_json.empty()) {
      json profile = json::parse(c.profile_json, nullptr, false);
      if (profile.is_object()) {
        profile.erase("name");
        profile.erase("type");
        col.update(profile);
      }
    }
    columns.push_back(std::move(col));
  }
  return {{"name", m.name.ToString()},  {"zone", ZoneName(m.name.zone)},
          {"table", m.name.name},       {"title", m.title},
          {"description", m.description}, {"dept", m.dept_code},
          {"tags", m.tags},             {"update_cycle", m.update_cycle},
          {"created_at", m.created_at}, {"updated_at", m.updated_at},
          {"row_count", m.row_count},   {"bytes", m.bytes},
          {"version", m.version},       {"columns", std::move(columns)}};
}

json ToJson(const storage::JobRecord& j) {
  json out = {{"id", j.id},
              {"kind", j.kind},
              {"dataset", j.dataset.ToString()},
              {"state", storage::JobStateName(j.state)},
              {"started_at", j.started_at},
              {"finished_at", j.finished_at}};
  if (!j.error.empty()) out["error"] = j.error;
  json details = json::parse(j.details_json, nullptr, false);
  if (details.is_object()) out["result"] = std::move(details);
  return out;
}

json ToJson(const storage::RejectRecord& r) {
  return {{"job_id", r.job_id}, {"line", r.line}, {"reason", r.reason}, {"raw", r.raw}};
}

json ToJson(const storage::CatalogOverview& o) {
  auto groups = [](const std::vector<storage::GroupCount>& in, const char* key) {
    json out = json::array();
    for (const auto& g : in) {
      out.push_back({{key, g.key}, {"name", g.label}, {"datasets", g.datasets}, {"rows", g.rows}});
    }
    return out;
  };
  json days = json::array();
  for (const auto& d : o.ingests_by_day) {
    days.push_back({{"day", d.day},
                    {"jobs", d.jobs},
                    {"rows_loaded", d.rows_loaded},
                    {"rows_rejected", d.rows_rejected}});
  }
  return {{"totals",
           {{"departments", o.departments},
            {"datasets", o.datasets},
            {"rows", o.rows},
            {"rejected_rows", o.rejected_rows},
            {"jobs", o.jobs}}},
          {"by_dept", groups(o.by_dept, "dept")},
          {"by_zone", groups(o.by_zone, "zone")},
          {"ingests_by_day", days}};
}

json ValueToJson(const Value& v) {
  struct Visitor {
    json operator()(std::monostate) const { return nullptr; }
    json operator()(bool b) const { return b; }
    json operator()(int64_t i) const { return i; }
    json operator()(double d) const { return d; }
    json operator()(const std::string& s) const { return s; }
  };
  return std::visit(Visitor{}, v);
}

}  // namespace citydata::catalog
