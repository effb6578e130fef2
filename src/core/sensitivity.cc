#include "core/sensitivity.h"

#include <array>
#include <string>

namespace citydata {
namespace {

constexpr std::array<std::string_view, 6> kLevelNames = {"general-1", "general-2", "general-3",
                                                         "general-4", "important", "core"};

}  // namespace

std::string_view LevelName(Level level) { return kLevelNames[static_cast<size_t>(level)]; }

Result<Level> ParseLevel(std::string_view name) {
  for (size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<Level>(i);
  }
  return InvalidArgument("unknown data level '" + std::string(name) +
                         "': use general-1, general-2, general-3, general-4, important or core");
}

}  // namespace citydata
