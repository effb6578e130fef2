// Chinese personal names for synthetic people, and the typing mistakes clerks make
// with them.
#pragma once

#include <string>
#include <string_view>

#include "demo/random.h"
#include "standards/national_ids.h"

namespace citydata::demo {

// A surname drawn with the frequencies of the 2020 census (王 李 张 刘 陈 ... and a
// few compound surnames) and a one- or two-character given name typical of `sex`.
std::string RandomChineseName(Rng& rng, standards::Sex sex);

// `name` with one character replaced by a homophone (同音字), e.g. 张伟 → 张玮, as an
// input-method slip would. Returns `name` unchanged when none of its characters has a
// homophone in the table.
std::string HomophoneTypo(std::string_view name, Rng& rng);

}  // namespace citydata::demo
