// ValueScanner: every pattern of ValuePatterns() compiled once into one Hyperscan
// block-mode database, so one pass over a value finds the matches of all categories.
// kWhole patterns are anchored (\A...\z) and compiled with HS_FLAG_SINGLEMATCH;
// kEmbedded patterns with HS_FLAG_SOM_LEFTMOST, since confirming a match inside free
// text needs the matched substring.
//
// The scanner is immutable after Create and thread-safe; each thread scans with its
// own Scratch.
#pragma once

#include <memory>
#include <string_view>

#include "classify/value_patterns.h"
#include "core/status.h"

struct hs_database;
struct hs_scratch;

namespace citydata::classify {

class ValueScanner {
 public:
  // Per-thread scan space. Move-only.
  class Scratch {
   public:
    Scratch(Scratch&&) noexcept;
    Scratch& operator=(Scratch&&) noexcept;
    ~Scratch();

   private:
    friend class ValueScanner;
    explicit Scratch(hs_scratch* scratch) : scratch_(scratch) {}
    hs_scratch* scratch_;
  };

  // Internal when Hyperscan rejects a pattern (a bug in the pattern table) or this
  // CPU lacks the instructions Hyperscan needs (SSSE3).
  static Result<std::unique_ptr<ValueScanner>> Create();
  ~ValueScanner();
  ValueScanner(const ValueScanner&) = delete;
  ValueScanner& operator=(const ValueScanner&) = delete;

  // A new scratch for one thread. Throws std::bad_alloc when memory runs out, as any
  // allocation does.
  Scratch NewScratch() const;

  // The matches of `value`, confirmed (see MatchCollector). `scratch` must not be in
  // use by another thread.
  ValueMatches Scan(std::string_view value, Scratch& scratch) const;

 private:
  ValueScanner(hs_database* database, hs_scratch* prototype)
      : database_(database), prototype_(prototype) {}

  hs_database* database_;
  hs_scratch* prototype_;  // never scanned with; cloned by NewScratch
};

}  // namespace citydata::classify
