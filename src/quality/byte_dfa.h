// Whole-text matching of simple ASCII regular expressions with a byte DFA.
//
// A regex rule asks one question per row: does the whole value match? RE2 answers it
// in ~60 ns for a 20-byte value, most of it per-call overhead (argument handling,
// engine choice, a reader lock on the DFA cache). For the patterns data stewards
// mostly write (codes, e-mail shapes, status words: literals, classes, groups,
// alternation and repetition over ASCII), a DFA built once is a table lookup per
// byte.
//
// ByteDfa::Compile accepts only a subset of RE2's syntax whose meaning over bytes is
// unambiguous, so that Matches(text) == RE2::FullMatch(text, re) for every byte string,
// valid UTF-8 or not (an ASCII class matches one byte below 0x80, exactly as RE2's
// UTF-8 automaton does):
//   literals: printable ASCII other than the metacharacters, `\` before ASCII
//     punctuation, \n \t \r \f \v;
//   classes: \d \w \s, and [...] of those, ASCII characters and ranges (not negated,
//     no POSIX [:name:] classes);
//   (...) and (?:...) groups, `|`, and one of * + ? {n} {n,} {n,m} per atom (a lazy
//     `?` after it changes nothing for a whole-text match);
//   `^` first and `$` last (a whole-text match is anchored anyway).
// Everything else (`.`, negated classes, flags, Unicode classes, \b, other escapes,
// non-ASCII bytes), and patterns whose DFA would exceed kMaxStates states or take too
// long to build, yields nullptr: the caller uses RE2.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace citydata::quality {

class ByteDfa {
 public:
  static constexpr size_t kMaxStates = 1024;

  // The DFA of `pattern` (RE2 syntax), or nullptr when it is outside the subset
  // above. REQUIRES: `pattern` compiles with RE2 (its errors are RE2's to report).
  static std::unique_ptr<const ByteDfa> Compile(std::string_view pattern);

  // True when the whole of `text` matches the pattern.
  bool Matches(std::string_view text) const {
    uint32_t state = start_;
    for (unsigned char c : text) {
      state = next_[state + class_of_[c]];
      if (state == kDead) return false;
    }
    return accepting_[state / classes_] != 0;
  }

 private:
  static constexpr uint32_t kDead = 0;  // the state that matches nothing more

  ByteDfa() = default;

  // States are numbered by their offset in next_ (state index * classes_).
  uint32_t start_ = 0;
  uint32_t classes_ = 1;
  uint8_t class_of_[256] = {};      // byte -> its equivalence class
  std::vector<uint32_t> next_;      // offset + class -> next offset
  std::vector<uint8_t> accepting_;  // by state index
};

}  // namespace citydata::quality
