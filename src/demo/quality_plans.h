// The quality plans the demo applies to its departments' data: the checks a city's data
// steward would start with, written against the generator's column names, so that the
// seeded defects show up as real failing rows and scores.
#pragma once

#include <string>
#include <vector>

namespace citydata::demo {

struct DemoPlan {
  std::string dataset;  // e.g. "raw.household_registry"
  std::string yaml;     // the plan, as `citydata quality apply` takes it
};

std::vector<DemoPlan> DemoQualityPlans();

}  // namespace citydata::demo
