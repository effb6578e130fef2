#include "masking/operator.h"

#include <gtest/gtest.h>

namespace citydata::masking {
namespace {

TEST(Operator, ParsesEverySpecAndRoundTrips) {
  for (std::string_view spec :
       {"keep", "nullify", "mask", "mask:3,4", "mask:0,0", "hash", "hash:16", "generalize:city",
        "generalize:province", "generalize:year", "generalize:age_band", "generalize:round2",
        "generalize:round0", "tokenize", "encrypt"}) {
    auto op = Operator::Parse(spec);
    ASSERT_TRUE(op.ok()) << spec << ": " << op.status().ToString();
    EXPECT_EQ(op->ToString(), spec);
    EXPECT_EQ(*Operator::Parse(op->ToString()), *op);
  }
  auto mask = *Operator::Parse("mask:3,4");
  EXPECT_EQ(mask.kind, OperatorKind::kMask);
  EXPECT_TRUE(mask.explicit_keep);
  EXPECT_EQ(mask.first, 3u);
  EXPECT_EQ(mask.last, 4u);
  EXPECT_EQ(mask.Name(), "mask");
  auto round = *Operator::Parse("generalize:round3");
  EXPECT_EQ(round.generalization, Generalization::kRound);
  EXPECT_EQ(round.decimals, 3u);
  EXPECT_EQ(Operator::Parse("hash:64")->ToString(), "hash");
}

TEST(Operator, RejectsBadSpecs) {
  for (std::string_view spec : {"",
                                "Mask",
                                "mask:",
                                "mask:3",
                                "mask:3,",
                                "mask:-1,2",
                                "mask:100,1",
                                "mask:3,4,5",
                                "hash:8",
                                "hash:65",
                                "hash:x",
                                "generalize",
                                "generalize:",
                                "generalize:town",
                                "generalize:round",
                                "generalize:round9",
                                "generalize:round-1",
                                "tokenize:1",
                                "keep:",
                                "nullify:x",
                                " keep",
                                "encrypt "}) {
    auto op = Operator::Parse(spec);
    EXPECT_EQ(op.status().code(), ErrorCode::kInvalidArgument) << spec;
  }
  EXPECT_NE(Operator::Parse("x").status().message().find("generalize:city"), std::string::npos);
}

}  // namespace
}  // namespace citydata::masking
