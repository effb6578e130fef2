// Helpers shared by the audit tests (test-only).
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "audit/audit_log.h"

namespace citydata::audit::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("citydata_audit_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string db() const { return (path_ / "audit.db").string(); }

 private:
  std::filesystem::path path_;
};

inline AuditEvent MakeEvent(std::string actor, std::string action, int64_t rows = -1) {
  AuditEvent e;
  e.actor = std::move(actor);
  e.dept = "civil-affairs";
  e.action = std::move(action);
  e.target = "raw.people";
  e.columns = {"name", "sfzh"};
  e.rows = rows;
  e.purpose = "benefit check";
  e.client = "10.0.0.7";
  return e;
}

}  // namespace citydata::audit::testing
