#include "core/cron.h"

#include <gtest/gtest.h>

namespace citydata {
namespace {

std::tm At(int year, int month, int day, int hour, int minute) {
  std::tm t{};
  t.tm_year = year - 1900;
  t.tm_mon = month - 1;
  t.tm_mday = day;
  t.tm_hour = hour;
  t.tm_min = minute;
  std::time_t when = timegm(&t);
  gmtime_r(&when, &t);  // fills tm_wday
  return t;
}

TEST(Cron, DailyAndSteps) {
  auto daily = CronSchedule::Parse("0 2 * * *");
  ASSERT_TRUE(daily.ok());
  EXPECT_TRUE(daily->Matches(At(2026, 11, 23, 2, 0)));
  EXPECT_FALSE(daily->Matches(At(2026, 11, 23, 2, 1)));
  auto office = CronSchedule::Parse("*/15 8-18 * * 1-5");
  ASSERT_TRUE(office.ok());
  EXPECT_TRUE(office->Matches(At(2026, 11, 23, 9, 45)));   // Monday
  EXPECT_FALSE(office->Matches(At(2026, 11, 22, 9, 45)));  // Sunday
  EXPECT_FALSE(office->Matches(At(2026, 11, 23, 19, 0)));
}

TEST(Cron, DayOfMonthOrWeekdayAndSundaySeven) {
  auto s = CronSchedule::Parse("0 0 1 * 7");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->Matches(At(2026, 12, 1, 0, 0)));   // the 1st (a Tuesday)
  EXPECT_TRUE(s->Matches(At(2026, 11, 22, 0, 0)));  // a Sunday
  EXPECT_FALSE(s->Matches(At(2026, 11, 23, 0, 0)));
}

TEST(Cron, RejectsBadSchedules) {
  for (const char* bad : {"", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "*/0 * * * *",
                          "5-1 * * * *", "a * * * *", "* * * 13 *", "1,,2 * * * *"}) {
    EXPECT_FALSE(CronSchedule::Parse(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace citydata
