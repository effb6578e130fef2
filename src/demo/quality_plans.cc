#include "demo/quality_plans.h"

namespace citydata::demo {

std::vector<DemoPlan> DemoQualityPlans() {
  return {
      {"raw.household_registry", R"yaml(dataset: raw.household_registry
key: 身份证号
schedule: "0 2 * * *"
rules:
  - {id: id_valid, column: 身份证号, type: id_card, mostly: 0.95}
  - {id: id_present, column: 身份证号, type: not_empty}
  - {id: id_unique, columns: [身份证号], type: unique}
  - {id: name_present, column: 姓名, type: not_null}
  - {id: sex_coded, column: 性别, type: in_set, values: [男, 女]}
  - {id: birth_date_valid, column: 出生日期, type: date_valid}
  - {id: birth_matches_id, type: expression, expr: "出生日期 = id_birth_date(身份证号)", severity: warning}
  - {id: phone_valid, column: 联系电话, type: mobile, severity: warning, mostly: 0.95}
  - {id: enough_rows, type: row_count, min: 100}
)yaml"},
      {"raw.marriage_registrations", R"yaml(dataset: raw.marriage_registrations
key: djzh
rules:
  - {id: husband_id_valid, column: nfsfzh, type: id_card}
  - {id: wife_id_valid, column: nvfsfzh, type: id_card}
  - {id: certificate_unique, columns: [djzh], type: unique}
  - {id: date_valid, column: djrq, type: date_valid}
  - {id: husband_is_male, type: expression, expr: "id_sex(nfsfzh) = '1'", severity: warning}
  - {id: wife_is_female, type: expression, expr: "id_sex(nvfsfzh) = '2'", severity: warning}
)yaml"},
      {"raw.enterprise_registry", R"yaml(dataset: raw.enterprise_registry
key: credit_code
rules:
  - {id: credit_code_valid, column: credit_code, type: uscc}
  - {id: credit_code_unique, columns: [credit_code], type: unique}
  - {id: legal_rep_id_valid, column: legal_rep_id_number, type: id_card, severity: warning}
  - {id: name_present, column: enterprise_name, type: not_empty}
  - {id: capital_positive, column: registered_capital, type: range, min: 0}
  - {id: established_valid, column: established_date, type: date_valid}
)yaml"},
      {"raw.social_insurance_enrolments", R"yaml(dataset: raw.social_insurance_enrolments
key: sfzh
rules:
  - {id: id_valid, column: sfzh, type: id_card, mostly: 0.95}
  - {id: employer_code_valid, column: dwtyshxydm, type: uscc, severity: warning}
  - {id: enrolled_date_valid, column: cbrq, type: date_valid}
  - {id: base_in_range, column: jfjs, type: range, min: 0, max: 100000}
  - {id: no_duplicate_rows, type: duplicate_rows}
  - {id: known_person, column: sfzh, type: reference, ref: raw.household_registry.身份证号, severity: warning}
)yaml"},
      {"raw.air_quality_hourly", R"yaml(dataset: raw.air_quality_hourly
rules:
  - {id: pm25_range, column: pm25, type: range, min: 0, max: 1000}
  - {id: aqi_present, column: aqi, type: not_null, mostly: 0.95}
  - {id: station_coordinates, type: expression, expr: "lon > 118 and lon < 121 and lat > 29 and lat < 31"}
)yaml"},
  };
}

}  // namespace citydata::demo
