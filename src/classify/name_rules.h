// Column-name evidence: which category a column's name points to.
//
// Names are matched against a table of rules in three vocabularies: Chinese terms
// (身份证, 联系电话, 户籍地址 ...), pinyin initials (sfzh, lxdh, hjdz ...) and English
// words (id_card, phone, address ...). Pure and thread-safe.
#pragma once

#include <string_view>

#include "classify/category.h"

namespace citydata::classify {

struct NameMatch {
  Category category = Category::kNone;
  // A second category the name fits as well, e.g. "联系电话" is a mobile or a
  // landline; the values decide between them. kNone when there is none.
  Category alternate = Category::kNone;
  // The rule that matched, e.g. "身份证" or "id_card"; empty when none did. Valid
  // for the whole program run.
  std::string_view rule;
  double strength = 0;  // 0..1: 0.9 for specific terms, 0.5..0.8 for generic ones
};

// The best rule for `column_name`, or a NameMatch with category kNone.
//
// The name is trimmed, full-width folded and ASCII lower-cased. Chinese rules match
// anywhere in it. ASCII rules match whole tokens: the name is split at anything not
// a letter or digit, at camelCase humps and between letters and digits, and a rule
// such as "id_card" matches the tokens id, card or the single token idcard; so "ip"
// does not match "zip" or "description", and pinyin initials such as "xm" do not
// match "xmmc". Some rules also look at the token before them: "name" only counts
// alone or after a person word (real_name, contact_name, not dept_name or
// company_name), "address" not after a technical one (mac_address).
//
// When several rules match, the one ending last wins (Chinese and English names put
// the head noun last: 联系人电话 is a phone, 身份证地址 an address), then the
// stronger, then the longer. Chinese rules win over ASCII ones in mixed names.
NameMatch MatchColumnName(std::string_view column_name);

}  // namespace citydata::classify
