// Wall-clock time and identifiers.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace citydata {

// The current UTC time as ISO 8601 with seconds, e.g. "2026-11-22T23:59:59Z".
std::string NowIso();
// The UTC time `delay` from now, formatted like NowIso() (so such strings compare in
// time order).
std::string IsoAfter(std::chrono::seconds delay);
// `text` as a UTC time in the form NowIso() uses: "YYYY-MM-DDTHH:MM:SSZ" is taken as
// it is, a date "YYYY-MM-DD" means its midnight. nullopt for anything else, including
// impossible dates and times ("2026-02-30", "24:00:00").
std::optional<std::string> NormalizeIsoUtc(std::string_view text);
// Today's UTC date as "YYYY-MM-DD".
std::string TodayIso();
// A new unique id: `prefix` + UTC timestamp + 8 random hex digits, e.g.
// "job_20261122T235959_3fa9c1d2". Sorts by creation time.
std::string NewId(const std::string& prefix);

}  // namespace citydata
