#include "masking/generalize.h"

#include <gtest/gtest.h>

namespace citydata::masking {
namespace {

TEST(Generalize, DivisionCodeToCityAndProvince) {
  EXPECT_EQ(GeneralizeDivision("330106", 4), "330100");
  EXPECT_EQ(GeneralizeDivision("330106", 2), "330000");
  EXPECT_EQ(GeneralizeDivision("330106001001", 4), "330100000000");
  EXPECT_EQ(GeneralizeDivision("33010", 4), std::nullopt);
  EXPECT_EQ(GeneralizeDivision("33010X", 4), std::nullopt);
  EXPECT_EQ(GeneralizeDivision("", 2), std::nullopt);
}

TEST(Generalize, DateToYear) {
  for (std::string_view date : {"1990-05-17", "1990/5/17", "1990年5月17日", "19900517",
                                "1990-05-17T08:00:00+08:00", "1990"}) {
    EXPECT_EQ(GeneralizeYear(date), "1990") << date;
  }
  for (std::string_view bad : {"", "199", "90-05-17", "199005", "19901317", "May 1990"}) {
    EXPECT_EQ(GeneralizeYear(bad), std::nullopt) << bad;
  }
}

TEST(Generalize, AgeToBand) {
  EXPECT_EQ(GeneralizeAgeBand("35"), "30-39");
  EXPECT_EQ(GeneralizeAgeBand("0"), "0-9");
  EXPECT_EQ(GeneralizeAgeBand("7.5"), "0-9");
  EXPECT_EQ(GeneralizeAgeBand("42岁"), "40-49");
  EXPECT_EQ(GeneralizeAgeBand("103"), "100+");
  for (std::string_view bad : {"", "-1", "151", "1000", "abc", "3.", "35 岁", "岁"}) {
    EXPECT_EQ(GeneralizeAgeBand(bad), std::nullopt) << bad;
  }
}

TEST(Generalize, RoundsCoordinates) {
  EXPECT_EQ(RoundNumbers("120.15512,30.27431", 2), "120.16,30.27");
  EXPECT_EQ(RoundNumbers("POINT(120.156 30.274)", 2), "POINT(120.16 30.27)");
  EXPECT_EQ(RoundNumbers("-73.98765", 2), "-73.99");
  EXPECT_EQ(RoundNumbers("120.155", 2), "120.16");  // half up in decimal
  EXPECT_EQ(RoundNumbers("99.996", 2), "100.00");
  EXPECT_EQ(RoundNumbers("9.5", 0), "10");
  EXPECT_EQ(RoundNumbers("120.1", 2), "120.1");
  EXPECT_EQ(RoundNumbers("120", 2), "120");
  EXPECT_EQ(RoundNumbers("unknown", 2), std::nullopt);
  EXPECT_EQ(RoundNumbers("", 2), std::nullopt);
  EXPECT_EQ(RoundNumbers("1.", 2), "1.");
}

}  // namespace
}  // namespace citydata::masking
