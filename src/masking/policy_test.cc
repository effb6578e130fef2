#include "masking/policy.h"

#include <gtest/gtest.h>

namespace citydata::masking {
namespace {

using security::Role;

std::string Decide(const MaskingPolicy& policy, std::string_view category, Level level, Role role,
                   Level clearance) {
  return policy.Decide(category, level, role, clearance).ToString();
}

TEST(MaskingPolicy, ClearedReadersSeeValuesUnchanged) {
  const MaskingPolicy& p = MaskingPolicy::BuiltIn();
  EXPECT_EQ(Decide(p, "id_card", Level::kGeneral4, Role::kConsumer, Level::kGeneral4), "keep");
  EXPECT_EQ(Decide(p, "id_card", Level::kGeneral4, Role::kAdmin, Level::kCore), "keep");
  EXPECT_EQ(Decide(p, "health", Level::kGeneral4, Role::kSteward, Level::kImportant), "keep");
  EXPECT_EQ(Decide(p, "", Level::kCore, Role::kAdmin, Level::kCore), "keep");
}

TEST(MaskingPolicy, BuiltInDefaultsForUnclearedReaders) {
  const MaskingPolicy& p = MaskingPolicy::BuiltIn();
  auto consumer = [&](std::string_view category, Level level = Level::kGeneral4) {
    return Decide(p, category, level, Role::kConsumer, Level::kGeneral1);
  };
  for (std::string_view category : {"name", "id_card", "mobile", "landline", "email", "address",
                                    "bank_card", "passport", "hk_macau_permit", "plate", "ip"}) {
    EXPECT_EQ(consumer(category), "mask") << category;
  }
  EXPECT_EQ(consumer("uscc"), "keep");
  EXPECT_EQ(consumer("birth_date"), "generalize:year");
  EXPECT_EQ(consumer("coordinates"), "generalize:round2");
  EXPECT_EQ(consumer("health"), "nullify");
  EXPECT_EQ(consumer("religion"), "nullify");
  EXPECT_EQ(consumer("ethnicity"), "nullify");
  EXPECT_EQ(consumer("salary"), "nullify");
  EXPECT_EQ(consumer("name", Level::kImportant), "nullify");
  EXPECT_EQ(consumer("uscc", Level::kCore), "nullify");
  EXPECT_EQ(Decide(p, "id_card", Level::kGeneral4, Role::kAuditor, Level::kGeneral1), "hash");
  EXPECT_EQ(Decide(p, "name", Level::kGeneral4, Role::kAuditor, Level::kGeneral1), "mask");
}

TEST(MaskingPolicy, FirstMatchingRuleWinsAndNoMatchNullifies) {
  auto p = MaskingPolicy::Parse(R"({"version": 7, "rules": [
      {"category": "mobile", "role": ["steward", "provider"], "operator": "mask:3,4"},
      {"category": "mobile", "clearance_at_most": "general-2", "operator": "hash:16"},
      {"category": "mobile", "level": "*", "role": "*", "operator": "tokenize"}]})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->version(), 7);
  EXPECT_EQ(Decide(*p, "mobile", Level::kGeneral4, Role::kSteward, Level::kGeneral1), "mask:3,4");
  EXPECT_EQ(Decide(*p, "mobile", Level::kGeneral4, Role::kConsumer, Level::kGeneral2), "hash:16");
  EXPECT_EQ(Decide(*p, "mobile", Level::kGeneral4, Role::kConsumer, Level::kGeneral3), "tokenize");
  EXPECT_EQ(Decide(*p, "email", Level::kGeneral4, Role::kConsumer, Level::kGeneral1), "nullify");
}

TEST(MaskingPolicy, JsonRoundTrips) {
  const MaskingPolicy& p = MaskingPolicy::BuiltIn();
  auto again = MaskingPolicy::FromJson(p.ToJson());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ToJson(), p.ToJson());
  EXPECT_EQ(again->rules().size(), p.rules().size());
  EXPECT_EQ(p.ToJson()["rules"][0]["level"], nlohmann::json({"core", "important"}));
  EXPECT_EQ(p.ToJson()["rules"][3]["category"], "uscc");
}

TEST(MaskingPolicy, ValidationNamesTheFault) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {"{", "not valid JSON"},
      {"[]", "version"},
      {R"({"version": 0, "rules": [{"operator": "keep"}]})", "version"},
      {R"({"version": 1})", "rules"},
      {R"({"version": 1, "rules": []})", "rules"},
      {R"({"version": 1, "rules": [1]})", "rule 1 is not"},
      {R"({"version": 1, "rules": [{}]})", "operator is required"},
      {R"({"version": 1, "rules": [{"operator": "blur"}]})", "rule 1: invalid masking operator"},
      {R"({"version": 1, "rules": [{"operator": "keep"}, {"role": "guest", "operator": "keep"}]})",
       "rule 2: unknown role 'guest'"},
      {R"({"version": 1, "rules": [{"level": "secret", "operator": "keep"}]})", "data level"},
      {R"({"version": 1, "rules": [{"clearance_at_most": 3, "operator": "keep"}]})",
       "clearance_at_most"},
      {R"({"version": 1, "rules": [{"categories": "name", "operator": "keep"}]})",
       "unknown field 'categories'"},
      {R"({"version": 1, "rules": [{"category": ["name", "*"], "operator": "keep"}]})",
       "category must be"},
      {R"({"version": 1, "rules": [{"category": [], "operator": "keep"}]})", "category must be"},
      {R"({"version": 1, "rules": [{"category": 5, "operator": "keep"}]})", "category must be"},
  };
  for (const Case& c : cases) {
    auto p = MaskingPolicy::Parse(c.json);
    ASSERT_FALSE(p.ok()) << c.json;
    EXPECT_EQ(p.status().code(), ErrorCode::kInvalidArgument) << c.json;
    EXPECT_NE(p.status().message().find(c.message), std::string::npos)
        << c.json << " → " << p.status().message();
  }
}

}  // namespace
}  // namespace citydata::masking
