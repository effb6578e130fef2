#include "classify/value_scanner.h"

#include <hs/hs.h>

#include <cassert>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace citydata::classify {
namespace {

struct Compiled {
  std::vector<std::string> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
};

Compiled Expressions() {
  Compiled out;
  std::span<const ValuePattern> patterns = ValuePatterns();
  for (size_t i = 0; i < patterns.size(); ++i) {
    bool whole = patterns[i].kind == PatternKind::kWhole;
    std::string regex(patterns[i].regex);
    out.expressions.push_back(whole ? "\\A(?:" + regex + ")\\z" : regex);
    out.flags.push_back(whole ? HS_FLAG_SINGLEMATCH : HS_FLAG_SOM_LEFTMOST);
    out.ids.push_back(static_cast<unsigned>(i));
  }
  return out;
}

Result<hs_database_t*> Compile() {
  Compiled compiled = Expressions();
  std::vector<const char*> pointers;
  for (const std::string& e : compiled.expressions) pointers.push_back(e.c_str());
  hs_database_t* database = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(pointers.data(), compiled.flags.data(), compiled.ids.data(),
                       static_cast<unsigned>(pointers.size()), HS_MODE_BLOCK, nullptr, &database,
                       &error) != HS_SUCCESS) {
    std::string message = "hyperscan rejected classification pattern " +
                          std::to_string(error->expression) + ": " + error->message;
    hs_free_compile_error(error);
    return Internal(message);
  }
  return database;
}

int OnMatch(unsigned id, unsigned long long from, unsigned long long to, unsigned /*flags*/,
            void* context) {
  auto* collector = static_cast<MatchCollector*>(context);
  collector->OnMatch(ValuePatterns()[id], static_cast<size_t>(from), static_cast<size_t>(to));
  return 0;
}

}  // namespace

ValueScanner::Scratch::Scratch(Scratch&& other) noexcept
    : scratch_(std::exchange(other.scratch_, nullptr)) {}

ValueScanner::Scratch& ValueScanner::Scratch::operator=(Scratch&& other) noexcept {
  std::swap(scratch_, other.scratch_);
  return *this;
}

ValueScanner::Scratch::~Scratch() { hs_free_scratch(scratch_); }

Result<std::unique_ptr<ValueScanner>> ValueScanner::Create() {
  if (hs_valid_platform() != HS_SUCCESS) {
    return Internal("this CPU lacks SSSE3, which the Hyperscan pattern scanner needs");
  }
  ASSIGN_OR_RETURN(hs_database_t * database, Compile());
  hs_scratch_t* prototype = nullptr;
  if (hs_alloc_scratch(database, &prototype) != HS_SUCCESS) {
    hs_free_database(database);
    return ResourceExhausted("cannot allocate Hyperscan scratch space");
  }
  return std::unique_ptr<ValueScanner>(new ValueScanner(database, prototype));
}

ValueScanner::~ValueScanner() {
  hs_free_scratch(prototype_);
  hs_free_database(database_);
}

ValueScanner::Scratch ValueScanner::NewScratch() const {
  hs_scratch_t* clone = nullptr;
  if (hs_clone_scratch(prototype_, &clone) != HS_SUCCESS) throw std::bad_alloc();
  return Scratch(clone);
}

ValueMatches ValueScanner::Scan(std::string_view value, Scratch& scratch) const {
  MatchCollector collector(value);
  [[maybe_unused]] hs_error_t status =
      hs_scan(database_, value.data(), static_cast<unsigned>(value.size()), 0, scratch.scratch_,
              OnMatch, &collector);
  assert(status == HS_SUCCESS && "hs_scan fails only on a bad database or a busy scratch");
  return collector.Finish();
}

}  // namespace citydata::classify
