#include "classify/classifier.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "standards/national_ids.h"

namespace citydata::classify {
namespace {

std::string IdNumber(const std::string& body17) {
  return body17 + *standards::IdCheckCharacter(body17);
}

// Valid ID numbers born on 1985-03-12 in Hangzhou, sequence numbers from `first`.
std::vector<std::string> IdNumbers(int count, int first = 100) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i)
    ids.push_back(IdNumber("33010619850312" + std::to_string(first + i)));
  return ids;
}

std::vector<std::string_view> Views(const std::vector<std::string>& values) {
  return {values.begin(), values.end()};
}

class ClassifierTest : public testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Classifier>> created = Classifier::Create();
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    classifier_ = std::move(created).value();
  }

  ColumnClassification Classify(std::string_view name, const std::vector<std::string>& values) {
    return classifier_->ClassifyColumn(name, Views(values));
  }

  std::unique_ptr<Classifier> classifier_;
};

TEST_F(ClassifierTest, EvidenceSharesCountNonEmptyValues) {
  std::vector<std::string> values = IdNumbers(8);
  values.push_back("330106198503121000");  // shaped like an ID, wrong check character
  values.push_back(values[0].substr(0, 17) + (values[0][17] == '1' ? '2' : '1'));
  values.push_back("");
  ColumnClassification got = Classify("身份证号", values);
  EXPECT_EQ(got.category, "id_card");
  EXPECT_EQ(got.evidence.name_match, "身份证");
  EXPECT_DOUBLE_EQ(got.evidence.pattern_share, 1.0);
  EXPECT_DOUBLE_EQ(got.evidence.validator_share, 0.8);
}

TEST_F(ClassifierTest, NameRaisesConfidence) {
  std::vector<std::string> ids = IdNumbers(10);
  double named = Classify("sfzh", ids).confidence;
  double unnamed = Classify("c1", ids).confidence;
  EXPECT_GT(named, unnamed);
  EXPECT_GE(unnamed, 0.9);
  EXPECT_TRUE(Classify("c1", ids).evidence.name_match.empty());
}

TEST_F(ClassifierTest, IdNumberPassingLuhnIsNotAlsoABankCard) {
  std::vector<std::string> text;
  for (const std::string& id : IdNumbers(200)) {
    if (standards::PassesLuhn(id)) text.push_back("证件号" + id + "已核验");
  }
  ASSERT_GE(text.size(), 5u);
  ColumnClassification got = Classify("beizhu", text);
  EXPECT_EQ(got.category, "none");
  ASSERT_EQ(got.embedded.size(), 1u);
  EXPECT_EQ(got.embedded[0].category, "id_card");
  EXPECT_DOUBLE_EQ(got.embedded[0].share, 1.0);
}

TEST_F(ClassifierTest, EmbeddedNeedsStandAloneMatches) {
  // A mobile number inside a longer run of digits or letters is not one.
  std::vector<std::string> text = {"编号A13812345678", "编号913812345678", "13812345678B"};
  EXPECT_TRUE(Classify("remark", text).embedded.empty());
}

TEST_F(ClassifierTest, EmbeddedSharesAreSortedHighestFirst) {
  std::vector<std::string> ids = IdNumbers(1);
  std::vector<std::string> text = {"电话13812345678", "电话15900001111", "证件" + ids[0], "无"};
  ColumnClassification got = Classify("remark", text);
  ASSERT_EQ(got.embedded.size(), 2u);
  EXPECT_EQ(got.embedded[0].category, "mobile");
  EXPECT_DOUBLE_EQ(got.embedded[0].share, 0.5);
  EXPECT_EQ(got.embedded[1].category, "id_card");
  EXPECT_DOUBLE_EQ(got.embedded[1].share, 0.25);
}

TEST_F(ClassifierTest, InvalidUtf8IsHarmless) {
  std::vector<std::string> values = {std::string("\xE4\xB8", 2), std::string("\xFF\xFE\x80"),
                                     std::string("张\xE4", 4)};
  EXPECT_EQ(Classify("xm", values).category, "name");
}

TEST_F(ClassifierTest, RepeatedShortWordsAreNotNames) {
  std::vector<std::string> values;
  for (int i = 0; i < 30; ++i) values.push_back(i % 2 == 0 ? "王府" : "李庄");
  EXPECT_EQ(Classify("c3", values).category, "none");
}

TEST_F(ClassifierTest, ConcurrentCallsAgree) {
  std::vector<std::string> ids = IdNumbers(300);
  ColumnClassification expected = Classify("code", ids);
  auto run = [&] {
    for (int i = 0; i < 20; ++i) {
      ColumnClassification got = Classify("code", ids);
      EXPECT_EQ(got.category, expected.category);
      EXPECT_DOUBLE_EQ(got.confidence, expected.confidence);
    }
  };
  std::thread a(run), b(run);
  a.join();
  b.join();
}

}  // namespace
}  // namespace citydata::classify
