#include "core/sensitivity.h"

#include <gtest/gtest.h>

namespace citydata {
namespace {

TEST(Level, NamesRoundTripAndOrderBySensitivity) {
  for (Level level : kAllLevels) {
    auto parsed = ParseLevel(LevelName(level));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, level);
  }
  EXPECT_LT(Level::kGeneral1, Level::kGeneral4);
  EXPECT_LT(Level::kGeneral4, Level::kImportant);
  EXPECT_LT(Level::kImportant, Level::kCore);
}

TEST(Level, RejectsUnknownNames) {
  auto bad = ParseLevel("general-5");
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("general-4"), std::string::npos);
  EXPECT_FALSE(ParseLevel("").ok());
  EXPECT_FALSE(ParseLevel("Core").ok());
}

}  // namespace
}  // namespace citydata
