// Cron schedules: when a periodic job (a quality run, a pipeline) is due.
#pragma once

#include <bitset>
#include <ctime>
#include <string>
#include <string_view>

#include "core/status.h"

namespace citydata {

// Five fields, "minute hour day-of-month month day-of-week", each `*`, a number, a
// range `a-b`, a list `a,b,c` or a step `*/n` / `a-b/n`. Day of week is 0-7 with 0 and 7
// both Sunday. As in Vixie cron, when both day-of-month and day-of-week are
// restricted, a time matching either is due. Examples: "0 2 * * *" (02:00 daily),
// "*/15 8-18 * * 1-5" (every quarter hour in office hours on weekdays).
class CronSchedule {
 public:
  // InvalidArgument naming the field for anything else.
  static Result<CronSchedule> Parse(std::string_view text);

  // True when the minute `local` (broken-down local time) is due.
  bool Matches(const std::tm& local) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;
  std::bitset<13> months_;
  std::bitset<8> weekdays_;
  bool any_day_ = true;      // day-of-month was "*"
  bool any_weekday_ = true;  // day-of-week was "*"
};

}  // namespace citydata
