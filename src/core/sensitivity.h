// Data grades (GB/T 43697-2024): core, important and general data, general data
// split into levels 4 (most sensitive) to 1. Shared by classification, which assigns
// a level to each column, and masking, which compares it with a reader's clearance.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace citydata {

// Ordered from least to most sensitive, so the built-in comparisons compare
// sensitivity: kGeneral1 < kGeneral2 < kGeneral3 < kGeneral4 < kImportant < kCore.
enum class Level : uint8_t { kGeneral1, kGeneral2, kGeneral3, kGeneral4, kImportant, kCore };

inline constexpr Level kAllLevels[] = {Level::kGeneral1, Level::kGeneral2,  Level::kGeneral3,
                                       Level::kGeneral4, Level::kImportant, Level::kCore};

// "general-1" .. "general-4", "important", "core".
std::string_view LevelName(Level level);
// The inverse of LevelName; InvalidArgument naming the valid spellings otherwise.
Result<Level> ParseLevel(std::string_view name);

}  // namespace citydata
